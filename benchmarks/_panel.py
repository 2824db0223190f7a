"""The quality panel: datasets, splits and one cell of ``bench_quality.py``.

Every dataset comes with a fixed 75/25 train/test split (``random_state=0``,
stratified for classifiers). ``split='validation'`` splits the training part
once more, 80/20 (``random_state=1``), and reports on that validation part:
the recipe is chosen there, and the test part is only used for the panel.

A cell is (dataset, seed, setting). The dense model of a seed is trained once
(``MLPClassifier``/``MLPRegressor`` with sklearn's defaults and the panel's
hidden sizes); every pruned setting starts from it through ``from_estimator``,
which is what ``PrunedMLP*(prune_ratio=r, random_state=seed).fit`` does after
its dense training (same weights, same random stream), so the fit cost of a
pruned model is the dense fit's plus the pruning's. Costs are
``time.thread_time()`` seconds (one BLAS thread) and epochs.
"""

import time
import warnings

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    make_classification,
    make_friedman1,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune.exceptions import PruningConvergenceWarning

# name -> (hidden sizes, task)
DATASETS = {
    "digits-100": ((100,), "clf"),
    "digits-64x64": ((64, 64), "clf"),
    "mc-4class": ((100,), "clf"),
    "mc-10class-flip": ((100, 100), "clf"),
    "friedman1": ((100,), "reg"),
    # real data shipped with scikit-learn (issue 25): the small binary task
    # (426 training rows) and the small regression (331 rows)
    "breast-cancer": ((64,), "clf"),
    "diabetes": ((100,), "reg"),
    "mnist-10k": ((300, 100), "clf"),
}
EQUAL_SIZE_MAX_ITER = 2000  # the small dense baselines: trained to convergence


def load(name, split="test", data_dir=None):
    """``X_train, y_train, X_eval, y_eval`` of a panel dataset."""
    task = DATASETS[name][1]
    if name.startswith("digits"):
        X, y = load_digits(return_X_y=True)
        X = X / 16
    elif name == "mc-4class":
        X, y = make_classification(
            n_samples=6000,
            n_features=40,
            n_informative=15,
            n_redundant=5,
            n_classes=4,
            random_state=0,
        )
        X = StandardScaler().fit_transform(X)
    elif name == "mc-10class-flip":
        X, y = make_classification(
            n_samples=6000,
            n_features=40,
            n_informative=20,
            n_redundant=5,
            n_classes=10,
            n_clusters_per_class=2,
            flip_y=0.1,
            class_sep=1.5,
            random_state=0,
        )
        X = StandardScaler().fit_transform(X)
    elif name == "friedman1":
        X, y = make_friedman1(n_samples=4000, n_features=10, noise=1.0, random_state=0)
    elif name == "breast-cancer":
        X, y = load_breast_cancer(return_X_y=True)
    elif name == "diabetes":
        X, y = load_diabetes(return_X_y=True)
    elif name == "mnist-10k":
        from _data import load_mnist_split

        X_tr, X_te, y_tr, y_te = load_mnist_split(data_dir)
        X, y = None, None
    else:
        raise ValueError(name)
    strat = task == "clf"
    if X is not None:
        X_tr, X_te, y_tr, y_te = train_test_split(
            X, y, test_size=0.25, random_state=0, stratify=y if strat else None
        )
    if split == "validation":
        X_tr, X_te, y_tr, y_te = train_test_split(
            X_tr, y_tr, test_size=0.2, random_state=1, stratify=y_tr if strat else None
        )
    if name in ("breast-cancer", "diabetes"):  # scaler fit on the training part
        scaler = StandardScaler().fit(X_tr)
        X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
    if task == "reg":  # standardise the target on the training part
        mu, sd = y_tr.mean(), y_tr.std()
        y_tr, y_te = (y_tr - mu) / sd, (y_te - mu) / sd
    return X_tr, y_tr, X_te, y_te


def _classes(task):
    return (
        (MLPClassifier, PrunedMLPClassifier)
        if task == "clf"
        else (MLPRegressor, PrunedMLPRegressor)
    )


def fit_dense(name, seed, data):
    X_tr, y_tr, X_te, y_te = data
    hidden, task = DATASETS[name]
    dense_cls, _ = _classes(task)
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.thread_time()
        est = dense_cls(hidden_layer_sizes=hidden, random_state=seed).fit(X_tr, y_tr)
        seconds = time.thread_time() - start
    total = sum(c.size for c in est.coefs_)
    return est, {
        "dataset": name,
        "seed": seed,
        "setting": "dense",
        "score": float(est.score(X_te, y_te)),
        "train_score": float(est.score(X_tr, y_tr)),
        "seconds": seconds,
        "epochs": int(est.n_iter_),
        "n_nonzero": total,
        "total": total,
        "converged": int(est.n_iter_) < est.max_iter,
    }


def equal_size_hidden(hidden, n_in, n_out, nnz):
    """Hidden sizes ``k * hidden`` (k > 0, each >= 1) whose dense weights ~ nnz."""

    def n_weights(sizes):
        layers = [n_in, *sizes, n_out]
        return sum(a * b for a, b in zip(layers[:-1], layers[1:]))

    best = None
    for width in range(1, max(hidden) + 1):
        sizes = tuple(max(1, round(h * width / max(hidden))) for h in hidden)
        gap = abs(n_weights(sizes) - nnz)
        if best is None or gap < best[0]:
            best = (gap, sizes)
    return best[1], n_weights(best[1])


def fit_pruned(name, seed, data, dense, dense_row, setting, params, recipe=None):
    """One pruned (or equal-size dense) cell.

    ``params`` go to ``from_estimator``; ``recipe``: the fields of a variant
    :class:`skprune._pruning.Recipe` (a dict; None for the default), set on a
    subclass of the estimator for this cell only.
    """
    X_tr, y_tr, X_te, y_te = data
    hidden, task = DATASETS[name]
    dense_cls, pruned_cls = _classes(task)
    if recipe:
        from skprune._pruning import Recipe

        pruned_cls = type(
            pruned_cls.__name__, (pruned_cls,), {"_recipe": Recipe(**recipe)}
        )
    with threadpool_limits(1), warnings.catch_warnings(record=True) as caught:
        # the later filter is matched first: ours is a ConvergenceWarning
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("always", PruningConvergenceWarning)
        start = time.thread_time()
        est = pruned_cls.from_estimator(dense, X_tr, y_tr, random_state=seed, **params)
        seconds = time.thread_time() - start
    history = est.pruning_history_
    epochs = sum(r["n_iter"] or 0 for r in history[1:])
    return {
        "dataset": name,
        "seed": seed,
        "setting": setting,
        "params": params,
        "recipe": recipe,
        "score": float(est.score(X_te, y_te)),
        "train_score": float(est.score(X_tr, y_tr)),
        "sparsity": est.sparsity_,
        "n_nonzero": est.n_nonzero_,
        "hidden_layer_sizes": list(est.hidden_layer_sizes_),
        "seconds": dense_row["seconds"] + seconds,
        "prune_seconds": seconds,
        "epochs": dense_row["epochs"] + epochs,
        "n_steps": len(history) - 1,
        "warnings": [
            str(w.message)
            for w in caught
            if issubclass(w.category, PruningConvergenceWarning)
        ],
        "warning_classes": [
            w.category.__name__
            for w in caught
            if issubclass(w.category, PruningConvergenceWarning)
        ],
        "history": [
            {
                k: r[k]
                for k in ("step", "target_sparsity", "loss", "n_iter", "recovered")
            }
            for r in history
        ],
    }


def fit_equal_size(name, seed, data, nnz, hidden_override=None):
    """A dense MLP with ~nnz weights, trained from scratch to convergence."""
    X_tr, y_tr, X_te, y_te = data
    hidden, task = DATASETS[name]
    dense_cls, _ = _classes(task)
    n_out = (
        1
        if task == "reg"
        else (len(np.unique(y_tr)) if len(np.unique(y_tr)) > 2 else 1)
    )
    if hidden_override is not None:
        sizes = tuple(hidden_override)
        layers = [X_tr.shape[1], *sizes, n_out]
        n_w = sum(a * b for a, b in zip(layers[:-1], layers[1:]))
    else:
        sizes, n_w = equal_size_hidden(hidden, X_tr.shape[1], n_out, nnz)
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.thread_time()
        est = dense_cls(
            hidden_layer_sizes=sizes, random_state=seed, max_iter=EQUAL_SIZE_MAX_ITER
        ).fit(X_tr, y_tr)
        seconds = time.thread_time() - start
    return {
        "dataset": name,
        "seed": seed,
        "hidden": list(sizes),
        "n_weights": n_w,
        "score": float(est.score(X_te, y_te)),
        "train_score": float(est.score(X_tr, y_tr)),
        "seconds": seconds,
        "epochs": int(est.n_iter_),
        "converged": int(est.n_iter_) < EQUAL_SIZE_MAX_ITER,
    }
