"""Sparse linear models fitted by SGD, with exact control of their support.

:class:`SparseSGDRegressor` trains scikit-learn's ``SGDRegressor`` and prunes
its features inside ``fit``: it scores every kept feature
(:data:`skprune.criteria.LINEAR_CRITERIA`), removes the lowest-scored ones,
refits the rest starting from their current coefficients, and repeats. All
training goes through ``SGDRegressor``'s public ``fit`` and ``partial_fit`` on
the kept columns (sklearn's Cython SGD, with every SGD parameter of the
estimator), so pruned coefficients are never updated: they are exactly zero.

The pruning itself -- validation split, step loop, support search, acceptance
rules, history, progress log -- is the shared driver's
(:mod:`skprune._pruning`), run through the SGD adapter
(:class:`~skprune._pruning.SGDAdapter`). In this module
:class:`_SparseSGDMixin` knows how to train SGD on a support and how to read
its coefficients (rows of ``coef_``, one support shared by all rows), and a
concrete estimator adds what only its task knows: input validation, the
validation loss and score (:meth:`SparseSGDRegressor._evaluate`) and the
targets the criteria see.
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.preprocessing import label_binarize
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _docstring
from . import _sklearn_compat as compat
from ._docstring import CV_DOC, Substitution
from ._files import check_sgd_state, compact_state, load_state
from ._pruning import (
    LINEAR_CRITERIA,
    LOSS_RISE_Z,
    Evaluation,
    columns,
    constraint,
    fit_or_rollback,
    load_support_state,
    loss_value,
    prune_support,
    set_average_state,
    sklearn_verbose,
)
from ._pruning import describe as describe_criteria
from ._serving import linear_decision
from ._sklearn_compat import Interval, StrOptions, _check_sample_weight, _fit_context

# the last release in which max_score_drop named the relative loss rule, and
# the one in which the warning about the change goes away
_OLD_MEANING_UNTIL = "0.1"
_WARNING_REMOVED_IN = "0.4"

_SPARSE_CONSTRAINTS = {
    "prune_ratio": [StrOptions({"auto"}), Interval(Real, 0, 1, closed="left")],
    "prune_criterion": constraint(LINEAR_CRITERIA),
    "n_prune_steps": [Interval(Integral, 1, None, closed="left")],
    "sparsity_threshold": [None, Interval(Real, 0, None, closed="left")],
    "max_loss_rise": [Interval(Real, 0, None, closed="left")],
    "max_score_drop": [None, Interval(Real, 0, None, closed="left")],
    "refit": ["boolean"],
    "cv": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
}


def _numeric_y(estimator, y, dtype):
    """``y`` as ``dtype``, or a ValueError that says the targets are not numeric."""
    try:
        return y.astype(dtype, copy=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{type(estimator).__name__} needs numeric targets; y of dtype "
            f"{y.dtype} cannot be converted to float: {exc}"
        ) from exc


class _SparseSGDMixin:
    """What the sparse SGD estimators share; the pruning itself is the SGD
    adapter's (:func:`skprune._pruning.prune_support`).

    A concrete estimator sets :attr:`_sgd_class` (a classifier also
    ``_coef_2d`` and ``_sgd_fitted_attributes``), overrides the hooks whose
    defaults are a regressor's (``_n_rows``, ``_stratify``, ``_check_split``,
    ``_params_of_fit``, ``_loss_weights``) and implements
    ``_validated(X, y, sample_weight, reset)`` (its input checks),
    ``_evaluate(X, y, sample_weight, fitted, training=False)`` (per-sample
    losses, mean loss and score of a :class:`~skprune._pruning.FittedSupport`)
    and ``_criterion_targets(y)`` (``y`` as the ``(n_samples, n_rows)``
    targets of the 'gradient' criterion). Coefficients are handled as rows
    (``np.atleast_2d(sgd.coef_)``) with one support shared by all rows.
    """

    _sgd_class = None
    # the family's criteria registry (constraints, docs, display baseline)
    _pruning_criteria = LINEAR_CRITERIA
    # fitted attributes of the SGD model copied as they are (e.g. classes_)
    _sgd_fitted_attributes = ()

    def _loss_weights(self, y, sample_weight):
        """Per-sample weights of the training loss (the 'gradient' criterion)."""
        return sample_weight

    def _stratify(self, y):
        """Labels the validation split keeps the proportions of (or None)."""
        return None

    # -- SGD on a subset of the columns -----------------------------------------

    def _sgd(self, **overrides):
        """A plain SGD estimator with this estimator's SGD parameters."""
        params = {
            name: getattr(self, name) for name in compat.param_names(self._sgd_class)
        }
        params["verbose"] = sklearn_verbose(self.verbose)
        params.update(getattr(self, "_fit_params", {}))
        params.update(overrides)
        return self._sgd_class(**params)

    def _params_of_fit(self, y, sample_weight):
        """SGD parameters fixed for all internal fits of one ``fit`` (checked
        ``y`` and ``sample_weight`` in hand)."""
        return {}

    _coef_2d = False  # does the SGD estimator keep coef_ 2-D (classifiers)?

    # -- fit (the driver runs it) --------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Fit by SGD and prune the features (see the class docstring).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,)
            Target values.

        coef_init : ndarray of shape (n_features,), default=None
            Initial coefficients of the first (unpruned) SGD fit.

        intercept_init : ndarray of shape (1,), default=None
            Initial intercept of the first SGD fit.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, in every SGD fit, in the criteria and in
            the validation loss.

        Returns
        -------
        self : object
            The fitted, pruned estimator.
        """
        self._warn_max_score_drop()
        return fit_or_rollback(
            self,
            self._fit,
            X,
            y,
            coef_init,
            intercept_init,
            sample_weight,
            replaces_only=True,
        )

    # MaxLossRise's z (one split, cross-validated); a variant subclass sets it
    _loss_rise_z = LOSS_RISE_Z

    # SparseSGDRegressor's max_score_drop named another rule up to 0.1
    _max_score_drop_renamed = False

    def _warn_max_score_drop(self):
        if self.max_score_drop is not None and self._max_score_drop_renamed:
            warnings.warn(
                f"{type(self).__name__}'s max_score_drop now means what it means "
                "for every skprune estimator: the largest tolerated drop of the "
                "validation score below the unpruned model's. Up to skprune "
                f"{_OLD_MEANING_UNTIL} it named the relative validation-loss "
                "rule of prune_ratio='auto', which is now "
                "max_loss_rise (default 0.01); to keep that rule, pass "
                f"max_loss_rise={self.max_score_drop!r} instead. This warning "
                f"will be removed in {_WARNING_REMOVED_IN}.",
                FutureWarning,
                stacklevel=4,
            )

    def _fit(self, X, y, coef_init, intercept_init, sample_weight):
        X, y, sample_weight = self._validated(X, y, sample_weight, reset=True)
        self._fit_params = self._params_of_fit(y, sample_weight)
        try:
            return self._fit_validated(X, y, coef_init, intercept_init, sample_weight)
        finally:
            del self._fit_params

    def _fit_validated(self, X, y, coef_init, intercept_init, sample_weight):
        if self.warm_start and getattr(self, "coef_", None) is not None:
            if coef_init is None:
                coef_init = self._dense_coef()
            if intercept_init is None:
                intercept_init = self.intercept_
        n_features = X.shape[1]
        coef = None
        if coef_init is not None:
            coef = np.asarray(coef_init, dtype=X.dtype)
            n_rows = self._n_rows(y)
            # as SGDRegressor/SGDClassifier: one row may also be flat
            one_row = n_rows == 1 and coef.size == n_features
            if coef.shape != (n_rows, n_features) and not one_row:
                expected = (n_features,) if n_rows == 1 else (n_rows, n_features)
                raise ValueError(
                    f"Provided coef_init does not match dataset: it has shape "
                    f"{coef.shape}; expected {expected}, one coefficient per "
                    "feature of X"
                    f"{'' if n_rows == 1 else ' and per class'}."
                )
            coef = coef.reshape(-1, n_features)

        fitted, history = prune_support(self, X, y, coef, intercept_init, sample_weight)

        # all fitted state is set here, at once: a failed fit changes nothing
        sgd = fitted.sgd
        coef = fitted.coef if self._coef_2d else fitted.coef[0]
        self.coef_ = coef
        self.intercept_ = np.asarray(sgd.intercept_, dtype=X.dtype).reshape(-1)
        self.n_iter_ = sgd.n_iter_
        self.t_ = sgd.t_
        for name in self._sgd_fitted_attributes:
            setattr(self, name, getattr(sgd, name))
        self.support_ = (np.atleast_2d(coef) != 0).any(axis=0)
        if not self.support_.any():  # an all-zero fit: keep the kept column
            self.support_ = fitted.mask
        self.pruning_history_ = history
        set_average_state(self, sgd, fitted.idx, n_features, X.dtype)
        self._set_sparse_attributes()
        return self

    def _n_rows(self, y):
        """Rows of ``coef_`` for targets ``y`` (1 for a regressor)."""
        return 1

    def _check_split(self, split, y):
        """Refuse a validation split the task cannot train on (none here)."""

    # -- fitted state ------------------------------------------------------------------

    def _dense_coef(self):
        coef = self.coef_
        if sparse.issparse(coef):  # after sklearn's sparsify()
            coef = coef.toarray()
            if not self._coef_2d:
                coef = coef.ravel()
        return np.asarray(coef)

    def _set_sparse_attributes(self):
        coef = np.atleast_2d(self._dense_coef())
        self.n_nonzero_ = int(np.count_nonzero(coef))
        self.sparsity_ = 1.0 - self.n_nonzero_ / coef.size
        self._support_idx = np.flatnonzero(self.support_)

    @property
    def coef_sparse_(self):
        """``coef_`` as a (n_rows, n_features) CSR matrix (its non-zeros only).

        Built from ``coef_`` when read, so files hold the coefficients once.
        """
        check_is_fitted(self)
        return sparse.csr_matrix(np.atleast_2d(self._dense_coef()))

    def __getstate__(self):
        return compact_state(super().__getstate__(), ("pruning_history_",))

    def __setstate__(self, state):
        parent = super().__setstate__
        state = load_state(
            self, state, parent, check_sgd_state, classifier=self._coef_2d
        )
        if "coef_" in state:
            self._set_sparse_attributes()  # derived from the checked coef_

    def _partial_fit_support(self, X, y, sample_weight, **kwargs):
        """One SGD epoch on the support columns (``kwargs``: e.g. ``classes``)."""
        first = getattr(self, "coef_", None) is None
        X, y, sample_weight = self._validated(X, y, sample_weight, reset=first)
        sgd = self._sgd()
        if first:
            support = np.ones(X.shape[1], dtype=bool)
        else:
            support = self.support_
            load_support_state(self, sgd, np.flatnonzero(support), X.dtype)
        idx = np.flatnonzero(support)
        sgd.partial_fit(columns(X, idx), y, sample_weight=sample_weight, **kwargs)

        rows = np.atleast_2d(sgd.coef_)
        coef = np.zeros((rows.shape[0], X.shape[1]), dtype=rows.dtype)
        coef[:, idx] = rows
        self.coef_ = coef if self._coef_2d else coef[0]
        self.intercept_ = np.atleast_1d(sgd.intercept_)
        self.n_iter_ = sgd.n_iter_
        self.t_ = sgd.t_
        for name in self._sgd_fitted_attributes:
            setattr(self, name, getattr(sgd, name))
        self.support_ = support
        if first:
            self.pruning_history_ = []
        set_average_state(self, sgd, idx, X.shape[1], coef.dtype)
        self._set_sparse_attributes()
        return self

    # -- prediction ------------------------------------------------------------------

    def _decision_function(self, X):
        """``X @ coef_.T + intercept_``, shaped as the parent's output."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        W = self._dense_coef().T
        return linear_decision(X, W, self._support_idx, self.intercept_)


@Substitution(
    CRITERIA_NAMES="{" + ", ".join(repr(n) for n in LINEAR_CRITERIA) + "}",
    CRITERIA_DOC=describe_criteria(LINEAR_CRITERIA),
    CV_DOC=CV_DOC,
)
class SparseSGDRegressor(_SparseSGDMixin, SGDRegressor):
    """Linear regression by SGD that prunes its features inside ``fit``.

    A drop-in replacement for :class:`sklearn.linear_model.SGDRegressor` that
    ends with an exactly sparse coefficient vector. ``fit`` trains the SGD
    model, then prunes step by step: it scores the features still in the
    model with ``prune_criterion``, sets the lowest-scored coefficients to
    exactly zero, and refits the kept ones with SGD starting from their
    current values. With the default ``prune_ratio='auto'`` a validation split
    decides how far to go, so the model finds its own support; with a float
    it removes that fraction of the features. A final unpenalised refit on
    the support (``refit=True``) removes the shrinkage bias of the penalty.

    Every SGD update runs in scikit-learn's ``SGDRegressor`` on the kept
    columns only (through its public ``fit``/``partial_fit``), so the
    sparsification routes of ``SGDRegressor`` combine freely with pruning:
    ``penalty='l1'`` (truncated gradient; coefficients it sets to exactly zero
    are pruned), ``'l2'`` with ``sparsity_threshold``, or ``'elasticnet'``.

    Parameters
    ----------
    loss, penalty, alpha, l1_ratio, fit_intercept, max_iter, tol, shuffle, \
verbose, epsilon, random_state, learning_rate, eta0, power_t, \
early_stopping, validation_fraction, n_iter_no_change, warm_start, average
        As in :class:`sklearn.linear_model.SGDRegressor` (same defaults); they
        configure every SGD fit that ``fit`` runs. ``validation_fraction`` is
        also the share of the data held out to judge pruning steps when
        ``prune_ratio='auto'`` (drawn with ``random_state``). With
        ``warm_start=True`` the first fit starts from the previous
        coefficients. ``verbose=1`` prints one line per pruning step (step
        k/N, phase, support size, training loss, validation score, elapsed
        time); ``verbose>=2`` also the SGD epochs of every internal fit. Every
        internal fit of one ``fit`` uses the same random state (an int
        ``random_state`` as given; ``None`` or a ``RandomState`` frozen at the
        start of ``fit``), so with ``early_stopping=True`` they all hold out
        the same samples, and the pruning validation split is those samples.

    prune_ratio : 'auto' or float in [0, 1), default='auto'
        'auto': prune step by step as long as the validation loss stays
        within ``max_loss_rise`` of the best seen (see ``max_loss_rise``).
        Each step removes half of the remaining features, until a step is
        refused; from then on the support size is bisected between the last
        accepted and the last refused one, and pruning ends when removing a
        single feature is refused (:func:`skprune._pruning.search_support`).
        A float: the fraction of the coefficients forced to exactly zero,
        reached over ``n_prune_steps`` steps (no validation split unless
        ``max_score_drop`` is set). ``0`` prunes nothing
        (``sparsity_threshold`` and an L1 penalty still make zeros).

    prune_criterion : {CRITERIA_NAMES}, default='magnitude'
        Importance of a feature ``j`` (lowest pruned first); formulas in
        :mod:`skprune._pruning.criteria._linear`:

{CRITERIA_DOC}

    n_prune_steps : int, default=5
        With a float ``prune_ratio``: the number of prune -> refit steps; the
        fraction pruned after step ``t`` of ``n`` is
        ``prune_ratio * (1 - (1 - t/n)^3)`` (Zhu & Gupta 2017). Not used by
        'auto', whose steps halve the support until the validation rule stops
        them.

    sparsity_threshold : float or None, default=None
        Coefficients with ``|w| < sparsity_threshold`` are pruned after every
        fit (at least one feature is always kept).

    max_loss_rise : float >= 0, default=0.01
        Tolerance of ``prune_ratio='auto'``, relative to what the best model
        leaves unexplained (:class:`skprune._pruning.MaxLossRise`): a step is
        refused when it lowers the validation R^2 by more than
        ``max_loss_rise * (1 - best R^2)`` -- its validation mean squared
        error exceeds the best one by more than a fraction ``max_loss_rise``
        (1% by default) -- *and* that rise exceeds ``z`` standard errors of
        the paired per-sample difference (noise of the validation rows or of
        SGD; ``z = 2`` with one split, 0.5 with ``cv`` folds). Not used with a float
        ``prune_ratio``. (Named ``max_score_drop`` up to skprune 0.1.)

    max_score_drop : float or None, default=None
        The same rule for every skprune estimator
        (:class:`skprune._pruning.MaxScoreDrop`): if set, a step is refused
        when its validation R^2 is more than ``max_score_drop`` below the
        unpruned model's. With 'auto' it applies on top of
        ``max_loss_rise``; with a float ``prune_ratio`` it holds out
        ``validation_fraction`` of the data and pruning stops at the last
        step within the drop. Setting it warns (``FutureWarning``) until
        skprune 0.4, because up to 0.1 this name meant ``max_loss_rise``.

    refit : bool, default=True
        End with an unpenalised SGD refit (``penalty=None``) of the kept
        features on all of ``X``, starting from their pruned-model values;
        removes the shrinkage bias of ``alpha``. With ``False`` the last
        model is penalised as configured (and, when a validation split was
        held out, refit on all of ``X`` with the penalty).

    {CV_DOC}

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Weights, dense as in ``SGDRegressor``; pruned ones are exactly 0.

    intercept_ : ndarray of shape (1,)
        The intercept term.

    n_iter_ : int
        Epochs of the final SGD fit.

    t_ : int
        Weight updates of the final SGD fit (``partial_fit`` continues from
        it).

    coef_sparse_ : scipy.sparse.csr_matrix of shape (1, n_features)
        ``coef_`` as a CSR row (only the non-zeros stored).

    support_ : ndarray of bool of shape (n_features,)
        Features kept by pruning: only their coefficients can be non-zero,
        here and after ``partial_fit``. Right after ``fit`` it equals
        ``coef_ != 0``.

    n_nonzero_ : int
        Number of non-zero coefficients.

    sparsity_ : float
        ``1 - n_nonzero_ / n_features_in_``.

    pruning_history_ : list of dict
        One record per pruning step, step 0 being the unpruned model, with
        the keys every skprune estimator shares
        (:func:`skprune._pruning.make_record`): ``step``, ``phase``,
        ``target_sparsity``, ``sparsity``, ``n_nonzero`` (kept features),
        ``loss`` (mean training loss of the SGD loss, without penalty),
        ``validation_score`` (R^2; None without a validation split) and
        ``accepted``; and the SGD extras ``n_features`` (kept, as
        ``n_nonzero``), ``n_iter`` (epochs of that fit) and
        ``validation_loss`` (mean squared error).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    sklearn.linear_model.SGDRegressor : The estimator this one extends.
    sklearn.linear_model.LassoCV : Exact L1 path with cross-validation.

    Notes
    -----
    ``partial_fit`` never prunes: it runs one SGD epoch on the support
    columns only, so pruned coefficients stay exactly zero while a model
    keeps learning from a stream. Called on an unfitted estimator it trains
    all features (nothing is pruned yet).

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skprune import SparseSGDRegressor
    >>> X, y, coef = make_regression(n_samples=2000, n_features=50,
    ...                              n_informative=5, noise=1.0, coef=True,
    ...                              random_state=0)
    >>> X = StandardScaler().fit_transform(X)
    >>> reg = SparseSGDRegressor(random_state=0).fit(X, y)
    >>> reg.n_nonzero_
    5
    >>> bool((reg.support_ == (coef != 0)).all())
    True
    >>> reg.coef_sparse_.shape
    (1, 50)
    """

    _doc_link_module = _docstring.MODULE
    _doc_link_template = _docstring.TEMPLATE

    _parameter_constraints = {
        **SGDRegressor._parameter_constraints,
        **_SPARSE_CONSTRAINTS,
    }

    def __init__(
        self,
        loss="squared_error",
        *,
        penalty="l2",
        alpha=0.0001,
        l1_ratio=0.15,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-3,
        shuffle=True,
        verbose=0,
        epsilon=0.1,
        random_state=None,
        learning_rate="invscaling",
        eta0=0.01,
        power_t=0.25,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        warm_start=False,
        average=False,
        prune_ratio="auto",
        prune_criterion="magnitude",
        n_prune_steps=5,
        sparsity_threshold=None,
        max_loss_rise=0.01,
        max_score_drop=None,
        refit=True,
        cv="auto",
    ):
        super().__init__(
            loss=loss,
            penalty=penalty,
            alpha=alpha,
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            shuffle=shuffle,
            verbose=verbose,
            epsilon=epsilon,
            random_state=random_state,
            learning_rate=learning_rate,
            eta0=eta0,
            power_t=power_t,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            warm_start=warm_start,
            average=average,
        )
        self.prune_ratio = prune_ratio
        self.prune_criterion = prune_criterion
        self.n_prune_steps = n_prune_steps
        self.sparsity_threshold = sparsity_threshold
        self.max_loss_rise = max_loss_rise
        self.max_score_drop = max_score_drop
        self.refit = refit
        self.cv = cv

    _sgd_class = SGDRegressor
    _max_score_drop_renamed = True

    # -- what only a regressor knows -------------------------------------------------

    def _validated(self, X, y, sample_weight, reset):
        """X, y and sample_weight as fit and partial_fit train on them."""
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            order="C",
            accept_large_sparse=False,
            y_numeric=True,
            reset=reset,
        )
        y = _numeric_y(self, y, X.dtype)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        return X, y, sample_weight

    def _criterion_targets(self, y):
        return y.reshape(-1, 1)

    def _evaluate(self, X, y, sample_weight, fitted, training=False):
        """A fitted support judged on ``(X, y)``.

        Validation: per-sample squared errors, their mean and R^2. Training
        (``training=True``): the mean of the SGD loss (:func:`loss_value`).
        """
        idx = fitted.idx
        coef = np.where(fitted.mask[idx], fitted.sgd.coef_, 0.0)
        pred = safe_sparse_dot(columns(X, idx), coef) + fitted.sgd.intercept_[0]
        if training:
            losses = loss_value(self.loss, pred, y, self.epsilon)
            return Evaluation(loss=float(np.average(losses, weights=sample_weight)))
        losses = (np.asarray(y, dtype=float) - pred) ** 2
        loss = float(np.average(losses, weights=sample_weight))
        total = float(
            np.average(
                (y - np.average(y, weights=sample_weight)) ** 2, weights=sample_weight
            )
        )
        score = 1.0 - loss / total if total > 0 else (1.0 if loss == 0 else 0.0)
        return Evaluation(
            score=float(score), loss=loss, losses=losses, sample_weight=sample_weight
        )

    # -- streaming ---------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """One SGD epoch on the support columns; pruned coefficients stay 0.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training data.

        y : array-like of shape (n_samples,)
            Its target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples.

        Returns
        -------
        self : object
            The updated estimator. Only ``support_`` coefficients are trained;
            an unfitted estimator trains (and keeps) every feature.
        """
        return fit_or_rollback(
            self, self._partial_fit_support, X, y, sample_weight, replaces_only=True
        )

    def predict(self, X):
        """Predict with the sparse linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data. On dense ``X`` with a sparse model only the support
            columns are read for the product; sparse ``X`` costs one pass over
            its non-zeros.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted target values.
        """
        return self._decision_function(X)


@Substitution(
    CRITERIA_NAMES="{" + ", ".join(repr(n) for n in LINEAR_CRITERIA) + "}",
    CRITERIA_DOC=describe_criteria(LINEAR_CRITERIA),
    CV_DOC=CV_DOC,
)
class SparseSGDClassifier(_SparseSGDMixin, SGDClassifier):
    """Linear classification by SGD that prunes its features inside ``fit``.

    A drop-in replacement for :class:`sklearn.linear_model.SGDClassifier`
    that ends with exactly sparse coefficients. It prunes as
    :class:`SparseSGDRegressor` does (same driver, same criteria, same
    parameters): ``fit`` trains the SGD model, scores the kept features with
    ``prune_criterion``, sets the lowest-scored ones to exactly zero and
    refits the rest with SGD from their current values, step by step; with
    ``prune_ratio='auto'`` a stratified validation split decides how far to
    go, with a float that fraction of the features is removed. Every SGD
    update runs in scikit-learn's ``SGDClassifier`` on the kept columns
    (public ``fit``/``partial_fit``), so pruned coefficients are never
    updated.

    **One support shared by all classes.** A multiclass model is
    one-vs-rest, as ``SGDClassifier``: one row of ``coef_`` per class. A
    feature is kept or pruned for every class at once (its score is summed
    over the classes), because (1) that is feature selection: a pruned
    feature is never read, at ``predict`` or upstream, whereas per-class
    supports would still read the union of them; (2) all training stays in
    ``SGDClassifier`` on a column subset, with its one-vs-rest, ``n_jobs``,
    ``class_weight`` and averaging, instead of re-implementing one-vs-rest
    with one SGD per class. Within a kept feature, an L1 penalty (or
    ``sparsity_threshold``) can still zero single class coefficients;
    ``n_nonzero_`` and ``sparsity_`` count coefficients.

    Parameters
    ----------
    loss, penalty, alpha, l1_ratio, fit_intercept, max_iter, tol, shuffle, \
verbose, epsilon, n_jobs, random_state, learning_rate, eta0, power_t, \
early_stopping, validation_fraction, n_iter_no_change, class_weight, \
warm_start, average
        As in :class:`sklearn.linear_model.SGDClassifier` (same defaults);
        they configure every SGD fit that ``fit`` runs. Every loss of
        ``SGDClassifier`` is supported: the 'gradient' criterion and the
        training loss use its per-sample value
        (:func:`skprune._pruning.criteria.loss_value`; the margin losses
        'hinge',
        'log_loss', 'modified_huber', 'squared_hinge', 'perceptron' on the
        +-1 encoded one-vs-rest targets).
        ``predict_proba`` exists for 'log_loss' and 'modified_huber', as in
        ``SGDClassifier``. ``validation_fraction`` is also the share held out
        (stratified, when each part can hold every class) to judge pruning
        steps when ``prune_ratio='auto'`` or
        ``max_score_drop`` is set. ``verbose`` and ``random_state`` as in
        :class:`SparseSGDRegressor`.

    prune_ratio : 'auto' or float in [0, 1), default='auto'
        'auto': the support search of :class:`SparseSGDRegressor` (halve the
        support until a step is refused by ``max_loss_rise``, then bisect;
        :func:`skprune._pruning.search_support`). A float: the fraction of
        the features pruned, reached over ``n_prune_steps`` steps.

    prune_criterion : {CRITERIA_NAMES}, default='magnitude'
        Importance of a feature ``j``, summed over the one-vs-rest rows
        (lowest pruned first); formulas in
        :mod:`skprune._pruning.criteria._linear`:

{CRITERIA_DOC}

    n_prune_steps : int, default=5
        With a float ``prune_ratio``: the number of prune -> refit steps
        (cubic schedule, as in :class:`SparseSGDRegressor`).

    sparsity_threshold : float or None, default=None
        Coefficients with ``|w| < sparsity_threshold`` are pruned after
        every fit (a feature stays while one class keeps it; at least one
        feature is always kept).

    max_loss_rise : float >= 0, default=0.01
        Tolerance of ``prune_ratio='auto'``
        (:class:`skprune._pruning.MaxLossRise`), with the validation error
        rate as the loss (weighted by ``sample_weight`` and ``class_weight``):
        a step is refused when it lowers the validation accuracy by more than
        ``max_loss_rise * (1 - best accuracy)`` *and* by more than ``z``
        standard errors of the paired per-sample difference (a McNemar-like
        test: only the samples whose prediction changed count; ``z`` as in
        :class:`SparseSGDRegressor`: 2 with one split, 0.5 with ``cv``).

    max_score_drop : float or None, default=None
        If set, a step is refused when its validation accuracy is more than
        ``max_score_drop`` below the unpruned model's
        (:class:`skprune._pruning.MaxScoreDrop`); with a float
        ``prune_ratio`` it holds out ``validation_fraction`` of the data.

    refit : bool, default=True
        End with an unpenalised SGD refit (``penalty=None``) of the kept
        features on all of ``X``, from their pruned-model values.

    {CV_DOC}

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights, dense as in ``SGDClassifier``; pruned ones are exactly 0.

    intercept_ : ndarray of shape (1,) or (n_classes,)
        The intercepts.

    classes_ : ndarray of shape (n_classes,)
        The class labels.

    n_iter_ : int
        Epochs of the final SGD fit.

    t_ : int
        Weight updates of the final SGD fit.

    coef_sparse_ : scipy.sparse.csr_matrix of shape (n_rows, n_features)
        ``coef_`` as CSR (only the non-zeros stored).

    support_ : ndarray of bool of shape (n_features,)
        Features kept by pruning (shared by all classes): only their
        coefficients can be non-zero, here and after ``partial_fit``.

    n_nonzero_ : int
        Number of non-zero coefficients (over all rows of ``coef_``).

    sparsity_ : float
        ``1 - n_nonzero_ / coef_.size``.

    pruning_history_ : list of dict
        One record per pruning step (:func:`skprune._pruning.make_record`):
        ``step``, ``phase``, ``target_sparsity`` (over features),
        ``sparsity`` and ``n_nonzero`` (over coefficients), ``loss`` (mean
        training SGD loss, without penalty), ``validation_score``
        (accuracy), ``accepted``; extras ``n_features`` (kept features),
        ``n_iter`` and ``validation_loss`` (error rate).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    sklearn.linear_model.SGDClassifier : The estimator this one extends.
    SparseSGDRegressor : The regression variant.
    sklearn.linear_model.LogisticRegressionCV : L1 path with cross-validation.

    Notes
    -----
    ``partial_fit`` never prunes: it runs one SGD epoch on the support
    columns only, so pruned coefficients stay exactly zero. Its first call on
    an unfitted estimator needs ``classes`` and trains every feature.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skprune import SparseSGDClassifier
    >>> X, y = make_classification(n_samples=2000, n_features=40,
    ...                            n_informative=4, n_redundant=0, n_classes=3,
    ...                            n_clusters_per_class=1, shuffle=False,
    ...                            random_state=0)
    >>> clf = SparseSGDClassifier(loss="log_loss", average=True,
    ...                           random_state=0).fit(X, y)
    >>> clf.support_.nonzero()[0]  # the 4 informative features, for all classes
    array([0, 1, 2, 3])
    >>> clf.coef_.shape, clf.n_nonzero_, clf.coef_sparse_.nnz
    ((3, 40), 12, 12)
    >>> round(clf.score(X, y), 2)
    0.92
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    """

    _parameter_constraints = {
        **SGDClassifier._parameter_constraints,
        **_SPARSE_CONSTRAINTS,
    }

    def __init__(
        self,
        loss="hinge",
        *,
        penalty="l2",
        alpha=0.0001,
        l1_ratio=0.15,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-3,
        shuffle=True,
        verbose=0,
        epsilon=0.1,
        n_jobs=None,
        random_state=None,
        learning_rate="optimal",
        eta0=0.01,
        power_t=0.5,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        class_weight=None,
        warm_start=False,
        average=False,
        prune_ratio="auto",
        prune_criterion="magnitude",
        n_prune_steps=5,
        sparsity_threshold=None,
        max_loss_rise=0.01,
        max_score_drop=None,
        refit=True,
        cv="auto",
    ):
        super().__init__(
            loss=loss,
            penalty=penalty,
            alpha=alpha,
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            shuffle=shuffle,
            verbose=verbose,
            epsilon=epsilon,
            n_jobs=n_jobs,
            random_state=random_state,
            learning_rate=learning_rate,
            eta0=eta0,
            power_t=power_t,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            class_weight=class_weight,
            warm_start=warm_start,
            average=average,
        )
        self.prune_ratio = prune_ratio
        self.prune_criterion = prune_criterion
        self.n_prune_steps = n_prune_steps
        self.sparsity_threshold = sparsity_threshold
        self.max_loss_rise = max_loss_rise
        self.max_score_drop = max_score_drop
        self.refit = refit
        self.cv = cv

    _sgd_class = SGDClassifier
    _coef_2d = True
    _sgd_fitted_attributes = ("classes_",)

    # -- what only a classifier knows -------------------------------------------------

    def _validated(self, X, y, sample_weight, reset):
        """X, y and sample_weight as fit and partial_fit train on them."""
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            order="C",
            accept_large_sparse=False,
            reset=reset,
        )
        check_classification_targets(y)
        if sample_weight is not None:
            # as SGDClassifier: with early stopping, all-zero weights are left
            # to the validation split, which names the problem
            sample_weight = compat.check_sample_weight(
                sample_weight,
                X,
                dtype=X.dtype,
                allow_all_zero_weights=self.early_stopping,
            )
        return X, y, sample_weight

    def _n_rows(self, y):
        n_classes = np.unique(y).shape[0]
        return 1 if n_classes <= 2 else n_classes

    def _stratify(self, y):
        # stratified as SGDClassifier's early stopping, when both parts can
        # hold every class (train_test_split's rules); a plain split otherwise
        _, counts = np.unique(y, return_counts=True)
        n_val = math.ceil(self.validation_fraction * y.shape[0])
        n_classes = counts.shape[0]
        if counts.min() >= 2 and min(n_val, y.shape[0] - n_val) >= n_classes:
            return y
        return None

    def _check_split(self, split, y):
        missing = np.setdiff1d(np.unique(y), np.unique(split.y_train))
        if missing.size:
            raise ValueError(
                f"The validation split (validation_fraction="
                f"{self.validation_fraction}) leaves no training sample of the "
                f"classes {missing.tolist()}; pruning with a validation split "
                "needs at least 2 samples per class."
            )

    def _params_of_fit(self, y, sample_weight):
        classes = np.unique(y if sample_weight is None else y[sample_weight > 0])
        # all-zero weights pass _validated only with early_stopping, whose
        # validation split (in the first SGD fit) raises SGDClassifier's error
        all_zero = sample_weight is not None and not sample_weight.any()
        if classes.shape[0] < 2 and not all_zero:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; y "
                "has only one class"
                f"{'' if sample_weight is None else ' with a positive sample_weight'}"
                f" ({classes.tolist()})."
            )
        if isinstance(self.class_weight, str):  # 'balanced'
            # resolved once on all of y: every internal fit (on a validation
            # split's training part too) weights the classes the same way
            classes = np.unique(y)
            weights = compute_class_weight("balanced", classes=classes, y=y)
            return {"class_weight": dict(zip(classes.tolist(), weights))}
        return {}

    def _loss_weights(self, y, sample_weight):
        class_weight = getattr(self, "_fit_params", {}).get(
            "class_weight", self.class_weight
        )
        if class_weight is None:
            return sample_weight
        weights = compute_sample_weight(class_weight, y)
        return weights if sample_weight is None else weights * sample_weight

    @staticmethod
    def _targets(y, classes):
        """``y`` as +-1 one-vs-rest targets, ``(n_samples, n_rows)``."""
        return label_binarize(y, classes=classes, neg_label=-1).astype(float)

    def _criterion_targets(self, y):
        return self._targets(y, np.unique(y))

    def _evaluate(self, X, y, sample_weight, fitted, training=False):
        """A fitted support judged on ``(X, y)``.

        Training (``training=True``): the mean SGD ``loss``
        (:func:`loss_value` on the +-1 one-vs-rest targets, summed over the
        problems). Validation: the per-sample misclassification ``1[pred !=
        y]``, its mean (the error rate, weighted by :meth:`_loss_weights`)
        and the ``sample_weight``-weighted accuracy. The validation loss is
        the loss of the score, as the regressor's squared error is R^2's:
        the surrogate losses of SGD solutions are not comparable from one fit
        to the next (with ``learning_rate='optimal'`` the unpruned model's
        hinge loss can exceed an all-zero model's while its accuracy is far
        higher), the error rate is.
        """
        idx = fitted.idx
        classes = fitted.sgd.classes_
        decision = (
            safe_sparse_dot(columns(X, idx), fitted.coef[:, idx].T, dense_output=True)
            + fitted.sgd.intercept_
        )
        weights = self._loss_weights(y, sample_weight)
        if training:
            losses = loss_value(
                self.loss, decision, self._targets(y, classes), self.epsilon
            ).sum(axis=1)
            return Evaluation(loss=float(np.average(losses, weights=weights)))
        if decision.shape[1] == 1:
            pred = classes[(decision[:, 0] > 0).astype(int)]
        else:
            pred = classes[np.argmax(decision, axis=1)]
        errors = (pred != y).astype(float)
        return Evaluation(
            score=float(np.average(1.0 - errors, weights=sample_weight)),
            loss=float(np.average(errors, weights=weights)),
            losses=errors,
            sample_weight=weights,
        )

    # -- streaming ---------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One SGD epoch on the support columns; pruned coefficients stay 0.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training data.

        y : array-like of shape (n_samples,)
            Its class labels.

        classes : array-like of shape (n_classes,), default=None
            All the classes; required on the first call to an unfitted
            estimator (as in ``SGDClassifier``), optional later.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples.

        Returns
        -------
        self : object
            The updated estimator. Only ``support_`` coefficients are trained;
            an unfitted estimator trains (and keeps) every feature.
        """
        return fit_or_rollback(
            self,
            self._partial_fit_support,
            X,
            y,
            sample_weight,
            classes=classes,
            replaces_only=True,
        )

    # -- prediction ------------------------------------------------------------------

    def decision_function(self, X):
        """Confidence scores: ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data. On dense ``X`` with a sparse model only the support
            columns are read.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            As in ``SGDClassifier``: 1-D for two classes (positive: the
            score of ``classes_[1]``).
        """
        return self._decision_function(X)
