"""Drop-in behaviour that scikit-learn's own tests (tests/sklearn_suite) do not pin.

What a pruned fit means for the parent's attributes, what the parent accepts
and we must accept too, and the errors of our own entry points
(``from_estimator``, a warm start on another architecture) in our words.
"""

import copy
import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skprune import PrunedMLPClassifier, PrunedMLPRegressor

QUIET = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def three_classes():
    # the reproducer of the bug that left stale training attributes
    return make_classification(
        n_samples=200, n_features=10, n_classes=3, n_informative=5, random_state=42
    )


# -- training attributes over a pruned fit -------------------------------------


@QUIET
def test_early_stopping_attributes_describe_the_returned_weights(three_classes):
    X, y = three_classes
    est = PrunedMLPClassifier(
        prune_ratio=0.5,
        early_stopping=True,
        max_iter=50,
        random_state=42,
        n_prune_steps=5,
        finetune_iter=10,
    ).fit(X, y)
    assert len(est.validation_scores_) == est.n_iter_ == len(est.loss_curve_)
    assert est.n_iter_ <= est.max_iter
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.best_loss_ is None
    # sklearn's split of the last run (a fresh RandomState(42) per training
    # run): best_validation_score_ is the accuracy of the weights returned
    # (not stratified: sklearn stratifies only single-output targets)
    _, X_val, _, y_val = train_test_split(
        X, y, random_state=np.random.RandomState(42), test_size=0.1
    )
    assert est.score(X_val, y_val) == pytest.approx(est.best_validation_score_)
    assert est.t_ == est.n_iter_ * (len(X) - len(X_val))
    history = est.pruning_history_
    assert [r["n_iter"] for r in history[1:-1]] == [est.finetune_iter] * 4
    assert history[-1]["n_iter"] == est.n_iter_


@QUIET
@pytest.mark.parametrize("finetune_iter", [10, "auto"])
def test_loss_attributes_describe_the_final_run(three_classes, finetune_iter):
    X, y = three_classes
    params = dict(hidden_layer_sizes=(16,), max_iter=30, random_state=0)
    est = PrunedMLPClassifier(
        prune_ratio=0.5, finetune_iter=finetune_iter, **params
    ).fit(X, y)
    dense = MLPClassifier(**params).fit(X, y)
    # no training run goes beyond max_iter, as in sklearn ('auto' included,
    # documented under finetune_iter)
    assert len(est.loss_curve_) == est.n_iter_ <= est.max_iter
    assert est.loss_ == est.loss_curve_[-1]
    assert est.best_loss_ == min(est.loss_curve_)
    assert est.validation_scores_ is None and est.best_validation_score_ is None
    assert est.t_ == est.n_iter_ * len(X)
    history = est.pruning_history_
    assert history[0]["n_iter"] == dense.n_iter_
    assert history[-1]["n_iter"] == est.n_iter_
    assert history[-1]["loss"] == est.loss_
    # no pruning: the parent's attributes, unchanged
    same = PrunedMLPClassifier(prune_ratio=0.0, **params).fit(X, y)
    assert same.loss_curve_ == dense.loss_curve_
    assert (same.n_iter_, same.t_, same.best_loss_) == (
        dense.n_iter_,
        dense.t_,
        dense.best_loss_,
    )


@QUIET
def test_lbfgs_n_iter_is_the_final_run(three_classes):
    X, y = three_classes
    est = PrunedMLPRegressor(
        solver="lbfgs",
        hidden_layer_sizes=(8,),
        max_iter=40,
        prune_ratio=0.5,
        n_prune_steps=2,
        finetune_iter=3,
        random_state=0,
    ).fit(X, y.astype(float))
    assert [r["n_iter"] for r in est.pruning_history_][1:] == [3, est.n_iter_]
    assert est.n_iter_ <= est.max_iter


@QUIET
def test_undone_step_restores_its_training_record(three_classes):
    X, y = three_classes
    est = PrunedMLPClassifier(
        hidden_layer_sizes=(8,),
        max_iter=40,
        prune_ratio=0.99,
        n_prune_steps=4,
        finetune_iter=5,
        max_score_drop=0.0,
        random_state=0,
    ).fit(X, y)
    history = est.pruning_history_
    assert not history[-1]["accepted"]  # 99% of an 8-unit net: refused
    kept = [r for r in history if r["accepted"]][-1]
    assert est.n_iter_ == kept["n_iter"] == len(est.loss_curve_)
    assert est.loss_ == kept["loss"]


# -- single-class y --------------------------------------------------------------


@QUIET
@pytest.mark.parametrize("label", [3, "only"])
@pytest.mark.parametrize("prune_ratio", [0.0, 0.5])
def test_single_class_y_is_accepted_as_by_the_parent(label, prune_ratio):
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 5), np.full(40, label)
    params = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    parent = MLPClassifier(**params).fit(X, y)
    est = PrunedMLPClassifier(prune_ratio=prune_ratio, **params).fit(X, y)
    np.testing.assert_array_equal(est.classes_, parent.classes_)
    np.testing.assert_array_equal(est.predict(X), parent.predict(X))
    assert est.predict_proba(X).shape == parent.predict_proba(X).shape == (40, 2)
    assert est.sparsity_ == pytest.approx(prune_ratio, abs=0.02)
    if prune_ratio == 0:
        np.testing.assert_allclose(est.predict_proba(X), parent.predict_proba(X))
    assert est.score(X, y) == 1.0


@QUIET
def test_single_class_y_with_a_validation_split():
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 5), np.zeros(40, dtype=int)
    est = PrunedMLPClassifier(
        hidden_layer_sizes=(8,),
        max_iter=20,
        prune_ratio=0.5,
        max_score_drop=0.0,
        early_stopping=True,
        random_state=0,
    ).fit(X, y)
    assert all(r["validation_score"] == 1.0 for r in est.pruning_history_)
    assert est.sparsity_ == pytest.approx(0.5, abs=0.02)


# -- from_estimator: y must be the source network's targets -------------------


@pytest.fixture(scope="module")
def source():
    rng = np.random.RandomState(0)
    X, y = rng.randn(60, 5), np.arange(60) % 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
        return mlp.fit(X, y), X, y


UNSEEN = r"y holds labels the source network was never trained on: \[{}\]"
FROM_ESTIMATOR_CASES = [
    (
        "string labels",
        lambda y: np.array(["a", "b", "c"])[y],
        UNSEEN.format("'a', 'b', 'c'"),
    ),
    ("a new class", lambda y: np.where(y == 2, 7, y), UNSEEN.format("7")),
    ("a superset", lambda y: np.r_[y[:-1], 3], UNSEEN.format("3")),
    (
        "a subset",
        lambda y: y % 2,
        r"y has no sample of the source network's classes \[2\] "
        r"\(its classes_ are \[0, 1, 2\]\)",
    ),
    (
        "multilabel",
        lambda y: np.c_[y == 0, y == 1, y == 2].astype(int),
        "y is a multilabel indicator matrix but the source network was not",
    ),
]


@QUIET
@pytest.mark.parametrize("finetune_iter", [0, 2])
@pytest.mark.parametrize(
    "name, make_y, message",
    FROM_ESTIMATOR_CASES,
    ids=[c[0] for c in FROM_ESTIMATOR_CASES],
)
def test_from_estimator_refuses_targets_the_network_does_not_output(
    source, name, make_y, message, finetune_iter
):
    mlp, X, y = source
    before = copy.deepcopy(vars(mlp))
    with pytest.raises(ValueError, match=message) as excinfo:
        PrunedMLPClassifier.from_estimator(
            mlp, X, make_y(y), prune_ratio=0.5, finetune_iter=finetune_iter
        )
    assert "warm_start" not in str(excinfo.value)  # the user never set it
    _assert_same_state(vars(mlp), before)


@QUIET
def test_from_estimator_keeps_the_fitted_architecture(source):
    mlp, X, y = source
    with pytest.raises(
        ValueError,
        match=r"hidden_layer_sizes=\(4,\) differs from "
        r"the fitted network's \(8,\): from_estimator",
    ):
        PrunedMLPClassifier.from_estimator(mlp, X, y, hidden_layer_sizes=(4,))
    # a warm-started sklearn MLP can hold weights of an earlier
    # hidden_layer_sizes: the weights decide
    stale = copy.deepcopy(mlp).set_params(warm_start=True, hidden_layer_sizes=(3,))
    stale.fit(X, y)
    assert stale.coefs_[0].shape == (5, 8)
    pruned = PrunedMLPClassifier.from_estimator(stale, X, y, prune_ratio=0.5)
    assert pruned.hidden_layer_sizes == (8,)
    reg = MLPRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    reg.fit(X, X[:, 0])
    with pytest.raises(
        ValueError,
        match=r"y has 2 output\(s\) but the fitted "
        "network has 1: from_estimator",
    ):
        PrunedMLPRegressor.from_estimator(reg, X, X[:, :2], prune_ratio=0.5)


# -- warm_start with another architecture ------------------------------------


@QUIET
@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
@pytest.mark.parametrize("new_sizes", [(4,), (8, 4), ()])
def test_warm_start_refuses_another_architecture(source, Estimator, new_sizes):
    _, X, y = source
    est = Estimator(
        hidden_layer_sizes=(8,),
        max_iter=10,
        prune_ratio=0.5,
        n_prune_steps=1,
        warm_start=True,
        random_state=0,
    ).fit(X, y)
    before = copy.deepcopy(vars(est))
    est.set_params(hidden_layer_sizes=new_sizes)
    with pytest.raises(
        ValueError,
        match=(
            rf"hidden_layer_sizes={re.escape(repr(new_sizes))} differs from the "
            r"fitted network's \(8,\): warm_start=True .*set warm_start=False"
        ),
    ):
        est.fit(X, y)
    after = {k: v for k, v in vars(est).items() if k != "hidden_layer_sizes"}
    _assert_same_state(
        after, {k: v for k, v in before.items() if k != "hidden_layer_sizes"}
    )
    # the same architecture, spelled differently, continues
    est.set_params(hidden_layer_sizes=8).fit(X, y)
    est.set_params(warm_start=False, hidden_layer_sizes=new_sizes).fit(X, y)
    assert len(est.coefs_) == len(new_sizes) + 1


@QUIET
def test_warm_start_refuses_another_number_of_outputs(source):
    _, X, _ = source
    est = PrunedMLPRegressor(
        hidden_layer_sizes=(8,),
        max_iter=10,
        prune_ratio=0.5,
        n_prune_steps=1,
        warm_start=True,
        random_state=0,
    )
    est.fit(X, X[:, 0])
    with pytest.raises(
        ValueError,
        match=r"y has 2 output\(s\) but the fitted "
        "network has 1: warm_start=True",
    ):
        est.fit(X, X[:, :2])


def _assert_same_state(a, b):
    assert a.keys() == b.keys()
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, list) and x and isinstance(x[0], np.ndarray):
            assert all(np.array_equal(u, v) for u, v in zip(x, y)), key
        elif isinstance(x, np.ndarray):
            assert np.array_equal(x, y), key
