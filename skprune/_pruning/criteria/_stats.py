"""Statistics all criterion families share: chunks, weighted spread, entropy.

Rules
-----
- Every pass over ``X`` (or over a layer's activations) runs in row chunks of
  at most :data:`CHUNK_VALUES` values of its widest array (:func:`row_chunks`),
  so memory stays bounded whatever the number of samples; sparse ``X`` is
  handled through its stored entries and never densified whole.
- ``s_n`` are sample weights (1 by default), ``S = sum_n s_n``; samples of
  zero weight count nothing, not even for the bin edges.

Formulas
--------
weighted mean and standard deviation (:func:`weighted_mean_std`)
    ``mean_j = (1/S) sum_n s_n x_nj``,
    ``std_j = sqrt((1/S) sum_n s_n (x_nj - mean_j)^2)`` (population std).
binned entropy (:func:`feature_entropy`, :func:`activation_entropy`)
    ``H_j = -sum_b p_b log p_b`` (natural log), with ``p_b`` the
    (sample-weighted) fraction of samples in bin ``b`` of ``ENTROPY_BINS``
    equal-width bins spanning ``[min_n x_nj, max_n x_nj]`` (over samples of
    positive weight); a constant column has ``H = 0``.
"""

import numpy as np
from scipy import sparse

ENTROPY_BINS = 32
# a chunk holds at most this many values of its widest array
CHUNK_VALUES = 1 << 20


def row_chunks(n_samples, width, max_rows=None):
    """Row slices of at most ``CHUNK_VALUES // width`` (and ``max_rows``) rows.

    Examples
    --------
    >>> from skprune._pruning.criteria._stats import row_chunks
    >>> [(s.start, s.stop) for s in row_chunks(5, width=1 << 19)]
    [(0, 2), (2, 4), (4, 5)]
    """
    size = max(1, CHUNK_VALUES // max(1, int(width)))
    if max_rows is not None:
        size = max(1, min(size, int(max_rows)))
    for start in range(0, n_samples, size):
        yield slice(start, min(start + size, n_samples))


def dense(A):
    """``A`` as an ndarray (a chunk of a sparse matrix is densified)."""
    return A.toarray() if sparse.issparse(A) else np.asarray(A)


def sample_weights(sample_weight, n_samples):
    """``sample_weight`` as floats, ones when None."""
    if sample_weight is None:
        return np.ones(n_samples)
    return np.asarray(sample_weight, dtype=float)


def csc_entries(X):
    """Column index, row index and value of every stored entry of sparse X."""
    X = sparse.csc_matrix(X)
    cols = np.repeat(np.arange(X.shape[1]), np.diff(X.indptr))
    return cols, X.indices, X.data


def weighted_mean_std(X, sample_weight=None):
    """Sample-weighted mean and standard deviation of every column of ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._pruning.criteria import weighted_mean_std
    >>> mean, std = weighted_mean_std(np.array([[0.0, 1.0], [2.0, 1.0]]))
    >>> mean.tolist(), std.tolist()
    ([1.0, 1.0], [1.0, 0.0])
    """
    n_samples, n_features = X.shape
    w = sample_weights(sample_weight, n_samples)
    total = w.sum()
    if sparse.issparse(X):
        cols, rows, vals = csc_entries(X)
        mean = np.bincount(cols, weights=w[rows] * vals, minlength=n_features) / total
        # sum_n w_n (x_nj - mean_j)^2 over stored entries, plus the zeros
        dev = np.bincount(
            cols, weights=w[rows] * (vals - mean[cols]) ** 2, minlength=n_features
        )
        w_stored = np.bincount(cols, weights=w[rows], minlength=n_features)
        dev += (total - w_stored) * mean**2
    else:
        mean = np.zeros(n_features)
        for sl in row_chunks(n_samples, n_features):
            mean += w[sl] @ np.asarray(X[sl], dtype=float)
        mean /= total
        dev = np.zeros(n_features)
        for sl in row_chunks(n_samples, n_features):
            dev += w[sl] @ (np.asarray(X[sl], dtype=float) - mean) ** 2
    return mean, np.sqrt(np.maximum(dev, 0.0) / total)


def entropy_from_counts(counts):
    """Row-wise entropy ``-sum p log p`` (nats) of a (n_columns, n_bins) table."""
    counts = np.asarray(counts, dtype=float)
    total = counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(total > 0, counts / total, 0.0)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return 0.0 - plogp.sum(axis=1)  # 0.0, not -0.0, for constant columns


def bin_index(values, lo, width, n_bins):
    """Equal-width bin of each value on ``[lo, lo + width]``, clipped."""
    with np.errstate(invalid="ignore"):
        idx = np.floor((values - lo) / width * n_bins)
    idx = np.nan_to_num(idx, nan=0.0, posinf=n_bins - 1, neginf=0.0)
    return np.clip(idx, 0, n_bins - 1).astype(np.int64)


def bin_counts(A, lo, hi, sample_weight, n_bins):
    """Weighted histogram of each column of dense ``A`` into bins on [lo, hi]."""
    n_samples, n_cols = A.shape
    width = np.where(hi > lo, hi - lo, 1.0)
    idx = bin_index(A, lo, width, n_bins)
    idx[:, hi <= lo] = 0
    flat = idx + np.arange(n_cols) * n_bins
    if sample_weight is None:  # unit weights: plain counts (the same, faster)
        counts = np.bincount(flat.ravel(), minlength=n_cols * n_bins)
        return counts.astype(float).reshape(n_cols, n_bins)
    w = sample_weights(sample_weight, n_samples)
    return np.bincount(
        flat.ravel(), weights=np.repeat(w, n_cols), minlength=n_cols * n_bins
    ).reshape(n_cols, n_bins)


def activation_entropy(A, sample_weight=None, n_bins=ENTROPY_BINS):
    """Binned entropy of each column of a dense ``A`` in one pass.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._pruning.criteria import activation_entropy
    >>> A = np.array([[0.0, 5.0], [0.0, 5.0], [1.0, 5.0], [1.0, 5.0]])
    >>> activation_entropy(A, n_bins=2).round(4).tolist()  # log(2), constant
    [0.6931, 0.0]
    """
    A = np.asarray(A, dtype=float)
    counted = A if sample_weight is None else A[np.asarray(sample_weight) > 0]
    lo, hi = counted.min(axis=0), counted.max(axis=0)
    return entropy_from_counts(bin_counts(A, lo, hi, sample_weight, n_bins))


def feature_entropy(X, sample_weight=None, n_bins=ENTROPY_BINS):
    """Binned entropy ``H_j`` (nats) of every column of ``X`` (dense or sparse).

    Equals :func:`activation_entropy` of ``X``, in chunked passes (dense) or
    through the stored entries only (sparse).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._pruning.criteria import feature_entropy
    >>> X = np.array([[0.0, 5.0], [0.0, 5.0], [1.0, 5.0], [1.0, 5.0]])
    >>> feature_entropy(X, n_bins=2).round(4).tolist()  # log(2), constant
    [0.6931, 0.0]
    """
    n_samples, n_features = X.shape
    w = sample_weights(sample_weight, n_samples)
    used = w > 0
    if sparse.issparse(X):
        cols, rows, vals = csc_entries(X)
        keep = used[rows]
        cols, rows, vals = cols[keep], rows[keep], vals[keep]
        n_stored = np.bincount(cols, minlength=n_features)
        has_zero = n_stored < np.count_nonzero(used)
        lo = np.where(has_zero, 0.0, np.inf)
        hi = np.where(has_zero, 0.0, -np.inf)
        np.minimum.at(lo, cols, vals)
        np.maximum.at(hi, cols, vals)
        width = np.where(hi > lo, hi - lo, 1.0)
        idx = bin_index(vals, lo[cols], width[cols], n_bins)
        counts = np.bincount(
            cols * n_bins + idx, weights=w[rows], minlength=n_features * n_bins
        ).reshape(n_features, n_bins)
        w_zero = w.sum() - np.bincount(cols, weights=w[rows], minlength=n_features)
        zero_bin = bin_index(np.zeros(n_features), lo, width, n_bins)
        zero_bin[~has_zero] = 0  # no zeros: adds nothing
        counts[np.arange(n_features), zero_bin] += np.where(has_zero, w_zero, 0.0)
        return entropy_from_counts(counts)
    lo = np.full(n_features, np.inf)
    hi = np.full(n_features, -np.inf)
    for sl in row_chunks(n_samples, n_features):
        A = np.asarray(X[sl], dtype=float)[used[sl]]
        if A.shape[0]:
            lo = np.minimum(lo, A.min(axis=0))
            hi = np.maximum(hi, A.max(axis=0))
    width = np.where(hi > lo, hi - lo, 1.0)
    offsets = np.arange(n_features) * n_bins
    counts = np.zeros(n_features * n_bins)
    for sl in row_chunks(n_samples, n_features):
        A = np.asarray(X[sl], dtype=float)
        idx = bin_index(A, lo, width, n_bins) + offsets
        counts += np.bincount(
            idx.ravel(),
            weights=np.repeat(w[sl], n_features),
            minlength=n_features * n_bins,
        )
    return entropy_from_counts(counts.reshape(n_features, n_bins))
