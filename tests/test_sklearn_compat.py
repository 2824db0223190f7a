"""The scikit-learn internals skprune relies on, pinned in one place.

If a scikit-learn upgrade moves one of them, this module fails and names it;
``skprune/_sklearn_compat.py`` is then the one place to adapt.
"""

import ast
import inspect
import re
from pathlib import Path

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.neural_network._multilayer_perceptron import BaseMultilayerPerceptron

from skprune import _sklearn_compat as compat

PACKAGE = Path(compat.__file__).parent  # the skprune under test (maybe installed)
ROOT = Path(__file__).resolve().parents[1]  # the tree holding pyproject.toml


def _params(function):
    return list(inspect.signature(function).parameters)


def test_installed_scikit_learn_is_in_the_tested_range():
    version = tuple(int(p) for p in re.findall(r"\d+", sklearn.__version__)[:2])
    low, high = compat.TESTED_SKLEARN
    assert low <= version <= high, sklearn.__version__
    pyproject = (ROOT / "pyproject.toml").read_text()
    pin = f'"scikit-learn>={low[0]}.{low[1]},<{high[0]}.{high[1] + 1}"'
    assert pin in pyproject, f"pyproject.toml should pin {pin}"


@pytest.mark.parametrize(
    "name, params",
    [
        # overridden: masks the gradients
        (
            "_compute_loss_grad",
            [
                "self",
                "layer",
                "sw_sum",
                "activations",
                "deltas",
                "coef_grads",
                "intercept_grads",
            ],
        ),
        # overridden: adds the sparsity penalty to the loss
        (
            "_backprop",
            [
                "self",
                "X",
                "y",
                "sample_weight",
                "activations",
                "deltas",
                "coef_grads",
                "intercept_grads",
            ],
        ),
        # called with keywords by compat.mlp_fit
        ("_fit", ["self", "X", "y", "sample_weight", "incremental"]),
        # overridden: batched inference
        ("_forward_pass_fast", ["self", "X", "check_input"]),
        ("_check_solver", ["self"]),
    ],
)
def test_mlp_hook_signatures(name, params):
    assert _params(getattr(BaseMultilayerPerceptron, name)) == params


def test_backprop_returns_loss_and_gradients():
    X, y = make_regression(20, 3, random_state=0)
    mlp = MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    with pytest.warns(Warning):  # not converged
        mlp.fit(X, y)
    sizes = [3, 4, 1]
    activations = [X] + [np.empty((20, n)) for n in sizes[1:]]
    deltas = [np.empty_like(a) for a in activations[1:]]
    coef_grads = [np.empty_like(c) for c in mlp.coefs_]
    intercept_grads = [np.empty_like(i) for i in mlp.intercepts_]
    out = mlp._backprop(
        X, y.reshape(-1, 1), None, activations, deltas, coef_grads, intercept_grads
    )
    loss, cg, ig = out
    assert np.isscalar(loss) or np.ndim(loss) == 0
    assert [g.shape for g in cg] == [c.shape for c in mlp.coefs_]
    assert [g.shape for g in ig] == [i.shape for i in mlp.intercepts_]


@pytest.mark.parametrize(
    "solver, names", [("adam", {"ms", "vs"}), ("sgd", {"velocities"})]
)
def test_mlp_fitted_state_we_read_and_reset(solver, names):
    X, y = make_classification(60, 5, random_state=0)
    mlp = MLPClassifier(
        hidden_layer_sizes=(4,),
        solver=solver,
        max_iter=3,
        early_stopping=True,
        random_state=0,
    )
    with pytest.warns(Warning):
        mlp.fit(X, y)
    state = compat.optimizer_arrays(mlp)
    assert set(state) == names
    for arrays in state.values():  # one per coefficient, then per intercept
        assert [a.shape for a in arrays] == [
            p.shape for p in mlp.coefs_ + mlp.intercepts_
        ]
    assert compat.label_binarizer(mlp).transform(y).shape == (60, 1)
    for name in (
        "_no_improvement_count",
        "_best_coefs",
        "_best_intercepts",
        "best_loss_",
        "_random_state",
        "_optimizer",
    ):
        assert hasattr(mlp, name), name
    assert set(compat.MLP_SCRATCH_STATE) <= set(vars(mlp))
    compat.reset_mlp_stopping_state(mlp)
    assert mlp._no_improvement_count == 0 and mlp.best_validation_score_ == -np.inf
    compat.drop_optimizer(mlp)
    assert compat.optimizer_arrays(mlp) == {}


@pytest.mark.parametrize("cls", [SGDRegressor, SGDClassifier])
def test_sgd_averaging_state_is_read_and_continued_by_partial_fit(cls):
    X, y = make_classification(80, 4, random_state=0)
    sgd = cls(average=True, max_iter=5, tol=None, random_state=0).fit(X, y)
    for name in compat.SGD_AVERAGE_COEFS + compat.SGD_AVERAGE_INTERCEPTS:
        assert getattr(sgd, name, None) is not None, name
    # a fresh estimator given the state continues exactly where sgd stands
    fresh = cls(average=True, max_iter=5, tol=None, random_state=0)
    fresh.partial_fit(
        X[:1], y[:1], **({"classes": [0, 1]} if cls is SGDClassifier else {})
    )
    for name in (
        ("coef_", "intercept_", "t_")
        + compat.SGD_AVERAGE_COEFS
        + compat.SGD_AVERAGE_INTERCEPTS
    ):
        setattr(
            fresh,
            name,
            np.array(getattr(sgd, name), copy=True) if name != "t_" else sgd.t_,
        )
    sgd.partial_fit(X, y)
    fresh.partial_fit(X, y)
    np.testing.assert_allclose(fresh.coef_, sgd.coef_)


def test_imported_names_and_helpers():
    assert {"relu", "tanh", "logistic", "identity", "softmax"} <= set(
        compat.ACTIVATIONS
    )
    assert {"relu", "tanh", "logistic", "identity"} <= set(compat.DERIVATIVES)
    assert _params(compat._get_output_config)[:2] == ["method", "estimator"]
    assert _params(compat._check_sample_weight)[:2] == ["sample_weight", "X"]
    assert "prefer_skip_nested_validation" in _params(compat._fit_context)
    assert issubclass(compat.InvalidParameterError, ValueError)
    assert "alpha" in compat.param_names(SGDRegressor)
    assert isinstance(compat.global_random_state(), np.random.RandomState)


def test_effective_n_threads_follows_threadpool_limits():
    # the thread count of a parallel predict: sklearn's, which obeys
    # threadpoolctl's limit on its OpenMP runtime
    from threadpoolctl import threadpool_limits

    assert compat.effective_n_threads() >= 1
    with threadpool_limits(1):
        assert compat.effective_n_threads() == 1
    with threadpool_limits(1, user_api="openmp"):
        assert compat.effective_n_threads() == 1


def _private_sklearn_imports(path):
    """(line, name) of every private scikit-learn name ``path`` imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and (node.module.split(".")[0] == "sklearn")
        ):
            private_module = any(p.startswith("_") for p in node.module.split("."))
            for alias in node.names:
                if private_module or alias.name.startswith("_"):
                    found.append((node.lineno, f"{node.module}.{alias.name}"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "sklearn" and any(p.startswith("_") for p in parts):
                    found.append((node.lineno, alias.name))
    return found


def test_only_the_compat_module_imports_private_sklearn_names():
    offenders = {
        str(path.relative_to(PACKAGE.parent)): names
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "_sklearn_compat.py"
        and (names := _private_sklearn_imports(path))
    }
    assert offenders == {}
    # and it does import some (the check itself works)
    assert _private_sklearn_imports(PACKAGE / "_sklearn_compat.py")


def test_check_sample_weight_all_zero():
    X = np.ones((3, 2))
    sw = compat.check_sample_weight(np.zeros(3), X, allow_all_zero_weights=True)
    assert sw.tolist() == [0.0, 0.0, 0.0]
    # scikit-learn >= 1.9 refuses all-zero weights unless allowed (1.7, 1.8 never)
    installed = tuple(int(p) for p in re.findall(r"\d+", sklearn.__version__)[:2])
    assert compat._ALL_ZERO_CHECK == (installed >= (1, 9))
    if compat._ALL_ZERO_CHECK:
        with pytest.raises(ValueError, match="at least one non-zero"):
            compat.check_sample_weight(np.zeros(3), X, allow_all_zero_weights=False)
