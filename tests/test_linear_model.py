"""SparseSGDRegressor behaviour."""

import warnings

import joblib
import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import make_regression
from sklearn.linear_model import SGDRegressor
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skprune._pruning._sgd_adapter as sgd_adapter
import skprune._serving._linear as served
from skprune import SparseSGDRegressor
from skprune._pruning import Evaluation, MaxLossRise, n_folds
from skprune._pruning.criteria import BASELINE, LINEAR_CRITERIA
from skprune._sklearn_compat import InvalidParameterError

# the data-driven criteria: they find the true support ('random' does not)
DATA_CRITERIA = [c for c in LINEAR_CRITERIA if c != BASELINE]


def _problem(n_samples=1500, n_features=40, n_informative=4, noise=1.0, seed=0, **kw):
    X, y, coef = make_regression(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=n_informative,
        noise=noise,
        coef=True,
        random_state=seed,
        **kw,
    )
    return StandardScaler().fit_transform(X), y, coef != 0


@pytest.fixture(scope="module")
def problem():
    return _problem()


def assert_consistent(est):
    n = est.n_features_in_
    assert est.coef_.shape == (n,) and isinstance(est.coef_, np.ndarray)
    assert np.all(est.coef_[~est.support_] == 0.0)
    assert est.n_nonzero_ == np.count_nonzero(est.coef_)
    assert est.sparsity_ == pytest.approx(1 - est.n_nonzero_ / n)
    assert sparse.issparse(est.coef_sparse_) and est.coef_sparse_.format == "csr"
    assert est.coef_sparse_.shape == (1, n)
    assert est.coef_sparse_.nnz == est.n_nonzero_
    np.testing.assert_array_equal(est.coef_sparse_.toarray().ravel(), est.coef_)


@pytest.mark.parametrize("criterion", DATA_CRITERIA)
def test_auto_finds_the_exact_support(problem, criterion):
    X, y, true = problem
    est = SparseSGDRegressor(prune_criterion=criterion, random_state=0).fit(X, y)
    assert_consistent(est)
    np.testing.assert_array_equal(est.support_, true)
    np.testing.assert_array_equal(est.support_, est.coef_ != 0)
    assert est.score(X, y) > 0.999


def test_auto_history_records_accepted_and_refused_steps(problem):
    X, y, true = problem
    est = SparseSGDRegressor(random_state=0).fit(X, y)
    hist = est.pruning_history_
    assert hist[0]["step"] == 0 and hist[0]["n_features"] == X.shape[1]
    assert all(r["validation_loss"] > 0 for r in hist)
    assert not all(r["accepted"] for r in hist)  # it stopped at a refusal
    accepted = [r for r in hist if r["accepted"]]
    assert accepted[-1]["n_features"] == true.sum()
    best = np.inf
    for r in hist:  # a refused step always raised the loss above the best
        if not r["accepted"]:
            assert r["validation_loss"] > best * (1 + est.max_loss_rise)
        else:
            best = min(best, r["validation_loss"])


def _accept(losses, best, sample_weight, max_loss_rise):
    rule = MaxLossRise(max_loss_rise)
    rule.start(
        Evaluation(loss=float(np.average(best, weights=sample_weight)), losses=best)
    )
    d = np.average(losses - best, weights=sample_weight)
    return rule.accepts(Evaluation(losses=losses, sample_weight=sample_weight)), d


def test_stopping_rule_needs_a_relevant_and_significant_rise():
    rng = np.random.RandomState(0)
    best = rng.chisquare(1, size=400)  # squared errors of the best model
    # 5% more loss on every sample: relevant and significant -> refused
    assert not _accept(best * 1.05, best, None, 0.01)[0]
    # 0.5% more on every sample: significant but within the tolerance
    assert _accept(best * 1.005, best, None, 0.01)[0]
    # 5% more on average, but noise of the same size: not significant
    noisy = best + 0.05 * best.mean() + rng.normal(scale=2.0, size=400)
    accepted, rise = _accept(noisy, best, None, 0.01)
    assert accepted and rise > 0.01 * best.mean()
    # sample weights: only the weighted samples count
    w = np.r_[np.ones(200), np.zeros(200)]
    worse = np.r_[best[:200], best[200:] * 3]
    assert _accept(worse, best, w, 0.01)[0]
    assert not _accept(worse, best, None, 0.01)[0]


def test_max_loss_rise_trades_support_for_score():
    # two features explain little (16% and 25% of the noise variance): the
    # default tolerance keeps them, a lax one prunes them
    rng = np.random.RandomState(0)
    X = rng.normal(size=(4000, 20))
    coef = np.r_[5.0, 4.0, 3.0, 0.5, 0.4, np.zeros(15)]
    y = X @ coef + rng.normal(size=4000)
    strict = SparseSGDRegressor(random_state=0).fit(X, y)
    lax = SparseSGDRegressor(max_loss_rise=0.5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(strict.support_, coef != 0)
    np.testing.assert_array_equal(lax.support_, coef > 1)


def _diabetes():
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_max_loss_rise_has_an_effect_on_small_data():
    # 442 rows: one held-out split (44 rows) cannot show a rise of two
    # standard errors, so max_loss_rise changed nothing there (issue 25);
    # cross-validated, a larger tolerance keeps fewer features
    X, y = _diabetes()
    kept = {
        rise: SparseSGDRegressor(max_loss_rise=rise, random_state=0)
        .fit(X, y)
        .support_.sum()
        for rise in (0.0, 0.01, 0.2)
    }
    assert kept[0.0] >= kept[0.01] > kept[0.2]


def test_small_data_auto_cross_validates_and_keeps_what_the_score_needs():
    X, y = _diabetes()
    dense = SparseSGDRegressor(prune_ratio=0.0, random_state=0).fit(X, y)
    one_split = SparseSGDRegressor(cv=1, random_state=0).fit(X, y)
    est = SparseSGDRegressor(random_state=0).fit(X, y)
    assert n_folds(est.cv, est.validation_fraction, X.shape[0]) == 5
    # every validation loss of the history is over all 442 rows' folds
    assert len(est.pruning_history_) > 2
    assert est.support_.sum() > one_split.support_.sum()
    # training R^2 within 0.02 of the unpruned model (one split: 0.06 below)
    assert est.score(X, y) > dense.score(X, y) - 0.02
    assert one_split.score(X, y) < dense.score(X, y) - 0.04


def test_cv_auto_keeps_one_split_on_large_data():
    assert n_folds("auto", 0.1, 1_990) == 5  # 199 validation rows
    assert n_folds("auto", 0.1, 2_000) == 1  # 200 validation rows
    assert n_folds("auto", 0.5, 400) == 1  # the split's size decides
    assert n_folds(3, 0.1, 10**6) == 3


def test_cross_validation_pairs_every_row(problem):
    # the rule sees one out-of-fold loss per training row, in row order
    X, y, _ = problem
    X, y = X[:200], y[:200]
    seen = []

    class Spy(MaxLossRise):
        def accepts(self, candidate):
            seen.append(candidate)
            return super().accepts(candidate)

    est = SparseSGDRegressor(random_state=0, cv=4)
    orig = sgd_adapter.MaxLossRise
    sgd_adapter.MaxLossRise = Spy
    try:
        est.fit(X, y)
    finally:
        sgd_adapter.MaxLossRise = orig
    assert seen and all(c.losses.shape == (200,) for c in seen)
    for c in seen:
        assert c.loss == pytest.approx(np.mean(c.losses))
    # the score is R^2 per fold, averaged: close to the pooled one
    pooled = 1 - np.mean(seen[0].losses) / np.var(y)
    assert seen[0].score == pytest.approx(pooled, abs=0.05)


@pytest.mark.parametrize("ratio", [0.5, 0.9, 0.975])
def test_float_prune_ratio_forces_that_many_zeros(problem, ratio):
    X, y, _ = problem
    est = SparseSGDRegressor(prune_ratio=ratio, n_prune_steps=3, random_state=0)
    est.fit(X, y)
    assert_consistent(est)
    assert est.n_nonzero_ == X.shape[1] - int(np.floor(ratio * X.shape[1]))
    assert len(est.pruning_history_) == 4
    assert all(r["validation_loss"] is None for r in est.pruning_history_)


def test_prune_ratio_zero_is_sgd_plus_unpenalised_refit(problem):
    X, y, _ = problem
    est = SparseSGDRegressor(prune_ratio=0, refit=False, random_state=0).fit(X, y)
    ref = SGDRegressor(random_state=0).fit(X, y)
    np.testing.assert_array_equal(est.coef_, ref.coef_)
    np.testing.assert_array_equal(est.intercept_, ref.intercept_)
    assert est.n_iter_ == ref.n_iter_ and est.t_ == ref.t_


ROUTES = {
    "l1": dict(penalty="l1", alpha=0.05),
    "l2+threshold": dict(penalty="l2", sparsity_threshold=1.0),
    "elasticnet": dict(penalty="elasticnet", alpha=0.05, l1_ratio=0.9),
}


@pytest.mark.parametrize("criterion", DATA_CRITERIA)
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("ratio", ["auto", 0.8])
def test_every_route_with_every_criterion(problem, route, criterion, ratio):
    X, y, true = problem
    est = SparseSGDRegressor(
        prune_ratio=ratio, prune_criterion=criterion, random_state=0, **ROUTES[route]
    ).fit(X, y)
    assert_consistent(est)
    assert true[est.support_].all() or ratio == 0.8
    if ratio == "auto":
        np.testing.assert_array_equal(est.support_, true)
    assert est.score(X, y) > 0.99


def test_l1_zeros_are_pruned():
    X, y, _ = _problem(n_features=30, n_informative=3)
    est = SparseSGDRegressor(
        penalty="l1", alpha=5.0, prune_ratio=0, refit=False, random_state=0
    ).fit(X, y)
    ref = SGDRegressor(penalty="l1", alpha=5.0, random_state=0).fit(X, y)
    np.testing.assert_array_equal(est.support_, ref.coef_ != 0)
    assert est.n_nonzero_ < X.shape[1]


def test_threshold_alone_sparsifies(problem):
    X, y, _ = problem
    est = SparseSGDRegressor(
        prune_ratio=0, sparsity_threshold=2.0, refit=False, random_state=0
    ).fit(X, y)
    ref = SGDRegressor(random_state=0).fit(X, y)
    np.testing.assert_array_equal(est.support_, np.abs(ref.coef_) >= 2.0)


def test_threshold_never_empties_the_model(problem):
    X, y, _ = problem
    est = SparseSGDRegressor(prune_ratio=0, sparsity_threshold=1e9, random_state=0).fit(
        X, y
    )
    assert est.n_nonzero_ == 1


def test_refit_removes_the_shrinkage_bias():
    X, y, true = _problem(n_features=20, n_informative=4, noise=0.5)
    ols = np.linalg.lstsq(np.c_[X[:, true], np.ones(len(y))], y, rcond=None)[0]
    kw = dict(penalty="l1", alpha=2.0, prune_ratio=0.8, random_state=0)
    shrunk = SparseSGDRegressor(refit=False, **kw).fit(X, y)
    unbiased = SparseSGDRegressor(refit=True, **kw).fit(X, y)
    np.testing.assert_array_equal(shrunk.support_, unbiased.support_)
    err_shrunk = np.abs(shrunk.coef_[true] - ols[:-1]).max()
    err_refit = np.abs(unbiased.coef_[true] - ols[:-1]).max()
    assert err_shrunk > 1.0 > 10 * err_refit


def test_pure_noise_keeps_at_least_one_feature():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(400, 10)), rng.normal(size=400)
    est = SparseSGDRegressor(random_state=0).fit(X, y)
    assert est.n_nonzero_ >= 1
    assert est.n_nonzero_ <= 3


# -- partial_fit ------------------------------------------------------------------


def test_partial_fit_keeps_pruned_coefficients_exactly_zero(problem):
    X, y, true = problem
    est = SparseSGDRegressor(random_state=0).fit(X[:500], y[:500])
    support = est.support_.copy()
    before = est.coef_.copy()
    rng = np.random.RandomState(1)
    for start in range(500, 1500, 100):
        # shifted targets pull every coefficient, pruned ones included
        yb = y[start : start + 100] + 5 * X[start : start + 100] @ rng.normal(size=40)
        est.partial_fit(X[start : start + 100], yb)
        assert np.all(est.coef_[~support] == 0.0)
        np.testing.assert_array_equal(est.support_, support)
        assert_consistent(est)
    assert np.all(est.coef_[support] != before[support])
    assert est.t_ > 500


@pytest.mark.parametrize("average", [False, True, 10])
def test_partial_fit_continues_like_sgd_on_the_support(problem, average):
    X, y, _ = problem
    est = SparseSGDRegressor(prune_ratio=0.5, average=average, random_state=0)
    est.fit(X[:800], y[:800])
    idx = np.flatnonzero(est.support_)
    ref = SGDRegressor(average=average, random_state=0)
    ref.fit(
        X[:800, idx], y[:800], coef_init=est.coef_[idx], intercept_init=est.intercept_
    )
    # same state, same epoch on the support columns
    ref.coef_ = est.coef_[idx].copy()
    ref.intercept_ = est.intercept_.copy()
    ref.t_ = est.t_
    if average:
        ref._standard_coef = est._standard_coef[idx].copy()
        ref._average_coef = est._average_coef[idx].copy()
        ref._standard_intercept = est._standard_intercept.copy()
        ref._average_intercept = est._average_intercept.copy()
    est.partial_fit(X[800:], y[800:])
    ref.partial_fit(X[800:, idx], y[800:])
    np.testing.assert_allclose(est.coef_[idx], ref.coef_, rtol=1e-12)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=1e-12)


def test_partial_fit_from_scratch_trains_every_feature(problem):
    X, y, _ = problem
    est = SparseSGDRegressor(random_state=0)
    for start in range(0, 1500, 500):
        est.partial_fit(X[start : start + 500], y[start : start + 500])
    assert est.support_.all() and est.pruning_history_ == []
    ref = SGDRegressor(random_state=0)
    for start in range(0, 1500, 500):
        ref.partial_fit(X[start : start + 500], y[start : start + 500])
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-12)


def test_partial_fit_accepts_sparse_batches(problem):
    X, y, _ = problem
    est = SparseSGDRegressor(random_state=0).fit(X, y)
    idx = np.flatnonzero(est.support_)
    ref = SGDRegressor(random_state=0)
    ref.coef_, ref.intercept_ = est.coef_[idx].copy(), est.intercept_.copy()
    ref.t_, ref.n_features_in_ = est.t_, idx.shape[0]
    est.partial_fit(sparse.csr_matrix(X[:200]), y[:200])
    ref.partial_fit(sparse.csr_matrix(X[:200, idx]), y[:200])
    np.testing.assert_allclose(est.coef_[idx], ref.coef_, rtol=1e-12)
    assert np.all(est.coef_[~est.support_] == 0.0)


def test_partial_fit_rejects_early_stopping(problem):
    X, y, _ = problem
    with pytest.raises(ValueError, match="early_stopping"):
        SparseSGDRegressor(early_stopping=True).partial_fit(X, y)


# -- predict ----------------------------------------------------------------------


def test_predict_gathers_support_columns_and_accepts_sparse(problem, monkeypatch):
    X, y, _ = problem
    est = SparseSGDRegressor(random_state=0).fit(X, y)
    monkeypatch.setattr(served, "GATHER_DENSITY", 0.1)
    monkeypatch.setattr(served, "GATHER_ROWS", 7)  # several blocks, a partial one
    assert est.n_nonzero_ <= served.GATHER_DENSITY * X.shape[1]
    full = X @ est.coef_ + est.intercept_[0]
    np.testing.assert_allclose(est.predict(X), full, rtol=1e-12)
    np.testing.assert_allclose(est.predict(sparse.csr_matrix(X)), full, rtol=1e-12)
    np.testing.assert_allclose(est.predict(sparse.csc_matrix(X)), full, rtol=1e-12)
    dense_model = SparseSGDRegressor(prune_ratio=0.1, random_state=0).fit(X, y)
    np.testing.assert_allclose(
        dense_model.predict(X),
        X @ dense_model.coef_ + dense_model.intercept_[0],
        rtol=1e-12,
    )


def test_sklearn_sparsify_still_predicts(problem):
    X, y, _ = problem
    est = SparseSGDRegressor(random_state=0).fit(X, y)
    expected = est.predict(X)
    est.sparsify()
    np.testing.assert_allclose(est.predict(X), expected, rtol=1e-12)
    est.densify()
    np.testing.assert_allclose(est.predict(X), expected, rtol=1e-12)


def test_sparse_training_data(problem):
    X, y, true = problem
    Xs = sparse.csr_matrix(np.where(np.abs(X) > 0.3, X, 0.0))
    est = SparseSGDRegressor(random_state=0).fit(Xs, y)
    assert_consistent(est)
    assert true[est.support_].all() or est.n_nonzero_ >= true.sum()
    assert est.score(Xs, y) > 0.9


def test_float32_stays_float32(problem):
    X, y, _ = problem
    est = SparseSGDRegressor(random_state=0).fit(X.astype(np.float32), y)
    assert est.coef_.dtype == np.float32
    assert est.predict(X.astype(np.float32)).dtype == np.float32


# -- parameters, errors and state ---------------------------------------------------


@pytest.mark.parametrize(
    "param, value",
    [
        ("prune_ratio", 1.0),
        ("prune_ratio", "all"),
        ("prune_criterion", "taylor"),
        ("n_prune_steps", 0),
        ("sparsity_threshold", -1.0),
        ("max_loss_rise", -0.1),
        ("max_score_drop", -0.1),
        ("refit", "yes"),
        ("cv", 0),
        ("cv", "loo"),
    ],
)
def test_invalid_parameters_name_the_parameter(problem, param, value):
    X, y, _ = problem
    with pytest.raises(InvalidParameterError, match=param):
        SparseSGDRegressor(**{param: value}).fit(X, y)


def test_bad_coef_init_raises_and_keeps_the_previous_model(problem):
    X, y, _ = problem
    est = SparseSGDRegressor(random_state=0).fit(X, y)
    state = {k: v for k, v in vars(est).items() if k.endswith("_")}
    with pytest.raises(ValueError, match="coef_init"):
        est.fit(X, y, coef_init=np.zeros(3))
    with pytest.raises(ValueError):
        est.fit(np.c_[X, np.full(len(y), np.nan)], y)
    for key, value in state.items():
        assert key in vars(est)
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(getattr(est, key), value)


def test_failed_fit_or_partial_fit_leaves_no_state(problem):
    X, y, _ = problem
    est = SparseSGDRegressor(early_stopping=True)
    with pytest.raises(ValueError, match="early_stopping"):
        est.partial_fit(X, y)
    assert [k for k in vars(est) if k.endswith("_")] == []
    est = SparseSGDRegressor(random_state=0).fit(X, y)
    before = dict(vars(est))
    with pytest.raises(ValueError):
        est.fit(X[:, :5], y, coef_init=np.zeros(40))
    assert est.n_features_in_ == 40
    with pytest.raises(ValueError, match="features"):
        est.partial_fit(X[:, :5], y)
    assert vars(est).keys() == before.keys()
    assert all(vars(est)[k] is before[k] for k in before)


def test_fit_does_not_modify_its_inputs_or_parameters(problem):
    X, y, _ = problem
    w = np.linspace(0.5, 1.5, len(y))
    coef_init, intercept_init = np.ones(X.shape[1]), np.ones(1)
    inputs = X, y, w, coef_init, intercept_init
    copies = [a.copy() for a in inputs]
    est = SparseSGDRegressor(random_state=0)
    params = est.get_params()
    est.fit(X, y, coef_init=coef_init, intercept_init=intercept_init, sample_weight=w)
    for a, b in zip(inputs, copies):
        np.testing.assert_array_equal(a, b)
    assert est.get_params() == params


def test_sample_weight_is_used():
    X, y, true = _problem(n_samples=1200)
    y_bad = y.copy()
    y_bad[:300] = 1000.0 * X[:300, np.flatnonzero(~true)[0]]  # a corrupted part
    w = np.r_[np.zeros(300), np.ones(900)]
    weighted = SparseSGDRegressor(random_state=0).fit(X, y_bad, sample_weight=w)
    subset = SparseSGDRegressor(random_state=0).fit(X[300:], y[300:])
    np.testing.assert_array_equal(weighted.support_, true)
    np.testing.assert_array_equal(subset.support_, true)


def test_all_zero_validation_weights_raise(problem):
    from sklearn.model_selection import train_test_split

    X, y, _ = problem
    # the validation rows that fit's split (random_state=0) will draw
    _, val = train_test_split(np.arange(len(y)), test_size=0.1, random_state=0)
    w = np.ones(len(y))
    w[val] = 0.0
    est = SparseSGDRegressor(random_state=0, cv=1)  # one held-out split
    with pytest.raises(ValueError, match="validation split.*all zero"):
        est.fit(X, y, sample_weight=w)
    assert not hasattr(est, "coef_")


def test_random_state_makes_fit_deterministic(problem):
    X, y, _ = problem
    a = SparseSGDRegressor(random_state=3).fit(X, y)
    b = SparseSGDRegressor(random_state=3).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_warm_start_starts_from_the_previous_coefficients(problem):
    X, y, _ = problem
    est = SparseSGDRegressor(
        warm_start=True,
        prune_ratio=0,
        refit=False,
        random_state=0,
        max_iter=1,
        tol=None,
    )
    est.fit(X, y)
    first, first_b = est.coef_.copy(), est.intercept_.copy()
    est.fit(X, y)
    ref = SGDRegressor(random_state=0, max_iter=1, tol=None)
    # sklearn's SGDRegressor trains in the coef_init array it is given
    ref.fit(X, y, coef_init=first.copy(), intercept_init=first_b.copy())
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-12)
    assert not np.array_equal(est.coef_, first)


def test_convergence_warning_only_from_the_final_fit(problem):
    X, y, _ = problem
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SparseSGDRegressor(max_iter=2, random_state=0).fit(X, y)
    n = sum(
        issubclass(w.category, Warning) and "iteration" in str(w.message)
        for w in caught
    )
    assert n == 1


def test_verbose_prints_one_line_per_step(problem, capsys):
    X, y, _ = problem
    est = SparseSGDRegressor(random_state=0, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "[SparseSGDRegressor] step" in line]
    assert len(lines) == len(est.pruning_history_)
    assert "refused" in out


# -- the sklearn ecosystem ----------------------------------------------------------


def test_pipeline_grid_search_and_joblib(problem, tmp_path):
    X, y, true = problem
    pipe = make_pipeline(StandardScaler(), SparseSGDRegressor(random_state=0))
    search = GridSearchCV(
        pipe, {"sparsesgdregressor__prune_ratio": [0.5, 0.9]}, cv=3
    ).fit(X, y)
    assert search.best_params_["sparsesgdregressor__prune_ratio"] == 0.9
    path = tmp_path / "model.joblib"
    joblib.dump(search.best_estimator_, path)
    loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.predict(X), search.predict(X))
    loaded[-1].partial_fit(X[:100], y[:100])
    assert np.all(loaded[-1].coef_[~loaded[-1].support_] == 0.0)


def test_dataframe_feature_names(problem):
    pd = pytest.importorskip("pandas")
    X, y, _ = problem
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = SparseSGDRegressor(random_state=0).fit(df, y)
        est.predict(df)
        est.partial_fit(df, y)
    np.testing.assert_array_equal(est.feature_names_in_, df.columns)


def test_skops_round_trip(problem, tmp_path):
    pytest.importorskip("skops")
    from skprune import io

    X, y, _ = problem
    est = SparseSGDRegressor(random_state=0).fit(X, y)
    path = tmp_path / "model.skops"
    io.dump(est, path)
    loaded = io.load(path)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    np.testing.assert_array_equal(loaded.support_, est.support_)
