"""The SGD adapter: what the pruning driver asks of an SGD model on a support.

The driver (:func:`skprune._pruning.run_schedule` for a float
``prune_ratio``, :func:`skprune._pruning.search_support` for 'auto') prunes
the features of a sparse SGD estimator through :class:`SGDAdapter`, which
fits SGD on a subset of the columns (:func:`fit_support`; a fit is a
:class:`FittedSupport`) and scores the kept features
(:meth:`SGDAdapter.scores`); :func:`prune_support` is the pruning part of
``fit``. The estimator provides what only it knows (the hooks of
``skprune.linear_model._SparseSGDMixin``): its SGD class and parameters
(``_sgd``), its input checks, how to judge a fitted support
(``_evaluate``) and the targets the criteria see.
"""

import math
import warnings

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.utils.validation import check_random_state

from .. import _sklearn_compat as compat
from ._adapter import ScheduleAdapter, SupportSearchAdapter
from ._driver import (
    AcceptAll,
    AllOf,
    Evaluation,
    FitRandomState,
    MaxLossRise,
    MaxScoreDrop,
    ProgressLog,
    make_record,
    run_schedule,
    search_support,
    validation_split,
)
from ._schedules import sparsity_schedule
from .criteria import LINEAR_CRITERIA, feature_statistics, linear_scores

# cv='auto': cross-validate (AUTO_CV_FOLDS folds) when the validation split
# would hold fewer than AUTO_CV_BELOW rows. A split of a few dozen rows
# cannot tell a large drop from noise (breast_cancer: 43 rows accepted
# 30 -> 1 features; benchmarks/bench_linear_small.py). From 200 rows two
# standard errors of a paired accuracy difference are about 2-3 points
# (sqrt(p / n) with a few % of predictions changed), and larger data keeps
# the single split its benchmarks were measured with (bench_linear*.py: 480
# to 2,000 validation rows) at a sixth of the cost
AUTO_CV_FOLDS = 5
AUTO_CV_BELOW = 200
# standard errors a validation-loss rise must exceed to be refused
# (MaxLossRise's z), with one held-out split and with cross-validation.
# One split: 2, against the SGD noise of a few hundred or thousand
# validation rows (issue 5). Cross-validated: 0.5, chosen on validation
# splits of 5 small datasets (bench_linear_small.py --select: 2 kept
# 2-6 features and lost 1-4 points; 1, 0.5 and 0 tie within 1 point
# except breast_cancer, where 0.5 is best)
LOSS_RISE_Z = (2.0, 0.5)


def n_folds(cv, validation_fraction, n_samples):
    """Folds that judge pruning steps: ``cv``, or for ``cv='auto'``
    :data:`AUTO_CV_FOLDS` when a held-out split of ``validation_fraction``
    would hold fewer than :data:`AUTO_CV_BELOW` rows, else 1 (that split).

    >>> n_folds("auto", 0.1, 1990), n_folds("auto", 0.1, 2000), n_folds(3, 0.1, 10)
    (5, 1, 3)
    """
    if cv != "auto":
        return int(cv)
    n_val = math.ceil(validation_fraction * n_samples)
    return AUTO_CV_FOLDS if n_val < AUTO_CV_BELOW else 1


def acceptance_rule(est, cross_validated=False):
    """The driver's rule for a sparse SGD fit: ``MaxLossRise`` (with ``z``
    from ``est._loss_rise_z``: one split or ``cross_validated``) for
    ``prune_ratio='auto'``, with ``MaxScoreDrop`` when ``max_score_drop``
    is set (alone with a float ``prune_ratio``)."""
    score_rule = (
        AcceptAll() if est.max_score_drop is None else MaxScoreDrop(est.max_score_drop)
    )
    if est.prune_ratio == "auto":
        z = est._loss_rise_z[1 if cross_validated else 0]
        return AllOf(MaxLossRise(est.max_loss_rise, z=z), score_rule)
    return score_rule


def cv_folds(est, y, seed):
    """``(train, validation)`` row indices of the cross-validation that
    judges ``est``'s pruning steps (:func:`n_folds`), or None for one
    held-out split. Stratified for a classifier when every class has a
    sample in each fold; at most one fold per sample."""
    n = y.shape[0]
    k = min(n_folds(est.cv, est.validation_fraction, n), n)
    if k < 2:
        return None
    rs = check_random_state(seed.get())
    classifier = est._coef_2d
    strat = None
    if classifier and np.unique(y, return_counts=True)[1].min() >= k:
        strat = y
    splitter = (
        KFold(k, shuffle=True, random_state=rs)
        if strat is None
        else StratifiedKFold(k, shuffle=True, random_state=rs)
    )
    folds = list(splitter.split(np.zeros((n, 1)), strat))
    classes = np.unique(y) if classifier else None
    for train, _ in folds if classifier else ():
        missing = np.setdiff1d(classes, np.unique(y[train]))
        if missing.size:
            raise ValueError(
                f"The {k}-fold cross-validation (cv={est.cv!r}) that judges "
                "pruning steps leaves no training sample of the classes "
                f"{missing.tolist()} in a fold; use fewer folds (cv) or more "
                "samples per class."
            )
    return folds


def columns(X, idx):
    """X restricted to the columns idx (a view when idx keeps them all)."""
    if idx.shape[0] == X.shape[1]:
        return X
    if sparse.issparse(X):
        return X[:, idx]
    return np.ascontiguousarray(X[:, idx])


class FittedSupport:
    """One SGD fit on a support: the SGD model, its columns and its mask.

    ``sgd`` was fitted on the columns ``idx``; ``mask`` (over all features)
    is the support it leaves: the columns of ``idx`` whose coefficient
    survived (an L1 penalty's exact zeros and ``sparsity_threshold`` prune
    too). ``coef`` is the full-width ``(n_rows, n_features)`` coefficient
    matrix, zero outside ``mask``.
    """

    def __init__(self, sgd, idx, mask, coef):
        self.sgd, self.idx, self.mask, self.coef = sgd, idx, mask, coef

    @property
    def intercept(self):
        return self.sgd.intercept_


class SGDAdapter(ScheduleAdapter, SupportSearchAdapter):
    """What the pruning driver asks of an SGD model on a support.

    For :func:`skprune._pruning.search_support` (``prune_ratio='auto'``):
    ``n_kept``, ``propose``, ``fit_candidate``, ``commit``; for
    :func:`skprune._pruning.run_schedule` (a float ``prune_ratio``):
    ``prune`` then ``retrain``, ``snapshot``/``restore``; for both:
    ``evaluate`` and ``record``.
    """

    def __init__(self, estimator, X, y, sample_weight, split, seed, folds=None):
        self.est = estimator
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.split = split
        # cross-validation instead of one split: (train, validation) row
        # indices of X, the same folds for every candidate (paired losses)
        self.folds = folds
        self.seed = seed
        self.n_features = X.shape[1]
        self._stats = None  # per-feature statistics, computed at the first prune
        self.rng = check_random_state(seed.get())  # the 'random' criterion
        self.current = None
        self._next_idx = None

    @property
    def stats(self):
        """The criterion's per-feature statistics of the training data,
        computed once, when the first pruning step needs them: after the
        first SGD fit, so that data SGD cannot handle (e.g. values near
        1e300) raises SGD's own error first, and a fit that never prunes
        never computes them."""
        if self._stats is None:
            self._stats = feature_statistics(
                self.est.prune_criterion, self.X, self.sample_weight
            )
        return self._stats

    # -- shared ----------------------------------------------------------------

    def fit(self, idx, coef, intercept, *, quiet=True):
        """Fit on the columns ``idx`` from the full-width ``coef``, ``intercept``."""
        return fit_support(
            self.est,
            self.X,
            self.y,
            self.sample_weight,
            idx,
            coef,
            intercept,
            self.seed,
            quiet=quiet,
        )

    def evaluate(self, candidate=None):
        fitted = candidate or self.current
        if self.folds is not None:
            return self.cross_validate(fitted)
        if self.split is None:
            return None
        split = self.split
        return self.est._evaluate(split.X_val, split.y_val, split.sw_val, fitted)

    def cross_validate(self, fitted):
        """The support of ``fitted`` judged by cross-validation on ``folds``.

        Each fold fits SGD on its training rows and the support's columns
        from scratch (no coefficients of a fit that saw its validation rows)
        and is evaluated on its validation rows. The per-sample losses (and
        weights) are put back in the order of the rows of ``X``, so every
        row is a validation sample once and two supports are compared
        sample by sample; the score is the mean of the fold scores weighted
        by their total sample weight, the loss the weighted mean loss.
        """
        idx = np.flatnonzero(fitted.mask)
        n = self.X.shape[0]
        losses = np.zeros(n)
        weights = np.ones(n)
        scores, totals = [], []
        sw = self.sample_weight
        for train, val in self.folds:
            part = fit_support(
                self.est,
                self.X[train],
                self.y[train],
                None if sw is None else sw[train],
                idx,
                None,
                None,
                self.seed,
            )
            ev = self.est._evaluate(
                self.X[val], self.y[val], None if sw is None else sw[val], part
            )
            losses[val] = ev.losses
            w = np.ones(val.shape[0]) if ev.sample_weight is None else ev.sample_weight
            weights[val] = w
            scores.append(ev.score)
            totals.append(float(np.sum(w)))
        return Evaluation(
            score=float(np.average(scores, weights=totals)),
            loss=float(np.average(losses, weights=weights)),
            losses=losses,
            sample_weight=weights,
        )

    def record(self, step, target, evaluation, accepted, candidate=None):
        fitted = candidate or self.current
        n_kept = int(fitted.mask.sum())
        # counted over coefficients (one row per class of a multiclass
        # model); a regressor has one coefficient per kept feature
        n_nonzero = int(np.count_nonzero(fitted.coef))
        train = self.est._evaluate(
            self.X, self.y, self.sample_weight, fitted, training=True
        )
        return make_record(
            step,
            phase="dense" if step == 0 else "retrain",
            target_sparsity=target,
            sparsity=1.0 - n_nonzero / fitted.coef.size,
            n_nonzero=n_nonzero,
            loss=train.loss,
            validation_score=None if evaluation is None else evaluation.score,
            accepted=accepted,
            n_features=n_kept,
            n_iter=int(fitted.sgd.n_iter_),
            validation_loss=None if evaluation is None else evaluation.loss,
        )

    def _lowest(self, n_remove):
        """The current support minus its ``n_remove`` lowest-scored features."""
        fitted = self.current
        kept = np.flatnonzero(fitted.mask)
        scores = self.scores(kept, fitted)
        order = np.argsort(scores, kind="stable")
        return np.sort(kept[order[n_remove:]])

    def scores(self, kept, fitted):
        """Criterion score of every kept feature (``kept``), summed over rows."""
        est, X, y, sample_weight = self.est, self.X, self.y, self.sample_weight
        stats = self.stats
        criterion = LINEAR_CRITERIA[est.prune_criterion]
        return linear_scores(
            est.prune_criterion,
            columns(X, kept) if "X" in criterion.needs else None,
            est._criterion_targets(y) if "Y" in criterion.needs else None,
            fitted.coef[:, kept],
            np.atleast_1d(fitted.intercept),
            loss=est.loss,
            epsilon=getattr(est, "epsilon", 0.1),
            sample_weight=est._loss_weights(y, sample_weight),
            std=None if stats["std"] is None else stats["std"][kept],
            entropy=None if stats["entropy"] is None else stats["entropy"][kept],
            random_state=self.rng,
        ).sum(axis=0)

    # -- support search ------------------------------------------------------------

    def n_kept(self):
        return int(self.current.mask.sum())

    def propose(self, n_remove):
        return self._lowest(n_remove)

    def fit_candidate(self, support):
        return self.fit(support, self.current.coef, self.current.intercept)

    def commit(self, candidate):
        self.current = candidate

    # -- schedule --------------------------------------------------------------------

    def prune(self, target):
        n_keep = max(
            1, self.n_features - int(np.floor(target * self.n_features + 1e-9))
        )
        n_remove = max(0, self.n_kept() - n_keep)
        self._next_idx = self._lowest(n_remove)

    def retrain(self, step, final):
        # the last fit of a run without refit is the model: it may warn
        quiet = not (final and not self.est.refit and self.split is None)
        self.current = self.fit(
            self._next_idx, self.current.coef, self.current.intercept, quiet=quiet
        )

    def snapshot(self):
        return self.current

    def restore(self, snapshot):
        self.current = snapshot


def fit_support(
    est,
    X,
    y,
    sample_weight,
    idx,
    coef,
    intercept,
    seed,
    *,
    penalised=True,
    quiet=True,
):
    """Fit ``est``'s SGD on the columns ``idx`` from ``coef[:, idx]`` and
    ``intercept`` (all with one random state, ``seed``); ``penalised=False``
    drops the penalty (the final refit), ``quiet`` silences SGD's
    ConvergenceWarning (an intermediate fit; the final one warns)."""
    overrides = {"random_state": seed.get()}
    if not penalised:
        overrides["penalty"] = None
    sgd = est._sgd(**overrides)
    init = None
    if coef is not None:
        init = coef[:, idx]
        init = init[0] if init.shape[0] == 1 and not est._coef_2d else init
    with warnings.catch_warnings():
        if quiet:  # an intermediate fit; the final one warns
            warnings.simplefilter("ignore", ConvergenceWarning)
        sgd.fit(
            columns(X, idx),
            y,
            coef_init=init,
            intercept_init=None if intercept is None else np.array(intercept),
            sample_weight=sample_weight,
        )
    return fitted_support(est, sgd, idx, X.shape[1], X.dtype)


def fitted_support(est, sgd, idx, n_features, dtype):
    """The :class:`FittedSupport` of ``sgd`` (trained on the columns ``idx``):
    the columns whose coefficient survived (an L1 penalty's exact zeros and
    ``sparsity_threshold`` prune too; one feature is always kept)."""
    rows = np.atleast_2d(sgd.coef_)
    if est.sparsity_threshold is not None:
        alive = (np.abs(rows) >= est.sparsity_threshold).any(axis=0)
    else:
        alive = (rows != 0).any(axis=0)  # an L1 penalty's zeros are pruned
    if not alive.any():  # never empty the support: keep the largest |coef|
        alive = alive.copy()
        alive[int(np.argmax(np.abs(rows).max(axis=0)))] = True
    mask = np.zeros(n_features, dtype=bool)
    mask[idx] = alive
    coef = np.zeros((rows.shape[0], n_features), dtype=dtype)
    coef[:, idx] = rows
    coef[:, ~mask] = 0.0
    return FittedSupport(sgd, idx, mask, coef)


def prune_support(est, X, y, coef, intercept_init, sample_weight):
    """The pruning part of a sparse SGD ``fit``: ``(fitted, history)``.

    One random state for every internal fit, the validation the acceptance
    rule needs (the folds of :func:`cv_folds`, or one held-out split), the
    first fit on all columns (from ``coef``, the checked ``coef_init``, and
    ``intercept_init``), then the driver's support
    search (``prune_ratio='auto'``) or schedule (a float), and the final fit
    on all of X (unpenalised with ``refit=True``). ``fitted`` is the
    :class:`FittedSupport` of the final model; nothing is set on ``est``.
    """
    seed = FitRandomState(est.random_state)
    auto = est.prune_ratio == "auto"
    split = folds = None
    if acceptance_rule(est).needs_validation:
        # cross-validation on small data (the estimator's cv), else one split
        folds = cv_folds(est, y, seed)
    rule = acceptance_rule(est, cross_validated=folds is not None)
    if folds is None and rule.needs_validation:
        split = validation_split(
            X,
            y,
            sample_weight,
            fraction=est.validation_fraction,
            random_state=check_random_state(seed.get()),
            stratify=est._stratify(y),
            needed_by="prune_ratio='auto'" if auto else "max_score_drop",
        )
        est._check_split(split, y)
    data = (
        (X, y, sample_weight)
        if split is None
        else (split.X_train, split.y_train, split.sw_train)
    )
    adapter = SGDAdapter(est, *data, split, seed, folds=folds)
    all_columns = np.arange(X.shape[1])
    last = not auto and split is None and est.prune_ratio == 0 and not est.refit
    adapter.current = adapter.fit(all_columns, coef, intercept_init, quiet=not last)
    if auto:
        log = ProgressLog(est, "auto")
        history = search_support(adapter, rule, log)
    else:
        targets = (
            sparsity_schedule(est.prune_ratio, est.n_prune_steps, "cubic")
            if est.prune_ratio > 0
            else []
        )
        log = ProgressLog(est, len(targets))
        history = run_schedule(adapter, targets, rule, log)

    fitted = adapter.current
    if split is not None or est.refit:
        # the final model: all of X, unpenalised with refit=True
        idx = np.flatnonzero(fitted.mask)
        fitted = fit_support(
            est,
            X,
            y,
            sample_weight,
            idx,
            fitted.coef,
            fitted.intercept,
            seed,
            penalised=not est.refit,
            quiet=False,
        )
        log.note(
            f"final fit on {idx.shape[0]} features"
            f"{' (unpenalised)' if est.refit else ''}"
        )
    return fitted, history


def set_average_state(est, sgd, idx, n_features, dtype):
    """Full-width copies of ``sgd``'s averaging state (fitted on the columns
    ``idx``) on ``est``, for ``partial_fit``."""
    for name in compat.SGD_AVERAGE_COEFS:
        value = getattr(sgd, name, None)
        if value is not None:
            full = np.zeros(np.shape(value)[:-1] + (n_features,), dtype=dtype)
            full[..., idx] = value
            full[..., ~est.support_] = 0.0
            setattr(est, name, full)
        else:
            est.__dict__.pop(name, None)
    for name in compat.SGD_AVERAGE_INTERCEPTS:
        if getattr(sgd, name, None) is not None:
            setattr(est, name, np.array(getattr(sgd, name), copy=True))
        else:
            est.__dict__.pop(name, None)


def load_support_state(est, sgd, idx, dtype):
    """Hand the fitted support's state to a fresh SGD before ``partial_fit``."""
    coef = est._dense_coef()
    sgd.coef_ = np.ascontiguousarray(coef[..., idx], dtype=dtype)
    sgd.intercept_ = np.array(est.intercept_, dtype=dtype)
    sgd.t_ = est.t_
    sgd.n_features_in_ = idx.shape[0]
    for name in est._sgd_fitted_attributes:
        setattr(sgd, name, getattr(est, name))
    for name in compat.SGD_AVERAGE_COEFS:
        if getattr(est, name, None) is not None:
            setattr(sgd, name, np.ascontiguousarray(getattr(est, name)[..., idx]))
    for name in compat.SGD_AVERAGE_INTERCEPTS:
        if getattr(est, name, None) is not None:
            setattr(sgd, name, np.array(getattr(est, name), copy=True))
