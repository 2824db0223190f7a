"""finetune_iter='auto': budgets from the dense run, the step-size rule, warnings."""

import math
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skprune import PrunedMLPClassifier, PrunedMLPRegressor, PruningConvergenceWarning
from skprune._pruning._recipe import RECIPE, Recipe, StepPlan, next_target
from skprune._pruning._schedules import sparsity_schedule


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


step_budget, final_budget, recovered = (
    RECIPE.step_budget,
    RECIPE.final_budget,
    RECIPE.recovered,
)


def test_budgets_rule_by_hand():
    assert step_budget(1) == 1 and step_budget(0) == 1
    assert step_budget(20) == 3  # ceil(0.15 * 20) = 3
    assert step_budget(41) == 7  # ceil(6.15) = 7
    assert step_budget(41, max_iter=5) == 5  # never beyond max_iter
    # what the steps left of ceil(2.5 D), at least D, at most max_iter
    assert final_budget(41, used=49) == 103 - 49  # ceil(102.5) = 103
    assert final_budget(41, used=63) == 41  # the floor D
    assert final_budget(41, used=49, max_iter=30) == 30
    assert final_budget(200, used=270, max_iter=200) == 200
    assert recovered(0.2, 0.05 + 1.25 * 0.2) and not recovered(0.2, 0.31)
    assert next_target(0.5, 0.9, True) == pytest.approx(0.7)


def test_auto_criterion_by_granularity():
    assert RECIPE.criterion("auto", "weight") == "entropy"
    assert RECIPE.criterion("auto", "neuron") == "magnitude"
    assert RECIPE.criterion("gradient", "neuron") == "gradient"


def test_recipe_is_frozen_and_its_text_follows_its_numbers():
    with pytest.raises(AttributeError):
        RECIPE.step_fraction = 0.5
    text = Recipe(abs_slack=0.02, rel_slack=1.1, total_factor=3).text()
    assert text["RECOVERY"] == "0.02 + 1.1 x"
    assert text["TOTAL_BUDGET"] == "ceil(3 D)"
    # the estimators' docstrings are formatted from the default recipe
    default = RECIPE.text()
    for key in ("STEP_BUDGET", "TOTAL_BUDGET", "RECOVERY"):
        assert default[key] in PrunedMLPClassifier.__doc__


def test_plan_records_the_steps_that_could_not_be_halved():
    plan = StepPlan([0.5, 0.9], max_halvings=1)
    for step, (_, final) in enumerate(plan.steps(), start=1):
        plan.report(step, final, ok=False)  # no step recovers
    # step 1 was halved (0.7 inserted), step 2 had no halving left, 3 was last
    assert plan.unrecovered == [2, 3]


def test_auto_criterion_scores_as_the_named_one(small_digits):
    X, y = small_digits
    for granularity, name in [("weight", "entropy"), ("neuron", "magnitude")]:
        params = dict(max_iter=20, prune_ratio=0.6, n_prune_steps=2)
        auto = _fit(X, y, prune_granularity=granularity, **params)
        named = _fit(
            X, y, prune_granularity=granularity, prune_criterion=name, **params
        )
        assert auto.prune_criterion == "auto"  # the parameter stays as given
        for a, b in zip(auto.masks_, named.masks_):
            np.testing.assert_array_equal(a, b)


def test_auto_budgets_follow_the_dense_run(small_digits):
    X, y = small_digits
    est = _fit(X, y, max_iter=20, prune_ratio=0.6, n_prune_steps=3)
    history = est.pruning_history_
    dense = history[0]["n_iter"]
    assert dense == 20  # stopped at max_iter: D = 20
    step_iter = math.ceil(0.15 * dense)
    assert all(r["n_iter"] == step_iter for r in history[1:-1])
    used = sum(r["n_iter"] for r in history[1:-1])
    assert 1 <= history[-1]["n_iter"] <= final_budget(dense, used, est.max_iter)
    assert history[-1]["target_sparsity"] == 0.6
    assert est.n_iter_ == history[-1]["n_iter"]


def test_total_budget_bounds_the_cost(small_digits):
    # D well below max_iter: the final re-training gets what the steps left
    # of ceil(2.5 D) epochs (at least D), not max_iter
    X, y = small_digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dense = MLPClassifier(
            hidden_layer_sizes=(24,), max_iter=300, tol=1e-2, random_state=0
        ).fit(X, y)
        est = PrunedMLPClassifier.from_estimator(
            dense, X, y, prune_ratio=0.9, max_iter=300, tol=0, n_iter_no_change=300
        )
    history = est.pruning_history_
    d = history[0]["n_iter"]
    assert d < 300 / 3
    used = sum(r["n_iter"] for r in history[1:-1])
    assert history[-1]["n_iter"] == max(d, math.ceil(2.5 * d) - used)
    assert sum(r["n_iter"] for r in history[1:]) <= max(math.ceil(2.5 * d), used + d)


def test_a_recipe_variant_on_a_subclass_changes_the_fit(small_digits):
    # benchmarks measure a variant recipe this way (no module switches)
    X, y = small_digits

    class NoHalving(PrunedMLPClassifier):
        _recipe = Recipe(max_halvings=0, step_fraction=0.3)

    params = dict(max_iter=30, prune_ratio=0.99, n_prune_steps=2)
    params["prune_criterion"] = "magnitude"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = NoHalving(hidden_layer_sizes=(24,), random_state=0, **params).fit(X, y)
    history = est.pruning_history_
    np.testing.assert_allclose(
        [r["target_sparsity"] for r in history[1:]], sparsity_schedule(0.99, 2, "cubic")
    )
    assert history[1]["n_iter"] == math.ceil(0.3 * history[0]["n_iter"])


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
    est = _fit(
        X,
        y,
        max_iter=30,
        prune_ratio=0.99,
        n_prune_steps=2,
        prune_criterion="magnitude",
    )
    history = est.pruning_history_
    planned = list(sparsity_schedule(0.99, 2, "cubic"))
    targets = [r["target_sparsity"] for r in history[1:]]
    assert not history[1]["recovered"]  # a 74% first cut of a tiny net hurts
    halvings, current, expected, previous_ok = 0, 0.0, [], True
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
    # never beyond max_iter, as in sklearn
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


def test_the_user_guide_states_the_recipe_numbers():
    # the guide writes the rules as formulas (:math:); they must be the
    # recipe's (the docstrings and warnings are formatted from it)
    from pathlib import Path

    guide = Path(__file__).parents[2] / "docs" / "user_guide" / "schedules.rst"
    if not guide.exists():
        pytest.skip("no docs next to the tests (an installed copy)")
    text = guide.read_text()
    r = RECIPE
    for formula in (
        rf"\lceil {r.step_fraction:g} D \rceil",
        rf"\lceil {r.total_factor:g} D \rceil",
        rf"{r.abs_slack:g} + {r.rel_slack:g} \times",
    ):
        assert formula in text, formula


# -- the cumulative judge: the final network against the dense one ----------


def _shortfalls(caught):
    from skprune import PruningShortfallWarning

    return [w for w in caught if issubclass(w.category, PruningShortfallWarning)]


def _memorisation_task():
    # random labels: only memorisation fits them, which a (32,) network does
    # and one with 2% of its weights cannot
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 10))
    y = rng.randint(0, 4, size=300)
    return X, y


def test_shortfall_warning_when_the_final_network_falls_short():
    from skprune import PruningShortfallWarning

    X, y = _memorisation_task()
    dense = _fit(X, y, hidden_layer_sizes=(32,), max_iter=400, prune_ratio=0.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = PrunedMLPClassifier.from_estimator(dense, X, y, prune_ratio=0.98)
    found = _shortfalls(caught)
    assert len(found) == 1
    assert issubclass(PruningShortfallWarning, PruningConvergenceWarning)
    history = est.pruning_history_
    dense_score, final = history[0]["training_score"], est.score(X, y)
    assert dense_score - final > RECIPE.max_training_drop
    message = str(found[0].message)
    assert f"training accuracy {final:.3f} against {dense_score:.3f}" in message
    assert "over-fits" in message
    assert "lower prune_ratio" in message and "prune_granularity='neuron'" in message


def test_no_shortfall_warning_on_a_healthy_fit(small_digits):
    X, y = small_digits
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = _fit(X, y, prune_ratio=0.5, max_iter=300)
    assert not _shortfalls(caught)
    history = est.pruning_history_
    assert history[0]["training_score"] - est.score(X, y) <= RECIPE.max_training_drop


def test_shortfall_judge_is_cumulative_and_a_recipe_number():
    # every step recovers by the step-against-step test, yet the final
    # network fell short: the judge compares final with dense
    X, y = _memorisation_task()
    dense = _fit(X, y, hidden_layer_sizes=(32,), max_iter=400, prune_ratio=0.0)
    lax = type(
        "Lax", (PrunedMLPClassifier,), {"_recipe": Recipe(max_training_drop=1.0)}
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lax.from_estimator(dense, X, y, prune_ratio=0.98)
    assert not _shortfalls(caught)  # a drop of at most 1.0 is tolerated


def test_shortfall_warning_for_a_regressor():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 8))
    y = np.sin(3 * X).sum(axis=1) + X[:, 0] * X[:, 1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = PrunedMLPRegressor(
            hidden_layer_sizes=(32,), prune_ratio=0.98, random_state=0, max_iter=500
        ).fit(X, y)
    found = _shortfalls(caught)
    assert len(found) == 1 and "training R^2" in str(found[0].message)
    assert est.pruning_history_[0]["training_score"] - est.score(X, y) > 0.02


def test_shortfall_is_judged_on_validation_when_a_split_is_held_out():
    # random labels: the training score collapses with pruning, the
    # validation score stays at chance; with a split the validation decides
    X, y = _memorisation_task()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = _fit(
            X,
            y,
            hidden_layer_sizes=(32,),
            max_iter=400,
            prune_ratio=0.98,
            max_score_drop=1.0,  # accept every step; only holds out a split
        )
    history = est.pruning_history_
    assert history[0]["training_score"] - history[-1]["training_score"] > 0.1
    val_drop = history[0]["validation_score"] - history[-1]["validation_score"]
    assert bool(_shortfalls(caught)) == (val_drop > RECIPE.max_training_drop)


def test_retrain_rate_decay_sets_each_retrainings_rate(small_digits, monkeypatch):
    X, y = small_digits
    rates = []
    original = PrunedMLPClassifier._sklearn_fit

    def spy(self, X, y, sample_weight):
        rates.append(self.learning_rate_init)
        return original(self, X, y, sample_weight)

    monkeypatch.setattr(PrunedMLPClassifier, "_sklearn_fit", spy)
    decaying = type(
        "Decaying",
        (PrunedMLPClassifier,),
        {"_recipe": Recipe(retrain_rate_decay=0.5)},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = decaying(
            hidden_layer_sizes=(16,),
            max_iter=20,
            prune_ratio=0.5,
            n_prune_steps=3,
            random_state=0,
        ).fit(X, y)
    assert est.learning_rate_init == 0.001  # the parameter is never changed
    # dense training, then re-trainings 1, 2, 3 (no halving: each recovers,
    # or a halving adds a step at the next rate)
    assert rates[0] == 0.001
    np.testing.assert_allclose(
        rates[1:], [0.001 * 0.5**k for k in range(len(rates) - 1)]
    )
