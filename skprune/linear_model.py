"""Sparse linear models fitted by SGD, with exact control of their support.

:class:`SparseSGDRegressor` trains scikit-learn's ``SGDRegressor`` and prunes
its features inside ``fit``: it scores every kept feature
(:mod:`skprune._linear_criteria`), removes the lowest-scored ones, refits the
rest starting from their current coefficients, and repeats. All training goes
through ``SGDRegressor``'s public ``fit`` and ``partial_fit`` on the kept
columns (sklearn's Cython SGD, with every SGD parameter of the estimator), so
pruned coefficients are never updated: they are exactly zero.

With ``prune_ratio='auto'`` a validation split decides how far to prune; the
rule is in :func:`_accept`: a step is refused when the validation loss rises
by more than ``max_score_drop`` times the best one *and* by more than two
standard errors.
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDRegressor
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    check_random_state,
    validate_data,
)

from . import _doc_link
from ._linear_criteria import (
    LINEAR_CRITERIA,
    feature_entropy,
    feature_mean_std,
    linear_scores,
)
from ._persistence import compact_state, expand_state
from ._rollback import with_rollback
from ._schedules import sparsity_schedule

# predict on dense X reads only the support columns at or below this density,
# GATHER_ROWS rows at a time (bounded memory, cache-sized blocks);
# benchmarks/bench_linear.py measures the crossover against a full X @ coef:
# about 5% of 1,000 features on a 2-core x86 machine
GATHER_DENSITY = 0.05
GATHER_ROWS = 512

_SPARSE_CONSTRAINTS = {
    "prune_ratio": [StrOptions({"auto"}), Interval(Real, 0, 1, closed="left")],
    "prune_criterion": [StrOptions(set(LINEAR_CRITERIA))],
    "n_prune_steps": [Interval(Integral, 1, None, closed="left")],
    "sparsity_threshold": [None, Interval(Real, 0, None, closed="left")],
    "max_score_drop": [Interval(Real, 0, None, closed="left")],
    "refit": ["boolean"],
}

_SGD_PARAMS = tuple(SGDRegressor._get_param_names())


def _accept(losses, best_losses, sample_weight, max_score_drop):
    """The stopping rule of ``prune_ratio='auto'``: accept a pruning step?

    ``losses`` and ``best_losses`` are the per-sample validation losses
    (squared errors) of the candidate and of the best model accepted so far
    (lowest mean loss ``L_best``, the unpruned model included). With
    ``d_n = losses_n - best_losses_n``, ``D`` its sample-weighted mean and
    ``se`` the standard error of ``D``, the step is **refused** only when both

    - ``D > max_score_drop * L_best``: the validation loss rises by more than
      the tolerated fraction. In terms of the validation score
      ``R^2 = 1 - L / var(y)``, R^2 falls by more than
      ``max_score_drop * (1 - R^2_best)``, i.e. ``max_score_drop`` times what
      the best model leaves unexplained. A relative rule means the same for a
      nearly noiseless target (R^2 = 0.9996) and a noisy one (R^2 = 0.5),
      where a fixed drop of R^2 could not;
    - ``D > 2 se``: the rise is larger than two standard errors of the paired
      difference, i.e. not the noise of a small validation split or of SGD
      (removing a useless feature changes the SGD solution a little, which a
      few hundred validation samples can turn into a rise of a few percent).

    Returns ``(accepted, D)``.
    """
    d = np.asarray(losses, dtype=float) - best_losses
    w = np.ones(d.shape[0]) if sample_weight is None else np.asarray(sample_weight)
    total = w.sum()
    mean = float(w @ d / total)
    best = float(w @ best_losses / total)
    n_eff = total**2 / float(w @ w)
    se = math.sqrt(max(float(w @ (d - mean) ** 2) / total, 0.0) / max(n_eff - 1, 1))
    refused = mean > max_score_drop * best and mean > 2.0 * se
    return not refused, mean


def _columns(X, idx):
    """X restricted to the columns idx (a view when idx keeps them all)."""
    if idx.shape[0] == X.shape[1]:
        return X
    if sparse.issparse(X):
        return X[:, idx]
    return np.ascontiguousarray(X[:, idx])


def _keep_largest(mask, coef):
    """Never empty the support: keep the largest |coef| if nothing is left."""
    if not mask.any():
        mask = mask.copy()
        mask[int(np.argmax(np.abs(coef)))] = True
    return mask



def _numeric_y(estimator, y, dtype):
    """``y`` as ``dtype``, or a ValueError that says the targets are not numeric."""
    try:
        return y.astype(dtype, copy=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{type(estimator).__name__} needs numeric targets; y of dtype "
            f"{y.dtype} cannot be converted to float: {exc}"
        ) from exc

class SparseSGDRegressor(SGDRegressor):
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
        coefficients. ``verbose`` also prints one line per pruning step.

    prune_ratio : 'auto' or float in [0, 1), default='auto'
        'auto': prune step by step as long as the validation score stays
        within ``max_score_drop`` of the best seen (see ``max_score_drop``).
        Each step removes half of the remaining features, until a step is
        refused; from then on the support size is bisected between the last
        accepted and the last refused one, and pruning ends when removing a
        single feature is refused. A float: the fraction of the coefficients forced
        to exactly zero, reached over ``n_prune_steps`` steps (no validation
        split). ``0`` prunes nothing (``sparsity_threshold`` and an L1
        penalty still make zeros).

    prune_criterion : {'magnitude', 'gradient', 'entropy'}, default='magnitude'
        Importance of a feature ``j`` (lowest pruned first); formulas in
        :mod:`skprune._linear_criteria`:

        - 'magnitude': ``|w_j| std(x_j)``, so the feature's scale does not
          decide;
        - 'gradient': ``sum_n |dL_n / dw_j|`` over the training data,
          evaluated with feature ``j`` removed from the prediction (how hard
          the data pulls ``w_j`` back from zero);
        - 'entropy': ``H(x_j) |w_j| std(x_j)`` with ``H`` the entropy of the
          feature binned in 32 equal-width bins: low-information features go
          first.

    n_prune_steps : int, default=5
        With a float ``prune_ratio``: the number of prune -> refit steps; the
        fraction pruned after step ``t`` of ``n`` is
        ``prune_ratio * (1 - (1 - t/n)^3)`` (Zhu & Gupta 2017). Not used by
        'auto', whose steps halve the support until the validation rule stops
        them.

    sparsity_threshold : float or None, default=None
        Coefficients with ``|w| < sparsity_threshold`` are pruned after every
        fit (at least one feature is always kept).

    max_score_drop : float >= 0, default=0.01
        Tolerance of ``prune_ratio='auto'``, relative to what the best model
        leaves unexplained: a step is refused when it lowers the validation
        R^2 by more than ``max_score_drop * (1 - best R^2)`` -- its validation
        mean squared error exceeds the best one by more than a fraction
        ``max_score_drop`` (1% by default) -- *and* that rise exceeds two
        standard errors of the paired per-sample difference, so the noise of
        a small validation split or of SGD does not stop pruning. Not used
        with a float ``prune_ratio``.

    refit : bool, default=True
        End with an unpenalised SGD refit (``penalty=None``) of the kept
        features on all of ``X``, starting from their pruned-model values;
        removes the shrinkage bias of ``alpha``. With ``False`` the last
        model is penalised as configured (and, with 'auto', refit on all of
        ``X`` with the penalty).

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
        One record per pruning step, step 0 being the unpruned model:
        ``step``, ``n_features`` (kept), ``sparsity``, ``n_iter`` (epochs of
        that fit), ``validation_loss`` and ``validation_score`` (R^2; None
        without a validation split) and ``accepted``.

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

    _doc_link_module = _doc_link.MODULE
    _doc_link_template = _doc_link.TEMPLATE

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
        max_score_drop=0.01,
        refit=True,
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
        self.max_score_drop = max_score_drop
        self.refit = refit

    # -- SGD on a subset of the columns -----------------------------------------

    def _sgd(self, **overrides):
        """A plain SGDRegressor with this estimator's SGD parameters."""
        params = {name: getattr(self, name) for name in _SGD_PARAMS}
        params.update(overrides)
        return SGDRegressor(**params)

    def _sgd_fit(self, X, y, sample_weight, idx, coef, intercept, *, penalised=True,
                 quiet=True):
        """Fit SGD on the columns ``idx`` from ``coef[idx]``, ``intercept``."""
        sgd = self._sgd(**({} if penalised else {"penalty": None}))
        with warnings.catch_warnings():
            if quiet:  # an intermediate fit; the final one warns
                warnings.simplefilter("ignore", ConvergenceWarning)
            sgd.fit(
                _columns(X, idx),
                y,
                coef_init=None if coef is None else coef[idx],
                intercept_init=None if intercept is None else np.array(intercept),
                sample_weight=sample_weight,
            )
        return sgd

    def _prune_mask(self, sgd, idx, n_features):
        """Support after a fit: kept columns whose coefficient survived."""
        mask = np.zeros(n_features, dtype=bool)
        coef = sgd.coef_
        if self.sparsity_threshold is not None:
            alive = np.abs(coef) >= self.sparsity_threshold
        else:
            alive = coef != 0  # an L1 penalty's exact zeros are pruned too
        mask[idx] = _keep_largest(alive, coef)
        return mask

    def _full_coef(self, sgd, mask, idx, n_features, dtype):
        coef = np.zeros(n_features, dtype=dtype)
        coef[idx] = sgd.coef_
        coef[~mask] = 0.0
        return coef

    # -- scoring -------------------------------------------------------------------

    def _scores(self, X, y, sample_weight, idx, coef, intercept, stats):
        """Criterion score of every kept feature (``idx``)."""
        std, entropy = stats
        gradient = self.prune_criterion == "gradient"
        return linear_scores(
            self.prune_criterion,
            _columns(X, idx) if gradient else None,  # the others need no data
            y.reshape(-1, 1),
            coef[idx][None, :],
            np.atleast_1d(intercept),
            loss=self.loss,
            epsilon=self.epsilon,
            sample_weight=sample_weight,
            std=None if std is None else std[idx],
            entropy=None if entropy is None else entropy[idx],
        )[0]

    def _feature_stats(self, X, sample_weight):
        if self.prune_criterion == "gradient":
            return None, None
        _, std = feature_mean_std(X, sample_weight)
        entropy = (
            feature_entropy(X, sample_weight)
            if self.prune_criterion == "entropy"
            else None
        )
        return std, entropy

    # -- fit -------------------------------------------------------------------------

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
        return self._unchanged_on_error(
            self._fit, X, y, coef_init, intercept_init, sample_weight
        )

    def _unchanged_on_error(self, method, *args):
        """Run ``method``; if it raises, restore the previous fitted state.

        A shallow copy is enough: fitting only ever replaces attributes, it
        never writes into the arrays of a previous fit.
        """
        return with_rollback(self, method, *args, deep=False)

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

    def _fit(self, X, y, coef_init, intercept_init, sample_weight):
        X, y, sample_weight = self._validated(X, y, sample_weight, reset=True)
        if self.warm_start and getattr(self, "coef_", None) is not None:
            if coef_init is None:
                coef_init = self._dense_coef()
            if intercept_init is None:
                intercept_init = self.intercept_
        if coef_init is not None:
            coef_init = np.asarray(coef_init, dtype=X.dtype).ravel()
            if coef_init.shape != (X.shape[1],):
                raise ValueError(
                    f"coef_init has shape {coef_init.shape}; expected "
                    f"({X.shape[1]},), one coefficient per feature of X."
                )

        if self.prune_ratio == "auto":
            result = self._fit_auto(X, y, sample_weight, coef_init, intercept_init)
        else:
            result = self._fit_ratio(X, y, sample_weight, coef_init, intercept_init)
        sgd, mask, idx, history = result

        # all fitted state is set here, at once: a failed fit changes nothing
        coef = self._full_coef(sgd, mask, idx, X.shape[1], X.dtype)
        self.coef_ = coef
        self.intercept_ = np.asarray(sgd.intercept_, dtype=X.dtype).reshape(1)
        self.n_iter_ = sgd.n_iter_
        self.t_ = sgd.t_
        self.support_ = coef != 0
        if not self.support_.any():  # an all-zero fit: keep the kept column
            self.support_ = mask
        self.pruning_history_ = history
        self._set_average_state(sgd, idx, X.shape[1], X.dtype)
        self._set_sparse_attributes()
        return self

    def _record(self, step, mask, sgd, val_loss, val_score, accepted=True):
        n_kept = int(mask.sum())
        record = {
            "step": step,
            "n_features": n_kept,
            "sparsity": 1.0 - n_kept / mask.shape[0],
            "n_iter": int(sgd.n_iter_),
            "validation_loss": val_loss,
            "validation_score": val_score,
            "accepted": accepted,
        }
        if self.verbose:
            line = (
                f"[{type(self).__name__}] step {step}: {n_kept} features "
                f"(sparsity {record['sparsity']:.4f}), {sgd.n_iter_} epochs"
            )
            if val_loss is not None:
                line += (
                    f", validation loss {val_loss:.6g}, R^2 {val_score:.6f}"
                    f"{'' if accepted else ' -> refused'}"
                )
            print(line)
        return record

    def _validation(self, X_val, y_val, sw_val, sgd, idx, mask):
        """Per-sample squared errors on the validation split, and R^2."""
        coef = np.where(mask[idx], sgd.coef_, 0.0)
        pred = safe_sparse_dot(_columns(X_val, idx), coef) + sgd.intercept_[0]
        losses = (np.asarray(y_val, dtype=float) - pred) ** 2
        loss = float(np.average(losses, weights=sw_val))
        total = float(np.average((y_val - np.average(y_val, weights=sw_val)) ** 2,
                                 weights=sw_val))
        score = 1.0 - loss / total if total > 0 else (1.0 if loss == 0 else 0.0)
        return losses, loss, float(score)

    def _fit_auto(self, X, y, sample_weight, coef_init, intercept_init):
        """Halve the support while the validation rule accepts (see ``_accept``)."""
        n_features = X.shape[1]
        arrays = [X, y] + ([] if sample_weight is None else [sample_weight])
        if X.shape[0] < 2:
            raise ValueError(
                f"prune_ratio='auto' needs a validation split (validation_fraction="
                f"{self.validation_fraction}) and so at least 2 samples, got "
                f"n_samples={X.shape[0]}. Use a float prune_ratio."
            )
        parts = train_test_split(
            *arrays,
            test_size=self.validation_fraction,
            random_state=check_random_state(self.random_state),
        )
        X_tr, X_val, y_tr, y_val = parts[:4]
        sw_tr, sw_val = parts[4:] if sample_weight is not None else (None, None)
        if sw_val is not None and not np.any(sw_val > 0):
            raise ValueError(
                "The sample weights of the validation split (validation_fraction="
                f"{self.validation_fraction}) are all zero: prune_ratio='auto' "
                "cannot judge pruning steps. Use another random_state, a larger "
                "validation_fraction or a float prune_ratio."
            )

        idx = np.arange(n_features)
        sgd = self._sgd_fit(X_tr, y_tr, sw_tr, idx, coef_init, intercept_init)
        mask = self._prune_mask(sgd, idx, n_features)
        coef = self._full_coef(sgd, mask, idx, n_features, X.dtype)
        best_losses, loss, score = self._validation(X_val, y_val, sw_val, sgd, idx,
                                                    mask)
        best = loss
        history = [self._record(0, mask, sgd, loss, score)]
        stats = self._feature_stats(X_tr, sw_tr)

        refused_sets = set()  # supports already refused: never refit twice
        refused_kept = None  # support size of the last refused step
        step = 0
        while mask.sum() > 1:
            kept = np.flatnonzero(mask)
            if refused_kept is None:  # halve the support
                n_remove = math.ceil(kept.shape[0] / 2)
            else:  # bisect between the accepted and the refused size
                n_remove = max(1, (kept.shape[0] - refused_kept) // 2)
            n_remove = min(n_remove, kept.shape[0] - 1)
            scores = self._scores(X_tr, y_tr, sw_tr, kept, coef, sgd.intercept_, stats)
            order = np.argsort(scores, kind="stable")
            cand_idx = np.sort(kept[order[n_remove:]])
            key = cand_idx.tobytes()
            accepted = False
            if key not in refused_sets:
                step += 1
                cand = self._sgd_fit(X_tr, y_tr, sw_tr, cand_idx, coef, sgd.intercept_)
                cand_mask = self._prune_mask(cand, cand_idx, n_features)
                losses, loss, score = self._validation(
                    X_val, y_val, sw_val, cand, cand_idx, cand_mask
                )
                accepted, _ = _accept(losses, best_losses, sw_val,
                                      self.max_score_drop)
                history.append(
                    self._record(step, cand_mask, cand, loss, score, accepted)
                )
            if accepted:
                sgd, mask = cand, cand_mask
                coef = self._full_coef(sgd, mask, cand_idx, n_features, X.dtype)
                if loss < best:
                    best, best_losses = loss, losses
            else:
                refused_sets.add(key)
                if n_remove == 1:
                    break
                refused_kept = kept.shape[0] - n_remove

        idx = np.flatnonzero(mask)
        final = self._sgd_fit(X, y, sample_weight, idx, coef, sgd.intercept_,
                              penalised=not self.refit, quiet=False)
        mask = self._prune_mask(final, idx, n_features)
        return final, mask, idx, history

    def _fit_ratio(self, X, y, sample_weight, coef_init, intercept_init):
        """Reach ``prune_ratio`` over ``n_prune_steps`` prune -> refit steps."""
        n_features = X.shape[1]
        idx = np.arange(n_features)
        last = self.prune_ratio == 0 and not self.refit
        sgd = self._sgd_fit(X, y, sample_weight, idx, coef_init, intercept_init,
                            quiet=not last)
        mask = self._prune_mask(sgd, idx, n_features)
        history = [self._record(0, mask, sgd, None, None)]
        if self.prune_ratio > 0:
            stats = self._feature_stats(X, sample_weight)
            targets = sparsity_schedule(self.prune_ratio, self.n_prune_steps, "cubic")
            for step, target in enumerate(targets, start=1):
                coef = self._full_coef(sgd, mask, idx, n_features, X.dtype)
                kept = np.flatnonzero(mask)
                n_keep = max(1, n_features - int(np.floor(target * n_features + 1e-9)))
                n_remove = max(0, kept.shape[0] - n_keep)
                scores = self._scores(X, y, sample_weight, kept, coef,
                                      sgd.intercept_, stats)
                order = np.argsort(scores, kind="stable")
                idx = np.sort(kept[order[n_remove:]])
                final = step == len(targets) and not self.refit
                sgd = self._sgd_fit(X, y, sample_weight, idx, coef, sgd.intercept_,
                                    quiet=not final)
                mask = self._prune_mask(sgd, idx, n_features)
                history.append(self._record(step, mask, sgd, None, None))
        if self.refit:
            coef = self._full_coef(sgd, mask, idx, n_features, X.dtype)
            idx = np.flatnonzero(mask)
            sgd = self._sgd_fit(X, y, sample_weight, idx, coef, sgd.intercept_,
                                penalised=False, quiet=False)
            mask = self._prune_mask(sgd, idx, n_features)
        return sgd, mask, idx, history

    # -- fitted state ------------------------------------------------------------------

    def _dense_coef(self):
        coef = self.coef_
        if sparse.issparse(coef):  # after sklearn's sparsify()
            coef = coef.toarray()
        return np.asarray(coef).ravel()

    def _set_sparse_attributes(self):
        coef = self._dense_coef()
        self.n_nonzero_ = int(np.count_nonzero(coef))
        self.sparsity_ = 1.0 - self.n_nonzero_ / coef.shape[0]
        self._support_idx = np.flatnonzero(self.support_)

    @property
    def coef_sparse_(self):
        """``coef_`` as a (1, n_features) CSR matrix (its non-zeros only).

        Built from ``coef_`` when read, so files hold the coefficients once.
        """
        check_is_fitted(self)
        return sparse.csr_matrix(self._dense_coef().reshape(1, -1))

    def __getstate__(self):
        return compact_state(super().__getstate__(), ("pruning_history_",))

    def __setstate__(self, state):
        super().__setstate__(expand_state(state))

    def _set_average_state(self, sgd, idx, n_features, dtype):
        """Full-width copies of SGD's averaging state, for ``partial_fit``."""
        for name in ("_standard_coef", "_average_coef"):
            if getattr(sgd, name, None) is not None:
                full = np.zeros(n_features, dtype=dtype)
                full[idx] = getattr(sgd, name)
                full[~self.support_] = 0.0
                setattr(self, name, full)
            else:
                self.__dict__.pop(name, None)
        for name in ("_standard_intercept", "_average_intercept"):
            if getattr(sgd, name, None) is not None:
                setattr(self, name, np.array(getattr(sgd, name), copy=True))
            else:
                self.__dict__.pop(name, None)

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
        return self._unchanged_on_error(self._partial_fit_support, X, y,
                                        sample_weight)

    def _partial_fit_support(self, X, y, sample_weight):
        first = getattr(self, "coef_", None) is None
        X, y, sample_weight = self._validated(X, y, sample_weight, reset=first)
        sgd = self._sgd()
        if first:
            support = np.ones(X.shape[1], dtype=bool)
        else:
            support = self.support_
            idx = np.flatnonzero(support)
            sgd.coef_ = np.ascontiguousarray(self._dense_coef()[idx], dtype=X.dtype)
            sgd.intercept_ = np.array(self.intercept_, dtype=X.dtype)
            sgd.t_ = self.t_
            sgd.n_features_in_ = idx.shape[0]
            for name in ("_standard_coef", "_average_coef"):
                if getattr(self, name, None) is not None:
                    setattr(sgd, name, np.ascontiguousarray(getattr(self, name)[idx]))
            for name in ("_standard_intercept", "_average_intercept"):
                if getattr(self, name, None) is not None:
                    setattr(sgd, name, np.array(getattr(self, name), copy=True))
        idx = np.flatnonzero(support)
        sgd.partial_fit(_columns(X, idx), y, sample_weight=sample_weight)

        coef = np.zeros(X.shape[1], dtype=sgd.coef_.dtype)
        coef[idx] = sgd.coef_
        self.coef_ = coef
        self.intercept_ = np.atleast_1d(sgd.intercept_)
        self.n_iter_ = sgd.n_iter_
        self.t_ = sgd.t_
        self.support_ = support
        if first:
            self.pruning_history_ = []
        self._set_average_state(sgd, idx, X.shape[1], coef.dtype)
        self._set_sparse_attributes()
        return self

    # -- prediction ------------------------------------------------------------------

    def _decision_function(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        coef = self._dense_coef()
        idx = self._support_idx
        if not sparse.issparse(X) and idx.shape[0] <= GATHER_DENSITY * coef.shape[0]:
            # read only the support columns of a dense X
            w = coef[idx]
            out = np.empty(X.shape[0], dtype=np.result_type(X.dtype, w.dtype))
            for start in range(0, X.shape[0], GATHER_ROWS):
                rows = slice(start, start + GATHER_ROWS)
                out[rows] = X[rows, idx] @ w
            return out + self.intercept_[0]
        return np.asarray(safe_sparse_dot(X, coef)).ravel() + self.intercept_[0]

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
