"""sparsest_within: the sparsest candidate within a tolerance of the best."""

import io
import math

import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier
from skprune.model_selection import SparsestWithin, sparsest_within

# split scores of 4 candidates over 3 splits, by hand:
# candidate 0 is the best, mean 0.90, splits 0.88/0.90/0.92 ->
# sd (ddof=1) = 0.02, se = 0.02 / sqrt(3) = 0.011547, threshold = 0.888453
SPLITS = np.array(
    [
        [0.88, 0.90, 0.92],  # prune_ratio 0.0, mean 0.900
        [0.89, 0.895, 0.90],  # prune_ratio 0.5, mean 0.895
        [0.889, 0.889, 0.889],  # prune_ratio 0.8, mean 0.889 (just within 1 se)
        [0.885, 0.885, 0.885],  # prune_ratio 0.9, mean 0.885 (outside 1 se)
    ]
)
RATIOS = [0.0, 0.5, 0.8, 0.9]


def results(splits=SPLITS, params=None, metric="score"):
    splits = np.asarray(splits, dtype=float)
    params = params if params is not None else [{"prune_ratio": r} for r in RATIOS]
    out = {"params": params}
    for k in range(splits.shape[1]):
        out[f"split{k}_test_{metric}"] = splits[:, k]
    out[f"mean_test_{metric}"] = splits.mean(axis=1)
    out[f"std_test_{metric}"] = splits.std(axis=1)
    return out


def test_one_standard_error_rule_by_hand():
    se = 0.02 / math.sqrt(3)
    assert 0.900 - se < 0.889 and 0.900 - se > 0.885
    assert sparsest_within()(results()) == 2
    assert sparsest_within("1se")(results()) == 2


@pytest.mark.parametrize(
    "tolerance, expected", [(0.0, 0), (0.006, 1), (0.0111, 2), (0.015, 3), (1.0, 3)]
)
def test_float_tolerance(tolerance, expected):
    assert sparsest_within(tolerance)(results()) == expected


def test_1se_equals_sklearn_std_over_sqrt_k_minus_1():
    # the formula, stated both ways: sd(ddof=1)/sqrt(K) == std(ddof=0)/sqrt(K-1)
    res = results()
    se = res["std_test_score"][0] / math.sqrt(3 - 1)
    tol = se + 1e-12
    assert sparsest_within(tol)(res) == sparsest_within("1se")(res) == 2


def test_ties_go_to_the_higher_score_then_the_first_listed():
    splits = [[0.90, 0.90], [0.89, 0.89], [0.895, 0.895], [0.895, 0.895]]
    params = [
        {"prune_ratio": 0.5, "alpha": 1e-4},
        {"prune_ratio": 0.9, "alpha": 1e-4},
        {"prune_ratio": 0.9, "alpha": 1e-3},
        {"prune_ratio": 0.9, "alpha": 1e-2},
    ]
    rule = sparsest_within(0.05)
    # three candidates share the highest sparsity: 2 and 3 score higher than
    # 1 and tie with each other, so the first listed (2) wins
    assert rule(results(splits, params)) == 2


def test_nan_scores_are_left_out():
    splits = SPLITS.copy()
    splits[3, 1] = np.nan  # a failed fit: mean NaN
    res = results(splits)
    assert np.isnan(res["mean_test_score"][3])
    assert sparsest_within(1.0)(res) == 2
    splits[0, 0] = np.nan  # the dense candidate failed too: best is now 1
    assert sparsest_within(0.0)(results(splits)) == 1
    with pytest.raises(ValueError, match="all fits failed"):
        sparsest_within()(results(np.full((4, 3), np.nan)))


def test_nested_and_explicit_parameter_names():
    nested = [{"clf__prune_ratio": r, "scale__with_mean": True} for r in RATIOS]
    assert sparsest_within()(results(params=nested)) == 2
    assert sparsest_within(sparsity="clf__prune_ratio")(results(params=nested)) == 2
    assert (
        sparsest_within(sparsity="param_clf__prune_ratio")(results(params=nested)) == 2
    )


def test_callable_sparsity():
    # sparsity read from another parameter: here the reverse order of the ratios
    rule = sparsest_within(1.0, sparsity=lambda p: -p["prune_ratio"])
    assert rule(results()) == 0


def test_parameter_errors_are_clear():
    ambiguous = [{"a__prune_ratio": r, "b__prune_ratio": r} for r in RATIOS]
    with pytest.raises(ValueError, match=r"Several .*'a__prune_ratio'"):
        sparsest_within()(results(params=ambiguous))
    with pytest.raises(
        ValueError, match="No searched parameter is named 'prune_ratio'"
    ):
        sparsest_within()(results(params=[{"alpha": a} for a in range(4)]))
    partial = [
        {"prune_ratio": 0.0},
        {"alpha": 1.0},
        {"prune_ratio": 0.8},
        {"prune_ratio": 0.9},
    ]
    with pytest.raises(ValueError, match=r"Candidate\(s\) \[1\] do not set"):
        sparsest_within()(results(params=partial))
    words = [{"prune_ratio": w} for w in ("a", "b", "c", "d")]
    with pytest.raises(ValueError, match="non-numeric sparsities"):
        sparsest_within()(results(params=words))
    with pytest.raises(ValueError, match="one number per candidate"):
        sparsest_within(sparsity=lambda p: None)(results())


def test_multimetric_needs_a_metric():
    res = results(metric="accuracy")
    res.update(
        {k.replace("accuracy", "f1"): v for k, v in results().items() if k != "params"}
    )
    with pytest.raises(ValueError, match=r"multi-metric .*metric='accuracy'"):
        sparsest_within()(res)
    assert sparsest_within(metric="accuracy")(res) == 2
    with pytest.raises(ValueError, match="metric='roc' is not among"):
        sparsest_within(metric="roc")(res)


@pytest.mark.parametrize(
    "tolerance", ["2se", -0.1, float("nan"), float("inf"), True, None]
)
def test_invalid_tolerance(tolerance):
    with pytest.raises(ValueError, match="tolerance must be"):
        sparsest_within(tolerance)


def test_invalid_sparsity_and_metric():
    with pytest.raises(TypeError, match="sparsity must be"):
        sparsest_within(sparsity=3)
    with pytest.raises(TypeError, match="metric must be"):
        sparsest_within(metric=1)


def test_1se_needs_two_splits():
    with pytest.raises(ValueError, match="at least 2 cross-validation splits"):
        sparsest_within()(results(SPLITS[:, :1]))
    assert sparsest_within(0.0)(results(SPLITS[:, :1])) == 1  # 0.89 is best


def test_repr_and_pickle():
    rule = sparsest_within(0.01, sparsity="clf__prune_ratio", metric="f1")
    assert (
        repr(rule) == "sparsest_within(0.01, sparsity='clf__prune_ratio', metric='f1')"
    )
    assert repr(sparsest_within()) == "sparsest_within('1se')"
    copy = joblib.load(_dumped(rule))
    assert isinstance(copy, SparsestWithin)
    assert vars(copy) == vars(rule)


def _dumped(obj):
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    buffer.seek(0)
    return buffer


# -- a real search -------------------------------------------------------------


@pytest.fixture(scope="module")
def digits(digits):
    """This module's part of the shared digits fixture (tests/conftest.py)."""
    X, y = digits
    return X[:600], y[:600]


SMALL = dict(
    hidden_layer_sizes=(16,),
    solver="lbfgs",
    max_iter=60,
    n_prune_steps=2,
    finetune_iter=5,
    random_state=0,
)
GRID = [0.0, 0.5, 0.8, 0.9, 0.99]


def chosen_by_hand(cv_results, n_splits, tolerance=None):
    """The rule, recomputed from sklearn's mean/std columns."""
    means = cv_results["mean_test_score"]
    best = int(np.argmax(means))
    if tolerance is None:
        tolerance = cv_results["std_test_score"][best] / math.sqrt(n_splits - 1)
    ratios = np.array([p["prune_ratio"] for p in cv_results["params"]])
    ok = np.flatnonzero(means >= means[best] - tolerance)
    return int(ok[np.argmax(ratios[ok])])


def test_grid_search_refits_the_sparsest_good_candidate(digits):
    X, y = digits
    search = GridSearchCV(
        PrunedMLPClassifier(**SMALL),
        {"prune_ratio": GRID},
        refit=sparsest_within(),
        cv=3,
    ).fit(X, y)
    res = search.cv_results_
    index = chosen_by_hand(res, 3)
    assert search.best_index_ == index
    # the rule is not the plain argmax here: a sparser model was preferred
    assert (
        res["params"][index]["prune_ratio"]
        > GRID[int(np.argmax(res["mean_test_score"]))]
    )
    # ... and it is not simply the sparsest candidate (0.99 scores far worse)
    assert res["params"][index]["prune_ratio"] < 0.99
    assert search.best_params_ == res["params"][index]
    assert search.best_estimator_.prune_ratio == GRID[index]
    assert search.best_estimator_.sparsity_ >= GRID[index] - 0.01
    assert not hasattr(search, "best_score_")
    # the whole search, rule included, survives joblib
    loaded = joblib.load(_dumped(search))
    np.testing.assert_array_equal(loaded.predict(X), search.predict(X))


def test_pipeline_and_randomized_multimetric_search(digits):
    X, y = digits
    pipe = Pipeline(
        [("scale", StandardScaler()), ("clf", PrunedMLPClassifier(**SMALL))]
    )
    search = RandomizedSearchCV(
        pipe,
        {"clf__prune_ratio": GRID},
        n_iter=len(GRID),
        random_state=0,
        scoring=["accuracy", "balanced_accuracy"],
        refit=sparsest_within(0.02, metric="accuracy"),
        cv=3,
    ).fit(X, y)
    res = search.cv_results_
    means = res["mean_test_accuracy"]
    ratios = np.array([p["clf__prune_ratio"] for p in res["params"]])
    ok = means >= means.max() - 0.02
    assert ratios[search.best_index_] == ratios[ok].max()
    assert search.best_estimator_["clf"].prune_ratio == ratios[search.best_index_]

    with pytest.raises(ValueError, match="multi-metric"):
        RandomizedSearchCV(
            pipe,
            {"clf__prune_ratio": [0.0, 0.5]},
            n_iter=2,
            random_state=0,
            scoring=["accuracy", "balanced_accuracy"],
            refit=sparsest_within(),
            cv=2,
        ).fit(X, y)
