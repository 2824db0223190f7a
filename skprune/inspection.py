"""Plots of the pruning trade-off, in the style of sklearn's Displays.

:class:`PruningCurveDisplay` cross-validates an estimator at several
``prune_ratio`` values, for each pruning criterion and always for the
``'random'`` baseline, and plots the validation score against the *achieved*
sparsity (``1 - nnz / total`` over the connection weights) or against the
compression ratio ``1 / (1 - sparsity)`` on a log axis.

:class:`PruningHistoryDisplay` plots a fitted estimator's ``pruning_history_``:
target and achieved sparsity, training loss and (with ``max_score_drop``)
validation score after every pruning step.

Both follow sklearn's visualization API: ``from_estimator`` computes and plots,
the constructor takes precomputed arrays, ``plot`` draws on a given ``ax`` and
stores the matplotlib artists in trailing-underscore attributes. matplotlib is
an optional dependency (``pip install matplotlib``, or the ``plot`` extra:
``pip install ".[plot]"`` in a clone); it is imported only when something is
drawn.
"""

import numpy as np
from sklearn.base import clone
from sklearn.metrics import check_scoring
from sklearn.model_selection import GridSearchCV

from . import _sklearn_compat as compat
from ._optional import missing
from ._pruning import BASELINE, baseline


def _check_matplotlib(caller):
    """Import matplotlib.pyplot, or raise an ImportError saying what to install."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise missing(caller, "plot") from exc
    return plt


def _pruning_prefix(estimator):
    """Parameter prefix of the step that has prune_ratio and prune_criterion.

    ``''`` for a skprune estimator, ``'<step>__'`` for one inside a Pipeline or
    another meta-estimator.
    """
    params = estimator.get_params(deep=True)
    prefixes = [
        name[: -len("prune_ratio")]
        for name in params
        if name.endswith("prune_ratio")
        and name[: -len("prune_ratio")] + "prune_criterion" in params
        and (name == "prune_ratio" or name.endswith("__prune_ratio"))
    ]
    if not prefixes:
        raise TypeError(
            "PruningCurveDisplay needs an estimator with 'prune_ratio' and "
            "'prune_criterion' parameters (a skprune estimator, or a Pipeline or "
            f"meta-estimator holding one); got {type(estimator).__name__}."
        )
    if len(prefixes) > 1:
        raise ValueError(
            "PruningCurveDisplay found several steps with 'prune_ratio' and "
            f"'prune_criterion' parameters ({sorted(p[:-2] for p in prefixes)}); "
            "it can vary only one. Plot the step on its own."
        )
    return prefixes[0]


class _SparsityScorer:
    """A scorer returning the fitted pruning step's ``sparsity_``."""

    def __init__(self, step):
        self.step = step

    def __call__(self, estimator, X, y=None):
        fitted = estimator.get_params(deep=True)[self.step] if self.step else estimator
        try:
            return float(fitted.sparsity_)
        except AttributeError as exc:
            raise AttributeError(
                f"{type(fitted).__name__} has no fitted attribute 'sparsity_'; "
                "PruningCurveDisplay plots skprune estimators."
            ) from exc


def _score_name(score_name, scoring):
    if score_name is not None:
        return score_name
    if isinstance(scoring, str):
        name = scoring
        if name.startswith("neg_"):
            name = "negative " + name[len("neg_") :]
        return name.replace("_", " ").capitalize()
    return "Score"


def _as_ratios(prune_ratios):
    ratios = np.asarray(prune_ratios, dtype=float)
    if ratios.ndim != 1 or ratios.size == 0:
        raise ValueError(
            "prune_ratios must be a non-empty 1-D sequence of floats in [0, 1), "
            f"got {prune_ratios!r}."
        )
    if not np.all((ratios >= 0) & (ratios < 1)):
        raise ValueError(f"prune_ratios must lie in [0, 1), got {ratios.tolist()}.")
    return np.unique(ratios)  # sorted: the curves are drawn left to right


def _pruning_step(estimator, prefix):
    """The (sub-)estimator that owns ``prune_ratio`` and ``prune_criterion``."""
    return estimator.get_params(deep=True)[prefix[:-2]] if prefix else estimator


def _as_criteria(criteria, estimator, prefix):
    """The criteria to fit, with the estimator family's baseline appended.

    The baseline comes from the family's criteria registry
    (:func:`skprune._pruning.criteria.baseline`): 'random' for every skprune estimator.
    """
    if criteria is None:
        criteria = [estimator.get_params(deep=True)[prefix + "prune_criterion"]]
    elif isinstance(criteria, str):
        criteria = [criteria]
    criteria = list(dict.fromkeys(criteria))  # drop duplicates, keep order
    if not criteria or not all(isinstance(c, str) for c in criteria):
        raise ValueError(
            f"criteria must be a criterion name or a list of them, got {criteria!r}."
        )
    registry = getattr(_pruning_step(estimator, prefix), "_pruning_criteria", {})
    reference = baseline(registry)
    if reference is not None and reference not in criteria:
        criteria.append(reference)
    return criteria


def _check_settings(estimator, prefix, criteria, ratios):
    """Reject unknown criteria and bad ratios before any fitting."""
    probe = clone(estimator)
    for criterion in criteria:
        for ratio in (ratios[0], ratios[-1]):
            probe.set_params(
                **{prefix + "prune_criterion": criterion, prefix + "prune_ratio": ratio}
            )
            step = _pruning_step(probe, prefix)
            if hasattr(step, "_validate_params"):
                compat.validate_params(step)


class PruningCurveDisplay:
    """Validation score against achieved sparsity, per pruning criterion.

    Create it with :meth:`from_estimator`, which cross-validates the estimator
    at each ``prune_ratio`` for each criterion (always including the
    ``'random'`` baseline) and plots the result. All parameters are stored as
    attributes.

    Parameters
    ----------
    prune_ratios : ndarray of shape (n_ratios,)
        The ``prune_ratio`` values that were fitted, in increasing order.

    sparsities : dict of str to ndarray of shape (n_ratios, n_folds)
        Per criterion, the achieved sparsity ``1 - nnz / total`` of the
        connection weights of the model fitted on each training fold. With
        ``prune_granularity='neuron'`` it differs from ``prune_ratio`` (a
        fraction of neurons).

    scores : dict of str to ndarray of shape (n_ratios, n_folds)
        Per criterion, the score of each fitted model on its validation fold.

    score_name : str, default=None
        Label of the y-axis; ``"Score"`` if None.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the curves.

    figure_ : matplotlib Figure
        Figure containing the curves.

    lines_ : dict of str to matplotlib Line2D or None
        Per criterion, the line of mean scores (``std_display_style`` of
        ``'fill_between'`` or None); None with ``'errorbar'``.

    fill_between_ : dict of str to matplotlib PolyCollection or None
        Per criterion, the band of mean +- one standard deviation over the
        folds (``'fill_between'`` style); None otherwise.

    errorbar_ : dict of str to matplotlib ErrorbarContainer or None
        Per criterion, the error bars (``'errorbar'`` style); None otherwise.

    See Also
    --------
    PruningHistoryDisplay : Sparsity and loss along one ``fit``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from skprune import PrunedMLPClassifier
    >>> from skprune.inspection import PruningCurveDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = PrunedMLPClassifier(hidden_layer_sizes=(16,), max_iter=30,
    ...                           n_prune_steps=2, finetune_iter=5,
    ...                           random_state=0)
    >>> display = PruningCurveDisplay.from_estimator(
    ...     clf, X[:300] / 16, y[:300], prune_ratios=[0.5, 0.9],
    ...     criteria=["magnitude"], cv=2)
    >>> sorted(display.scores)
    ['magnitude', 'random']
    >>> display.sparsities["magnitude"].shape  # (n_ratios, n_folds)
    (2, 2)
    >>> plt.close("all")
    """

    def __init__(self, *, prune_ratios, sparsities, scores, score_name=None):
        self.prune_ratios = prune_ratios
        self.sparsities = sparsities
        self.scores = scores
        self.score_name = score_name

    def plot(
        self,
        ax=None,
        *,
        log_compression=False,
        score_name=None,
        std_display_style="fill_between",
        line_kw=None,
        fill_between_kw=None,
        errorbar_kw=None,
    ):
        """Plot the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes if None.

        log_compression : bool, default=False
            If True, the x-axis is the compression ratio ``1 / (1 - sparsity)``
            (``total / nnz``) on a log scale, which spreads out the high
            sparsities where the criteria differ; otherwise the sparsity.

        score_name : str, default=None
            Label of the y-axis; defaults to the ``score_name`` attribute.

        std_display_style : {'fill_between', 'errorbar'} or None, \
default='fill_between'
            How the standard deviation of the score over the folds is shown.

        line_kw : dict, default=None
            Keyword arguments for ``ax.plot`` (the mean-score lines).

        fill_between_kw : dict, default=None
            Keyword arguments for ``ax.fill_between``.

        errorbar_kw : dict, default=None
            Keyword arguments for ``ax.errorbar``.

        Returns
        -------
        display : PruningCurveDisplay
            This display, with its artists stored.
        """
        plt = _check_matplotlib(f"{type(self).__name__}.plot")
        if std_display_style not in ("fill_between", "errorbar", None):
            raise ValueError(
                "std_display_style must be 'fill_between', 'errorbar' or None, "
                f"got {std_display_style!r}."
            )
        if ax is None:
            _, ax = plt.subplots()

        use_lines = std_display_style != "errorbar"
        self.lines_ = {} if use_lines else None
        self.fill_between_ = {} if std_display_style == "fill_between" else None
        self.errorbar_ = {} if std_display_style == "errorbar" else None
        colors = iter(plt.rcParams["axes.prop_cycle"].by_key().get("color", [None]))
        for criterion, scores in self.scores.items():
            sparsity = np.asarray(self.sparsities[criterion]).mean(axis=1)
            x = self._x(sparsity, log_compression)
            mean = np.asarray(scores).mean(axis=1)
            std = np.asarray(scores).std(axis=1)
            if criterion == BASELINE:  # the registries' baseline
                style = {"color": "0.4", "linestyle": "--", "marker": "x"}
                label = f"{criterion} (baseline)"
            else:
                style = {"color": next(colors, None), "marker": "o"}
                label = criterion
            if use_lines:
                (line,) = ax.plot(x, mean, label=label, **{**style, **(line_kw or {})})
                self.lines_[criterion] = line
                style["color"] = line.get_color()
            if std_display_style == "fill_between":
                self.fill_between_[criterion] = ax.fill_between(
                    x,
                    mean - std,
                    mean + std,
                    **{
                        "alpha": 0.2,
                        "color": style["color"],
                        **(fill_between_kw or {}),
                    },
                )
            elif std_display_style == "errorbar":
                self.errorbar_[criterion] = ax.errorbar(
                    x,
                    mean,
                    std,
                    label=label,
                    **{**style, "capsize": 3, **(errorbar_kw or {})},
                )

        if log_compression:
            from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel("Compression ratio (total / non-zero weights)")
        else:
            ax.set_xlabel("Sparsity (fraction of zero connection weights)")
        ax.set_ylabel(score_name or self.score_name or "Score")
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @staticmethod
    def _x(sparsity, log_compression):
        if not log_compression:
            return sparsity
        with np.errstate(divide="ignore"):
            return 1.0 / (1.0 - sparsity)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        prune_ratios=(0.0, 0.5, 0.8, 0.9, 0.95),
        criteria=None,
        groups=None,
        cv=None,
        scoring=None,
        n_jobs=None,
        verbose=0,
        error_score=np.nan,
        fit_params=None,
        ax=None,
        log_compression=False,
        score_name=None,
        std_display_style="fill_between",
        line_kw=None,
        fill_between_kw=None,
        errorbar_kw=None,
    ):
        """Cross-validate at each prune ratio and criterion, then plot.

        The estimator is cloned for every (criterion, ratio, fold) with
        ``prune_criterion`` and ``prune_ratio`` set; the fits run through
        :class:`~sklearn.model_selection.GridSearchCV` (``refit=False``), so
        ``cv``, ``n_jobs`` and joblib backends behave as there.

        Parameters
        ----------
        estimator : estimator with ``prune_ratio`` and ``prune_criterion``
            A skprune estimator, or a Pipeline (or other meta-estimator) with
            exactly one step that has both parameters. It is not modified.

        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        prune_ratios : array-like of float in [0, 1), \
default=(0.0, 0.5, 0.8, 0.9, 0.95)
            Values of ``prune_ratio`` to fit (sorted, duplicates dropped).
            ``0.0`` gives the dense model as the left end of the curves.

        criteria : str or list of str, default=None
            Pruning criteria to compare; ``'random'`` is always added as the
            baseline. None means the estimator's own ``prune_criterion``.

        groups : array-like of shape (n_samples,), default=None
            Group labels for a group cross-validation splitter.

        cv : int, cross-validation generator or iterable, default=None
            As in :func:`~sklearn.model_selection.cross_validate` (None: 5-fold,
            stratified for classifiers).

        scoring : str or callable, default=None
            Validation score; None uses the estimator's ``score``.

        n_jobs : int, default=None
            Parallel fits (over criteria, ratios and folds together).

        verbose : int, default=0
            Verbosity of the search.

        error_score : 'raise' or numeric, default=np.nan
            Score recorded when a fit fails (then a ``FitFailedWarning`` is
            issued); ``'raise'`` raises the error.

        fit_params : dict, default=None
            Parameters passed to the estimator's ``fit``.

        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes if None.

        log_compression : bool, default=False
            Compression ratio ``1 / (1 - sparsity)`` on a log x-axis instead
            of the sparsity.

        score_name : str, default=None
            y-axis label; derived from ``scoring`` if None.

        std_display_style : {'fill_between', 'errorbar'} or None, \
default='fill_between'
            How the standard deviation over the folds is shown.

        line_kw, fill_between_kw, errorbar_kw : dict, default=None
            Keyword arguments for the matplotlib calls, as in :meth:`plot`.

        Returns
        -------
        display : PruningCurveDisplay
            The display, with its data and artists.
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        prefix = _pruning_prefix(estimator)
        ratios = _as_ratios(prune_ratios)
        criteria = _as_criteria(criteria, estimator, prefix)
        _check_settings(estimator, prefix, criteria, ratios)

        grid = [
            {prefix + "prune_criterion": [c], prefix + "prune_ratio": list(ratios)}
            for c in criteria
        ]
        search = GridSearchCV(
            estimator,
            grid,
            scoring={
                "score": check_scoring(estimator, scoring=scoring),
                "sparsity": _SparsityScorer(prefix[:-2]),
            },
            refit=False,
            cv=cv,
            n_jobs=n_jobs,
            verbose=verbose,
            error_score=error_score,
        ).fit(X, y, groups=groups, **(fit_params or {}))

        results = search.cv_results_
        n_folds = search.n_splits_
        index = {
            (p[prefix + "prune_criterion"], float(p[prefix + "prune_ratio"])): i
            for i, p in enumerate(results["params"])
        }

        def table(metric):
            folds = np.column_stack(
                [results[f"split{k}_test_{metric}"] for k in range(n_folds)]
            )
            return {c: folds[[index[(c, float(r))] for r in ratios]] for c in criteria}

        display = cls(
            prune_ratios=ratios,
            sparsities=table("sparsity"),
            scores=table("score"),
            score_name=_score_name(score_name, scoring),
        )
        return display.plot(
            ax=ax,
            log_compression=log_compression,
            std_display_style=std_display_style,
            line_kw=line_kw,
            fill_between_kw=fill_between_kw,
            errorbar_kw=errorbar_kw,
        )


def _history_column(history, key):
    return np.array(
        [np.nan if r.get(key) is None else r[key] for r in history], dtype=float
    )


class PruningHistoryDisplay:
    """Sparsity, loss and validation score after each pruning step of a ``fit``.

    Create it with :meth:`from_estimator` from a fitted estimator's
    ``pruning_history_``. The upper axes show the target and achieved sparsity
    per step (step 0 is the trained dense model); the lower axes the training
    loss and, when a validation split judged the steps (``max_score_drop``,
    or ``SparseSGDRegressor(prune_ratio='auto')``), the validation score on a
    second y-axis, with refused (undone) steps marked. It reads the record
    keys every skprune estimator shares (:data:`skprune._pruning.COMMON_KEYS`),
    so it works for each of them. All parameters are stored as attributes.

    Parameters
    ----------
    steps : ndarray of shape (n_steps,)
        Step numbers.

    sparsity : ndarray of shape (n_steps,)
        Achieved sparsity ``1 - nnz / total`` of the connection weights.

    target_sparsity : ndarray of shape (n_steps,), default=None
        Sparsity the schedule asked for at each step.

    loss : ndarray of shape (n_steps,), default=None
        Training loss after each step's re-training (NaN where unknown).

    validation_score : ndarray of shape (n_steps,), default=None
        Validation score after each step (``max_score_drop`` only; NaN where
        not recorded).

    accepted : ndarray of bool of shape (n_steps,), default=None
        False for a step that ``max_score_drop`` undid.

    estimator_name : str, default=None
        Title of the plot.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes of shape (2,)
        The sparsity axes and the loss axes.

    score_ax_ : matplotlib Axes or None
        The second y-axis of the validation score (None if not recorded).

    figure_ : matplotlib Figure
        Figure containing the axes.

    lines_ : dict of str to matplotlib Line2D
        Lines drawn, keyed ``'sparsity'``, ``'target_sparsity'``, ``'loss'``,
        ``'validation_score'`` (those with data), and ``'rejected'`` and
        ``'rejected_score'``: markers on the steps undone by
        ``max_score_drop`` in the sparsity and validation-score plots (if
        any).

    See Also
    --------
    PruningCurveDisplay : Score against sparsity over many fits.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from skprune import PrunedMLPClassifier
    >>> from skprune.inspection import PruningHistoryDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = PrunedMLPClassifier(hidden_layer_sizes=(16,), max_iter=50,
    ...                           prune_ratio=0.8, random_state=0)
    >>> clf = clf.fit(X / 16, y)
    >>> display = PruningHistoryDisplay.from_estimator(clf)
    >>> display.steps.tolist()
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    >>> round(float(display.sparsity[-1]), 2)
    0.8
    >>> plt.close("all")
    """

    def __init__(
        self,
        *,
        steps,
        sparsity,
        target_sparsity=None,
        loss=None,
        validation_score=None,
        accepted=None,
        estimator_name=None,
    ):
        self.steps = steps
        self.sparsity = sparsity
        self.target_sparsity = target_sparsity
        self.loss = loss
        self.validation_score = validation_score
        self.accepted = accepted
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, line_kw=None):
        """Plot the history.

        Parameters
        ----------
        ax : sequence of two matplotlib Axes, default=None
            Axes for the sparsity and for the loss; a new figure with two
            stacked axes sharing the step axis if None.

        line_kw : dict, default=None
            Keyword arguments for every ``ax.plot`` call.

        Returns
        -------
        display : PruningHistoryDisplay
            This display, with its artists stored.
        """
        plt = _check_matplotlib(f"{type(self).__name__}.plot")
        if ax is None:
            _, ax = plt.subplots(
                2, 1, sharex=True, figsize=(6.4, 5.6), layout="constrained"
            )
        axes = np.asarray(ax, dtype=object).ravel()
        if axes.size != 2:
            raise ValueError(
                f"ax must be a sequence of two matplotlib Axes, got {axes.size}."
            )
        kw = line_kw or {}
        steps = np.asarray(self.steps)
        self.lines_ = {}
        top, bottom = axes
        # achieved sparsity usually equals the target to 3 decimals: a wide
        # pale line under a thin dark one with its own markers keeps both
        # visible where they coincide
        (self.lines_["sparsity"],) = top.plot(
            steps,
            self.sparsity,
            **{
                "marker": "o",
                "markersize": 8,
                "linewidth": 4,
                "alpha": 0.5,
                "color": "C0",
                "label": "achieved",
                **kw,
            },
        )
        if self.target_sparsity is not None:
            (self.lines_["target_sparsity"],) = top.plot(
                steps,
                self.target_sparsity,
                **{
                    "linestyle": "--",
                    "marker": "x",
                    "color": "k",
                    "zorder": 3,
                    "label": "target",
                    **kw,
                },
            )
        rejected = (
            None if self.accepted is None else ~np.asarray(self.accepted, dtype=bool)
        )
        if rejected is not None and rejected.any():
            (self.lines_["rejected"],) = top.plot(
                steps[rejected],
                np.asarray(self.sparsity)[rejected],
                linestyle="none",
                marker="X",
                markersize=10,
                color="C3",
                label="refused",
            )
        top.set_ylabel("Sparsity")
        # sparsity rises from the left: the lower right corner is free
        top.legend(loc="lower right")

        handles = []
        if self.loss is not None and not np.all(np.isnan(self.loss)):
            (self.lines_["loss"],) = bottom.plot(
                steps,
                self.loss,
                **{"marker": "o", "color": "C1", "label": "training loss", **kw},
            )
            handles.append(self.lines_["loss"])
        bottom.set_ylabel("Training loss")
        self.score_ax_ = None
        score = self.validation_score
        if score is not None and not np.all(np.isnan(score)):
            self.score_ax_ = bottom.twinx()
            (self.lines_["validation_score"],) = self.score_ax_.plot(
                steps,
                score,
                **{"marker": "s", "color": "C2", "label": "validation score", **kw},
            )
            self.score_ax_.set_ylabel("Validation score")
            handles.append(self.lines_["validation_score"])
            if rejected is not None and rejected.any():
                (self.lines_["rejected_score"],) = self.score_ax_.plot(
                    steps[rejected],
                    np.asarray(score)[rejected],
                    linestyle="none",
                    marker="X",
                    markersize=10,
                    color="C3",
                    label="refused",
                )
                handles.append(self.lines_["rejected_score"])
        bottom.set_xlabel("Pruning step (0 = dense)")
        if handles:
            # loss and score can be anywhere: the legend goes below the axes
            bottom.legend(
                handles=handles,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.25),
                ncols=len(handles),
                frameon=False,
            )
        bottom.xaxis.get_major_locator().set_params(integer=True)
        if self.estimator_name:
            top.set_title(self.estimator_name)
        self.axes_ = axes
        self.figure_ = top.figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, line_kw=None):
        """Plot a fitted estimator's ``pruning_history_``.

        Parameters
        ----------
        estimator : fitted skprune estimator, or a Pipeline ending in one
            Anything with a ``pruning_history_`` (the last step of a
            Pipeline is used).

        ax : sequence of two matplotlib Axes, default=None
            Axes for the sparsity and for the loss; new ones if None.

        line_kw : dict, default=None
            Keyword arguments for every ``ax.plot`` call.

        Returns
        -------
        display : PruningHistoryDisplay
            The display, with its data and artists.
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        fitted = getattr(estimator, "_final_estimator", estimator)
        history = getattr(fitted, "pruning_history_", None)
        if history is None:
            raise ValueError(
                f"{type(fitted).__name__} has no 'pruning_history_': pass a fitted "
                "skprune estimator (call fit first)."
            )
        if not history:
            raise ValueError(
                "pruning_history_ is empty: the estimator was trained with "
                "partial_fit only, which never prunes."
            )
        steps = np.array([r["step"] for r in history], dtype=int)
        display = cls(
            steps=steps,
            sparsity=_history_column(history, "sparsity"),
            target_sparsity=_history_column(history, "target_sparsity"),
            loss=_history_column(history, "loss"),
            validation_score=_history_column(history, "validation_score"),
            accepted=np.array([r.get("accepted", True) for r in history], dtype=bool),
            estimator_name=type(fitted).__name__,
        )
        return display.plot(ax=ax, line_kw=line_kw)
