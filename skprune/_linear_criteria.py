"""Importance scores of a linear model's features: pure functions.

A linear model predicts ``f_n = sum_j w_j x_nj + b`` (one row of weights per
output for multi-output or one-vs-rest models). Each criterion gives every
feature ``j`` a non-negative score; low scores are pruned first. ``s_n`` are
sample weights (1 by default), ``S = sum_n s_n``, and samples of zero weight
take no part in any statistic.

Criteria
--------
``'magnitude'``
    ``M_j = |w_j| * std(x_j)``: the change of the prediction caused by a one
    standard deviation change of the feature, so the feature's unit does not
    decide (a feature in millimetres and the same feature in metres score the
    same). ``std`` is the sample-weighted standard deviation over the data.
``'gradient'``
    ``G_j = (1/S) sum_n s_n |x_nj| |l'(f_n - w_j x_nj, y_n)|``: the absolute
    per-sample gradients ``|dL_n/dw_j|`` accumulated over the data, evaluated
    with feature ``j`` removed (its term taken out of ``f_n``), i.e. how
    strongly the data would pull ``w_j`` back from zero if it were pruned.
    Evaluated at the fitted weights instead, the per-sample gradients of a
    converged least-squares model are ``|x_nj r_n|`` with the residual
    ``r_n`` independent of every feature, so every feature of a standardized
    design would score the same; removing ``j``'s own term is what makes the
    criterion informative. ``l'`` is the derivative of the training loss with
    respect to the prediction (see :func:`loss_derivative`).
``'entropy'``
    ``E_j = H_j * M_j`` with ``H_j = -sum_b p_b log p_b`` (nats) the entropy of
    the binned feature: ``p_b`` is the (sample-weighted) fraction of samples in
    bin ``b`` of ``ENTROPY_BINS`` equal-width bins spanning ``[min_n x_nj,
    max_n x_nj]``. A constant feature has ``H = 0``, a rare binary indicator a
    small ``H``: low-information features go first. ``H`` alone ignores the
    target (every Gaussian feature has nearly the same entropy), so, like the
    network criterion of :mod:`skprune._criteria` (``|w| H`` of the source
    neuron), it multiplies the feature's magnitude score.

Several outputs (rows of weights) are scored row by row, shape
``(n_outputs, n_features)``.

Every pass over ``X`` runs in row chunks of at most ``CHUNK_VALUES`` values, so
memory stays bounded; sparse ``X`` is handled through its non-zeros only.
"""

import numpy as np
from scipy import sparse

from ._criteria import ENTROPY_BINS, entropy_from_counts

LINEAR_CRITERIA = ("magnitude", "gradient", "entropy")
LOSSES = (
    "squared_error",
    "huber",
    "epsilon_insensitive",
    "squared_epsilon_insensitive",
)
CHUNK_VALUES = 1 << 20


def loss_derivative(loss, f, y, epsilon=0.1):
    """Derivative ``l'(f, y)`` of a per-sample SGD loss w.r.t. the prediction.

    The losses are scikit-learn's ``SGDRegressor`` losses, with ``r = f - y``:

    - ``'squared_error'`` (``r^2 / 2``): ``r``;
    - ``'huber'`` (``r^2 / 2`` if ``|r| <= epsilon``, else
      ``epsilon |r| - epsilon^2 / 2``): ``r`` if ``|r| <= epsilon``, else
      ``epsilon sign(r)``;
    - ``'epsilon_insensitive'`` (``max(0, |r| - epsilon)``):
      ``sign(r)`` if ``|r| > epsilon``, else 0;
    - ``'squared_epsilon_insensitive'`` (``max(0, |r| - epsilon)^2``):
      ``2 sign(r) max(0, |r| - epsilon)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._linear_criteria import loss_derivative
    >>> loss_derivative("huber", np.array([0.05, 3.0]), np.zeros(2)).tolist()
    [0.05, 0.1]
    """
    f = np.asarray(f, dtype=float)
    y = np.asarray(y, dtype=float)
    if loss == "squared_error":
        return f - y
    if loss == "huber":
        return np.clip(f - y, -epsilon, epsilon)
    if loss == "epsilon_insensitive":
        r = f - y
        return np.where(np.abs(r) > epsilon, np.sign(r), 0.0)
    if loss == "squared_epsilon_insensitive":
        r = f - y
        return 2.0 * np.sign(r) * np.maximum(np.abs(r) - epsilon, 0.0)
    raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}.")


def _weights(sample_weight, n_samples):
    if sample_weight is None:
        return np.ones(n_samples)
    return np.asarray(sample_weight, dtype=float)


def _row_chunks(n_samples, n_features):
    size = max(1, CHUNK_VALUES // max(1, n_features))
    for start in range(0, n_samples, size):
        yield slice(start, min(start + size, n_samples))


def _csc_entries(X):
    """Column index, row index and value of every stored entry of sparse X."""
    X = sparse.csc_matrix(X)
    cols = np.repeat(np.arange(X.shape[1]), np.diff(X.indptr))
    return cols, X.indices, X.data


def feature_mean_std(X, sample_weight=None):
    """Sample-weighted mean and standard deviation of every column of ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._linear_criteria import feature_mean_std
    >>> mean, std = feature_mean_std(np.array([[0.0, 1.0], [2.0, 1.0]]))
    >>> mean.tolist(), std.tolist()
    ([1.0, 1.0], [1.0, 0.0])
    """
    n_samples, n_features = X.shape
    w = _weights(sample_weight, n_samples)
    total = w.sum()
    if sparse.issparse(X):
        cols, rows, vals = _csc_entries(X)
        mean = np.bincount(cols, weights=w[rows] * vals, minlength=n_features) / total
        # sum_n w_n (x_nj - mean_j)^2 over stored entries, plus the zeros
        dev = np.bincount(
            cols, weights=w[rows] * (vals - mean[cols]) ** 2, minlength=n_features
        )
        w_stored = np.bincount(cols, weights=w[rows], minlength=n_features)
        dev += (total - w_stored) * mean**2
    else:
        mean = np.zeros(n_features)
        for sl in _row_chunks(n_samples, n_features):
            mean += w[sl] @ np.asarray(X[sl], dtype=float)
        mean /= total
        dev = np.zeros(n_features)
        for sl in _row_chunks(n_samples, n_features):
            dev += w[sl] @ (np.asarray(X[sl], dtype=float) - mean) ** 2
    return mean, np.sqrt(np.maximum(dev, 0.0) / total)


def feature_entropy(X, sample_weight=None, n_bins=ENTROPY_BINS):
    """Entropy ``H_j`` (nats) of every binned column of ``X`` (module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._linear_criteria import feature_entropy
    >>> X = np.array([[0.0, 5.0], [0.0, 5.0], [1.0, 5.0], [1.0, 5.0]])
    >>> feature_entropy(X, n_bins=2).round(4).tolist()  # log(2), constant
    [0.6931, 0.0]
    """
    n_samples, n_features = X.shape
    w = _weights(sample_weight, n_samples)
    used = w > 0
    if sparse.issparse(X):
        cols, rows, vals = _csc_entries(X)
        keep = used[rows]
        cols, rows, vals = cols[keep], rows[keep], vals[keep]
        n_stored = np.bincount(cols, minlength=n_features)
        has_zero = n_stored < np.count_nonzero(used)
        lo = np.where(has_zero, 0.0, np.inf)
        hi = np.where(has_zero, 0.0, -np.inf)
        np.minimum.at(lo, cols, vals)
        np.maximum.at(hi, cols, vals)
        width = np.where(hi > lo, hi - lo, 1.0)
        idx = _bin_index(vals, lo[cols], width[cols], n_bins)
        counts = np.bincount(
            cols * n_bins + idx, weights=w[rows], minlength=n_features * n_bins
        ).reshape(n_features, n_bins)
        w_zero = w.sum() - np.bincount(cols, weights=w[rows], minlength=n_features)
        zero_bin = _bin_index(np.zeros(n_features), lo, width, n_bins)
        zero_bin[~has_zero] = 0  # no zeros: adds nothing
        counts[np.arange(n_features), zero_bin] += np.where(has_zero, w_zero, 0.0)
        return entropy_from_counts(counts)
    lo = np.full(n_features, np.inf)
    hi = np.full(n_features, -np.inf)
    for sl in _row_chunks(n_samples, n_features):
        A = np.asarray(X[sl], dtype=float)[used[sl]]
        if A.shape[0]:
            lo = np.minimum(lo, A.min(axis=0))
            hi = np.maximum(hi, A.max(axis=0))
    width = np.where(hi > lo, hi - lo, 1.0)
    offsets = np.arange(n_features) * n_bins
    counts = np.zeros(n_features * n_bins)
    for sl in _row_chunks(n_samples, n_features):
        A = np.asarray(X[sl], dtype=float)
        idx = _bin_index(A, lo, width, n_bins) + offsets
        counts += np.bincount(
            idx.ravel(), weights=np.repeat(w[sl], n_features),
            minlength=n_features * n_bins,
        )
    return entropy_from_counts(counts.reshape(n_features, n_bins))


def _bin_index(values, lo, width, n_bins):
    idx = np.floor((values - lo) / width * n_bins)
    idx = np.nan_to_num(idx, nan=0.0, posinf=n_bins - 1, neginf=0.0)
    return np.clip(idx, 0, n_bins - 1).astype(np.int64)


def removal_gradient(X, Y, coef, intercept, loss, sample_weight=None, epsilon=0.1):
    """``G_kj`` of the module docstring, shape ``(n_outputs, n_features)``.

    ``coef`` has shape ``(n_outputs, n_features)``, ``intercept``
    ``(n_outputs,)`` and ``Y`` ``(n_samples, n_outputs)``.
    """
    n_samples, n_features = X.shape
    coef = np.atleast_2d(np.asarray(coef, dtype=float))
    Y = np.asarray(Y, dtype=float).reshape(n_samples, -1)
    w = _weights(sample_weight, n_samples)
    grads = np.zeros(coef.shape)
    if sparse.issparse(X):
        X = sparse.csr_matrix(X)
        F = np.asarray(X @ coef.T) + intercept
        cols, rows, vals = _csc_entries(X)
        for k in range(coef.shape[0]):
            d = loss_derivative(loss, F[rows, k] - coef[k, cols] * vals, Y[rows, k],
                                epsilon)
            grads[k] = np.bincount(
                cols, weights=w[rows] * np.abs(vals * d), minlength=n_features
            )
    else:
        for sl in _row_chunks(n_samples, n_features * coef.shape[0]):
            A = np.asarray(X[sl], dtype=float)
            F = A @ coef.T + intercept
            absA = np.abs(A)
            for k in range(coef.shape[0]):
                d = loss_derivative(loss, F[:, k, None] - A * coef[k], Y[sl, k, None],
                                    epsilon)
                grads[k] += w[sl] @ (absA * np.abs(d))
    return grads / w.sum()


def linear_scores(criterion, X, Y, coef, intercept, *, loss="squared_error",
                  epsilon=0.1, sample_weight=None, n_bins=ENTROPY_BINS, std=None,
                  entropy=None):
    """Importance of every feature of a linear model (see the module docstring).

    Parameters
    ----------
    criterion : {'magnitude', 'gradient', 'entropy'}
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Training data.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets; used by 'gradient' only.
    coef : ndarray of shape (n_outputs, n_features)
    intercept : ndarray of shape (n_outputs,)
    loss : str, default='squared_error'
        The training loss (names of scikit-learn's SGD estimators).
    epsilon : float, default=0.1
        The ``epsilon`` of the huber and epsilon-insensitive losses.
    sample_weight : ndarray of shape (n_samples,), default=None
    n_bins : int, default=ENTROPY_BINS
        Histogram bins of 'entropy'.
    std, entropy : ndarray of shape (n_features,), default=None
        Precomputed :func:`feature_mean_std` and :func:`feature_entropy` of
        ``X`` (they do not change while a model is pruned); computed from
        ``X`` when None.

    Returns
    -------
    scores : ndarray of shape (n_outputs, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._linear_criteria import linear_scores
    >>> X = np.array([[0.0, 0.0], [1.0, 10.0], [2.0, 20.0]])
    >>> coef = np.array([[1.0, 0.1]])  # the same effect in two units
    >>> linear_scores("magnitude", X, None, coef, np.zeros(1)).round(4).tolist()
    [[0.8165, 0.8165]]
    """
    if criterion not in LINEAR_CRITERIA:
        raise ValueError(
            f"criterion must be one of {LINEAR_CRITERIA}, got {criterion!r}."
        )
    coef = np.atleast_2d(np.asarray(coef, dtype=float))
    if criterion == "gradient":
        return removal_gradient(X, Y, coef, np.asarray(intercept, dtype=float), loss,
                                sample_weight, epsilon)
    if std is None:
        _, std = feature_mean_std(X, sample_weight)
    magnitude = np.abs(coef) * std
    if criterion == "magnitude":
        return magnitude
    if entropy is None:
        entropy = feature_entropy(X, sample_weight, n_bins)
    return magnitude * entropy
