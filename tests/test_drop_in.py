"""Drop-in behaviour that scikit-learn's own tests (tests/sklearn_suite) do not pin.

What a pruned fit means for the parent's attributes, what the parent accepts
and we must accept too, and the errors of our own entry points
(``from_estimator``, a warm start on another architecture) in our words.
"""

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
    # the reproducer of issue 15, item 3
    return make_classification(
        n_samples=200, n_features=10, n_classes=3, n_informative=5, random_state=42
    )


# -- training attributes over a pruned fit (issue 15, item 3) -----------------


@QUIET
def test_early_stopping_attributes_describe_the_returned_weights(three_classes):
    X, y = three_classes
    est = PrunedMLPClassifier(
        prune_ratio=0.5, early_stopping=True, max_iter=50, random_state=42
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
def test_loss_attributes_describe_the_final_run(three_classes):
    X, y = three_classes
    params = dict(hidden_layer_sizes=(16,), max_iter=30, random_state=0)
    est = PrunedMLPClassifier(prune_ratio=0.5, **params).fit(X, y)
    dense = MLPClassifier(**params).fit(X, y)
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
        dense.n_iter_, dense.t_, dense.best_loss_
    )


@QUIET
def test_lbfgs_n_iter_is_the_final_run(three_classes):
    X, y = three_classes
    est = PrunedMLPRegressor(
        solver="lbfgs", hidden_layer_sizes=(8,), max_iter=40, prune_ratio=0.5,
        n_prune_steps=2, finetune_iter=3, random_state=0,
    ).fit(X, y.astype(float))
    assert [r["n_iter"] for r in est.pruning_history_][1:] == [3, est.n_iter_]
    assert est.n_iter_ <= est.max_iter


@QUIET
def test_undone_step_restores_its_training_record(three_classes):
    X, y = three_classes
    est = PrunedMLPClassifier(
        hidden_layer_sizes=(8,), max_iter=40, prune_ratio=0.99, n_prune_steps=4,
        finetune_iter=5, max_score_drop=0.0, random_state=0,
    ).fit(X, y)
    history = est.pruning_history_
    assert not history[-1]["accepted"]  # 99% of an 8-unit net: refused
    kept = [r for r in history if r["accepted"]][-1]
    assert est.n_iter_ == kept["n_iter"] == len(est.loss_curve_)
    assert est.loss_ == kept["loss"]


# -- single-class y (issue 15, item 2) ----------------------------------------


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
        hidden_layer_sizes=(8,), max_iter=20, prune_ratio=0.5, max_score_drop=0.0,
        early_stopping=True, random_state=0,
    ).fit(X, y)
    assert all(r["validation_score"] == 1.0 for r in est.pruning_history_)
    assert est.sparsity_ == pytest.approx(0.5, abs=0.02)
