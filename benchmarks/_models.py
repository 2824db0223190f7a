"""Trained benchmark models, cached on disk so reruns never retrain.

Each model is a dense ``MLPClassifier`` trained with sklearn's defaults on the
MNIST-10k training split (``random_state=0``), then pruned with skprune's
default recipe (``PrunedMLPClassifier.from_estimator`` with its defaults:
``prune_criterion='auto'``, ``finetune_iter='auto'``, ``random_state=0``). The
cache holds plain arrays (``.npz``: weights, masks, classes), never pickles, so
a cache written by one version of skprune loads in any other; the pruned
models' file names carry ``RECIPE`` (bump it when the default recipe changes,
so that an old cache is not taken for the new recipe's models).

    python benchmarks/_models.py            # train whatever is missing
"""

import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import load_mnist_split  # noqa: E402

CACHE = Path(os.environ.get("SKPRUNE_BENCH_CACHE", "/tmp/skprune-bench-models"))
NETS = {"lenet": (300, 100), "wide": (1000, 1000)}
RECIPE = "recipe2"  # 2026-12: prune_criterion='auto', finetune_iter='auto'

# (net, kind, level): kind 'weights' prunes connections, 'neurons' whole neurons
MODELS = (
    [("lenet", "dense", 0.0)]
    + [("lenet", "weights", s) for s in (0.5, 0.9, 0.95, 0.98)]
    + [("lenet", "neurons", s) for s in (0.5, 0.75)]
    + [("wide", "dense", 0.0), ("wide", "weights", 0.95)]
)


def _path(net, kind, level):
    tag = "" if kind == "dense" else f"-{RECIPE}"
    return CACHE / f"{net}-{kind}-{int(round(level * 100))}{tag}.npz"


def _dense(net, X, y):
    from sklearn.neural_network import MLPClassifier

    path = _path(net, "dense", 0.0)
    if path.exists():
        return _mlp_from(np.load(path), X, y)
    t = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp = MLPClassifier(hidden_layer_sizes=NETS[net], random_state=0).fit(X, y)
    _save(
        path,
        mlp.coefs_,
        mlp.intercepts_,
        [np.ones(c.shape, bool) for c in mlp.coefs_],
        mlp.classes_,
        mlp.n_iter_,
    )
    print(
        f"trained {path.name} in {time.time() - t:.0f} s ({mlp.n_iter_} epochs)",
        flush=True,
    )
    return mlp


def _save(path, coefs, intercepts, masks, classes, n_iter):
    arrays = {"classes": classes, "n_iter": np.array(n_iter)}
    for i, (c, b, m) in enumerate(zip(coefs, intercepts, masks)):
        arrays[f"coef{i}"], arrays[f"bias{i}"], arrays[f"mask{i}"] = c, b, m
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)


def _mlp_from(arrays, X, y):
    """A fitted MLPClassifier holding the cached weights."""
    from sklearn.neural_network import MLPClassifier

    n = sum(k.startswith("coef") for k in arrays.files)
    coefs = [arrays[f"coef{i}"] for i in range(n)]
    # sklearn's defaults, as the dense model was trained (from_estimator takes
    # its parameters, and its n_iter_ sizes the re-training budgets)
    mlp = MLPClassifier(hidden_layer_sizes=tuple(c.shape[1] for c in coefs[:-1]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp.partial_fit(X[:50], y[:50], classes=arrays["classes"])
    for layer in range(n):
        mlp.coefs_[layer][...] = coefs[layer]
        mlp.intercepts_[layer][...] = arrays[f"bias{layer}"]
    mlp.n_iter_ = int(arrays["n_iter"])
    return mlp


def load(net, kind, level, X=None, y=None, **params):
    """A fitted PrunedMLPClassifier (or, for kind 'dense', MLPClassifier) from the
    cache, trained first if missing. ``params`` are set on the pruned model."""
    from skprune import PrunedMLPClassifier

    if X is None:
        X, _, y, _ = load_mnist_split()
    path = _path(net, kind, level)
    if not path.exists():
        dense = _dense(net, X, y)
        if kind != "dense":
            t = time.time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pruned = PrunedMLPClassifier.from_estimator(
                    dense,
                    X,
                    y,
                    prune_ratio=level,
                    random_state=0,
                    prune_granularity="weight" if kind == "weights" else "neuron",
                )
            _save(
                path,
                pruned.coefs_,
                pruned.intercepts_,
                pruned.masks_,
                pruned.classes_,
                pruned.n_iter_,
            )
            print(f"trained {path.name} in {time.time() - t:.0f} s", flush=True)
    arrays = np.load(path)
    mlp = _mlp_from(arrays, X, y)
    if kind == "dense":
        return mlp
    return _pruned_from(
        mlp, [arrays[f"mask{i}"] for i in range(len(mlp.coefs_))], X, y, **params
    )


def _pruned_from(mlp, masks, X, y, **params):
    """A fitted PrunedMLPClassifier with exactly these weights and masks, built
    the way a file is loaded (``__setstate__`` of the packed form)."""
    from skprune import PrunedMLPClassifier
    from skprune._files._codec import pack_layer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        template = PrunedMLPClassifier.from_estimator(
            mlp, X[:50], y[:50], prune_ratio=0.0, finetune_iter=0, **params
        )
    state = template.__getstate__()
    state["coefs_"] = [pack_layer(c, m) for c, m in zip(mlp.coefs_, masks)]
    state["intercepts_"] = [b.copy() for b in mlp.intercepts_]
    pruned = PrunedMLPClassifier.__new__(PrunedMLPClassifier)
    pruned.__setstate__(state)
    return pruned


if __name__ == "__main__":
    CACHE.mkdir(parents=True, exist_ok=True)
    X, _, y, _ = load_mnist_split()
    for spec in MODELS:
        load(*spec, X=X, y=y)
        print("ready", _path(*spec).name, flush=True)
