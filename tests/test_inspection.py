"""PruningCurveDisplay and PruningHistoryDisplay: data, artists and errors."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune.inspection import PruningCurveDisplay, PruningHistoryDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


@pytest.fixture
def pyplot():
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.fixture(scope="module")
def digits(digits):
    """This module's part of the shared digits fixture (tests/conftest.py)."""
    X, y = digits
    return X[:300], y[:300]


def _tiny(**params):
    defaults = dict(
        hidden_layer_sizes=(10,),
        solver="lbfgs",
        max_iter=40,
        n_prune_steps=2,
        finetune_iter=5,
        random_state=0,
    )
    return PrunedMLPClassifier(**{**defaults, **params})


CV = StratifiedKFold(2)


@pytest.fixture(scope="module")
def curve(digits):
    import matplotlib.pyplot as plt

    X, y = digits
    display = PruningCurveDisplay.from_estimator(
        _tiny(),
        X,
        y,
        prune_ratios=[0.9, 0.0, 0.5, 0.5],
        criteria=["magnitude", "entropy"],
        cv=CV,
    )
    yield display
    plt.close("all")


def test_curve_data(curve):
    assert list(curve.scores) == ["magnitude", "entropy", "random"]
    assert list(curve.sparsities) == list(curve.scores)
    np.testing.assert_array_equal(curve.prune_ratios, [0.0, 0.5, 0.9])
    for criterion in curve.scores:
        scores = curve.scores[criterion]
        sparsity = curve.sparsities[criterion]
        assert scores.shape == sparsity.shape == (3, 2)
        assert np.all((scores >= 0) & (scores <= 1))
        # weight granularity: achieved sparsity is the prune ratio (within
        # one weight of the 64*10 + 10*10 = 740 connection weights)
        expected = np.broadcast_to(curve.prune_ratios[:, None], sparsity.shape)
        np.testing.assert_allclose(sparsity, expected, atol=2e-3)
    assert curve.score_name == "Score"


def test_curve_scores_are_the_cross_validated_scores(curve, digits):
    X, y = digits
    for criterion, row in (("entropy", 2), ("random", 1)):
        expected = cross_val_score(
            _tiny(prune_criterion=criterion, prune_ratio=curve.prune_ratios[row]),
            X,
            y,
            cv=CV,
        )
        np.testing.assert_allclose(curve.scores[criterion][row], expected)


def test_curve_artists(curve):
    from matplotlib.collections import PolyCollection
    from matplotlib.lines import Line2D

    assert curve.errorbar_ is None
    assert set(curve.lines_) == set(curve.fill_between_) == set(curve.scores)
    for criterion, line in curve.lines_.items():
        assert isinstance(line, Line2D)
        assert isinstance(curve.fill_between_[criterion], PolyCollection)
        np.testing.assert_allclose(
            line.get_xdata(), curve.sparsities[criterion].mean(axis=1)
        )
        np.testing.assert_allclose(
            line.get_ydata(), curve.scores[criterion].mean(axis=1)
        )
    assert curve.lines_["random"].get_linestyle() == "--"
    assert curve.ax_.get_xscale() == "linear"
    assert curve.ax_.get_xlabel().startswith("Sparsity")
    assert curve.ax_.get_ylabel() == "Score"
    legend = [t.get_text() for t in curve.ax_.get_legend().get_texts()]
    assert legend == ["magnitude", "entropy", "random (baseline)"]
    assert curve.figure_ is curve.ax_.figure


def test_curve_replot_log_compression_errorbar(curve, pyplot):
    from matplotlib.container import ErrorbarContainer

    _, ax = pyplot.subplots()
    curve.plot(
        ax=ax, log_compression=True, std_display_style="errorbar", score_name="Accuracy"
    )
    assert curve.ax_ is ax
    assert curve.lines_ is None and curve.fill_between_ is None
    assert ax.get_xscale() == "log"
    ax.figure.canvas.draw()
    labels = {t.get_text() for t in ax.get_xticklabels()}
    assert {"1x", "2x", "10x"} <= labels
    assert ax.get_xlabel().startswith("Compression ratio")
    assert ax.get_ylabel() == "Accuracy"
    for criterion, container in curve.errorbar_.items():
        assert isinstance(container, ErrorbarContainer)
        x = container.lines[0].get_xdata()
        np.testing.assert_allclose(
            x, 1 / (1 - curve.sparsities[criterion].mean(axis=1))
        )

    _, ax = pyplot.subplots()
    curve.plot(ax=ax, std_display_style=None, line_kw={"linewidth": 3})
    assert curve.fill_between_ is None and curve.errorbar_ is None
    assert all(line.get_linewidth() == 3 for line in curve.lines_.values())
    with pytest.raises(ValueError, match="std_display_style"):
        curve.plot(std_display_style="band")


def test_curve_default_criterion_pipeline_neurons_scoring(digits, pyplot):
    X, y = digits
    pipe = make_pipeline(
        StandardScaler(), _tiny(prune_granularity="neuron", prune_criterion="taylor")
    )
    _, ax = pyplot.subplots()
    display = PruningCurveDisplay.from_estimator(
        pipe,
        X,
        y,
        prune_ratios=[0.5],
        cv=CV,
        scoring="neg_log_loss",
        ax=ax,
        criteria=None,
    )
    assert display.ax_ is ax
    assert list(display.scores) == ["taylor", "random"]
    assert np.all(display.scores["taylor"] < 0)
    assert display.score_name == "Negative log loss"
    # half of the 10 hidden neurons go: their 64 inputs and 10 outputs each
    np.testing.assert_allclose(display.sparsities["taylor"], 0.5)
    # the user's estimator is untouched
    assert pipe[-1].prune_criterion == "taylor"
    assert not hasattr(pipe[-1], "coefs_")


def test_curve_regressor_random_only(pyplot):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 4))
    y = X @ [1.0, -2.0, 0.5, 0.0]
    reg = PrunedMLPRegressor(
        hidden_layer_sizes=(6,),
        solver="lbfgs",
        max_iter=50,
        n_prune_steps=1,
        random_state=0,
    )
    display = PruningCurveDisplay.from_estimator(
        reg, X, y, prune_ratios=[0.3], criteria="random", cv=2
    )
    assert list(display.scores) == ["random"]
    assert display.scores["random"].shape == (1, 2)


def test_curve_bad_input(digits):
    X, y = digits
    with pytest.raises(TypeError, match="prune_ratio"):
        PruningCurveDisplay.from_estimator(LogisticRegression(), X, y)
    with pytest.raises(ValueError, match="prune_criterion"):
        PruningCurveDisplay.from_estimator(_tiny(), X, y, criteria=["mass"])
    for ratios in ([], [0.5, 1.0], [[0.5]], [-0.1]):
        with pytest.raises(ValueError, match="prune_ratios"):
            PruningCurveDisplay.from_estimator(_tiny(), X, y, prune_ratios=ratios)
    with pytest.raises(ValueError, match="criteria"):
        PruningCurveDisplay.from_estimator(_tiny(), X, y, criteria=[])
    two = make_pipeline(_tiny(), _tiny())
    with pytest.raises(ValueError, match="several steps"):
        PruningCurveDisplay.from_estimator(two, X, y)


def test_sparsity_scorer_is_picklable_for_parallel_search(digits):
    from skprune.inspection import _SparsityScorer

    X, y = digits
    scorer = pickle.loads(pickle.dumps(_SparsityScorer("prunedmlpclassifier")))
    pipe = make_pipeline(StandardScaler(), _tiny(prune_ratio=0.5)).fit(X, y)
    assert scorer(pipe, X, y) == pipe[-1].sparsity_
    with pytest.raises(AttributeError, match="sparsity_"):
        _SparsityScorer("")(LogisticRegression().fit(X, y), X, y)


def test_history_display(digits, pyplot):
    X, y = digits
    clf = clone(_tiny(prune_ratio=0.8, n_prune_steps=3)).fit(X, y)
    display = PruningHistoryDisplay.from_estimator(clf)
    history = clf.pruning_history_
    np.testing.assert_array_equal(display.steps, [0, 1, 2, 3])
    np.testing.assert_allclose(display.sparsity, [r["sparsity"] for r in history])
    np.testing.assert_allclose(
        display.target_sparsity, [r["target_sparsity"] for r in history]
    )
    np.testing.assert_allclose(display.loss, [r["loss"] for r in history])
    assert np.all(np.isnan(display.validation_score))
    assert display.accepted.all()
    assert set(display.lines_) == {"sparsity", "target_sparsity", "loss"}
    np.testing.assert_allclose(display.lines_["sparsity"].get_ydata(), display.sparsity)
    np.testing.assert_allclose(display.lines_["loss"].get_ydata(), display.loss)
    assert display.score_ax_ is None
    assert len(display.axes_) == 2
    assert display.figure_ is display.axes_[0].figure
    assert display.axes_[0].get_title() == "PrunedMLPClassifier"


def test_history_display_validation_and_rejected_step(pyplot):
    display = PruningHistoryDisplay(
        steps=np.arange(3),
        sparsity=np.array([0.0, 0.5, 0.9]),
        target_sparsity=np.array([0.0, 0.5, 0.9]),
        loss=np.array([0.1, 0.2, 0.5]),
        validation_score=np.array([0.95, 0.94, 0.80]),
        accepted=np.array([True, True, False]),
    )
    _, axes = pyplot.subplots(1, 2)
    display.plot(ax=axes)
    assert display.axes_[0] is axes[0]
    assert display.score_ax_ is not None
    np.testing.assert_allclose(
        display.lines_["validation_score"].get_ydata(), [0.95, 0.94, 0.80]
    )
    np.testing.assert_allclose(display.lines_["rejected"].get_xdata(), [2])
    np.testing.assert_allclose(display.lines_["rejected"].get_ydata(), [0.9])
    np.testing.assert_allclose(display.lines_["rejected_score"].get_ydata(), [0.8])
    with pytest.raises(ValueError, match="two matplotlib Axes"):
        display.plot(ax=axes[0])


def test_history_target_and_achieved_are_told_apart(pyplot):
    # achieved == target at every step: both lines must still be seen
    s = np.array([0.0, 0.5, 0.75, 0.9])
    display = PruningHistoryDisplay(
        steps=np.arange(4),
        sparsity=s,
        target_sparsity=s,
        loss=np.array([0.1, 0.2, 0.3, 0.5]),
        validation_score=np.array([0.95, 0.94, 0.93, 0.80]),
        accepted=np.array([True, True, True, False]),
    ).plot()
    target, achieved = display.lines_["target_sparsity"], display.lines_["sparsity"]
    assert target.get_zorder() > achieved.get_zorder()  # drawn on top
    assert target.get_marker() != achieved.get_marker()
    assert target.get_linestyle() != achieved.get_linestyle()
    assert achieved.get_linewidth() > 2 * target.get_linewidth()  # seen around it
    # no legend covers a data point of either axes
    display.figure_.canvas.draw()
    renderer = display.figure_.canvas.get_renderer()
    top, bottom = display.axes_
    for ax, lines in (
        (top, [target, achieved, display.lines_["rejected"]]),
        (bottom, [display.lines_["loss"]]),
        (display.score_ax_, [display.lines_["validation_score"]]),
    ):
        for legend in (top.get_legend(), bottom.get_legend()):
            box = legend.get_window_extent(renderer)
            for line in lines:
                xy = ax.transData.transform(line.get_xydata())
                inside = (
                    (box.x0 <= xy[:, 0])
                    & (xy[:, 0] <= box.x1)
                    & (box.y0 <= xy[:, 1])
                    & (xy[:, 1] <= box.y1)
                )
                assert not inside.any(), (legend, line.get_label())


def test_history_from_fit_with_max_score_drop(digits, pyplot):
    X, y = digits
    clf = _tiny(
        prune_ratio=0.97, n_prune_steps=4, max_score_drop=0.0, validation_fraction=0.3
    ).fit(X, y)
    display = PruningHistoryDisplay.from_estimator(make_pipeline(clf))
    assert display.score_ax_ is not None
    assert np.isfinite(display.validation_score).all()
    np.testing.assert_array_equal(
        display.accepted, [r["accepted"] for r in clf.pruning_history_]
    )
    # this run undoes its last step: it is marked on both axes
    assert not display.accepted[-1]
    np.testing.assert_allclose(
        display.lines_["rejected"].get_ydata(), display.sparsity[-1:]
    )
    assert "rejected_score" in display.lines_


def test_history_bad_input(digits):
    X, y = digits
    with pytest.raises(ValueError, match="pruning_history_"):
        PruningHistoryDisplay.from_estimator(_tiny())
    clf = PrunedMLPClassifier(solver="adam").partial_fit(X, y, classes=np.unique(y))
    with pytest.raises(ValueError, match="partial_fit"):
        PruningHistoryDisplay.from_estimator(clf)


def test_importable_without_matplotlib():
    code = (
        "import sys; sys.modules['matplotlib'] = None; "
        "import skprune.inspection; assert 'matplotlib.pyplot' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_matplotlib(monkeypatch, digits):
    for name in [m for m in sys.modules if m.split(".")[0] == "matplotlib"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    X, y = digits
    message = r'needs matplotlib.*pip install matplotlib.*pip install "\.\[plot\]"'
    # raised before any fitting (LogisticRegression would fail only later)
    with pytest.raises(
        ImportError, match="PruningCurveDisplay.from_estimator " + message
    ):
        PruningCurveDisplay.from_estimator(LogisticRegression(), X, y)
    display = PruningCurveDisplay(
        prune_ratios=np.array([0.5]),
        sparsities={"random": np.ones((1, 2))},
        scores={"random": np.ones((1, 2))},
    )
    with pytest.raises(ImportError, match="PruningCurveDisplay.plot " + message):
        display.plot()
    with pytest.raises(ImportError, match=message):
        PruningHistoryDisplay.from_estimator(_tiny())


# -- every estimator -------------------------------------------------------------

from sklearn.datasets import load_digits, make_regression  # noqa: E402

from skprune import SparseSGDClassifier, SparseSGDRegressor  # noqa: E402
from skprune._pruning import COMMON_KEYS  # noqa: E402


def _every_estimator():
    """(estimator, X, y) for each skprune estimator, small and fast."""
    X, y = make_regression(160, 12, n_informative=4, noise=2.0, random_state=0)
    X = StandardScaler().fit_transform(X)
    Xd, yd = load_digits(return_X_y=True)
    mlp = dict(
        hidden_layer_sizes=(8,),
        solver="lbfgs",
        max_iter=40,
        n_prune_steps=2,
        finetune_iter=5,
        random_state=0,
    )
    return {
        "PrunedMLPClassifier": (PrunedMLPClassifier(**mlp), Xd[:200] / 16, yd[:200]),
        "PrunedMLPRegressor": (PrunedMLPRegressor(**mlp), X, y / 100),
        "SparseSGDRegressor": (SparseSGDRegressor(max_iter=50, random_state=0), X, y),
        "SparseSGDClassifier": (
            SparseSGDClassifier(max_iter=50, random_state=0),
            Xd[:200] / 16,
            yd[:200],
        ),
    }


EVERY = _every_estimator()


@pytest.mark.parametrize("name", sorted(EVERY))
def test_curve_display_for_every_estimator(name, pyplot):
    est, X, y = EVERY[name]
    display = PruningCurveDisplay.from_estimator(
        est, X, y, prune_ratios=[0.25, 0.75], cv=2
    )
    # the default criterion (the MLPs': 'auto') and the family's 'random'
    default = "auto" if name.startswith("PrunedMLP") else "magnitude"
    assert list(display.scores) == [default, "random"]
    for criterion in display.scores:
        assert display.scores[criterion].shape == (2, 2)
        assert np.all(np.isfinite(display.scores[criterion]))
        assert np.all(
            display.sparsities[criterion][1] > display.sparsities[criterion][0]
        )
    assert display.lines_["random"].get_linestyle() == "--"


@pytest.mark.parametrize("name", sorted(EVERY))
@pytest.mark.parametrize("validated", [False, True])
def test_history_display_for_every_estimator(name, validated, pyplot):
    est, X, y = EVERY[name]
    est = clone(est).set_params(prune_ratio=0.75)
    if validated:  # the shared rule: a validation split judges every step
        est.set_params(max_score_drop=0.0)
    if validated and name == "SparseSGDRegressor":
        with pytest.warns(FutureWarning, match="max_loss_rise"):
            est.fit(X, y)
    else:
        est.fit(X, y)
    history = est.pruning_history_
    assert all(tuple(r)[: len(COMMON_KEYS)] == COMMON_KEYS for r in history)
    display = PruningHistoryDisplay.from_estimator(est)
    # no key is missing: no NaN where the estimator has the value
    assert not np.isnan(display.target_sparsity).any()
    assert not np.isnan(display.loss).any()
    assert "loss" in display.lines_ and "target_sparsity" in display.lines_
    assert np.isnan(display.validation_score).all() is not validated
    assert (display.score_ax_ is not None) is validated


@pytest.mark.parametrize("name", ["SparseSGDRegressor", "SparseSGDClassifier"])
def test_history_display_of_an_auto_sparse_sgd(name, pyplot):
    est, X, y = EVERY[name]
    est = clone(est).fit(X, y)  # prune_ratio='auto': a validation split
    display = PruningHistoryDisplay.from_estimator(est)
    assert not display.accepted.all() and "rejected" in display.lines_
    assert not np.isnan(display.validation_score).any()
    assert display.lines_["rejected"].get_label() == "refused"
