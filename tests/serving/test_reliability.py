"""Determinism (same random_state, same bits) and thread safety of predict."""

import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import make_regression

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._pruning.criteria import MLP_CRITERIA

CRITERIA = tuple(MLP_CRITERIA)


def _fitted_arrays(est):
    return {
        "coefs_": est.coefs_,
        "intercepts_": est.intercepts_,
        "masks_": est.masks_,
        "loss_curve_": getattr(est, "loss_curve_", None),
        "history": [
            (r["sparsity"], r["loss"], r["validation_score"])
            for r in est.pruning_history_
        ],
    }


def assert_bit_identical(a, b):
    fa, fb = _fitted_arrays(a), _fitted_arrays(b)
    for key in ("coefs_", "intercepts_", "masks_"):
        assert len(fa[key]) == len(fb[key])
        for x, y in zip(fa[key], fb[key]):
            assert x.dtype == y.dtype
            np.testing.assert_array_equal(x, y, err_msg=key, strict=True)
    assert fa["loss_curve_"] == fb["loss_curve_"]
    assert fa["history"] == fb["history"]


DETERMINISM = dict(
    hidden_layer_sizes=(24, 12),
    max_iter=12,
    n_prune_steps=2,
    finetune_iter=2,
    prune_ratio=0.6,
    solver="adam",
)


@pytest.mark.parametrize("granularity", ["weight", "neuron"])
@pytest.mark.parametrize("criterion", CRITERIA)
def test_same_random_state_gives_bit_identical_models(digits, criterion, granularity):
    X, y = digits
    X, y = X[:600], y[:600]
    params = dict(DETERMINISM, prune_criterion=criterion, prune_granularity=granularity)
    a = PrunedMLPClassifier(random_state=3, **params).fit(X, y)
    b = PrunedMLPClassifier(random_state=3, **params).fit(X, y)
    assert_bit_identical(a, b)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X), strict=True)
    # a different seed: different weights and different masks
    c = PrunedMLPClassifier(random_state=4, **params).fit(X, y)
    assert not all(np.array_equal(u, v) for u, v in zip(a.coefs_, c.coefs_))
    assert not all(np.array_equal(u, v) for u, v in zip(a.masks_, c.masks_))


@pytest.mark.parametrize(
    "cls, params",
    [
        # every use of randomness at once: sgd shuffling, a random criterion, the
        # max_score_drop split, early stopping's split, sample weights
        (
            PrunedMLPClassifier,
            dict(
                solver="sgd",
                learning_rate_init=0.05,
                prune_criterion="random",
                max_score_drop=0.5,
                early_stopping=True,
                n_iter_no_change=3,
            ),
        ),
        (
            PrunedMLPClassifier,
            dict(
                solver="lbfgs",
                prune_criterion="entropy",
                prune_scope="layer",
                sparsity_penalty="l1",
                sparsity_threshold=1e-3,
            ),
        ),
        (
            PrunedMLPRegressor,
            dict(
                solver="adam",
                prune_criterion="taylor",
                prune_granularity="neuron",
                max_score_drop=0.5,
            ),
        ),
    ],
)
def test_determinism_across_settings(digits, cls, params):
    if cls is PrunedMLPClassifier:
        X, y = digits
        X, y = X[:500], y[:500]
    else:
        X, y = make_regression(n_samples=300, n_features=10, noise=1.0, random_state=0)
        y = y / y.std()
    sw = np.random.RandomState(0).uniform(0.5, 2.0, len(X))
    base = {**DETERMINISM, **params}
    models = []
    for seed in (11, 11, 12):
        est = cls(random_state=seed, **base).fit(X, y, sample_weight=sw)
        models.append(est)
    assert_bit_identical(models[0], models[1])
    assert not all(
        np.array_equal(u, v) for u, v in zip(models[0].coefs_, models[2].coefs_)
    )
    # a RandomState instance: two fresh generators with the same seed agree
    a = cls(random_state=np.random.RandomState(5), **base).fit(X, y, sample_weight=sw)
    b = cls(random_state=np.random.RandomState(5), **base).fit(X, y, sample_weight=sw)
    assert_bit_identical(a, b)


THREADS = 8


@pytest.mark.parametrize(
    "cls, inference_format, inference_dtype, chunk_bytes",
    [
        # small chunks (a few dozen rows): many chunks per call
        (PrunedMLPClassifier, "sparse", "float64", 1 << 14),
        (PrunedMLPClassifier, "dense", "float32", 1 << 14),
        (PrunedMLPRegressor, "auto", "float32", 1 << 14),
        # the real chunk sizes
        (PrunedMLPClassifier, "auto", "float64", None),
    ],
)
def test_threads_predicting_on_one_estimator_get_identical_results(
    digits, monkeypatch, cls, inference_format, inference_dtype, chunk_bytes
):
    import skprune._serving._compressed as compressed

    if chunk_bytes is not None:
        monkeypatch.setattr(compressed, "CHUNK_BYTES", chunk_bytes)
    X, y = digits
    if cls is PrunedMLPRegressor:
        y = y / 9.0
    est = cls(
        hidden_layer_sizes=(64, 32),
        max_iter=10,
        n_prune_steps=2,
        finetune_iter=1,
        prune_ratio=0.9,
        random_state=0,
        inference_format=inference_format,
        inference_dtype=inference_dtype,
    ).fit(X[:600], y[:600])
    rng = np.random.RandomState(0)
    chunk = est.compressed_.chunk_size
    big = np.tile(X, (int(np.ceil(2.5 * chunk / len(X))), 1))
    big = big + 0.01 * rng.randn(*big.shape)
    batches = [X[:1], X[:37], X, big, sparse.csr_matrix(X[::3]), big[: chunk + 1]]
    # batches larger than a chunk run the chunked loop of CompressedMLP
    assert sum(b.shape[0] > chunk for b in batches) >= 2
    methods = ["predict"] + (["predict_proba"] if hasattr(est, "predict_proba") else [])
    expected = {
        (i, m): getattr(est, m)(b) for i, b in enumerate(batches) for m in methods
    }

    tasks = [(i, m) for i in range(len(batches)) for m in methods] * 4
    random.Random(0).shuffle(tasks)

    def run(task):
        i, method = task
        return task, getattr(est, method)(batches[i])

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(run, tasks))
    assert len(results) == len(tasks)
    for task, out in results:
        np.testing.assert_array_equal(
            out, expected[task], strict=True, err_msg=str(task)
        )
