"""
=====================================================
Tuning ``prune_ratio`` with GridSearchCV
=====================================================

``prune_ratio`` is an ordinary hyper-parameter: cross-validate it like any
other. A plain grid search picks the most *accurate* ratio, which is rarely the
one you want; :func:`~skprune.model_selection.sparsest_within` gives
``GridSearchCV`` a ``refit`` rule that picks the *sparsest* model whose score is
within an accuracy budget of the best.
:class:`~skprune.inspection.PruningCurveDisplay` then shows the whole
trade-off, for several pruning criteria against the random baseline, and
:class:`~skprune.inspection.PruningHistoryDisplay` shows what happened inside
one ``fit``.
"""

# %%
# Data and a small network
# ------------------------
# sklearn's digits (8x8 images, 10 classes), scaled to [0, 1]. ``lbfgs`` is
# the fast solver for a dataset this small.
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split

from skprune import PrunedMLPClassifier
from skprune.inspection import PruningCurveDisplay, PruningHistoryDisplay
from skprune.model_selection import sparsest_within

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, random_state=0, stratify=y
)
mlp = PrunedMLPClassifier(
    hidden_layer_sizes=(64,), solver="lbfgs", max_iter=100, random_state=0
)

# %%
# Grid search over ``prune_ratio``
# --------------------------------
# ``refit`` accepts a callable that receives ``cv_results_`` and returns the
# index of the model to refit. :func:`skprune.model_selection.sparsest_within`
# builds that rule: the largest ``prune_ratio`` whose mean validation accuracy
# is at most ``tolerance`` below the best one (here 2 points; the default
# ``'1se'`` is one standard error of the best mean).
prune_ratios = [0.5, 0.8, 0.9, 0.95, 0.98]

# ``max_iter=100`` caps the re-training after the last pruning step, which
# would otherwise warn (ConvergenceWarning) for most of the 15 fits.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    search = GridSearchCV(
        mlp,
        {"prune_ratio": prune_ratios},
        cv=3,
        refit=sparsest_within(0.02),
        n_jobs=2,
    ).fit(X_train, y_train)

for ratio, mean, std in zip(
    prune_ratios,
    search.cv_results_["mean_test_score"],
    search.cv_results_["std_test_score"],
):
    print(f"prune_ratio {ratio:.2f}: accuracy {mean:.3f} +- {std:.3f}")
best = search.best_estimator_
print(
    f"chosen prune_ratio {search.best_params_['prune_ratio']}: "
    f"{best.n_nonzero_} non-zero weights (compression "
    f"{best.compression_ratio_:.0f}x), test accuracy "
    f"{best.score(X_test, y_test):.3f}"
)

# %%
# The whole trade-off, per criterion
# ----------------------------------
# :class:`~skprune.inspection.PruningCurveDisplay` cross-validates every
# (criterion, ratio) pair and always adds the ``'random'`` criterion: a
# criterion is only worth its cost where it beats random pruning. The x-axis is
# the *achieved* sparsity; with ``log_compression=True`` it is the compression
# ratio ``total / nnz`` on a log scale, which spreads out the high sparsities
# where the criteria differ.
fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    curve = PruningCurveDisplay.from_estimator(
        mlp,
        X_train,
        y_train,
        prune_ratios=prune_ratios,
        criteria=["magnitude", "entropy"],
        cv=3,
        n_jobs=2,
        score_name="Accuracy",
        ax=axes[0],
    )
curve.plot(ax=axes[1], log_compression=True, std_display_style="errorbar")
axes[0].set_title("Validation accuracy against sparsity")
axes[1].set_title("... against the compression ratio")

# %%
# The curve's numbers are kept on the display (one row per ratio, one column
# per fold):
for criterion, scores in curve.scores.items():
    print(f"{criterion:>9}: " + "  ".join(f"{s:.3f}" for s in scores.mean(axis=1)))

# %%
# Inside one ``fit``
# ------------------
# The chosen model's ``pruning_history_``: the cubic schedule prunes fast at
# first and slowly at the end; every step is followed by masked re-training.
PruningHistoryDisplay.from_estimator(best)
plt.show()
