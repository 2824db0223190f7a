"""
======================================================
Prune input pixels and sparsify them inside a Pipeline
======================================================

:class:`skprune.PruneSparsifyTransformer` keeps the input features that a
pruning criterion scores highest and turns the small remaining values into
exact zeros. Unlike :class:`~sklearn.feature_selection.SelectFromModel` it can
use an MLP as the importance source: here the pixels of the digits are scored
by the weights of a pruned network, by their entropy and by the loss gradient,
then a :class:`~sklearn.pipeline.Pipeline` with a pruned classifier is tuned
over both ``prune_ratio`` parameters.
"""

# %%
# Score the 64 pixels of the digits three ways
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline

from skprune import PrunedMLPClassifier, PruneSparsifyTransformer

# the networks below train briefly, to keep this example fast
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, random_state=0, stratify=y
)
mlp = PrunedMLPClassifier(
    hidden_layer_sizes=(32,),
    solver="lbfgs",
    max_iter=200,
    prune_ratio=0.8,
    random_state=0,
)
selectors = {
    "entropy": PruneSparsifyTransformer("entropy", max_features=16),
    "importance": PruneSparsifyTransformer("importance", mlp, max_features=16),
    "gradient": PruneSparsifyTransformer("gradient", mlp, max_features=16),
}
for selector in selectors.values():
    selector.fit(X_train, y_train)


def show(support):
    """The 8x8 pixel grid: '#' kept, '.' pruned."""
    return "\n".join(
        " ".join("#" if kept else "." for kept in row) for row in support.reshape(8, 8)
    )


for name, selector in selectors.items():
    print(f"{name}: the 16 kept pixels\n{show(selector.get_support())}\n")

# %%
# The scores as images (needs matplotlib: ``pip install "skprune[plot]"``)
try:
    import matplotlib.pyplot as plt
except ImportError:  # pragma: no cover - matplotlib is optional
    plt = None
if plt is not None:
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
    for ax, (name, selector) in zip(axes, selectors.items()):
        ax.imshow(selector.scores_.reshape(8, 8), cmap="viridis")
        rows, cols = np.nonzero(selector.get_support().reshape(8, 8))
        ax.scatter(cols, rows, marker="s", s=30, facecolors="none", edgecolors="white")
        ax.set_title(f"{name} (kept: squares)")
        ax.set_axis_off()
    fig.tight_layout()


# %%
# A downstream model on 16 of the 64 pixels, against 16 random pixels
def downstream_accuracy(X_tr, X_te):
    clf = LogisticRegression(max_iter=500).fit(X_tr, y_train)
    return clf.score(X_te, y_test)


print(f"all 64 pixels: accuracy {downstream_accuracy(X_train, X_test):.3f}")
for name, selector in selectors.items():
    acc = downstream_accuracy(selector.transform(X_train), selector.transform(X_test))
    print(f"{name:>10}: 16 pixels, accuracy {acc:.3f}")
rng = np.random.RandomState(0)
random_acc = []
for _ in range(5):
    cols = rng.choice(64, 16, replace=False)
    random_acc.append(downstream_accuracy(X_train[:, cols], X_test[:, cols]))
print(
    f"{'random':>10}: 16 pixels, accuracy {np.mean(random_acc):.3f} (mean of 5 draws)"
)

# %%
# Sparsify the kept values: small intensities become exact zeros, and the
# output is a SciPy CSR matrix when it is sparse enough (or when asked)
sparsifier = PruneSparsifyTransformer(
    "importance", mlp, prune_ratio=0.5, sparsity_threshold=0.5, sparse_output=True
).fit(X_train, y_train)
start = time.perf_counter()
Xt = sparsifier.transform(X_test)
seconds = time.perf_counter() - start
density = Xt.nnz / np.prod(Xt.shape)
print(
    f"{type(Xt).__name__} of shape {Xt.shape}, density {density:.3f} "
    f"(training data: {sparsifier.density_:.3f}); transform took "
    f"{1e3 * seconds:.2f} ms"
)
print(f"kept feature names: {sparsifier.get_feature_names_out()[:6].tolist()} ...")

# %%
# A Pipeline tuned by GridSearchCV over both prune ratios: the fraction of
# input pixels dropped and the fraction of the classifier's weights pruned
small = dict(
    hidden_layer_sizes=(32,),
    solver="lbfgs",
    max_iter=100,
    n_prune_steps=2,
    random_state=0,
)
pipe = Pipeline(
    [
        (
            "prune",
            PruneSparsifyTransformer(
                "importance", PrunedMLPClassifier(prune_ratio=0.5, **small)
            ),
        ),
        ("clf", PrunedMLPClassifier(**small)),
    ]
)
search = GridSearchCV(
    pipe,
    {"prune__prune_ratio": [0.25, 0.5, 0.75], "clf__prune_ratio": [0.5, 0.9]},
    cv=3,
).fit(X_train, y_train)
for params, score in zip(
    search.cv_results_["params"], search.cv_results_["mean_test_score"]
):
    print(
        f"pixels dropped {params['prune__prune_ratio']:.2f}, "
        f"weights pruned {params['clf__prune_ratio']:.2f}: CV accuracy {score:.3f}"
    )
best = search.best_estimator_
print(
    f"best: {search.best_params_}, test accuracy {best.score(X_test, y_test):.3f}, "
    f"{best['prune'].get_support().sum()} pixels in, "
    f"{best['clf'].n_nonzero_} non-zero weights"
)
