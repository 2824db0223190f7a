"""Bad input, one table for every public estimator.

Each bad input must raise a clear error (``ValueError``/``TypeError``, or
sklearn's ``NotFittedError``) whose message names the problem, raised early
(from sklearn's or skprune's validation: never from inside numpy arithmetic
or a training loop), must leave a previously fitted model exactly as it was,
and must not mutate the caller's arrays. Inputs that are unusual but valid
(one feature, constant features, one sample for a regressor, ...) must fit
and give finite outputs.

To cover a new estimator, add one :class:`Spec` line to ``ESTIMATORS``.
"""

import copy
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import sparse
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import SGDClassifier

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    PruneSparsifyTransformer,
    SparseSGDClassifier,
    SparseSGDRegressor,
)


@dataclass(frozen=True)
class Spec:
    """How to test one public estimator."""

    make: Callable  # returns a fresh, fast-to-fit estimator
    task: str  # "classification" or "regression": the y it learns
    output: str = "predict"  # method whose result must be finite and survive
    # (params, exception type, message regex): settings fit must refuse
    bad_params: tuple = ()
    # (params, check(est)): edge settings that must fit
    valid_params: tuple = ()
    # a classifier whose parent fits a y holding one class (MLPClassifier does,
    # SGDClassifier refuses it: tested below)
    single_class: bool = True

    @property
    def name(self):
        return type(self.make()).__name__


def ratio_cases(param="prune_ratio"):
    """A pruning ratio outside [0, 1): refused by parameter validation."""
    return tuple(({param: v}, ValueError, param) for v in (-0.1, 1.0, 1.5))


MLP = dict(
    hidden_layer_sizes=(6,),
    max_iter=5,
    n_prune_steps=2,
    finetune_iter=1,
    prune_ratio=0.5,
    random_state=0,
)
NO_NEURON = "hidden_layer_sizes must hold positive integers .*at least one neuron"


def _hidden_layers_kept(est):
    assert len(est.hidden_layer_sizes_) == len(est.coefs_) - 1
    assert all(n >= 1 for n in est.hidden_layer_sizes_), est.hidden_layer_sizes_
    assert est.n_nonzero_ >= len(est.coefs_)


MLP_BAD_PARAMS = ratio_cases() + (
    ({"hidden_layer_sizes": (0,)}, ValueError, NO_NEURON),
    ({"hidden_layer_sizes": (4, 0)}, ValueError, NO_NEURON),
    ({"hidden_layer_sizes": (2.5,)}, ValueError, NO_NEURON),
    (
        {"hidden_layer_sizes": (), "prune_granularity": "neuron"},
        ValueError,
        "prune_granularity='neuron' needs at least one hidden layer",
    ),
    (
        {"max_score_drop": 0.1, "validation_fraction": 0.0},
        ValueError,
        "max_score_drop needs a validation split",
    ),
)
MLP_VALID_PARAMS = (
    # pruning never removes the last neuron of a hidden layer ...
    (
        {
            "hidden_layer_sizes": (1,),
            "prune_granularity": "neuron",
            "prune_ratio": 0.99,
        },
        _hidden_layers_kept,
    ),
    (
        {
            "hidden_layer_sizes": (3, 2),
            "prune_granularity": "neuron",
            "prune_scope": "layer",
            "prune_ratio": 0.99,
        },
        _hidden_layers_kept,
    ),
    # ... nor the last connected path of weights, whatever the threshold
    ({"hidden_layer_sizes": (4, 3), "prune_ratio": 0.99}, _hidden_layers_kept),
    ({"sparsity_threshold": 1e6}, _hidden_layers_kept),
    # no hidden layer: a pruned linear model
    ({"hidden_layer_sizes": ()}, lambda est: None),
)

# One line per public estimator, e.g. (with fast settings of its own):
#   Spec(lambda: SparseSGDRegressor(max_iter=5, random_state=0), "regression",
#        "predict", ratio_cases()),
#   Spec(lambda: PruneSparsifyTransformer(...), "classification", "transform",
#        ratio_cases()),
ESTIMATORS = [
    Spec(
        lambda: PrunedMLPClassifier(**MLP),
        "classification",
        "predict_proba",
        MLP_BAD_PARAMS,
        MLP_VALID_PARAMS,
    ),
    Spec(
        lambda: PrunedMLPRegressor(**MLP),
        "regression",
        "predict",
        MLP_BAD_PARAMS,
        MLP_VALID_PARAMS,
    ),
    # a float prune_ratio: 'auto' needs a validation split (tested below)
    Spec(
        lambda: SparseSGDRegressor(
            prune_ratio=0.5, max_iter=5, tol=None, random_state=0
        ),
        "regression",
        "predict",
        ratio_cases(),
    ),
    # float prune_ratios ('auto' needs a validation split with every class in
    # its training part: tested below)
    Spec(
        lambda: SparseSGDClassifier(
            loss="log_loss", prune_ratio=0.3, max_iter=5, tol=None, random_state=0
        ),
        "classification",
        "predict_proba",
        ratio_cases(),
        single_class=False,
    ),
    Spec(
        lambda: SparseSGDClassifier(
            prune_ratio=0.5, max_iter=5, tol=None, random_state=0
        ),
        "classification",
        "decision_function",
        ratio_cases(),
        single_class=False,
    ),
    Spec(
        lambda: PruneSparsifyTransformer(
            "gradient", PrunedMLPClassifier(**MLP), prune_ratio=0.5, sparse_output=False
        ),
        "classification",
        "transform",
        ratio_cases(),
    ),
]
SPECS = [pytest.param(s, id=s.name) for s in ESTIMATORS]


def _data(task, n=30, d=5):
    rng = np.random.RandomState(0)
    X = rng.randn(n, d)
    y = np.arange(n) % 3 if task == "classification" else rng.randn(n)
    return X, y


def _with(X, row, col, value):
    X = X.astype(float)
    X[row, col] = value
    return X


def _objects(X):
    out = np.empty(X.shape, dtype=object)
    out[...] = {}
    return out


# name, (X, y) -> (X, y), exception, message, tasks
FIT_CASES = [
    (
        "NaN in X",
        lambda X, y: (_with(X, 2, 1, np.nan), y),
        ValueError,
        "Input X contains NaN",
        None,
    ),
    (
        "inf in X",
        lambda X, y: (_with(X, 2, 1, np.inf), y),
        ValueError,
        "Input X contains infinity",
        None,
    ),
    (
        "-inf in sparse X",
        lambda X, y: (sparse.csr_matrix(_with(X, 0, 0, -np.inf)), y),
        ValueError,
        "Input X contains infinity",
        None,
    ),
    (
        "NaN in y",
        lambda X, y: (X, _with(y[:, None], 0, 0, np.nan).ravel()),
        ValueError,
        "Input y contains NaN",
        None,
    ),
    ("empty X", lambda X, y: (X[:0], y[:0]), ValueError, "0 sample", None),
    ("no feature", lambda X, y: (X[:, :0], y), ValueError, "0 feature", None),
    (
        "3-D X",
        lambda X, y: (X[:, :4].reshape(len(X), 2, 2), y),
        ValueError,
        "dim 3",
        None,
    ),
    ("1-D X", lambda X, y: (X[:, 0], y), ValueError, "Expected 2D array", None),
    (
        "string dtype",
        lambda X, y: (np.full(X.shape, "a"), y),
        ValueError,
        "could not convert string to float|not compatible with arrays of bytes/strings",
        None,
    ),
    (
        "object dtype",
        lambda X, y: (_objects(X), y),
        TypeError,
        r"float\(\) argument must be",
        None,
    ),
    (
        "complex dtype",
        lambda X, y: (X + 1j, y),
        ValueError,
        "Complex data not supported",
        None,
    ),
    (
        "y length mismatch",
        lambda X, y: (X, y[:-1]),
        ValueError,
        "inconsistent numbers of samples",
        None,
    ),
    (
        "continuous y for a classifier",
        lambda X, y: (X, y + 0.5),
        ValueError,
        "Unknown label type",
        "classification",
    ),
    (
        "non-numeric y",
        lambda X, y: (X, np.array(["a", "b"])[np.arange(len(y)) % 2]),
        ValueError,
        "numeric",
        "regression",
    ),
]

# name, X -> X, exception, message (the estimator is fitted on 5 features)
PREDICT_CASES = [
    (
        "wrong width",
        lambda X: X[:, :-1],
        ValueError,
        r"X has 4 features, but \w+ is expecting 5 features",
    ),
    (
        "wrong width, sparse",
        lambda X: sparse.csr_matrix(X[:, :-1]),
        ValueError,
        r"X has 4 features, but \w+ is expecting 5 features",
    ),
    ("NaN in X", lambda X: _with(X, 0, 0, np.nan), ValueError, "Input X contains NaN"),
    ("inf in X", lambda X: _with(X, 0, 0, np.inf), ValueError, "infinity"),
    ("empty X", lambda X: X[:0], ValueError, "0 sample"),
    ("3-D X", lambda X: X[:, :4].reshape(len(X), 2, 2), ValueError, "dim 3"),
    ("1-D X", lambda X: X[0], ValueError, "Expected 2D array"),
    (
        "string dtype",
        lambda X: np.full(X.shape, "a"),
        ValueError,
        "not compatible with arrays of bytes/strings",
    ),
]

# name, (X, y) -> (X, y), tasks: unusual but valid
VALID_CASES = [
    ("one feature", lambda X, y: (X[:, :1], y), None),
    ("constant features", lambda X, y: (np.ones_like(X), y), None),
    ("a constant column", lambda X, y: (_with(X, slice(None), 0, 3.0), y), None),
    ("zero X", lambda X, y: (np.zeros_like(X), y), None),
    ("one sample", lambda X, y: (X[:1], y[:1]), None),
    # accepted as by MLPClassifier: predict returns the one class
    ("y with a single class", lambda X, y: (X, np.zeros_like(y)), "classification"),
    ("two samples", lambda X, y: (X[:2], y[:2]), None),
    ("numeric object dtype", lambda X, y: (X.astype(object), y), None),
    ("integer X", lambda X, y: ((X * 10).astype(int), y), None),
    ("float32 X", lambda X, y: (X.astype(np.float32), y), None),
    ("boolean X", lambda X, y: (X > 0, y), None),
    (
        "sparse CSR X",
        lambda X, y: (sparse.csr_matrix(np.where(X < 0, 0.0, X)), y),
        None,
    ),
    ("Fortran-ordered X", lambda X, y: (np.asfortranarray(X), y), None),
    ("lists", lambda X, y: (X.tolist(), y.tolist()), None),
    (
        "string class labels",
        lambda X, y: (X, np.array(["a", "b", "c"])[y]),
        "classification",
    ),
    ("numeric strings as y", lambda X, y: (X, y.astype(str)), "regression"),
]

# frames of the training/inference arithmetic: an error raised in any of them
# was not raised early
# (``_forward_pass_fast`` is not listed: it validates X before any arithmetic)
TRAINING_FRAMES = {
    "_fit_stochastic",
    "_fit_lbfgs",
    "_backprop",
    "_forward_pass",
    "prune",
    "retrain",
    "compute_scores",
    "forward",
    "_hidden",
    "_plain_sgd",
}


# valid cases whose y holds a single class for a classifier
SINGLE_CLASS_CASES = ("one sample", "y with a single class")


def _table(cases, task_index=None):
    """(spec, case) pairs, each case only for the task it applies to."""
    return [
        pytest.param(spec, case, id=f"{spec.name}-{case[0]}")
        for spec in ESTIMATORS
        for case in cases
        if task_index is None or case[task_index] in (None, spec.task)
        if spec.single_class
        or spec.task != "classification"
        or case[0] not in SINGLE_CLASS_CASES
    ]


def assert_raised_early(excinfo):
    frames = traceback.extract_tb(excinfo.tb)
    where = frames[-1].filename.replace("\\", "/")
    assert "/skprune/" in where or "/sklearn/" in where, (
        f"raised from {where}:{frames[-1].lineno}, not from input validation"
    )
    assert not {f.name for f in frames} & TRAINING_FRAMES, (
        "raised inside training/inference: "
        + " <- ".join(f.name for f in reversed(frames))
    )


def _equal(a, b, path="", depth=0):
    """Deep equality of fitted state (arrays bit for bit)."""
    assert type(a) is type(b), path
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, path
        np.testing.assert_array_equal(a, b, err_msg=path)
    elif sparse.issparse(a):
        _equal(a.toarray(), b.toarray(), path)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _equal(x, y, f"{path}[{i}]", depth + 1)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _equal(a[k], b[k], f"{path}[{k!r}]", depth + 1)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), path
    elif hasattr(a, "__dict__") and not isinstance(a, type) and depth < 4:
        _equal(vars(a), vars(b), f"{path}.", depth + 1)
    else:
        assert a == b, path


def _fitted_state(est):
    return copy.deepcopy(
        {
            k: v
            for k, v in vars(est).items()
            if k.endswith("_") and not k.startswith("__")
        }
    )


def _output(est, spec, X):
    """The spec's output method on X, as a dense array (transformers may
    return a sparse matrix)."""
    out = getattr(est, spec.output)(X)
    return out.toarray() if sparse.issparse(out) else np.asarray(out)


def _fit_good(spec):
    X, y = _data(spec.task)
    est = spec.make().fit(X, y)
    return est, X, _output(est, spec, X)


def _assert_intact(spec, est, state, X, out):
    _equal(state, _fitted_state(est), "fitted state")
    np.testing.assert_array_equal(_output(est, spec, X), out)


def _copies(*arrays):
    return [a.copy() if hasattr(a, "copy") else copy.deepcopy(a) for a in arrays]


def _assert_unchanged(given, copies):
    for a, b in zip(given, copies):
        if sparse.issparse(a):
            a, b = a.toarray(), b.toarray()
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape
        if a.dtype == object:
            assert a.tolist() == b.tolist()
        else:
            np.testing.assert_array_equal(a, b)  # NaN equals NaN here


@pytest.mark.parametrize("spec, case", _table(FIT_CASES, 4))
def test_bad_fit_input_is_refused_and_a_failed_refit_keeps_the_model(spec, case):
    name, make_bad, error, match, _ = case
    X_bad, y_bad = make_bad(*_data(spec.task))
    given = _copies(X_bad, y_bad)
    # a fresh estimator: refused, and nothing fitted is left behind
    fresh = spec.make()
    with pytest.raises(error, match=match) as excinfo:
        fresh.fit(X_bad, y_bad)
    assert_raised_early(excinfo)
    assert _fitted_state(fresh) == {}
    # a fitted estimator: refused, and the previous model is intact
    est, X, out = _fit_good(spec)
    state = _fitted_state(est)
    with pytest.raises(error, match=match):
        est.fit(X_bad, y_bad)
    _assert_intact(spec, est, state, X, out)
    _assert_unchanged((X_bad, y_bad), given)


@pytest.mark.parametrize("spec, case", _table(PREDICT_CASES))
def test_bad_predict_input_is_refused(spec, case):
    name, make_bad, error, match = case
    est, X, out = _fit_good(spec)
    state = _fitted_state(est)
    X_bad = make_bad(X)
    methods = {spec.output, "predict"} & {m for m in dir(est) if not m.startswith("_")}
    for method in sorted(methods):
        with pytest.raises(error, match=match) as excinfo:
            getattr(est, method)(X_bad)
        assert_raised_early(excinfo)
    _assert_intact(spec, est, state, X, out)


@pytest.mark.parametrize("spec", SPECS)
def test_predict_before_fit_is_refused(spec):
    X, _ = _data(spec.task)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(spec.make(), spec.output)(X)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.values[0].bad_params])
def test_bad_parameters_are_refused_and_keep_the_model(spec):
    X, y = _data(spec.task)
    for params, error, match in spec.bad_params:
        with pytest.raises(error, match=match) as excinfo:
            spec.make().set_params(**params).fit(X, y)
        assert_raised_early(excinfo)
        est, X, out = _fit_good(spec)
        state = _fitted_state(est)
        good = {k: est.get_params()[k] for k in params}
        with pytest.raises(error, match=match):
            est.set_params(**params).fit(X, y)
        est.set_params(**good)
        _assert_intact(spec, est, state, X, out)


@pytest.mark.parametrize("spec, case", _table(VALID_CASES, 2))
def test_unusual_but_valid_input_fits(spec, case):
    name, make, _ = case
    X, y = make(*_data(spec.task))
    given = _copies(X, y)
    est = spec.make().fit(X, y)
    out = _output(est, spec, X)
    assert out.shape[0] == np.shape(X)[0]
    assert np.all(np.isfinite(out))
    _assert_unchanged((X, y), given)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.values[0].valid_params])
def test_edge_settings_fit(spec):
    X, y = _data(spec.task)
    for params, check in spec.valid_params:
        est = spec.make().set_params(**params).fit(X, y)
        assert np.all(np.isfinite(_output(est, spec, X))), params
        check(est)


@pytest.mark.parametrize(
    "spec", [s for s in SPECS if hasattr(s.values[0].make(), "partial_fit")]
)
def test_failed_partial_fit_keeps_the_model(spec):
    est, X, out = _fit_good(spec)
    state = _fitted_state(est)
    _, y = _data(spec.task)
    for X_bad, match in [
        (_with(X, 0, 0, np.nan), "NaN"),
        (X[:, :-1], "4 features"),
        (X[:, :4].reshape(len(X), 2, 2), "dim 3"),
    ]:
        with pytest.raises(ValueError, match=match):
            est.partial_fit(X_bad, y)
        _assert_intact(spec, est, state, X, out)


@pytest.mark.parametrize("prune_ratio", ["auto", 0.5])
def test_sgd_classifier_refuses_a_single_class_as_its_parent(prune_ratio):
    # SGDClassifier refuses a y with one class; so does its drop-in, by name
    X, y = _data("classification")
    with pytest.raises(ValueError, match="number of classes"):
        SGDClassifier().fit(X, np.zeros_like(y))
    with pytest.raises(ValueError, match="only one class"):
        SparseSGDClassifier(prune_ratio=prune_ratio, random_state=0).fit(
            X, np.zeros_like(y)
        )


def test_auto_prune_ratio_on_one_sample_per_class_names_the_problem():
    X, y = _data("classification")
    with pytest.raises(ValueError, match="leaves no training sample of the class"):
        SparseSGDClassifier(random_state=0).fit(X[:2], y[:2])
    with pytest.raises(ValueError, match="only one class with a positive sample_w"):
        SparseSGDClassifier(random_state=0).fit(X, y, sample_weight=(y == 1) * 1.0)


def test_auto_prune_ratio_on_one_sample_names_the_problem():
    X, y = _data("regression")
    with pytest.raises(ValueError, match="prune_ratio='auto' needs a validation split"):
        SparseSGDRegressor(random_state=0).fit(X[:1], y[:1])
