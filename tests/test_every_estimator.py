"""Cross-cutting promises, checked on every skprune estimator.

One table (``ESTIMATORS``) lists every public estimator with fast settings;
each test below runs on all of them: determinism, the invariants of a pruned
fit (properties), and model selection. Bad input is covered the same way by
``tests/test_bad_input.py`` (its ``ESTIMATORS`` table), the displays by
``tests/test_inspection.py`` and the log line by ``tests/pruning/test_driver.py``.
A new estimator gets one line here.
"""

import copy
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone, is_classifier
from sklearn.datasets import load_digits, make_regression
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    PruneSparsifyTransformer,
    SparseSGDClassifier,
    SparseSGDRegressor,
)
from skprune._pruning import COMMON_KEYS
from skprune.model_selection import sparsest_within

MLP = dict(
    hidden_layer_sizes=(10,),
    solver="adam",
    max_iter=25,
    n_prune_steps=2,
    finetune_iter=3,
)

# name -> (factory(random_state), task)
ESTIMATORS = {
    "PrunedMLPClassifier": (
        lambda rs: PrunedMLPClassifier(random_state=rs, **MLP),
        "classification",
    ),
    "PrunedMLPRegressor": (
        lambda rs: PrunedMLPRegressor(random_state=rs, **MLP),
        "regression",
    ),
    "SparseSGDRegressor": (
        lambda rs: SparseSGDRegressor(random_state=rs, max_iter=50),
        "regression",
    ),
    "SparseSGDRegressor-ratio": (
        lambda rs: SparseSGDRegressor(
            random_state=rs, prune_ratio=0.5, prune_criterion="random", max_iter=50
        ),
        "regression",
    ),
    "SparseSGDClassifier": (
        lambda rs: SparseSGDClassifier(random_state=rs, max_iter=50),
        "classification",
    ),
    "SparseSGDClassifier-ratio": (
        lambda rs: SparseSGDClassifier(
            random_state=rs,
            loss="log_loss",
            prune_ratio=0.5,
            prune_criterion="gradient",
            max_iter=50,
        ),
        "classification",
    ),
    "PruneSparsifyTransformer": (
        lambda rs: PruneSparsifyTransformer(
            "gradient", PrunedMLPRegressor(random_state=rs, **MLP), prune_ratio=0.5
        ),
        "regression",
    ),
}
PRUNING = [n for n in ESTIMATORS if n != "PruneSparsifyTransformer"]


def _data(task):
    if task == "classification":
        X, y = load_digits(return_X_y=True)
        return X[:240] / 16.0, y[:240]
    X, y = make_regression(240, 12, n_informative=4, noise=1.0, random_state=0)
    return StandardScaler().fit_transform(X), y / np.std(y)


def _state(est):
    """The fitted arrays and history that must be reproducible."""
    if isinstance(est, PruneSparsifyTransformer):
        return {"scores_": est.scores_, "support_": est.support_}
    if hasattr(est, "coefs_"):
        arrays = {f"coefs_{i}": c for i, c in enumerate(est.coefs_)}
        arrays.update({f"masks_{i}": m for i, m in enumerate(est.masks_)})
    else:
        arrays = {"coef_": est.coef_, "support_": est.support_}
    history = [tuple(r[k] for k in COMMON_KEYS) for r in est.pruning_history_]
    return {**arrays, "history": history}


def _assert_same(a, b):
    sa, sb = _state(a), _state(b)
    assert sa.keys() == sb.keys()
    for key in sa:
        if key == "history":
            assert sa[key] == sb[key]
        else:
            np.testing.assert_array_equal(sa[key], sb[key], err_msg=key, strict=True)


def _differs(a, b):
    sa, sb = _state(a), _state(b)
    return any(not np.array_equal(sa[k], sb[k]) for k in sa if k != "history")


# -- determinism --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_same_random_state_same_model_other_seed_other_model(name):
    factory, task = ESTIMATORS[name]
    X, y = _data(task)
    _assert_same(factory(7).fit(X, y), factory(7).fit(X, y))
    # fresh RandomState instances with the same seed agree too
    _assert_same(
        factory(np.random.RandomState(3)).fit(X, y),
        factory(np.random.RandomState(3)).fit(X, y),
    )
    assert _differs(factory(7).fit(X, y), factory(8).fit(X, y))


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_fit_does_not_mutate_its_input_or_parameters(name):
    factory, task = ESTIMATORS[name]
    X, y = _data(task)
    X0, y0 = X.copy(), y.copy()
    est = factory(0)
    params = copy.deepcopy(est.get_params(deep=False))
    est.fit(X, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    after = est.get_params(deep=False)
    for key, value in params.items():
        if hasattr(value, "get_params"):  # a nested estimator: same parameters
            assert after[key].get_params() == value.get_params()
        else:
            assert after[key] == value, key


# -- properties of every pruned fit -------------------------------------------------


def _coefs(est):
    return list(est.coefs_) if hasattr(est, "coefs_") else [np.atleast_2d(est.coef_)]


@pytest.mark.parametrize("name", PRUNING)
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ratio=st.sampled_from([0.0, 0.3, 0.6, 0.9]), seed=st.integers(0, 3))
def test_pruned_fit_invariants(name, ratio, seed):
    factory, task = ESTIMATORS[name]
    X, y = _data(task)
    est = factory(seed)
    if "ratio" in name or name.startswith("Pruned"):
        est.set_params(prune_ratio=ratio)
    est.fit(X, y)
    coefs = _coefs(est)
    total = sum(c.size for c in coefs)
    nnz = sum(int(np.count_nonzero(c)) for c in coefs)
    # the numbers every estimator reports the same way
    assert est.n_nonzero_ == nnz
    assert est.sparsity_ == pytest.approx(1 - nnz / total)
    assert nnz >= 1
    if est.prune_ratio != "auto":
        # the SGD estimators prune features (one support shared by the rows)
        unit = (
            len(est.support_)
            if hasattr(est, "support_")
            else min(c.size for c in coefs)
        )
        assert est.sparsity_ >= est.prune_ratio - 1.0 / unit
    # exact zeros outside the masks / support
    if hasattr(est, "masks_"):
        for c, m in zip(est.coefs_, est.masks_):
            assert not c[~m].any()
    else:
        assert not np.atleast_2d(est.coef_)[:, ~est.support_].any()
    # one history schema; step 0 is the unpruned model
    history = est.pruning_history_
    assert history[0]["step"] == 0 and history[0]["phase"] == "dense"
    assert [r["step"] for r in history] == list(range(len(history)))
    for record in history:
        assert tuple(record)[: len(COMMON_KEYS)] == COMMON_KEYS
        assert 0.0 <= record["sparsity"] < 1.0 and record["n_nonzero"] >= 1
        assert record["loss"] is None or math.isfinite(record["loss"])
    accepted = [r for r in history if r["accepted"]]
    assert accepted[-1]["sparsity"] <= est.sparsity_ + 1e-12 or hasattr(
        est, "support_"
    )  # a final SGD refit may zero a few more
    # predictions: the parent's shape, finite
    pred = est.predict(X)
    assert pred.shape == y.shape and np.all(np.isfinite(pred.astype(float)))
    if is_classifier(est):
        assert set(np.unique(pred)) <= set(est.classes_)


# -- model selection ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_grid_search_over_prune_ratio_with_the_sparsest_rule(name):
    factory, task = ESTIMATORS[name]
    X, y = _data(task)
    est = factory(0)
    if isinstance(est, PruneSparsifyTransformer):
        est = make_pipeline(est, Ridge())
        grid = {"prunesparsifytransformer__prune_ratio": [0.0, 0.5, 0.9]}
        rule = sparsest_within(sparsity="prunesparsifytransformer__prune_ratio")
    else:
        est = make_pipeline(StandardScaler(), est)
        step = est.steps[-1][0]
        grid = {f"{step}__prune_ratio": [0.0, 0.5, 0.9]}
        rule = sparsest_within(sparsity=f"{step}__prune_ratio")
    search = GridSearchCV(est, grid, cv=2, refit=rule).fit(X, y)
    means = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(means))
    ratios = [p[next(iter(grid))] for p in search.cv_results_["params"]]
    chosen = ratios[search.best_index_]
    # never a denser candidate than one that scores at least as well
    for r, m in zip(ratios, means):
        if r > chosen:
            assert m < means[search.best_index_]
    refitted = clone(search.best_estimator_).fit(X, y)
    np.testing.assert_allclose(refitted.predict(X), search.predict(X))
