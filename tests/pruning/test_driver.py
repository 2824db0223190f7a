"""The shared pruning driver: split, records, rules, loops, progress log."""

import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, make_regression
from sklearn.linear_model import SGDRegressor
from sklearn.model_selection import ShuffleSplit
from sklearn.preprocessing import StandardScaler

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    SparseSGDClassifier,
    SparseSGDRegressor,
)
from skprune._pruning import (
    COMMON_KEYS,
    AcceptAll,
    AllOf,
    Evaluation,
    FitRandomState,
    MaxLossRise,
    MaxScoreDrop,
    ProgressLog,
    ScheduleAdapter,
    SupportSearchAdapter,
    make_record,
    run_schedule,
    search_support,
    sklearn_verbose,
    validation_split,
)

# -- random state and split ----------------------------------------------------


@pytest.mark.parametrize("random_state", [None, 3, np.random.RandomState(3)])
def test_fit_random_state_gives_the_same_stream_every_time(random_state):
    frozen = FitRandomState(random_state)
    draws = [
        np.random.RandomState(frozen.get()).randint(1 << 30)
        if not isinstance(frozen.get(), np.random.RandomState)
        else frozen.get().randint(1 << 30)
        for _ in range(3)
    ]
    assert len(set(draws)) == 1
    if isinstance(random_state, int):
        assert frozen.get() == random_state  # an int seed is passed unchanged


def test_validation_split_names_the_parameter_that_needs_it():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10.0)
    with pytest.raises(ValueError, match="max_score_drop needs a validation split"):
        validation_split(
            X, y, None, fraction=0.0, random_state=0, needed_by="max_score_drop"
        )
    with pytest.raises(ValueError, match="at least 2 samples"):
        validation_split(
            X[:1],
            y[:1],
            None,
            fraction=0.5,
            random_state=0,
            needed_by="prune_ratio='auto'",
        )
    sw = np.r_[np.ones(5), np.zeros(5)]
    with pytest.raises(ValueError, match="validation split.*all zero"):
        for seed in range(50):  # some seed puts only zero weights in validation
            validation_split(
                X,
                y,
                sw,
                fraction=0.2,
                random_state=seed,
                needed_by="prune_ratio='auto'",
            )
    split = validation_split(
        X, y, np.ones(10), fraction=0.3, random_state=0, needed_by="x"
    )
    assert split.X_val.shape == (3, 2) and split.sw_train.shape == (7,)


# -- records and rules -------------------------------------------------------------


def test_record_has_the_common_keys_then_the_extras():
    record = make_record(
        2,
        phase="retrain",
        target_sparsity=0.5,
        sparsity=0.52,
        n_nonzero=48,
        loss=np.float32(0.25),
        n_iter=7,
    )
    assert tuple(record)[: len(COMMON_KEYS)] == COMMON_KEYS
    assert record["n_iter"] == 7 and type(record["loss"]) is float
    assert record["validation_score"] is None and record["accepted"] is True


def test_max_score_drop_is_an_absolute_drop_from_the_reference():
    rule = MaxScoreDrop(0.05)
    rule.start(Evaluation(score=0.9))
    assert rule.accepts(Evaluation(score=0.875))
    assert not rule.accepts(Evaluation(score=0.825))
    rule.accepted(Evaluation(score=0.95))  # the reference stays the unpruned one
    assert rule.accepts(Evaluation(score=0.86))
    assert MaxScoreDrop(0.0).needs_validation and not AcceptAll().needs_validation


def test_max_loss_rise_follows_the_best_accepted_model():
    rng = np.random.RandomState(0)
    base = rng.chisquare(1, 300)
    rule = MaxLossRise(0.01)
    rule.start(Evaluation(loss=base.mean(), losses=base))
    better = Evaluation(loss=(base * 0.5).mean(), losses=base * 0.5)
    assert rule.accepts(better)
    rule.accepted(better)
    # 1.5x the first model's losses: below the reference, far above the best
    assert not rule.accepts(Evaluation(loss=0.75 * base.mean(), losses=base * 0.75))


def test_all_of_needs_every_rule():
    rule = AllOf(MaxScoreDrop(0.1), AcceptAll())
    assert rule.needs_validation and len(rule.rules) == 1
    rule.start(Evaluation(score=1.0))
    assert rule.accepts(Evaluation(score=0.95))
    assert not rule.accepts(Evaluation(score=0.8))


class _Toy(ScheduleAdapter):
    """A model whose score is 1 - sparsity (what run_schedule sees)."""

    def __init__(self):
        self.sparsity, self.calls = 0.0, []

    def evaluate(self):
        return Evaluation(score=1.0 - self.sparsity)

    def record(self, step, target, evaluation, accepted):
        return make_record(
            step,
            phase="dense" if step == 0 else "retrain",
            target_sparsity=target,
            sparsity=self.sparsity,
            n_nonzero=round(100 * (1 - self.sparsity)),
            validation_score=evaluation.score,
            accepted=accepted,
        )

    def prune(self, target):
        self.calls.append(("prune", target))
        self.sparsity = target

    def retrain(self, step, final):
        self.calls.append(("retrain", step, final))

    def snapshot(self):
        return self.sparsity

    def restore(self, snapshot):
        self.sparsity = snapshot


def test_run_schedule_stops_at_the_first_refusal_and_restores(capsys):
    toy = _Toy()
    est = type("Est", (), {"verbose": 1})()
    history = run_schedule(toy, [0.2, 0.4, 0.6], MaxScoreDrop(0.3), ProgressLog(est, 3))
    # step 2 loses 0.4 of the score: refused, and nothing after it runs
    assert [r["accepted"] for r in history] == [True, True, False]
    assert toy.sparsity == 0.2  # the last accepted step
    assert toy.calls == [
        ("prune", 0.2),
        ("retrain", 1, False),
        ("prune", 0.4),
        ("retrain", 2, False),
    ]
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(
        r"\[Est\] step 0/3 \(dense training\): sparsity 0\.0000 "
        r"\(target 0\.0000\), 100 non-zero, validation score "
        r"1\.0000, \d+\.\d\d s",
        lines[0],
    )
    assert "step 2/3 (re-training)" in lines[2] and "-> refused" in lines[2]


class _Features(SupportSearchAdapter):
    """A support search over 16 features of which the first 3 matter."""

    n_features = 16

    def __init__(self):
        self.current = np.arange(16)

    def n_kept(self):
        return self.current.shape[0]

    def propose(self, n_remove):  # lowest score = highest index
        return self.current[: self.current.shape[0] - n_remove]

    def fit_candidate(self, support):
        return support

    def evaluate(self, candidate=None):
        kept = self.current if candidate is None else candidate
        return Evaluation(score=min(kept.shape[0], 3) / 3)

    def commit(self, candidate):
        self.current = candidate

    def record(self, step, target, evaluation, accepted, candidate=None):
        kept = self.current if candidate is None else candidate
        return make_record(
            step,
            phase="dense" if step == 0 else "retrain",
            target_sparsity=target,
            sparsity=1 - kept.shape[0] / 16,
            n_nonzero=kept.shape[0],
            accepted=accepted,
            validation_score=evaluation.score,
        )


def test_search_support_halves_then_bisects_to_the_smallest_accepted():
    model = _Features()
    est = type("Est", (), {"verbose": 0})()
    history = search_support(model, MaxScoreDrop(0.0), ProgressLog(est, "auto"))
    assert model.n_kept() == 3
    # halving until the first refusal (2), then bisecting between 4 and 2;
    # removing one more feature from 3 gives 2 again: refused before, not refit
    assert [r["n_nonzero"] for r in history] == [16, 8, 4, 2, 3]
    assert [r["accepted"] for r in history] == [True, True, True, False, True]
    assert history[0]["target_sparsity"] == 0.0
    assert history[1]["target_sparsity"] == 0.5


def test_sklearn_verbose_only_from_level_2():
    assert [sklearn_verbose(v) for v in (0, False, 1, True, 2, 3)] == [0, 0, 0, 0, 2, 3]


# -- every estimator: one schema, one log line ----------------------------------------


def _fitted(cls, verbose=0):
    X, y = make_regression(120, 8, n_informative=3, noise=1.0, random_state=0)
    if cls in (PrunedMLPClassifier, SparseSGDClassifier):
        y = (y > 0).astype(int)
    if cls in (SparseSGDRegressor, SparseSGDClassifier):
        return cls(random_state=0, verbose=verbose).fit(X, y)
    return cls(
        hidden_layer_sizes=(8,),
        max_iter=30,
        n_prune_steps=2,
        finetune_iter=3,
        random_state=0,
        verbose=verbose,
    ).fit(X, y if cls is PrunedMLPClassifier else y / 100)


@pytest.mark.parametrize(
    "cls",
    [PrunedMLPClassifier, PrunedMLPRegressor, SparseSGDRegressor, SparseSGDClassifier],
)
def test_every_estimator_logs_one_line_per_step(cls, capsys):
    est = _fitted(cls, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    steps = [ln for ln in lines if re.match(rf"\[{cls.__name__}\] step \d+/", ln)]
    assert len(steps) == len(est.pruning_history_)
    # at most three more: the final refit; the MLPs' dense training start/end
    dense = [ln for ln in lines if re.search(r"\] dense training (started|done)", ln)]
    assert len(dense) == (2 if cls.__name__.startswith("PrunedMLP") else 0)
    assert len(lines) <= len(steps) + len(dense) + 1
    for record, line in zip(est.pruning_history_, steps):
        assert tuple(record)[: len(COMMON_KEYS)] == COMMON_KEYS
        phase = "dense training" if record["step"] == 0 else "re-training"
        assert f"step {record['step']}/" in line and f"({phase})" in line
        assert f"sparsity {record['sparsity']:.4f}" in line
        # elapsed time, then an estimate of the time left before the last step
        assert re.search(r", \d+\.\d\d s(, ~[0-9.]+ s left)?$", line)


def test_mlp_verbose_2_adds_sklearns_epoch_lines(capsys):
    _fitted(PrunedMLPRegressor, verbose=2)
    out = capsys.readouterr().out
    assert "Iteration" in out and "[PrunedMLPRegressor] step 2/2" in out


def test_sgd_verbose_1_prints_a_few_lines_on_diabetes(capsys):
    # skprune 0.1 printed 12,149 lines here (every SGD epoch of every fit)
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    est = SparseSGDRegressor(random_state=0, verbose=1).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(est.pruning_history_) + 1  # + the final fit
    assert "final fit on" in lines[-1] and "step 1/auto" in lines[1]
    SparseSGDRegressor(random_state=0, verbose=2, max_iter=5, tol=None).fit(X, y)
    assert "Epoch" in capsys.readouterr().out


# -- SparseSGDRegressor: one split per fit -------------------------------------


def test_sgd_internal_fits_share_one_validation_split_with_a_random_state():
    # as sklearn's test_validation_set_not_used_for_training: prune_ratio=0
    # with refit runs two SGD fits, each with early stopping; both must hold
    # out the same samples, i.e. train on X[idx_train] only.
    X, y = make_regression(200, 5, noise=1.0, random_state=0)
    sgd = dict(
        learning_rate="constant",
        eta0=0.01,
        tol=None,
        max_iter=10,
        shuffle=False,
        penalty=None,
    )
    est = SparseSGDRegressor(
        prune_ratio=0,
        refit=True,
        early_stopping=True,
        validation_fraction=0.4,
        random_state=np.random.RandomState(42),
        **sgd,
    )
    est.fit(X, y)
    idx_train, _ = next(ShuffleSplit(test_size=0.4, random_state=42).split(X))
    idx_train = np.sort(idx_train)
    first = SGDRegressor(random_state=0, **sgd).fit(X[idx_train], y[idx_train])
    second = SGDRegressor(random_state=0, **sgd).fit(
        X[idx_train],
        y[idx_train],
        coef_init=first.coef_,
        intercept_init=first.intercept_,
    )
    np.testing.assert_allclose(est.coef_, second.coef_, rtol=1e-10)


@pytest.mark.parametrize("random_state", [None, np.random.RandomState(0)])
@pytest.mark.parametrize("prune_ratio", ["auto", 0.5])
def test_sgd_internal_fits_never_validate_on_trained_samples(
    monkeypatch, random_state, prune_ratio
):
    X, y = make_regression(300, 10, n_informative=3, noise=1.0, random_state=0)
    masks = []  # every internal fit's early-stopping validation samples
    original = SGDRegressor._make_validation_split

    def spy(self, y, sample_mask):
        mask = original(self, y, sample_mask)
        masks.append(mask)
        return mask

    trained = []  # the rows every internal fit saw
    original_fit = SGDRegressor.fit

    def fit_spy(self, X, y, **kwargs):
        trained.append({tuple(row) for row in np.asarray(y).reshape(-1, 1)})
        return original_fit(self, X, y, **kwargs)

    monkeypatch.setattr(SGDRegressor, "_make_validation_split", spy)
    monkeypatch.setattr(SGDRegressor, "fit", fit_spy)
    SparseSGDRegressor(
        early_stopping=True,
        prune_ratio=prune_ratio,
        random_state=random_state,
        max_iter=20,
        cv=1,  # one pruning split (cross-validation's folds overlap by design)
    ).fit(X, y)
    assert len(masks) >= 3
    same_rows = {}
    for mask in masks:
        same_rows.setdefault(mask.shape[0], []).append(mask)
    for group in same_rows.values():  # fits on the same rows: the same split
        for mask in group[1:]:
            np.testing.assert_array_equal(mask, group[0])
    # the final model's validation samples were never trained on before
    final_val = {(v,) for v in y[masks[-1]]}
    for rows in trained[:-1]:
        if len(rows) < len(y):  # the fits on the pruning training split
            assert not final_val & rows


# -- max_score_drop: one meaning, with a deprecation path ------------------------------


def test_sgd_max_score_drop_has_the_shared_meaning_and_warns():
    X, y = make_regression(400, 12, n_informative=4, noise=5.0, random_state=0)
    with pytest.warns(FutureWarning, match="max_loss_rise"):
        est = SparseSGDRegressor(
            prune_ratio=0.9, n_prune_steps=4, max_score_drop=0.01, random_state=0
        ).fit(X, y)
    hist = est.pruning_history_
    reference = hist[0]["validation_score"]
    for record in hist[1:]:  # refused exactly when R^2 dropped by more
        dropped = reference - record["validation_score"] > 0.01
        assert record["accepted"] is not dropped
    assert not hist[-1]["accepted"] and est.n_nonzero_ == hist[-2]["n_nonzero"]


def test_sgd_old_tolerance_is_max_loss_rise_and_the_default_is_silent():
    X, y = make_regression(300, 10, n_informative=3, noise=1.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no FutureWarning by default
        old_default = SparseSGDRegressor(random_state=0).fit(X, y)
    same = SparseSGDRegressor(max_loss_rise=0.01, random_state=0).fit(X, y)
    np.testing.assert_array_equal(old_default.coef_, same.coef_)


def test_the_driver_refuses_an_object_that_is_not_an_adapter():
    est = type("Est", (), {"verbose": 0})()
    with pytest.raises(TypeError, match="run_schedule needs a ScheduleAdapter"):
        run_schedule(object(), [0.5], AcceptAll(), ProgressLog(est, 1))
    with pytest.raises(TypeError, match="search_support needs a Support"):
        search_support(object(), AcceptAll(), ProgressLog(est, "auto"))


def test_an_adapter_missing_a_method_fails_when_built():
    class Incomplete(ScheduleAdapter):
        def evaluate(self):
            return None

    with pytest.raises(TypeError, match="abstract"):
        Incomplete()
