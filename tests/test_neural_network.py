"""PrunedMLPClassifier / PrunedMLPRegressor behaviour."""

import io
import re
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skprune._pruning._mlp_adapter as mlp_adapter
from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._pruning import COMMON_KEYS
from skprune._sklearn_compat import InvalidParameterError


@pytest.fixture(scope="module")
def digits(digits):
    """This module's part of the shared digits fixture (tests/conftest.py)."""
    X, y = digits
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=300, n_features=8, noise=1.0, random_state=0)
    return X, y / np.std(y)


FAST = dict(
    hidden_layer_sizes=(32,),
    max_iter=60,
    n_prune_steps=3,
    finetune_iter=3,
    random_state=0,
)


def assert_exact_masks(est):
    assert len(est.masks_) == len(est.coefs_)
    for coef, mask in zip(est.coefs_, est.masks_):
        assert mask.dtype == bool and mask.shape == coef.shape
        assert np.all(coef[~mask] == 0.0)


def assert_sparsity(est, target):
    total = sum(c.size for c in est.coefs_)
    assert est.sparsity_ >= target - 1.0 / total


def fitted_params(est):
    return {k: v for k, v in est.get_params().items()}


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_exact_zeros_after_fit(digits, solver):
    X_train, X_test, y_train, y_test = digits
    kw = dict(FAST, learning_rate_init=0.05) if solver == "sgd" else FAST
    est = PrunedMLPClassifier(solver=solver, prune_ratio=0.8, **kw)
    est.fit(X_train, y_train)
    assert_exact_masks(est)
    assert_sparsity(est, 0.8)
    # pruned weights were trained away from their initial values, not frozen
    assert est.n_nonzero_ == sum(m.sum() for m in est.masks_)
    assert est.score(X_test, y_test) > 0.8


def test_exact_zeros_after_partial_fit(digits):
    X_train, _, y_train, _ = digits
    est = PrunedMLPClassifier(prune_ratio=0.9, **FAST).fit(X_train, y_train)
    masks = [m.copy() for m in est.masks_]
    before = [c.copy() for c in est.coefs_]
    for _ in range(3):
        est.partial_fit(X_train, y_train)
    assert_exact_masks(est)
    for m_old, m_new in zip(masks, est.masks_):
        np.testing.assert_array_equal(m_old, m_new)
    # the live weights did train
    assert any(not np.array_equal(a, b) for a, b in zip(before, est.coefs_))
    assert_sparsity(est, 0.9)


def test_partial_fit_from_scratch_keeps_full_masks(digits):
    X_train, _, y_train, _ = digits
    est = PrunedMLPClassifier(hidden_layer_sizes=(16,), random_state=0)
    est.partial_fit(X_train, y_train, classes=np.arange(10))
    assert all(m.all() for m in est.masks_)
    assert est.sparsity_ == 0.0 and est.pruning_history_ == []


def test_exact_zeros_after_warm_start_refit(digits):
    X_train, _, y_train, _ = digits
    est = PrunedMLPClassifier(prune_ratio=0.7, warm_start=True, **FAST)
    est.fit(X_train, y_train)
    first = [m.copy() for m in est.masks_]
    est.set_params(prune_ratio=0.85)
    est.fit(X_train, y_train)
    assert_exact_masks(est)
    assert_sparsity(est, 0.85)
    # weights pruned by the first fit stay pruned
    for m_first, m_second in zip(first, est.masks_):
        assert not np.any(m_second & ~m_first)


@pytest.mark.parametrize(
    "params",
    [
        dict(prune_ratio=0.5, max_score_drop=0.05, early_stopping=True),
        dict(prune_ratio=0.6, prune_granularity="neuron", solver="lbfgs"),
    ],
)
def test_fit_never_changes_constructor_parameters(digits, params):
    X_train, _, y_train, _ = digits
    est = PrunedMLPClassifier(**{**FAST, **params})
    before = fitted_params(est)
    est.fit(X_train, y_train)
    assert fitted_params(est) == before


def test_fitted_attributes(digits):
    X_train, _, y_train, _ = digits
    est = PrunedMLPClassifier(prune_ratio=0.8, **FAST).fit(X_train, y_train)
    sizes = np.array([c.size for c in est.coefs_])
    nnz = np.array([np.count_nonzero(c) for c in est.coefs_])
    assert est.n_nonzero_ == nnz.sum()
    assert est.sparsity_ == pytest.approx(1 - nnz.sum() / sizes.sum())
    np.testing.assert_allclose(est.layer_sparsity_, 1 - nnz / sizes)
    assert est.compression_ratio_ == pytest.approx(sizes.sum() / nnz.sum())
    assert len(est.hidden_layer_sizes_) == 1 and est.hidden_layer_sizes_[0] <= 32
    history = est.pruning_history_
    assert [r["step"] for r in history] == [0, 1, 2, 3]
    assert history[0]["sparsity"] == 0.0 and history[-1]["target_sparsity"] == 0.8
    assert history[-1]["sparsity"] == pytest.approx(est.sparsity_)
    targets = [r["target_sparsity"] for r in history]
    assert targets == sorted(targets)
    for record in history:
        # the schema every estimator shares, then the MLP's extras
        assert tuple(record) == COMMON_KEYS + ("n_iter", "recovered", "training_score")
        assert record["sparsity"] >= record["target_sparsity"] - 1 / sizes.sum()
        assert record["loss"] > 0 and record["validation_score"] is None
    # dense training, then finetune_iter=3 epochs per step, the last to max_iter
    assert 1 <= history[0]["n_iter"] <= 60
    assert [r["n_iter"] for r in history[1:-1]] == [3, 3]
    assert 1 <= history[-1]["n_iter"] <= 60
    assert history[0]["recovered"] is None
    assert all(isinstance(r["recovered"], bool) for r in history[1:])
    # each step's accuracy on the rows it trained on; the last is the model's
    assert all(0.0 <= r["training_score"] <= 1.0 for r in history)
    # (the fitted model predicts through its compressed form: a tie may differ)
    assert history[-1]["training_score"] == pytest.approx(
        est.score(X_train, y_train), abs=2 / len(y_train)
    )


def test_neuron_granularity_removes_hidden_neurons(digits):
    X_train, X_test, y_train, y_test = digits
    est = PrunedMLPClassifier(
        prune_granularity="neuron",
        prune_ratio=0.5,
        **{**FAST, "hidden_layer_sizes": (20, 10)},
    )
    est.fit(X_train, y_train)
    assert_exact_masks(est)
    assert sum(est.hidden_layer_sizes_) == 15  # floor(0.5 * 30) removed
    assert min(est.hidden_layer_sizes_) >= 1
    dead = ~est.masks_[0].any(axis=0)
    assert dead.sum() == 20 - est.hidden_layer_sizes_[0]
    assert not est.masks_[1][dead].any()  # no outgoing weight from a dead neuron
    assert est.score(X_test, y_test) > 0.8


def test_verbose_prints_one_line_per_step(digits, capsys):
    X_train, _, y_train, _ = digits
    PrunedMLPClassifier(prune_ratio=0.5, verbose=1, **FAST).fit(X_train, y_train)
    out = capsys.readouterr().out.splitlines()
    lines = [ln for ln in out if ln.startswith("[PrunedMLPClassifier] step")]
    assert len(lines) == 4
    assert re.search(r"step 0/3 \(dense training\): sparsity 0\.0000", lines[0])
    # steps before the last estimate the time left; the last does not
    assert re.search(r"step 1/3 .*, [0-9.]+ s, ~[0-9.]+ s left$", lines[1])
    assert re.search(
        r"step 3/3 \(re-training\): sparsity 0\.5\d* \(target 0\.5000\)"
        r".*, loss [0-9.]+, [0-9.]+ s$",
        lines[-1],
    )
    # the dense training says when it starts and ends (it can be most of a fit)
    dense = [ln for ln in out if "dense training" in ln and "step" not in ln]
    assert re.search(r"dense training started \(up to \d+ epochs\)", dense[0])
    assert re.search(r"dense training done: \d+ epochs, loss [0-9.]+", dense[1])


def test_prune_ratio_zero_is_the_parent_model(digits):
    X_train, X_test, y_train, _ = digits
    params = dict(hidden_layer_sizes=(16,), max_iter=40, random_state=0)
    dense = MLPClassifier(**params).fit(X_train, y_train)
    pruned = PrunedMLPClassifier(prune_ratio=0.0, **params).fit(X_train, y_train)
    for a, b in zip(dense.coefs_, pruned.coefs_):
        np.testing.assert_array_equal(a, b)
    # predict runs the compressed network: same outputs up to summation order
    np.testing.assert_allclose(
        dense.predict_proba(X_test), pruned.predict_proba(X_test), rtol=1e-10
    )
    assert pruned.sparsity_ == 0.0 and len(pruned.pruning_history_) == 1


def test_max_score_drop_keeps_the_last_good_step(digits):
    X_train, _, y_train, _ = digits
    est = PrunedMLPClassifier(
        **{**FAST, "n_prune_steps": 6, "prune_ratio": 0.995, "max_score_drop": 0.02}
    )
    est.fit(X_train, y_train)
    history = est.pruning_history_
    dense_score = history[0]["validation_score"]
    accepted = [r for r in history if r["accepted"]]
    rejected = [r for r in history if not r["accepted"]]
    # pruning 99.5% of a 32-unit network cannot hold accuracy within 2 points
    assert len(rejected) == 1 and rejected[0] is history[-1]
    assert dense_score - rejected[0]["validation_score"] > 0.02
    for record in accepted:
        assert dense_score - record["validation_score"] <= 0.02
    assert est.sparsity_ == pytest.approx(accepted[-1]["sparsity"])
    assert_exact_masks(est)


def test_max_score_drop_needs_a_validation_split(digits):
    X_train, _, y_train, _ = digits
    est = PrunedMLPClassifier(max_score_drop=0.01, validation_fraction=0.0)
    with pytest.raises(ValueError, match="validation_fraction"):
        est.fit(X_train, y_train)


def _l1(est):
    return sum(np.abs(c).sum() for c in est.coefs_)


@pytest.mark.parametrize(
    "name, params",
    [
        (
            "entropy + L1",
            dict(prune_criterion="entropy", sparsity_penalty="l1", sparsity_alpha=0.05),
        ),
        (
            "magnitude + L2 + threshold",
            dict(
                prune_criterion="magnitude",
                sparsity_penalty="l2",
                sparsity_alpha=0.5,
                sparsity_threshold=0.02,
            ),
        ),
        (
            "gradient + SGD shrinkage",
            dict(
                prune_criterion="gradient",
                solver="sgd",
                learning_rate_init=0.05,
                sparsity_penalty="l1",
                sparsity_alpha=0.05,
                sparsity_threshold=1e-3,
            ),
        ),
    ],
)
def test_prune_and_sparsify_combinations(digits, name, params):
    X_train, X_test, y_train, y_test = digits
    base = dict(FAST, prune_ratio=0.7)
    est = PrunedMLPClassifier(**{**base, **params}).fit(X_train, y_train)
    assert_exact_masks(est)
    assert_sparsity(est, 0.7)
    assert est.score(X_test, y_test) > 0.85, name
    # the penalty did shrink the weights compared with the same run without it
    plain = {**base, **params, "sparsity_penalty": None, "sparsity_threshold": None}
    assert _l1(est) < _l1(PrunedMLPClassifier(**plain).fit(X_train, y_train))
    threshold = params.get("sparsity_threshold")
    if threshold is not None:
        live = np.concatenate([c[c != 0] for c in est.coefs_])
        assert np.all(np.abs(live) >= threshold)


def test_threshold_alone_sparsifies(digits):
    X_train, _, y_train, _ = digits
    est = PrunedMLPClassifier(prune_ratio=0.0, sparsity_threshold=0.05, **FAST)
    est.fit(X_train, y_train)
    assert est.sparsity_ > 0.1
    assert_exact_masks(est)
    live = np.concatenate([c[c != 0] for c in est.coefs_])
    assert np.all(np.abs(live) >= 0.05)


def test_from_estimator_prunes_without_refitting(digits):
    X_train, X_test, y_train, y_test = digits
    mlp = MLPClassifier(hidden_layer_sizes=(32,), max_iter=80, random_state=0).fit(
        X_train, y_train
    )
    original = [c.copy() for c in mlp.coefs_]
    raw = PrunedMLPClassifier.from_estimator(
        mlp,
        X_train,
        y_train,
        prune_ratio=0.5,
        prune_schedule="oneshot",
        finetune_iter=0,
    )
    # no training at all: the fitted weights, masked
    for coef, mask, orig in zip(raw.coefs_, raw.masks_, original):
        np.testing.assert_array_equal(coef, orig * mask)
    tuned = PrunedMLPClassifier.from_estimator(mlp, X_train, y_train, prune_ratio=0.8)
    assert isinstance(tuned, PrunedMLPClassifier)
    assert tuned.hidden_layer_sizes == (32,) and tuned.max_iter == 80
    assert_exact_masks(tuned)
    assert_sparsity(tuned, 0.8)
    assert tuned.score(X_test, y_test) > mlp.score(X_test, y_test) - 0.05
    for a, b in zip(mlp.coefs_, original):  # the given estimator is untouched
        np.testing.assert_array_equal(a, b)


def test_from_estimator_regressor_and_errors(regression, digits):
    X, y = regression
    mlp = MLPRegressor(
        hidden_layer_sizes=(16,), solver="lbfgs", max_iter=300, random_state=0
    ).fit(X, y)
    est = PrunedMLPRegressor.from_estimator(mlp, X, y, prune_ratio=0.5)
    assert_exact_masks(est) is None and est.score(X, y) > 0.9
    with pytest.raises(TypeError, match="needs a fitted MLPClassifier"):
        PrunedMLPClassifier.from_estimator(mlp, X, y)
    with pytest.raises(NotFittedError):
        PrunedMLPRegressor.from_estimator(MLPRegressor(), X, y)
    with pytest.raises(ValueError, match="prune_rate"):
        PrunedMLPRegressor.from_estimator(mlp, X, y, prune_rate=0.5)
    with pytest.raises(InvalidParameterError, match="prune_ratio"):
        PrunedMLPRegressor.from_estimator(mlp, X, y, prune_ratio=1.5)
    with pytest.raises(ValueError, match="features"):
        PrunedMLPRegressor.from_estimator(mlp, X[:, :3], y)


def test_regressor(regression):
    X, y = regression
    est = PrunedMLPRegressor(
        hidden_layer_sizes=(32,),
        solver="lbfgs",
        max_iter=300,
        prune_ratio=0.8,
        random_state=0,
    ).fit(X, y)
    assert_exact_masks(est)
    assert_sparsity(est, 0.8)
    assert est.score(X, y) > 0.95
    assert est.predict(X).shape == (len(X),)


@pytest.mark.parametrize(
    "param, value",
    [
        ("prune_ratio", 1.0),
        ("prune_ratio", -0.1),
        ("prune_criterion", "size"),
        ("prune_granularity", "layer"),
        ("prune_scope", "local"),
        ("prune_schedule", "exp"),
        ("n_prune_steps", 0),
        ("finetune_iter", -1),
        ("sparsity_penalty", "l0"),
        ("sparsity_alpha", -1.0),
        ("sparsity_threshold", -0.1),
        ("max_score_drop", -0.5),
        ("solver", "newton"),
    ],
)
@pytest.mark.parametrize("cls", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_invalid_parameters_name_the_parameter(cls, param, value):
    X, y = np.random.RandomState(0).rand(20, 3), np.arange(20) % 2
    with pytest.raises(InvalidParameterError, match=param):
        cls(**{param: value}).fit(X, y)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_raises(digits, bad):
    X_train, _, y_train, _ = digits
    X = X_train.copy()
    X[3, 5] = bad
    est = PrunedMLPClassifier(**FAST)
    with pytest.raises(ValueError, match="NaN|infinity"):
        est.fit(X, y_train)
    assert not hasattr(est, "coefs_")


def _fitted_state(est):
    return {k: v for k, v in vars(est).items() if k.endswith("_")}


def test_failing_fit_leaves_no_half_fitted_state(digits, monkeypatch):
    X_train, _, y_train, _ = digits

    def broken(*args, **kwargs):
        raise RuntimeError("scoring failed")

    monkeypatch.setattr(mlp_adapter, "compute_scores", broken)
    est = PrunedMLPClassifier(**FAST)
    with pytest.raises(RuntimeError, match="scoring failed"):
        est.fit(X_train, y_train)
    # the dense phase had run; nothing of it is left behind
    assert _fitted_state(est) == {} and not hasattr(est, "_optimizer")


def test_failing_refit_keeps_the_previous_model(digits, monkeypatch):
    X_train, X_test, y_train, _ = digits
    est = PrunedMLPClassifier(prune_ratio=0.5, **FAST).fit(X_train, y_train)
    proba = est.predict_proba(X_test)
    masks = [m.copy() for m in est.masks_]
    monkeypatch.setattr(
        mlp_adapter,
        "compute_scores",
        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")),
    )
    with pytest.raises(RuntimeError):
        est.set_params(prune_ratio=0.9).fit(X_train, y_train)
    np.testing.assert_array_equal(est.predict_proba(X_test), proba)
    for a, b in zip(est.masks_, masks):
        np.testing.assert_array_equal(a, b)
    assert est.sparsity_ == pytest.approx(0.5, abs=0.01)


def test_clone_pipeline_and_joblib_round_trip(digits, tmp_path):
    X_train, X_test, y_train, y_test = digits
    pipe = make_pipeline(StandardScaler(), PrunedMLPClassifier(prune_ratio=0.8, **FAST))
    pipe.fit(X_train, y_train)
    assert pipe.score(X_test, y_test) > 0.85
    cloned = clone(pipe)
    assert not hasattr(cloned[-1], "coefs_")
    assert cloned[-1].get_params() == pipe[-1].get_params()
    path = tmp_path / "model.joblib"
    joblib.dump(pipe, path)
    loaded = joblib.load(path)
    np.testing.assert_array_equal(
        loaded.predict_proba(X_test), pipe.predict_proba(X_test)
    )
    assert_exact_masks(loaded[-1])


def test_grid_search_over_prune_ratio(digits):
    X_train, _, y_train, _ = digits
    grid = GridSearchCV(
        PrunedMLPClassifier(**FAST),
        param_grid={"prune_ratio": [0.5, 0.95]},
        cv=2,
        n_jobs=2,
    )
    grid.fit(X_train, y_train)
    assert grid.best_estimator_.prune_ratio in (0.5, 0.95)
    assert_sparsity(grid.best_estimator_, grid.best_estimator_.prune_ratio)
    assert list(grid.cv_results_["param_prune_ratio"]) == [0.5, 0.95]


def test_dataframe_feature_names_kept_without_warnings(digits):
    pd = pytest.importorskip("pandas")
    X_train, X_test, y_train, _ = digits
    cols = [f"px{i}" for i in range(X_train.shape[1])]
    est = PrunedMLPClassifier(prune_ratio=0.5, max_score_drop=0.1, **FAST)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*feature names")
        est.fit(pd.DataFrame(X_train, columns=cols), y_train)
        est.predict(pd.DataFrame(X_test, columns=cols))
    assert list(est.feature_names_in_) == cols


def test_random_state_makes_fit_deterministic(digits):
    X_train, _, y_train, _ = digits
    params = dict(FAST, prune_criterion="random", prune_ratio=0.7)
    a = PrunedMLPClassifier(**params).fit(X_train, y_train)
    b = PrunedMLPClassifier(**params).fit(X_train, y_train)
    c = PrunedMLPClassifier(**{**params, "random_state": 1}).fit(X_train, y_train)
    for x, y in zip(a.masks_, b.masks_):
        np.testing.assert_array_equal(x, y)
    assert any(not np.array_equal(x, y) for x, y in zip(a.masks_, c.masks_))


def test_joblib_file_in_memory_is_loadable():
    X, y = np.random.RandomState(0).rand(60, 4), np.arange(60) % 3
    est = PrunedMLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    est.fit(X, y)
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(joblib.load(buffer).predict(X), est.predict(X))


def test_from_estimator_does_not_advance_the_callers_generator(digits):
    X_train, _, y_train, _ = digits
    rs = np.random.RandomState(1)
    mlp = MLPClassifier(hidden_layer_sizes=(16,), max_iter=20, random_state=rs)
    mlp.fit(X_train, y_train)
    state = rs.get_state()[2]
    PrunedMLPClassifier.from_estimator(
        mlp, X_train, y_train, prune_ratio=0.5, finetune_iter=1, max_iter=2
    )
    assert rs.get_state()[2] == state


def test_column_vector_y_warns_once(digits):
    from sklearn.exceptions import DataConversionWarning

    X_train, _, y_train, _ = digits
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        PrunedMLPClassifier(**FAST).fit(X_train, y_train.reshape(-1, 1))
    assert sum(issubclass(w.category, DataConversionWarning) for w in caught) == 1


def test_extreme_pruning_keeps_the_network_connected(digits):
    X_train, X_test, y_train, _ = digits
    est = PrunedMLPClassifier(
        **{
            **FAST,
            "hidden_layer_sizes": (20, 10),
            "prune_ratio": 0.98,
            "prune_scope": "layer",
        }
    )
    est.fit(X_train, y_train)
    assert min(est.hidden_layer_sizes_) >= 1
    assert est.compressed_.n_nonzero >= 3
    assert len(np.unique(est.predict(X_test))) > 1  # not a constant model
