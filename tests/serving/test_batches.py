"""predict / predict_proba in batches: bounded extra memory, identical outputs.

Memory is measured with tracemalloc (numpy reports its buffers to it): the peak
of traced memory during one call, minus what was traced before it and minus the
returned array, is the *extra* memory of the call. It must not grow with
n_samples.
"""

import gc
import tracemalloc

import numpy as np
import pytest
from sklearn.datasets import make_regression
from threadpoolctl import threadpool_limits

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._sklearn_compat import InvalidParameterError

KIB = 1024
MIB = 1024 * KIB


def extra_peak(method, X):
    """Peak bytes allocated by ``method(X)`` beyond its returned array."""
    # a first call may compile the kernels for these dtypes, and allocates the
    # (per thread, per network) scratch tiles of the kernel variants (64-row,
    # 8-row and 1-row tiles, and the row-major rows of an all-dense network)
    method(X[:139])
    method(X[:40])
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        out = method(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - before - out.nbytes, out


@pytest.fixture(scope="module")
def digits(digits):
    """This module's part of the shared digits fixture (tests/conftest.py)."""
    X, y = digits
    return X[:600], y[:600]


def classifier(X, y, **params):
    base = dict(
        hidden_layer_sizes=(64, 32),
        solver="lbfgs",
        max_iter=30,
        n_prune_steps=1,
        finetune_iter=2,
        prune_ratio=0.8,
        random_state=0,
    )
    return PrunedMLPClassifier(**{**base, **params}).fit(X, y)


@pytest.fixture(scope="module")
def models(digits):
    """Fitted once; each test sets the inference_batch_size it needs."""
    X, y = digits
    with threadpool_limits(1):  # small fits: BLAS threads only add contention
        return {
            "multiclass": classifier(X, y),
            "binary": classifier(X, y % 2),
            "multiclass, CSR layers": classifier(X, y, inference_format="sparse"),
            "binary, float32": classifier(X, y % 2, inference_dtype="float32"),
        }


def big(n, n_features, dtype=np.float64, seed=0):
    return np.random.default_rng(seed).random((n, n_features)).astype(dtype)


@pytest.mark.parametrize(
    "name", ["multiclass", "binary", "multiclass, CSR layers", "binary, float32"]
)
def test_extra_memory_does_not_grow_with_n_samples(models, name):
    clf = models[name].set_params(inference_batch_size=500)
    binary = name.startswith("binary")
    n = 10_000
    small, out_small = extra_peak(clf.predict_proba, big(n, 64))
    large, out_large = extra_peak(clf.predict_proba, big(4 * n, 64))
    assert out_large.shape == (4 * n, 2 if binary else 10)
    # the same batches run in both calls: the same extra memory, to 64 KiB
    assert abs(large - small) <= 64 * KIB, (small, large)
    # ... and it is about one batch: 500 rows x 64 features, a few arrays
    assert large <= 8 * 500 * 64 * 8, large
    # an X that must be converted first (Fortran order) is converted batch by
    # batch: the same bound, and the check can fail: without batching the
    # extra memory of that conversion grows with n
    fortran = np.asfortranarray(big(4 * n, 64))
    converted, _ = extra_peak(clf.predict_proba, fortran)
    assert converted <= 8 * 500 * 64 * 8, converted
    clf.set_params(inference_batch_size=10**9)
    unbatched, _ = extra_peak(clf.predict_proba, fortran)
    assert unbatched > 5 * converted


def test_auto_batches_are_bounded_too(digits):
    X, y = digits
    # a wide hidden layer: 'auto' batches of 4 MiB / (512 * 8 B) = 1024 rows
    clf = classifier(
        X[:300],
        y[:300],
        hidden_layer_sizes=(512,),
        prune_ratio=0.5,
        # magnitude keeps all 512 neurons alive; entropy empties the dead
        # (constant) ones first and the compressed layer is narrower
        prune_criterion="magnitude",
        max_iter=5,
        finetune_iter=0,
    )
    rows = clf.compressed_.chunk_size
    assert rows == 1024
    small, _ = extra_peak(clf.predict_proba, big(4 * rows, 64))
    large, _ = extra_peak(clf.predict_proba, big(16 * rows, 64))
    assert abs(large - small) <= 64 * KIB, (small, large)
    assert large <= 6 * MIB


def test_regressor_predict_and_memmap_input(tmp_path):
    X, y = make_regression(n_samples=300, n_features=20, random_state=0)
    reg = PrunedMLPRegressor(
        hidden_layer_sizes=(64,),
        solver="lbfgs",
        max_iter=50,
        prune_ratio=0.7,
        n_prune_steps=1,
        inference_batch_size=256,
        random_state=0,
    )
    reg.fit(X, y / np.std(y))
    n = 20_000
    extras = []
    for rows in (n, 4 * n):
        data = np.memmap(
            tmp_path / f"X{rows}.dat", dtype=np.float32, mode="w+", shape=(rows, 20)
        )
        data[:] = big(rows, 20, np.float32)
        data.flush()
        Xm = np.memmap(
            tmp_path / f"X{rows}.dat", dtype=np.float32, mode="r", shape=(rows, 20)
        )
        extra, pred = extra_peak(reg.predict, Xm)
        assert pred.shape == (rows,)
        np.testing.assert_allclose(pred[:1000], reg.predict(np.asarray(Xm[:1000])))
        extras.append(extra)
        del Xm, data
    assert abs(extras[1] - extras[0]) <= 64 * KIB, extras
    assert extras[1] <= 256 * KIB


def test_training_form_is_batched_too(models):
    # the full masked weights (used while training, e.g. for early-stopping
    # scores) run in batches as well, with the same outputs
    clf = models["multiclass"].set_params(inference_batch_size=300)
    Xb = big(12_000, 64)
    expected = clf.predict_proba(Xb)
    net = clf.__dict__.pop("compressed_")
    try:
        small, _ = extra_peak(clf.predict_proba, Xb[:3000])
        large, proba = extra_peak(clf.predict_proba, Xb)
    finally:
        clf.compressed_ = net
    np.testing.assert_allclose(proba, expected, rtol=1e-10, atol=1e-12)
    assert abs(large - small) <= 64 * KIB, (small, large)


@pytest.mark.parametrize("size", ["auto", 1, 7, 5000, 10**6])
def test_outputs_do_not_depend_on_the_batch_size(digits, models, size):
    X, y = digits
    clf = models["multiclass"].set_params(inference_batch_size="auto")
    reference = clf.predict_proba(X)
    labels = clf.predict(X)
    clf.set_params(inference_batch_size=size)  # no refit needed
    np.testing.assert_allclose(clf.predict_proba(X), reference, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(clf.predict(X), labels)
    # binary problems take the two-column path
    binary = models["binary"].set_params(inference_batch_size=size)
    proba = binary.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    binary.set_params(inference_batch_size="auto")
    np.testing.assert_allclose(proba, binary.predict_proba(X), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("size", [0, -1, 2.5, "big", None])
def test_invalid_batch_size(digits, models, size):
    X, y = digits
    with pytest.raises(InvalidParameterError, match="inference_batch_size"):
        PrunedMLPClassifier(inference_batch_size=size).fit(X[:50], y[:50])
    clf = models["multiclass"]
    clf.set_params(inference_batch_size=size)  # set after fit: checked at predict
    try:
        with pytest.raises(ValueError, match="inference_batch_size must be"):
            clf.predict(X[:5])
    finally:
        clf.set_params(inference_batch_size="auto")
