"""Multi-core predict (issue 23): threads as sklearn's, results bit for bit.

The session runs under ``threadpool_limits(1)`` and ``OMP_NUM_THREADS=1``
(conftest.py), so a test that wants two threads asks for them: either
``n_threads=2`` on the compressed network, or ``threadpool_limits(2,
user_api="openmp")``, which raises sklearn's OpenMP thread count as it would
for sklearn's own compiled predict paths.
"""

import copy
import os
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import make_multilabel_classification
from sklearn.neural_network import MLPClassifier
from threadpoolctl import ThreadpoolController, threadpool_limits

from skprune import PrunedMLPClassifier
from skprune._serving import CompressedMLP, _compressed, _threads
from skprune._serving._compressed import NonFiniteInputError


def _network(formats, dtype, seed=0, sizes=(40, 30, 20, 5), density=0.3):
    rng = np.random.RandomState(seed)
    coefs = [rng.randn(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
    masks = [rng.rand(*c.shape) < density for c in coefs]
    for m in masks:  # every neuron keeps an input and an output
        m[rng.randint(0, m.shape[0], m.shape[1]), np.arange(m.shape[1])] = True
        m[np.arange(m.shape[0]), rng.randint(0, m.shape[1], m.shape[0])] = True
    intercepts = [rng.randn(b) for b in sizes[1:]]
    net = CompressedMLP(coefs, intercepts, masks, "relu", "softmax", "auto", dtype)
    if formats != "auto":
        net = CompressedMLP(coefs, intercepts, masks, "relu", "softmax", formats, dtype)
    return net


NETWORKS = [
    ("sparse", "float64"),
    ("sparse", "float32"),
    ("dense", "float64"),  # all dense: BLAS products over whole chunks
    ("dense", "float32"),
]


@pytest.mark.parametrize("fmt, dtype", NETWORKS)
@pytest.mark.parametrize("n", [1, 9, 64, 130, 1000, 2049])
@pytest.mark.parametrize("chunk_size", [None, 100, 640])
def test_outputs_identical_on_one_and_two_threads(fmt, dtype, n, chunk_size):
    net = _network(fmt, dtype)
    X = np.random.RandomState(1).randn(n, 40).astype(dtype)
    one = net.forward(X, chunk_size, n_threads=1)
    two = net.forward(X, chunk_size, n_threads=2)
    three = net.forward(X, chunk_size, n_threads=3)
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(one, three)


def test_mixed_formats_and_converted_inputs_identical_on_threads():
    # a CSR first layer then a BLAS layer in the tile kernel; X sparse,
    # Fortran-ordered and integer (each piece converts its own rows)
    rng = np.random.RandomState(0)
    coefs = [rng.randn(40, 30), rng.randn(30, 20), rng.randn(20, 3)]
    masks = [rng.rand(40, 30) < 0.05, np.ones((30, 20), bool), np.ones((20, 3), bool)]
    masks[0][np.arange(40), rng.randint(0, 30, 40)] = True
    net = CompressedMLP(
        coefs,
        [np.zeros(30), np.zeros(20), np.zeros(3)],
        masks,
        "tanh",
        "logistic",
        "auto",
        "float64",
    )
    assert net.formats[0] == "sparse" and "dense" in net.formats
    X = rng.randn(777, 40)
    for data in (X, np.asfortranarray(X), sparse.csr_matrix(X), (X * 10).astype(int)):
        np.testing.assert_array_equal(
            net.forward(data, 128, n_threads=1), net.forward(data, 128, n_threads=2)
        )


def test_pieces_keep_tiles_and_tails():
    net = _network("sparse", "float64")
    for n, step, threads in [(1000, 640, 2), (2049, 100, 2), (130, 640, 4)]:
        pieces = net._pieces(n, step, threads)
        assert pieces[0][0] == 0 and pieces[-1][1] == n
        assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
        for start, stop in pieces:
            chunk_start = start - start % step
            # a piece starts a whole number of tiles into its chunk, and only
            # a chunk's last piece may hold a partial tile
            assert (start - chunk_start) % 64 == 0
            chunk_end = min(chunk_start + step, n)
            assert stop == chunk_end or (stop - start) % 64 == 0
    # X read in place: chunks of whole tiles merge into one call per piece
    assert net._pieces(1000, 640, 1, in_place=True) == [(0, 1000)]
    assert net._pieces(1000, 100, 1, in_place=True) == net._pieces(1000, 100, 1)
    dense = _network("dense", "float64")
    assert dense._pieces(1000, 640, 1) == dense._pieces(1000, 640, 2)


def test_error_is_the_first_failing_piece_as_in_one_thread():
    net = _network("sparse", "float32")
    X = np.random.RandomState(0).randn(4000, 40)
    X[3900, 0] = 1e300  # beyond float32, late
    X[2100, 5] = np.nan  # non-finite, earlier
    for threads in (1, 2):
        with pytest.raises(NonFiniteInputError):
            net.forward(X, 256, n_threads=threads)


def test_blas_held_at_one_thread_inside_and_restored():
    net = _network("dense", "float64")
    X = np.random.RandomState(0).randn(600, 40)
    seen = []
    blas = ThreadpoolController().select(user_api="blas")
    with threadpool_limits(2, user_api="blas"):
        net.map(
            X,
            lambda rows, out: seen.append(
                [lib.get_num_threads() for lib in blas.lib_controllers]
            ),
            n_threads=2,
        )
        assert seen and all(n == 1 for counts in seen for n in counts)
        assert all(lib.get_num_threads() == 2 for lib in blas.lib_controllers)


@pytest.fixture(scope="module")
def classifier(digits):
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return PrunedMLPClassifier(
            hidden_layer_sizes=(32,),
            max_iter=30,
            n_prune_steps=2,
            prune_ratio=0.8,
            finetune_iter=3,
            random_state=0,
        ).fit(X[:600], y[:600])


def _threads_used(est, X, method, monkeypatch):
    """The result, and the thread count the network ran its pieces with."""
    counts, run_pieces = [], _compressed.run_pieces

    def spy(pieces, work, n_threads):
        counts.append(n_threads)
        return run_pieces(pieces, work, n_threads)

    monkeypatch.setattr(_compressed, "run_pieces", spy)
    result = getattr(est, method)(X)
    monkeypatch.undo()
    return result, counts


@pytest.mark.parametrize("method", ["predict_proba", "predict"])
def test_threads_follow_threadpoolctl(classifier, digits, monkeypatch, method):
    est = copy.deepcopy(classifier)
    net = est._network()
    # rows whose estimated kernel time is twice the parallel threshold
    n = int(2 * _threads.PARALLEL_MIN_NS / net.tile_ns * 64)
    X = np.tile(digits[0], (n // digits[0].shape[0] + 1, 1))[:n]
    with threadpool_limits(2, user_api="openmp"):
        two, counts2 = _threads_used(est, X, method, monkeypatch)
    with threadpool_limits(1):
        one, counts1 = _threads_used(est, X, method, monkeypatch)
    assert counts1 == [1] and counts2 == [2]
    np.testing.assert_array_equal(one, two)
    # a small batch runs in the calling thread whatever the thread count
    with threadpool_limits(2, user_api="openmp"):
        _, small = _threads_used(est, X[:5], method, monkeypatch)
    assert small == [1]


def test_two_threads_both_work():
    # the pool really runs pieces (each piece is slow enough that the calling
    # thread cannot take them all before the pool thread starts)
    net = _network("sparse", "float64", sizes=(400, 300, 300, 10), density=0.5)
    names, run = set(), net._run

    def spy(X, rows, out):
        names.add(threading.current_thread().name)
        barrier.wait(timeout=30)  # the first two pieces meet here
        return run(X, rows, out)

    barrier = threading.Barrier(2)
    net._run = spy
    X = np.random.RandomState(0).randn(256, 400)
    net.forward(X, 128, n_threads=2)
    assert len(names) == 2


def test_omp_num_threads_one_means_one_thread():
    code = "from skprune._serving import _threads; print(_threads.n_threads_for(1e12))"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "1"
    env["OMP_NUM_THREADS"] = "3"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "3"


def _sklearn_labels(est, X):
    """sklearn's MLPClassifier.predict on the same network outputs."""
    out = est._network().forward(X)
    if est.n_outputs_ == 1:
        out = out.ravel()
    return est._label_binarizer.inverse_transform(out)


@pytest.mark.parametrize("n", [1, 7, 64, 65, 1000, 1797])
@pytest.mark.parametrize("threads", [1, 2])
def test_labels_as_sklearn_multiclass(classifier, digits, n, threads):
    X, y = digits
    est = copy.deepcopy(classifier)
    with threadpool_limits(threads, user_api="openmp"):
        got = est.predict(X[:n])
    want = _sklearn_labels(est, X[:n])
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("kind", ["binary", "strings", "multilabel", "single"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_labels_as_sklearn_other_targets(kind, dtype, digits):
    X, y = digits
    X = X[:400]
    if kind == "binary":
        y = (y[:400] > 4).astype(int) * 3 - 1  # classes -1, 2
    elif kind == "strings":
        y = np.array(["zero", "one", "two"])[y[:400] % 3]
    elif kind == "multilabel":
        X, y = make_multilabel_classification(400, 64, n_classes=4, random_state=0)
    else:
        y = np.full(400, 7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = PrunedMLPClassifier(
            hidden_layer_sizes=(16,),
            max_iter=20,
            n_prune_steps=1,
            prune_ratio=0.5,
            finetune_iter=2,
            random_state=0,
            inference_dtype=dtype,
        ).fit(X, y)
        plain = MLPClassifier(hidden_layer_sizes=(16,), max_iter=1).fit(X, y)
    plain.coefs_ = [c.astype(dtype) for c in est.coefs_]
    plain.intercepts_ = [b.astype(dtype) for b in est.intercepts_]
    for n in (1, 3, 64, 400):
        for threads in (1, 2):
            with threadpool_limits(threads, user_api="openmp"):
                got = est.predict(X[:n])
            want = _sklearn_labels(est, X[:n])
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_array_equal(got, want)
    if dtype == "float64":  # and as sklearn's own MLP on the same weights
        np.testing.assert_array_equal(est.predict(X), plain.predict(X))
