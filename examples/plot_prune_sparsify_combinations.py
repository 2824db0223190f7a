"""
=================================================
Three ways to combine pruning and sparsification
=================================================

*Pruning* removes the weights a criterion scores lowest, on a schedule.
*Sparsification* makes training itself push weights to zero: a penalty
(``sparsity_penalty``) shrinks them and a threshold (``sparsity_threshold``)
turns the small ones into exact zeros. skprune lets you combine any criterion
with any sparsifier; three combinations from the literature:

1. **entropy + L1**: prune the connections out of low-entropy (uninformative)
   neurons, while an L1 penalty ``sparsity_alpha * sum |w|`` shrinks all
   weights during training and re-training;
2. **magnitude + L2 + threshold**: after Han et al. (2015), an L2 penalty
   ``sparsity_alpha / 2 * sum w^2`` keeps weights small, magnitude pruning
   removes the smallest, and every weight that ends below the threshold
   becomes an exact zero too;
3. **gradient + SGD L1 shrinkage**: with ``solver='sgd'`` the L1 penalty acts
   as a shrinkage step in every update (each weight moves towards zero by
   ``learning_rate * sparsity_alpha / batch_size``; a sub-gradient step that
   does not stop at zero, so a small threshold makes the zeros exact), and the
   weights whose accumulated loss gradients ``G = sum |g|`` are smallest are
   pruned.

Each is compared with plain magnitude pruning at the same ``prune_ratio``,
and with sparsification alone (no pruning, ``prune_ratio=0``).
"""

# %%
# Fit the five models
# -------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import PrunedMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, random_state=0, stratify=y
)
common = dict(hidden_layer_sizes=(64,), max_iter=200, random_state=0)
settings = {
    "magnitude (plain)": dict(prune_ratio=0.9, prune_criterion="magnitude"),
    "entropy + L1": dict(
        prune_ratio=0.9,
        prune_criterion="entropy",
        sparsity_penalty="l1",
        sparsity_alpha=0.2,
    ),
    "magnitude + L2 + threshold": dict(
        prune_ratio=0.9,
        prune_criterion="magnitude",
        sparsity_penalty="l2",
        sparsity_alpha=0.5,
        sparsity_threshold=0.02,
    ),
    "gradient + SGD L1 shrinkage": dict(
        prune_ratio=0.9,
        prune_criterion="gradient",
        solver="sgd",
        learning_rate_init=0.05,
        sparsity_penalty="l1",
        sparsity_alpha=0.2,
        sparsity_threshold=1e-3,
    ),
    "L1 + threshold, no pruning": dict(
        prune_ratio=0.0,
        sparsity_penalty="l1",
        sparsity_alpha=0.2,
        sparsity_threshold=0.01,
    ),
}
# 'adam' and 'sgd' are still slowly improving after ``max_iter=200`` epochs on
# this small dataset; the ConvergenceWarning would repeat for every model.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    models = {
        name: PrunedMLPClassifier(**common, **params).fit(X_train, y_train)
        for name, params in settings.items()
    }

# %%
# Accuracy, sparsity and the size of the weights
# ----------------------------------------------
# ``sparsity_`` can exceed ``prune_ratio``: the threshold zeroes weights on top
# of the pruned ones. ``hidden_layer_sizes_`` shows that the penalties also
# starve whole neurons, which the compressed network then drops.
for name, model in models.items():
    live = np.concatenate([c[c != 0] for c in model.coefs_])
    print(
        f"{name:>28}: accuracy {model.score(X_test, y_test):.3f}, "
        f"sparsity {model.sparsity_:.3f}, hidden neurons {model.hidden_layer_sizes_}, "
        f"sum |w| {np.abs(live).sum():6.1f}"
    )

# %%
# The surviving weights
# ---------------------
# Histograms of ``log10 |w|`` of the non-zero weights: the penalties move the
# whole distribution towards zero, and the thresholds cut it off sharply.
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
bins = np.linspace(-4, 1, 41)
for name, model in models.items():
    live = np.concatenate([c[c != 0] for c in model.coefs_])
    ax.hist(
        np.log10(np.abs(live)),
        bins=bins,
        histtype="step",
        linewidth=1.5,
        label=f"{name} ({live.size} weights)",
    )
ax.set_xlabel("log10 |w| of the non-zero connection weights")
ax.set_ylabel("count")
ax.legend(fontsize="small")
plt.show()

# %%
# On this split the three combinations matched or beat plain magnitude pruning
# at 90% sparsity with much smaller weights, and sparsification alone reached
# a high sparsity without any pruning schedule (compare the printed numbers).
# Which one wins depends on the data and on ``sparsity_alpha``: tune them like
# any hyper-parameter (see the GridSearchCV example).
