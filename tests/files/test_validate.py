"""The one validation of a loaded state (skprune/_files/_validate.py) and the
kernels' entry check: each inconsistency is one ValueError that names it."""

import copy
import warnings

import joblib
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    PruneSparsifyTransformer,
    SparseSGDClassifier,
    SparseSGDRegressor,
)
from skprune._serving import CompressedMLP, ModelInputError, _kernels

_RNG = np.random.RandomState(0)
X = _RNG.normal(size=(60, 6))
Y3 = np.argmax(X[:, :3], axis=1)
YR = X @ _RNG.normal(size=6)
MLP = dict(
    hidden_layer_sizes=(12, 6),
    prune_ratio=0.5,
    n_prune_steps=2,
    finetune_iter=5,
    max_iter=30,
    random_state=0,
)


def _fit(est, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


@pytest.fixture(scope="module")
def regressor():
    return _fit(PrunedMLPRegressor(**MLP), YR)


@pytest.fixture(scope="module")
def classifier():
    return _fit(PrunedMLPClassifier(**MLP), Y3)


def _load(est, edit):
    """``est`` through pickle's path (``__setstate__``) with ``edit`` applied
    to its state; returns the loaded estimator."""
    state = copy.deepcopy(est.__getstate__())
    edit(state)
    new = type(est).__new__(type(est))
    new.__setstate__(state)
    return new


def _unsort_a_row(state):
    layer = state["coefs_"][0]
    counts = np.diff(layer["indptr"].astype(int))
    row = int(np.argmax(counts >= 2))
    k = int(layer["indptr"][row])
    layer["indices"][[k, k + 1]] = layer["indices"][[k + 1, k]]


def _repeat_an_index(state):
    layer = state["coefs_"][0]
    counts = np.diff(layer["indptr"].astype(int))
    k = int(layer["indptr"][int(np.argmax(counts >= 2))])
    layer["indices"][k + 1] = layer["indices"][k]


def _drop_output_layer(state):
    state["coefs_"].pop()
    state["intercepts_"].pop()
    state["n_layers_"] -= 1


def _decreasing_indptr(state):
    indptr = state["coefs_"][0]["indptr"].astype(np.int64)
    row = int(np.argmax(np.diff(indptr) > 0))
    indptr[row + 1] = indptr[row] - 1 if indptr[row] else indptr[row + 2] + 1
    state["coefs_"][0]["indptr"] = indptr


MLP_CASES = [
    (
        lambda s: s.update(n_features_in_=7),
        "the first layer has 6 inputs but n_features_in_ is 7",
    ),
    (_drop_output_layer, "the last layer has 6 outputs but the model has 1"),
    (
        lambda s: s.update(n_layers_=5),
        "n_layers_ is 5 for 3 weight layers",
    ),
    (_unsort_a_row, "not strictly increasing within a row"),
    (_repeat_an_index, "not strictly increasing within a row"),
    (_decreasing_indptr, r"coefs_\[0\] indptr"),
    (
        lambda s: s["coefs_"][1]["data"].__setitem__(0, np.nan),
        r"coefs_\[1\] data holds NaN or infinity",
    ),
    (
        lambda s: s["intercepts_"][2].__setitem__(0, np.inf),
        r"intercepts_\[2\] holds NaN or infinity",
    ),
    (
        lambda s: s["coefs_"][1].update(data=s["coefs_"][1]["data"].astype(np.float16)),
        r"coefs_\[1\] data has dtype float16, not float32 or float64",
    ),
    (
        lambda s: s["intercepts_"].__setitem__(0, s["intercepts_"][0].astype("f4")),
        r"the weights mix dtypes \['float32', 'float64'\]",
    ),
    (
        lambda s: s["coefs_"][0].update(indptr=s["coefs_"][0]["indptr"].astype(float)),
        r"coefs_\[0\] indptr has dtype float64, not integer",
    ),
    (lambda s: s.update(out_activation_="softmax"), "where the targets need"),
    (lambda s: s.update(n_features_in_=True), "n_features_in_ is True"),
    (
        lambda s: s.update(feature_names_in_=np.array(["a", "b"], dtype=object)),
        r"feature_names_in_ has shape \(2,\), expected \(6,\)",
    ),
    (lambda s: s.pop("alpha"), r"it lacks the parameters \['alpha'\]"),
    (
        lambda s: s.update(inference_batch_size="tanh"),
        "The 'inference_batch_size' parameter of PrunedMLPRegressor",
    ),
    (lambda s: s.pop("intercepts_"), r"it lacks \['intercepts_'\]"),
]


@pytest.mark.parametrize("edit, message", MLP_CASES)
def test_inconsistent_mlp_state_is_refused(regressor, edit, message):
    with pytest.raises(ValueError, match="Cannot load PrunedMLPRegressor") as exc:
        _load(regressor, edit)
    assert exc.match(message)


def _drop_a_class(state):
    state["classes_"] = state["classes_"][:-1]


def _binarizer_classes(state):
    lb = state["_label_binarizer"]
    lb.classes_ = np.array([0, 1, 5])


@pytest.mark.parametrize(
    "edit, message",
    [
        (_drop_a_class, "the label binarizer's classes differ from classes_"),
        (_binarizer_classes, "the label binarizer's classes differ from classes_"),
        (
            lambda s: s.update(classes_=s["classes_"][::-1]),
            "classes_ is not sorted without repeats",
        ),
        (lambda s: s.update(n_outputs_=1), "n_outputs_ is 1 but 3 classes"),
        (
            lambda s: setattr(s["_label_binarizer"], "pos_label", 5),
            "the label binarizer is not the MLP's",
        ),
        (lambda s: s.update(_label_binarizer="lb"), "_label_binarizer is a str"),
    ],
)
def test_inconsistent_classifier_state_is_refused(classifier, edit, message):
    with pytest.raises(ValueError, match="Cannot load PrunedMLPClassifier") as exc:
        _load(classifier, edit)
    assert exc.match(message)


def test_a_consistent_state_loads_and_derived_attributes_are_recomputed(regressor):
    def lie(state):
        state["n_nonzero_"] = 10**9
        state["hidden_layer_sizes_"] = (1, 1)

    loaded = _load(regressor, lie)
    assert loaded.n_nonzero_ == regressor.n_nonzero_
    assert loaded.hidden_layer_sizes_ == regressor.hidden_layer_sizes_
    np.testing.assert_array_equal(loaded.predict(X), regressor.predict(X))


def test_from_estimator_validates_the_source():
    source = MLPRegressor(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        source.fit(X, YR)
    source.coefs_[0] = np.vstack([source.coefs_[0], np.ones((1, 5))])
    with pytest.raises(
        ValueError,
        match="PrunedMLPRegressor.from_estimator: the given MLPRegressor is "
        "invalid: the first layer has 7 inputs but n_features_in_ is 6",
    ):
        PrunedMLPRegressor.from_estimator(source, X, YR)
    source.coefs_[0] = source.coefs_[0][:-1]
    source.coefs_[1][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"coefs_\[1\] holds NaN or infinity"):
        PrunedMLPRegressor.from_estimator(source, X, YR)


# -- sparse SGD and the selector ---------------------------------------------------


@pytest.fixture(scope="module")
def sgd_regressor():
    return _fit(SparseSGDRegressor(prune_ratio=0.5, random_state=0), YR)


@pytest.fixture(scope="module")
def sgd_classifier():
    return _fit(SparseSGDClassifier(prune_ratio=0.5, random_state=0), Y3)


def test_sgd_intercept_of_wrong_length_is_refused(sgd_regressor):
    # issue 24: it silently used the first value, where sklearn raises
    with pytest.raises(
        ValueError, match=r"intercept_ has shape \(5,\), expected \(1,\)"
    ):
        _load(sgd_regressor, lambda s: s.update(intercept_=np.zeros(5)))


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda s: s.update(coef_=s["coef_"][:, :5]),
            r"coef_ has shape \(3, 5\), expected \(3, 6\)",
        ),
        (
            lambda s: s.update(support_=s["support_"][:5]),
            r"support_ has shape \(5,\), expected \(6,\)",
        ),
        (
            lambda s: s.update(support_=np.zeros(6, bool)),
            "coef_ has non-zero coefficients outside support_",
        ),
        (
            lambda s: s.update(classes_=np.array([0, 1])),
            r"coef_ has shape \(3, 6\), expected \(1, 6\)",
        ),
        (lambda s: s.update(classes_=np.array([2, 1, 0])), "not sorted"),
        (lambda s: s.update(loss="bogus"), "The 'loss' parameter"),
        (
            lambda s: s["coef_"].__setitem__(
                (0, int(np.argmax(s["support_"]))), np.inf
            ),
            "coef_ holds NaN or infinity",
        ),
    ],
)
def test_inconsistent_sgd_classifier_state_is_refused(sgd_classifier, edit, message):
    with pytest.raises(ValueError, match="Cannot load SparseSGDClassifier") as exc:
        _load(sgd_classifier, edit)
    assert exc.match(message)


def test_sgd_support_index_is_derived_on_load(sgd_regressor):
    def lie(state):
        state["_support_idx"] = np.array([5_000_000])

    loaded = _load(sgd_regressor, lie)
    np.testing.assert_array_equal(loaded.predict(X), sgd_regressor.predict(X))


def test_inconsistent_selector_state_is_refused():
    selector = PruneSparsifyTransformer("importance", SparseSGDRegressor()).fit(X, YR)
    with pytest.raises(ValueError, match=r"support_ has shape \(5,\), expected"):
        _load(selector, lambda s: s.update(support_=s["support_"][:5]))

    def other_width(state):
        state["estimator_"] = copy.deepcopy(state["estimator_"])
        state["estimator_"].n_features_in_ = 4
        state["estimator_"].coef_ = state["estimator_"].coef_[:4]

    with pytest.raises(ValueError, match="estimator_ saw 4 features"):
        _load(selector, other_width)
    # fitted (scores_ and the rest are there) but without its support
    with pytest.raises(ValueError, match=r"it lacks \['support_'\]"):
        _load(selector, lambda s: s.pop("support_"))


def test_a_half_fitted_state_is_refused(regressor, sgd_regressor):
    """check_is_fitted would accept it (some attribute ends in '_'); predict
    would then fail deep inside: refused at load instead."""
    with pytest.raises(ValueError, match=r"it lacks \['coefs_'"):
        _load(regressor, lambda s: [s.pop(k) for k in ("coefs_", "intercepts_")])
    with pytest.raises(ValueError, match=r"it lacks \['coef_'\]"):
        _load(sgd_regressor, lambda s: s.pop("coef_"))


def test_any_integer_dtype_of_the_csr_parts_loads(regressor):
    def widen(state):
        for layer in state["coefs_"]:
            layer["indptr"] = layer["indptr"].astype(np.uint64)
            layer["indices"] = layer["indices"].astype(np.int8)

    loaded = _load(regressor, widen)
    np.testing.assert_array_equal(loaded.predict(X), regressor.predict(X))


def test_joblib_file_goes_through_the_same_validation(regressor, tmp_path):
    state = regressor.__getstate__()
    state["n_features_in_"] = 7
    original = type(regressor).__getstate__
    type(regressor).__getstate__ = lambda self: state
    try:
        joblib.dump(regressor, tmp_path / "m.joblib")
    finally:
        type(regressor).__getstate__ = original
    with pytest.raises(ValueError, match="n_features_in_ is 7"):
        joblib.load(tmp_path / "m.joblib")


# -- the kernels' entry check ----------------------------------------------------------


@pytest.fixture(scope="module")
def network():
    coefs = [np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0]]), np.array([[1.0], [1.0]])]
    masks = [c != 0 for c in coefs]
    return CompressedMLP(
        coefs, [np.zeros(2), np.zeros(1)], masks, "relu", "identity", "sparse"
    )


def _call(net, X, out, buffers=None, **change):
    args = {**net._args, **change}
    if buffers is None:
        buffers = _kernels.buffers(args["width"], _kernels.TILE, net.dtype)
    return _kernels.forward(
        X,
        change.get("start", 0),
        change.get("stop", X.shape[0]),
        True,
        False,
        args["transposed"],
        args["index"],
        args["blocks"],
        args["sizes"],
        args["is_sparse"],
        args["indptr"],
        args["indices"],
        args["data"],
        args["dense"],
        args["w_off"],
        args["bias"],
        args["b_off"],
        args["ip_off"],
        args["act"],
        args["out_act"],
        out,
        *buffers,
    )


def test_kernel_runs_on_fitting_arguments(network):
    X = np.ones((5, 3))
    out = np.empty((5, 1))
    assert _call(network, X, out) == 0
    np.testing.assert_allclose(out.ravel(), 6.0)


@pytest.mark.parametrize(
    "case",
    [
        "X too narrow",
        "rows past X",
        "out too short",
        "out too narrow",
        "buffers too small",
        "index past X",
        "indptr past data",
        "bias too short",
        "sizes too long",
    ],
)
def test_kernel_refuses_arguments_that_do_not_fit(network, case):
    X, out, buffers, change = np.ones((5, 3)), np.empty((5, 1)), None, {}
    args = network._args
    if case == "X too narrow":
        X = np.ones((5, 2))
    elif case == "rows past X":
        change = dict(start=2, stop=9)
        out = np.empty((7, 1))
    elif case == "out too short":
        out = np.empty((4, 1))
    elif case == "out too narrow":
        out = np.empty((5, 0))
    elif case == "buffers too small":
        buffers = _kernels.buffers(1, _kernels.TILE, np.float64)
    elif case == "index past X":
        change = dict(index=args["index"] + 10)
    elif case == "indptr past data":
        indptr = args["indptr"].copy()
        indptr[1] = 10**6
        change = dict(indptr=indptr)
    elif case == "bias too short":
        change = dict(bias=args["bias"][:1])
    elif case == "sizes too long":
        change = dict(sizes=np.append(args["sizes"], 5))
    assert _call(network, X, out, buffers, **change) == 4


def test_gather_refuses_columns_past_x():
    X = np.ones((4, 2))
    buf = np.empty((4, 2))
    assert _kernels.gather(X, 0, 4, True, False, np.array([0, 1]), buf) == 0
    assert _kernels.gather(X, 0, 4, True, False, np.array([0, 2]), buf) == 4
    assert _kernels.gather(X, 0, 5, True, False, np.array([0, 1]), buf) == 4


def test_network_refuses_x_of_another_width(network):
    with pytest.raises(ModelInputError, match="this network reads 3 columns"):
        network.forward(np.ones((4, 4)))


def test_state_edited_in_memory_cannot_read_out_of_bounds(regressor):
    """Not a file: fitted attributes changed in memory. The network is built
    from the weights (6 inputs); X of the width n_features_in_ now claims is
    refused before any kernel reads it."""
    est = copy.deepcopy(regressor)
    est.n_features_in_ = 9
    with pytest.raises(ModelInputError, match="this network reads 6 columns"):
        est.predict(np.ones((3, 9)))
