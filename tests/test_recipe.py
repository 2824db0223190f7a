"""finetune_iter='auto': budgets from the dense run, the step-size rule, warnings."""

import math
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skprune import PrunedMLPClassifier, PrunedMLPRegressor, PruningConvergenceWarning
from skprune._recipe import next_target, recovered, retrain_budgets
from skprune._schedules import sparsity_schedule


@pytest.fixture(scope="module")
def small_digits(digits):
    X, y = digits  # the session's digits (scaled to [0, 1]), first 600 rows
    return X[:600], y[:600]


def _fit(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return PrunedMLPClassifier(
            **{"hidden_layer_sizes": (24,), "random_state": 0, **params}
        ).fit(X, y)


def test_budgets_rule_by_hand():
    assert retrain_budgets(1) == (1, 2)
    assert retrain_budgets(20) == (3, 40)  # ceil(0.15 * 20) = 3
    assert retrain_budgets(41) == (7, 82)  # ceil(6.15) = 7
    assert retrain_budgets(41, max_iter=50) == (7, 50)  # never beyond max_iter
    assert retrain_budgets(41, max_iter=5) == (5, 5)
    assert recovered(0.2, 0.05 + 1.25 * 0.2) and not recovered(0.2, 0.31)
    assert next_target(0.5, 0.9, True) == pytest.approx(0.7)


def test_auto_budgets_follow_the_dense_run(small_digits):
    X, y = small_digits
    est = _fit(X, y, max_iter=20, prune_ratio=0.6, n_prune_steps=3)
    history = est.pruning_history_
    dense = history[0]["n_iter"]
    assert dense == 20  # stopped at max_iter: D = 20
    step_iter = math.ceil(0.15 * dense)
    assert all(r["n_iter"] == step_iter for r in history[1:-1])
    assert 1 <= history[-1]["n_iter"] <= min(2 * dense, est.max_iter)
    assert history[-1]["target_sparsity"] == 0.6
    assert est.n_iter_ == history[-1]["n_iter"]


def test_int_finetune_iter_keeps_the_fixed_recipe(small_digits):
    X, y = small_digits
    est = _fit(X, y, max_iter=20, prune_ratio=0.99, n_prune_steps=3, finetune_iter=2)
    history = est.pruning_history_
    # no step-size rule with an int: exactly the planned schedule
    np.testing.assert_allclose(
        [r["target_sparsity"] for r in history[1:]], sparsity_schedule(0.99, 3, "cubic")
    )
    assert [r["n_iter"] for r in history[1:-1]] == [2, 2]


def test_step_size_rule_halves_the_next_cut(small_digits):
    X, y = small_digits
    est = _fit(X, y, max_iter=30, prune_ratio=0.99, n_prune_steps=2)
    history = est.pruning_history_
    planned = list(sparsity_schedule(0.99, 2, "cubic"))
    targets = [r["target_sparsity"] for r in history[1:]]
    assert not history[1]["recovered"]  # a 74% first cut of a tiny net hurts
    halvings, current, expected = 0, 0.0, []
    for record in history[1:]:
        if expected and not previous_ok and halvings < 3:
            halvings += 1
            nxt = current + (planned[0] - current) / 2
        else:
            nxt = planned.pop(0)
        expected.append(nxt)
        current, previous_ok = nxt, record["recovered"]
    np.testing.assert_allclose(targets, expected)
    assert halvings >= 1 and len(targets) <= 2 + 3
    assert targets[-1] == 0.99 and est.sparsity_ >= 0.99 - 1e-3


def test_warning_when_final_retraining_hits_its_budget(small_digits):
    X, y = small_digits
    est = PrunedMLPClassifier(
        hidden_layer_sizes=(24,),
        max_iter=4,
        prune_ratio=0.5,
        n_prune_steps=2,
        random_state=0,
    )
    with pytest.warns(
        PruningConvergenceWarning,
        match=r"final re-training stopped at its budget of 4 epochs "
        r"\(max_iter\).*raise max_iter",
    ):
        est.fit(X, y)
    # min(2 D, max_iter): no training run goes beyond max_iter, as in sklearn
    assert est.pruning_history_[-1]["n_iter"] == est.n_iter_ == 4


def test_warning_when_a_step_does_not_recover(small_digits):
    X, y = small_digits
    # one step straight to 99%: the final re-training cannot get back
    est = PrunedMLPClassifier(
        hidden_layer_sizes=(24,),
        max_iter=30,
        prune_ratio=0.99,
        n_prune_steps=1,
        random_state=0,
    )
    with pytest.warns(
        PruningConvergenceWarning,
        match="did not bring the training loss back.*lower prune_ratio",
    ):
        est.fit(X, y)
    assert any(r["recovered"] is False for r in est.pruning_history_)


def test_no_warning_on_an_easy_fit(small_digits):
    X, y = small_digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", PruningConvergenceWarning)
        dense = MLPClassifier(
            hidden_layer_sizes=(24,), max_iter=300, random_state=0
        ).fit(X, y)
        PrunedMLPClassifier.from_estimator(dense, X, y, prune_ratio=0.5)


def test_warning_is_a_convergence_warning_and_lbfgs_counts_iterations(small_digits):
    assert issubclass(PruningConvergenceWarning, ConvergenceWarning)
    rng = np.random.RandomState(0)
    X = rng.rand(80, 4)
    y = X @ [1.0, -2.0, 0.5, 3.0]
    with pytest.warns(PruningConvergenceWarning, match="budget of 3 iterations"):
        PrunedMLPRegressor(
            hidden_layer_sizes=(8,),
            solver="lbfgs",
            max_iter=3,
            prune_ratio=0.5,
            n_prune_steps=2,
            random_state=0,
        ).fit(X, y)


@pytest.mark.parametrize("value", ["fast", 1.5, None])
def test_finetune_iter_must_be_auto_or_int(small_digits, value):
    from sklearn.utils._param_validation import InvalidParameterError

    X, y = small_digits
    with pytest.raises(InvalidParameterError, match="finetune_iter"):
        PrunedMLPClassifier(finetune_iter=value).fit(X, y)
