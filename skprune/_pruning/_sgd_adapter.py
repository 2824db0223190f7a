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

from ._driver import make_record
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

    def __init__(self, estimator, X, y, sample_weight, split, seed):
        self.est = estimator
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.split = split
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
        if self.split is None:
            return None
        split = self.split
        return self.est._evaluate(
            split.X_val, split.y_val, split.sw_val, candidate or self.current
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
