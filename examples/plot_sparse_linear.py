"""
======================================================
Sparse linear regression by SGD that finds its support
======================================================

:class:`~sklearn.linear_model.SGDRegressor` with ``penalty='l1'`` leaves many
small non-zero coefficients unless ``alpha`` is tuned just right.
:class:`skprune.SparseSGDRegressor` trains the same SGD model and then prunes
its features inside ``fit``: it removes the lowest-scored half of the features,
refits the rest, and repeats while a held-out validation score stays within
``max_loss_rise`` of the best one. With its default parameters it finds the
support of a sparse problem by itself, and its coefficients are exact zeros
elsewhere -- also after streaming more data through ``partial_fit``.
"""

# %%
# A sparse regression problem: 12 of 400 features matter
import numpy as np
from sklearn.datasets import make_regression
from sklearn.linear_model import LassoCV, SGDRegressor
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skprune import SparseSGDRegressor

X, y, true_coef = make_regression(
    n_samples=6000,
    n_features=400,
    n_informative=12,
    noise=5.0,
    coef=True,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
true_support = true_coef != 0


def report(name, coef, model):
    support = np.asarray(coef).ravel() != 0
    print(
        f"{name:<28} support F1 {f1_score(true_support, support):.3f}  "
        f"non-zeros {support.sum():>3}  test R^2 {model.score(X_test, y_test):.5f}"
    )


# %%
# sklearn's SGD with an L1 penalty, LassoCV, and the pruned SGD model
for alpha in [1e-4, 1e-2, 1.0]:
    sgd = SGDRegressor(penalty="l1", alpha=alpha, random_state=0)
    sgd.fit(X_train, y_train)
    report(f"SGDRegressor l1 alpha={alpha:g}", sgd.coef_, sgd)

lasso = LassoCV(cv=3, random_state=0).fit(X_train, y_train)
report("LassoCV", lasso.coef_, lasso)

sparse_sgd = SparseSGDRegressor(random_state=0).fit(X_train, y_train)
report("SparseSGDRegressor (default)", sparse_sgd.coef_, sparse_sgd)

# %%
# How far pruning went: each step halves the support until the validation
# error rises by more than 1% (and by more than its noise); then the support
# size is bisected between the last accepted and the first refused step.
for record in sparse_sgd.pruning_history_:
    verdict = "accepted" if record["accepted"] else "refused"
    print(
        f"step {record['step']:>2}: {record['n_features']:>3} features, "
        f"validation R^2 {record['validation_score']:.5f} ({verdict})"
    )

# %%
# The fitted model: a dense ``coef_`` with exact zeros, its CSR form, and the
# support. ``predict`` reads only the support columns of a dense ``X``.
print("coef_ shape", sparse_sgd.coef_.shape)
print("coef_sparse_", repr(sparse_sgd.coef_sparse_))
print("support found:", np.flatnonzero(sparse_sgd.support_))
print("true support: ", np.flatnonzero(true_support))

# %%
# Streaming: ``partial_fit`` trains only the support, so pruned coefficients
# stay exactly zero while the model keeps learning from new batches.
rng = np.random.RandomState(1)
for _ in range(5):
    batch = rng.randint(0, X_train.shape[0], size=500)
    sparse_sgd.partial_fit(X_train[batch], y_train[batch])
print(
    "after 5 partial_fit batches: non-zeros",
    sparse_sgd.n_nonzero_,
    "- pruned coefficients all zero:",
    bool(np.all(sparse_sgd.coef_[~sparse_sgd.support_] == 0)),
)

# %%
# Coefficients of the three models and the pruning path (needs matplotlib)
try:
    import matplotlib.pyplot as plt
except ImportError:  # matplotlib is optional: pip install "skprune[plot]"
    plt = None

if plt is not None:
    sgd = SGDRegressor(penalty="l1", alpha=1e-4, random_state=0).fit(X_train, y_train)
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4))
    idx = np.arange(X.shape[1])
    ax0.plot(idx, sgd.coef_, ".", color="tab:gray", label="SGDRegressor l1, alpha=1e-4")
    ax0.plot(
        idx,
        sparse_sgd.coef_,
        "o",
        mfc="none",
        color="tab:blue",
        label="SparseSGDRegressor",
    )
    ax0.plot(
        idx[true_support],
        true_coef[true_support],
        "x",
        color="tab:red",
        label="true coefficients",
    )
    ax0.set_xlabel("feature")
    ax0.set_ylabel("coefficient")
    ax0.legend(loc="upper right", fontsize="small")

    hist = sparse_sgd.pruning_history_
    for accepted, marker, label in [(True, "o", "accepted"), (False, "x", "refused")]:
        rows = [r for r in hist if r["accepted"] == accepted]
        ax1.plot(
            [r["n_features"] for r in rows],
            [1 - r["validation_score"] for r in rows],
            marker,
            linestyle="none",
            label=label,
        )
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("features kept")
    ax1.set_ylabel("1 - validation R^2")
    ax1.set_title("pruning path")
    ax1.legend()
    fig.tight_layout()
