"""Serving a sparse linear model: ``X @ W + b``, reading only what it needs.

On dense X with a support of at most :data:`GATHER_DENSITY` of the features,
only the support columns are read, :data:`GATHER_ROWS` rows at a time
(bounded memory, cache-sized blocks); otherwise one ``X @ W`` (sparse X
included). ``benchmarks/bench_linear.py`` measures the crossover against a
full ``X @ coef``: about 5% of 1,000 features on a 2-core x86 machine.
"""

import numpy as np
from scipy import sparse
from sklearn.utils.extmath import safe_sparse_dot

GATHER_DENSITY = 0.05
GATHER_ROWS = 512


def linear_decision(X, W, support_idx, intercept):
    """``X @ W + intercept`` shaped as sklearn's linear models return it.

    ``W`` is ``(n_features,)`` (a regressor: output ``(n_samples,)``) or
    ``(n_features, n_rows)`` (a classifier: ``(n_samples,)`` for one row,
    else ``(n_samples, n_rows)``); ``support_idx`` the features whose
    coefficients may be non-zero.
    """
    if not sparse.issparse(X) and support_idx.shape[0] <= GATHER_DENSITY * W.shape[0]:
        # read only the support columns of a dense X
        w = W[support_idx]
        out = np.empty(
            (X.shape[0],) + w.shape[1:], dtype=np.result_type(X.dtype, w.dtype)
        )
        for start in range(0, X.shape[0], GATHER_ROWS):
            rows = slice(start, start + GATHER_ROWS)
            out[rows] = X[rows, support_idx] @ w
    else:
        out = np.asarray(safe_sparse_dot(X, W))
    if W.ndim == 1:
        return out.ravel() + intercept[0]
    out = out + intercept
    return out.ravel() if out.shape[1] == 1 else out
