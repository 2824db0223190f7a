"""The serving path: compiled pass, input checks, dtypes, settings after a load.

The compiled pass equals sklearn's masked dense pass; non-finite X raises
sklearn's own error; a float32 fit predicts float32; a loaded model predicts
as the live one. (A bad file's one clear error: tests/files/test_codec.py.)
"""

import copy
import io
import os
import pickle
import subprocess
import sys
import textwrap
import warnings

import joblib
import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import load_digits
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.neural_network._multilayer_perceptron import BaseMultilayerPerceptron

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._serving._compressed import CompressedMLP, ModelInputError, choose_format

FAST = dict(
    hidden_layer_sizes=(32,),
    max_iter=40,
    n_prune_steps=2,
    finetune_iter=2,
    random_state=0,
)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:500] / 16.0, y[:500]


@pytest.fixture(scope="module")
def fitted(digits):
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return PrunedMLPClassifier(**FAST, prune_ratio=0.9).fit(X, y)


def masked_dense(est, X):
    """sklearn's own forward pass on the (masked, zero-filled) weights."""
    return BaseMultilayerPerceptron._forward_pass_fast(est, X)


# -- dtype preserved as sklearn ------------------------------------------------


@pytest.mark.parametrize(
    "cls, parent",
    [(PrunedMLPClassifier, MLPClassifier), (PrunedMLPRegressor, MLPRegressor)],
)
def test_float32_fit_predicts_float32_as_sklearn(digits, cls, parent):
    X, y = digits
    X32 = X.astype(np.float32)
    if parent is MLPRegressor:
        y = y / 9.0
    params = dict(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = cls(prune_ratio=0, **params).fit(X32, y)
        theirs = parent(**params).fit(X32, y)
    methods = ["predict"] if parent is MLPRegressor else ["predict_proba"]
    for method in methods:
        got, expected = getattr(ours, method)(X32), getattr(theirs, method)(X32)
        assert got.dtype == expected.dtype == np.float32
        # float64 X: sklearn computes X @ float32 coefs in float64, so do we
        assert getattr(ours, method)(X).dtype == getattr(theirs, method)(X).dtype
    assert ours.compressed_.dtype == np.float32  # 'auto' = the training dtype


def test_explicit_inference_dtype_wins_over_auto(digits):
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = PrunedMLPClassifier(**FAST, inference_dtype="float64").fit(
            X.astype(np.float32), y
        )
    assert est.compressed_.dtype == np.float64
    assert est.predict_proba(X.astype(np.float32)).dtype == np.float64


# -- the compiled pass equals the masked dense pass ----------------------------


@pytest.mark.parametrize("fmt", ["auto", "dense", "sparse"])
@pytest.mark.parametrize("n", [1, 7, 64, 65, 200])
def test_outputs_equal_masked_dense_at_every_batch(fitted, digits, fmt, n):
    X, _ = digits
    est = copy.deepcopy(fitted).set_params(inference_format=fmt)
    np.testing.assert_allclose(
        est.predict_proba(X[:n]), masked_dense(est, X[:n]), rtol=1e-10, atol=1e-300
    )


def test_non_contiguous_int_and_sparse_inputs(fitted, digits):
    X, _ = digits
    expected = fitted.predict_proba(X)
    for data in (
        np.asfortranarray(X),
        X.tolist(),
        sparse.csr_matrix(X),
        sparse.csc_matrix(X),
        X[:, ::1].copy(order="F"),
    ):
        np.testing.assert_allclose(fitted.predict_proba(data), expected, rtol=1e-12)
    Xi = (X * 16).astype(np.int64)
    np.testing.assert_allclose(
        fitted.predict_proba(Xi), masked_dense(fitted, Xi.astype(float)), rtol=1e-10
    )
    strided = np.repeat(X, 2, axis=0)[::2]  # not C-contiguous rows
    np.testing.assert_allclose(fitted.predict_proba(strided), expected, rtol=1e-12)


def test_auto_format_cost_model_choices():
    # a sparse trained-LeNet first layer stays CSR, a small dense one BLAS
    assert choose_format(586, 298, 6920, "float32") == "sparse"
    assert choose_format(784, 50, 39200, "float64") == "dense"
    # (at 50% density a 1000 x 1000 float64 layer measures faster as CSR now)
    assert choose_format(1000, 1000, 800_000, "float64") == "dense"
    assert choose_format(1000, 1000, 30_000, "float64") == "sparse"


# -- input checks: sklearn's errors, at most one pass -------------------------


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.nan, "Input X contains NaN"),
        (np.inf, "Input X contains infinity or a value too large for dtype"),
        (-np.inf, "Input X contains infinity or a value too large for dtype"),
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("where", [0, 63, 64, 499])
def test_non_finite_anywhere_raises_sklearns_error(
    fitted, digits, bad, message, dtype, where
):
    X = digits[0].astype(dtype)
    X[where, 0] = bad  # column 0 of digits is never read by the network
    assert 0 not in fitted.compressed_.input_index
    for method in (fitted.predict, fitted.predict_proba):
        with pytest.raises(ValueError, match=message) as exc:
            method(X)
        assert "PrunedMLPClassifier" in str(exc.value) or bad != np.nan
    Xs = sparse.csr_matrix(X)
    with pytest.raises(ValueError, match=message):
        fitted.predict(Xs)


def test_wrong_width_and_feature_names_as_sklearn(fitted, digits):
    X, y = digits
    with pytest.raises(
        ValueError,
        match="X has 63 features, but PrunedMLPClassifier is expecting 64 features",
    ):
        fitted.predict(X[:, :63])
    with pytest.raises(ValueError, match="Expected 2D array"):
        fitted.predict(X[0])
    with pytest.raises(ValueError, match="0 sample"):
        fitted.predict(X[:0])
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=[f"p{i}" for i in range(64)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        named = PrunedMLPClassifier(**FAST).fit(frame, y)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        named.predict(X)
    np.testing.assert_array_equal(named.predict(frame), named.predict(X))


# -- float32 safety ------------------------------------------------------------


def test_float32_network_never_returns_a_silent_label(fitted, digits):
    X, _ = digits
    est = copy.deepcopy(fitted).set_params(inference_dtype="float32")
    read = est.compressed_.input_index[0]
    big = X.copy()
    big[3, read] = 1e300  # finite in float64, inf in float32
    with pytest.raises(ValueError, match="beyond the float32 range"):
        est.predict(big)
    # finite float32 input that overflows inside a float32 network
    net = CompressedMLP(
        [np.full((2, 2), 10.0), np.ones((2, 2))],
        [np.zeros(2)] * 2,
        [np.ones((2, 2), bool)] * 2,
        "relu",
        "softmax",
        inference_dtype="float32",
    )
    with pytest.raises(ValueError, match="float32 network overflowed"):
        net.forward(np.array([[1.0, 2.0], [3e38, 1.0]], dtype=np.float32))
    # a float64 network handles the first case and answers like sklearn
    est64 = copy.deepcopy(fitted).set_params(inference_dtype="float64")
    np.testing.assert_allclose(
        est64.predict_proba(big), masked_dense(est64, big), rtol=1e-10
    )


# -- predict memory per chunk --------------------------------------------------


def test_predict_takes_labels_per_chunk(fitted, digits, monkeypatch):
    X, _ = digits
    est = copy.deepcopy(fitted).set_params(inference_batch_size=50)
    seen = []
    inverse = est._label_binarizer.inverse_transform

    def spy(y_pred):
        seen.append(y_pred.shape[0])
        return inverse(y_pred)

    monkeypatch.setattr(est._label_binarizer, "inverse_transform", spy)
    labels = est.predict(X)
    assert max(seen) == 50 and sum(seen) == X.shape[0]
    np.testing.assert_array_equal(labels, fitted.predict(X))


# -- a loaded model predicts identically -------------------------------------


def _round_trips(est):
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    return {
        "pickle": pickle.loads(pickle.dumps(est)),
        "joblib": joblib.load(buffer),
        "deepcopy": copy.deepcopy(est),
    }


@pytest.mark.parametrize(
    "params",
    [
        dict(activation="tanh"),
        dict(activation="logistic"),
        dict(inference_dtype="float32"),
        dict(inference_format="dense"),
        dict(inference_format="sparse"),
        dict(activation="identity", inference_dtype="float32"),
    ],
)
def test_loaded_model_predicts_like_the_live_one_after_set_params(
    fitted, digits, params
):
    X, _ = digits
    live = copy.deepcopy(fitted).set_params(**params)
    expected = live.predict_proba(X)
    for how, loaded in _round_trips(live).items():
        np.testing.assert_array_equal(loaded.predict_proba(X), expected, err_msg=how)
        np.testing.assert_array_equal(loaded.predict(X), live.predict(X))


def test_inference_settings_take_effect_at_once_architecture_at_next_fit(
    fitted, digits
):
    X, y = digits
    est = copy.deepcopy(fitted)
    relu = est.predict_proba(X)
    est.set_params(activation="tanh")  # architecture: the network stays relu
    np.testing.assert_array_equal(est.predict_proba(X), relu)
    est.set_params(inference_dtype="float32")  # inference: at once
    np.testing.assert_allclose(est.predict_proba(X), relu, atol=1e-5)
    assert est.compressed_.dtype == np.float32
    est.set_params(inference_format="dense")
    np.testing.assert_allclose(est.predict_proba(X), relu, atol=1e-5)
    assert set(est.compressed_.formats) == {"dense"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)  # the next fit trains (and serves) tanh
    assert est.compressed_.activation == "tanh"
    np.testing.assert_allclose(est.predict_proba(X), masked_dense(est, X), atol=1e-5)


# -- the compile cache ---------------------------------------------------------


def test_kernel_compiles_without_a_writable_cache(tmp_path):
    # numba caches next to the source or in the user's cache dir; with neither
    # writable (simulated by a nonexistent, unwritable NUMBA_CACHE_DIR) skprune
    # still predicts, compiling in memory and saying so once
    code = textwrap.dedent("""
        import warnings
        import numpy as np
        import numba.core.caching as caching
        class NoLocator(caching._CacheLocator):
            @classmethod
            def from_function(cls, py_func, py_file):
                return None
        caching.CacheImpl._locator_classes = [NoLocator]
        from skprune._serving._compressed import CompressedMLP
        net = CompressedMLP([np.eye(2)], [np.zeros(2)], [np.eye(2, dtype=bool)],
                            "relu", "identity")
        # the kernels are imported (and compiled) at the first forward pass
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            print(net.forward(np.array([[1.0, 2.0]])).tolist())
        print(any("cannot cache" in str(x.message) for x in w))
    """)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root)
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.split("\n")
    assert out[0] == "[[1.0, 2.0]]" and out[1] == "True"


def test_model_input_error_is_a_value_error():
    assert issubclass(ModelInputError, ValueError)
    net = CompressedMLP(
        [np.ones((2, 1))], [np.zeros(1)], [np.ones((2, 1), bool)], "relu", "identity"
    )
    with pytest.raises(ModelInputError, match="NaN or infinity"):
        net.forward(np.array([[np.nan, 1.0]]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_poisson_regressor_exp_output_served_and_loaded(dtype):
    # MLPRegressor(loss='poisson') has out_activation_ 'exp': the compiled pass
    # serves it, equal to sklearn's forward pass on the same weights, and a
    # pickled model loads and predicts the same
    import pickle

    from sklearn.neural_network import MLPRegressor

    from skprune import PrunedMLPRegressor

    rng = np.random.RandomState(0)
    X = rng.rand(120, 6).astype(dtype)
    y = np.exp(X @ rng.rand(6)) + rng.rand(120)
    est = PrunedMLPRegressor(
        loss="poisson",
        hidden_layer_sizes=(7,),
        max_iter=60,
        prune_ratio=0.5,
        random_state=0,
    ).fit(X, y)
    assert est.out_activation_ == "exp"
    ref = MLPRegressor(loss="poisson", hidden_layer_sizes=(7,), max_iter=1).fit(X, y)
    ref.coefs_ = [c.copy() for c in est.coefs_]
    ref.intercepts_ = [b.copy() for b in est.intercepts_]
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(est.predict(X), ref.predict(X), rtol=rtol)
    loaded = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
