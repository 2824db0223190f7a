"""The compressed inference network, alone and inside the estimators.

(What a file holds of it: tests/files/test_codec.py.)
"""

import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.neural_network._multilayer_perceptron import BaseMultilayerPerceptron

import skprune._serving._compressed as compressed_module
from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._pruning.criteria import forward
from skprune._serving._compressed import CompressedMLP, ModelInputError


def masked_forward(coefs, intercepts, masks, activation, out_activation, X):
    masked = [np.where(m, c, 0.0) for c, m in zip(coefs, masks)]
    return forward(X, masked, intercepts, activation, out_activation)[-1]


def random_net(rng, sizes, density):
    coefs = [rng.randn(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
    masks = [rng.rand(*c.shape) < density for c in coefs]
    intercepts = [rng.randn(b) for b in sizes[1:]]
    return coefs, intercepts, masks


@pytest.mark.parametrize("fmt", ["auto", "dense", "sparse"])
@pytest.mark.parametrize("density", [1.0, 0.3, 0.05])
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_equals_masked_dense_forward(fmt, density, activation):
    rng = np.random.RandomState(0)
    coefs, intercepts, masks = random_net(rng, [30, 20, 15, 4], density)
    X = rng.randn(257, 30)
    net = CompressedMLP(coefs, intercepts, masks, activation, "softmax", fmt)
    np.testing.assert_allclose(
        net.forward(X),
        masked_forward(coefs, intercepts, masks, activation, "softmax", X),
        rtol=1e-10,
        atol=1e-300,
    )


def test_constant_neurons_are_folded_and_dead_ones_dropped():
    # 3 inputs -> 3 hidden -> 1 output; hidden 0 has no input (constant relu(2)),
    # hidden 2 has no output (dead), input 1 feeds only the dead neuron
    coefs = [
        np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 5.0], [0.0, -1.0, 0.0]]),
        np.array([[3.0], [2.0], [0.0]]),
    ]
    masks = [c != 0 for c in coefs]
    intercepts = [np.array([2.0, 0.5, 1.0]), np.array([0.25])]
    net = CompressedMLP(coefs, intercepts, masks, "relu", "identity")
    assert net.layer_sizes == (2, 1, 1)
    np.testing.assert_array_equal(net.input_index, [0, 2])
    # output bias absorbs 3 * relu(2) = 6
    np.testing.assert_allclose(net.biases[-1].ravel(), [6.25])
    X = np.array([[1.0, 100.0, 0.5], [-2.0, 3.0, 1.0]])
    np.testing.assert_allclose(
        net.forward(X), masked_forward(coefs, intercepts, masks, "relu", "identity", X)
    )


def test_everything_pruned_gives_a_constant_output():
    coefs = [np.zeros((2, 2)), np.ones((2, 1))]
    masks = [np.zeros((2, 2), bool), np.ones((2, 1), bool)]
    intercepts = [np.array([1.0, -1.0]), np.array([0.5])]
    net = CompressedMLP(coefs, intercepts, masks, "relu", "identity")
    out = net.forward(np.random.RandomState(0).randn(4, 2))
    np.testing.assert_allclose(out, 1.5)


@pytest.mark.parametrize("fmt", ["dense", "sparse"])
def test_sparse_input_and_chunks(fmt, monkeypatch):
    rng = np.random.RandomState(1)
    coefs, intercepts, masks = random_net(rng, [40, 25, 3], 0.2)
    X = rng.randn(300, 40)
    X[X < 0.8] = 0.0
    expected = masked_forward(coefs, intercepts, masks, "relu", "logistic", X)
    monkeypatch.setattr(compressed_module, "CHUNK_BYTES", 64)  # tiny chunks
    net = CompressedMLP(coefs, intercepts, masks, "relu", "logistic", fmt)
    assert net.chunk_size == 16
    for data in (X, sparse.csr_matrix(X), sparse.csc_matrix(X)):
        np.testing.assert_allclose(net.forward(data), expected, rtol=1e-10)


def test_float32_agrees_with_float64():
    rng = np.random.RandomState(2)
    coefs, intercepts, masks = random_net(rng, [50, 30, 10], 0.1)
    X = rng.randn(500, 50)
    net64 = CompressedMLP(coefs, intercepts, masks, "relu", "softmax")
    net32 = CompressedMLP(
        coefs, intercepts, masks, "relu", "softmax", inference_dtype="float32"
    )
    assert net32.layers[0].dtype == np.float32
    np.testing.assert_allclose(net32.forward(X), net64.forward(X), atol=1e-5)
    assert np.mean(net32.forward(X).argmax(1) == net64.forward(X).argmax(1)) > 0.999


def test_invalid_format_and_dtype():
    coefs, intercepts, masks = random_net(np.random.RandomState(0), [3, 2], 1.0)
    with pytest.raises(ValueError, match="inference_format"):
        CompressedMLP(coefs, intercepts, masks, "relu", "identity", "csr")
    with pytest.raises(ValueError, match="inference_dtype"):
        CompressedMLP(
            coefs, intercepts, masks, "relu", "identity", inference_dtype="float16"
        )


# -- the estimators ------------------------------------------------------------

FAST = dict(
    hidden_layer_sizes=(32,),
    max_iter=60,
    n_prune_steps=3,
    finetune_iter=3,
    random_state=0,
)


@pytest.mark.parametrize(
    "params",
    [
        dict(prune_ratio=0.9),
        dict(prune_granularity="neuron", prune_ratio=0.6),
        dict(prune_ratio=0.9, inference_format="dense"),
    ],
)
def test_estimator_predicts_with_the_compressed_network(digits, params):
    X, y = digits
    est = PrunedMLPClassifier(**FAST, **params).fit(X, y)
    assert isinstance(est.compressed_, CompressedMLP)
    assert est.compressed_.layer_sizes[1] == est.hidden_layer_sizes_[0]
    dense = BaseMultilayerPerceptron._forward_pass_fast(est, X)
    np.testing.assert_allclose(est.predict_proba(X), dense, rtol=1e-10)
    np.testing.assert_array_equal(est.predict(X), est.classes_[dense.argmax(axis=1)])


def test_float32_inference_in_the_estimator(digits):
    X, y = digits
    est64 = PrunedMLPClassifier(**FAST, prune_ratio=0.9).fit(X, y)
    est32 = PrunedMLPClassifier(**FAST, prune_ratio=0.9, inference_dtype="float32").fit(
        X, y
    )
    assert est32.compressed_.dtype == np.float32
    assert np.mean(est32.predict(X) == est64.predict(X)) >= 0.999
    assert est32.predict_proba(X).dtype == np.float64


def test_regressor_compressed_and_float32_data():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 6).astype(np.float32)
    y = X[:, 0] - 2 * X[:, 1]
    est = PrunedMLPRegressor(
        hidden_layer_sizes=(16,), max_iter=100, prune_ratio=0.5, random_state=0
    ).fit(X, y)
    assert est.coefs_[0].dtype == np.float32
    np.testing.assert_allclose(
        est.predict(X),
        BaseMultilayerPerceptron._forward_pass_fast(est, X).ravel(),
        rtol=1e-5,
        atol=1e-6,  # float32 precision at outputs of size ~5 (sums reassociated)
    )
    loaded = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


# -- the two ways X is read: 8 x 8 block transposes (with the check fused) and
# the column gather; widths and batch sizes that leave partial blocks ---------


@pytest.mark.parametrize("layout", ["csr first", "dense first", "all dense"])
@pytest.mark.parametrize("n_features", [8, 21, 5])
@pytest.mark.parametrize(
    "dtypes",
    [
        ("float64", np.float64),
        ("float32", np.float64),
        ("float64", np.float32),
        ("float32", np.float32),
    ],
)
def test_block_transposed_and_gathered_reads(layout, n_features, dtypes):
    net_dtype, x_dtype = dtypes
    rng = np.random.RandomState(n_features)
    coefs, intercepts, masks = random_net(rng, [n_features, 40, 3], 0.4)
    if layout == "dense first":  # a full first layer, a CSR second one
        masks = [np.ones_like(masks[0]), rng.rand(40, 3) < 0.5]
        masks[1][0] = True
    masks[0][1] = False  # one input column is never read
    X = rng.randn(75, n_features).astype(x_dtype)  # 64 + 8 + 3 rows
    fmt = {"csr first": "sparse", "dense first": "auto", "all dense": "dense"}[layout]
    net = CompressedMLP(coefs, intercepts, masks, "relu", "softmax", fmt, net_dtype)
    # a CSR first layer reads X by 8 x 8 blocks of all columns; a dense one
    # that skips a column gathers the columns it reads (in tiles when a CSR
    # layer follows, or by rows for an all-dense network's BLAS products)
    assert net._args["transposed"] == (layout == "csr first")
    assert net.formats[0] == ("sparse" if layout == "csr first" else "dense")
    assert net.formats[-1] == ("dense" if layout == "all dense" else "sparse")
    expected = masked_forward(coefs, intercepts, masks, "relu", "softmax", X)
    rtol = 1e-10 if (net_dtype, x_dtype) == ("float64", np.float64) else 1e-4
    for rows in (75, 64, 72, 3, 1):
        np.testing.assert_allclose(net.forward(X[:rows]), expected[:rows], rtol=rtol)
    # NaN/inf in any row (full block, 8-row tail, last rows) and any column
    # (full 8-column block, the columns after the last full one, an unread one)
    for r in (0, 63, 66, 74):
        for c in sorted({0, 1, n_features - 1, 8 * (n_features // 8) - 1}):
            if c < 0:
                continue
            for bad in (np.nan, np.inf, -np.inf):
                Xb = X.copy()
                Xb[r, c] = bad
                with pytest.raises(ModelInputError, match="NaN or infinity"):
                    net.forward(Xb)
