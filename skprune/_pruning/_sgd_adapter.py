"""The SGD adapter: what the pruning driver asks of an SGD model on a support.

The driver (:func:`skprune._pruning.run_schedule` for a float
``prune_ratio``, :func:`skprune._pruning.search_support` for 'auto') prunes
the features of a sparse SGD estimator through :class:`SGDAdapter`. The
estimator provides what only it knows: how to fit SGD on a subset of the
columns (``_fit_support``), how to score the kept features (``_scores``) and
how to judge a fitted support (``_evaluate``). A fit on a support is a
:class:`FittedSupport`.
"""

import numpy as np
from scipy import sparse
from sklearn.utils.validation import check_random_state

from ._driver import Evaluation, make_record
from .criteria import feature_statistics


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


class SGDAdapter:
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
        self.stats = feature_statistics(estimator.prune_criterion, X, sample_weight)
        self.rng = check_random_state(seed.get())  # the 'random' criterion
        self.current = None
        self._next_idx = None

    # -- shared ----------------------------------------------------------------

    def fit(self, idx, coef, intercept, *, quiet=True):
        """Fit on the columns ``idx`` from the full-width ``coef``, ``intercept``."""
        return self.est._fit_support(
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
            part = self.est._fit_support(
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
        scores = self.est._scores(
            self.X, self.y, self.sample_weight, kept, fitted, self.stats, self.rng
        )
        order = np.argsort(scores, kind="stable")
        return np.sort(kept[order[n_remove:]])

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
