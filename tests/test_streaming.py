"""Streaming: partial_fit over chunks of a numpy.memmap keeps the masks exact."""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

from skprune import PrunedMLPClassifier, PrunedMLPRegressor

N_SAMPLES, N_FEATURES, CHUNK = 4000, 20, 500


def to_memmap(path, array):
    """Write ``array`` to ``path`` and open it again read-only, as a stream."""
    out = np.memmap(path, dtype=array.dtype, mode="w+", shape=array.shape)
    out[:] = array
    out.flush()
    del out
    return np.memmap(path, dtype=array.dtype, mode="r", shape=array.shape)


def chunks(n, size):
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def assert_masks_exact(est, masks):
    for coef, mask, kept in zip(est.coefs_, est.masks_, masks):
        np.testing.assert_array_equal(mask, kept)
        assert np.all(coef[~mask] == 0.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_classifier_partial_fit_over_memmap_chunks(tmp_path, dtype):
    X, y = make_classification(
        n_samples=N_SAMPLES + 1000,
        n_features=N_FEATURES,
        n_informative=10,
        n_classes=3,
        random_state=0,
    )
    X_test, y_test = X[N_SAMPLES:], y[N_SAMPLES:]
    Xm = to_memmap(tmp_path / "X.dat", X[:N_SAMPLES].astype(dtype))
    ym = to_memmap(tmp_path / "y.dat", y[:N_SAMPLES].astype(np.int8))

    # prune on the first chunk (what fits in memory), then stream the rest
    first = chunks(N_SAMPLES, CHUNK)[0]
    clf = PrunedMLPClassifier(
        hidden_layer_sizes=(32,),
        prune_ratio=0.8,
        max_iter=50,
        n_prune_steps=2,
        finetune_iter=5,
        random_state=0,
    ).fit(Xm[first], ym[first])
    masks = [m.copy() for m in clf.masks_]
    live_before = [c[m].copy() for c, m in zip(clf.coefs_, masks)]
    sparsity, nnz = clf.sparsity_, clf.n_nonzero_
    score_before = clf.score(X_test, y_test)

    for _epoch in range(3):
        for part in chunks(N_SAMPLES, CHUNK):
            clf.partial_fit(Xm[part], ym[part])
            assert_masks_exact(clf, masks)
    assert clf.sparsity_ == sparsity and clf.n_nonzero_ == nnz
    assert clf.sparsity_ >= 0.8 - 1.0 / sum(c.size for c in clf.coefs_)
    # the streamed data did train the live weights, and helped
    assert any(
        not np.array_equal(c[m], before)
        for c, m, before in zip(clf.coefs_, masks, live_before)
    )
    assert clf.score(X_test, y_test) > score_before
    # the compressed network still serves exactly the masked weights
    dense = [np.where(m, c, 0.0) for c, m in zip(clf.coefs_, masks)]
    hidden = np.maximum(X_test @ dense[0] + clf.intercepts_[0], 0.0)
    logits = hidden @ dense[1] + clf.intercepts_[1]
    np.testing.assert_array_equal(
        clf.predict(X_test), clf.classes_[np.argmax(logits, axis=1)]
    )


def test_regressor_partial_fit_over_memmap_chunks(tmp_path):
    X, y = make_regression(
        n_samples=N_SAMPLES, n_features=N_FEATURES, noise=1.0, random_state=0
    )
    y = y / np.std(y)
    Xm = to_memmap(tmp_path / "X.dat", X)
    ym = to_memmap(tmp_path / "y.dat", y)
    reg = PrunedMLPRegressor(
        hidden_layer_sizes=(32,),
        prune_ratio=0.7,
        prune_granularity="neuron",
        max_iter=100,
        n_prune_steps=2,
        finetune_iter=5,
        random_state=0,
    )
    reg.fit(Xm[:CHUNK], ym[:CHUNK])
    masks = [m.copy() for m in reg.masks_]
    hidden = reg.hidden_layer_sizes_
    loss_before = np.mean((reg.predict(Xm) - ym) ** 2)
    for _epoch in range(3):
        for part in chunks(N_SAMPLES, CHUNK):
            reg.partial_fit(Xm[part], ym[part])
            assert_masks_exact(reg, masks)
    # whole neurons stay removed: the compressed network keeps its size
    assert reg.hidden_layer_sizes_ == hidden
    assert np.mean((reg.predict(Xm) - ym) ** 2) < loss_before
