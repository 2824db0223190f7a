"""Importance scores for pruning: pure functions, arrays in, arrays out.

Every criterion scores either each connection weight (``granularity='weight'``,
one array shaped like each ``coefs_[l]``) or each hidden neuron
(``granularity='neuron'``, one vector per hidden layer). Low scores are pruned
first. The network is described by sklearn's MLP arrays: ``coefs[l]`` has shape
``(fan_in, fan_out)``, ``intercepts[l]`` shape ``(fan_out,)``.

Notation: ``a_l[n, i]`` is the output of neuron ``i`` of layer ``l`` for sample
``n`` (``a_0 = X``); ``delta_l[n, j] = dL_n / dz_{l+1}[n, j]`` is the derivative
of sample ``n``'s data loss with respect to the pre-activation of neuron ``j`` of
the next layer; ``s_n`` are sample weights (1 by default) and ``S = sum_n s_n``.
The data loss is sklearn's (log-loss or half squared error / half Poisson
deviance, averaged with the sample weights); the ``alpha`` L2 term and the
sparsity penalties are *not* part of the gradient used for scoring.

Criteria
--------
``'magnitude'`` (the "feature importance" S = sum |w|)
    weight: ``|w_ij|``; neuron ``j``: ``S_j = sum_k |w_jk|`` over its outgoing
    weights.
``'entropy'`` (I = -sum p log p)
    ``H_i = -sum_b p_b log p_b`` (natural log) of neuron ``i``'s output over the
    data, with ``p_b`` the (sample-weighted) fraction of samples falling into
    bin ``b`` of ``ENTROPY_BINS`` equal-width bins spanning ``[min_n a[n, i],
    max_n a[n, i]]`` (over samples of positive weight); a constant neuron (or
    input feature) has ``H = 0``.
    weight ``w_ij``: ``|w_ij| * H_i`` with ``i`` the source neuron (an input
    feature for the first layer); neuron ``j``: ``H_j``.
``'gradient'`` (G = sum |g|)
    the absolute per-sample gradients accumulated over the data:
    weight: ``G_ij = (1/S) sum_n s_n |a[n, i] delta[n, j]|``; neuron ``j``:
    ``sum_k G_jk`` over its outgoing weights.
``'taylor'`` (|w g|, Molchanov et al. 2017, "Pruning convolutional neural
networks for resource efficient inference")
    first-order estimate of the loss change when a weight or neuron is removed,
    with ``g_ij = (1/S) sum_n s_n a[n, i] delta[n, j]`` the full-data gradient:
    weight: ``|w_ij g_ij|``; neuron ``j``: ``|sum_k w_jk g_jk|`` (equal to
    ``|(1/S) sum_n s_n a[n, j] dL_n/da[n, j]|``, Molchanov's criterion).
``'random'``
    independent uniform scores: the honest baseline.

Input features
--------------
Scores of the input features ``j`` (columns of ``X``), used by
:class:`skprune.PruneSparsifyTransformer`; high scores are kept.

entropy (:func:`feature_entropy`)
    ``H_j``, the binned entropy above applied to column ``j`` of ``X``.
importance, MLP (:func:`mlp_input_importance`)
    ``S_j = sum_k |W0[j, k]|``, the input neuron's outgoing weights (pruned
    weights are zero and count nothing).
importance, linear model (:func:`linear_importance`)
    ``sum_o |coef[o, j]|`` over the outputs ``o`` (``|coef[j]|`` for one).
gradient, MLP (:func:`mlp_input_gradient`)
    ``G_j = (1/S) sum_n s_n |dL_n / dx[n, j]|``, the mean absolute data-loss
    gradient with respect to the input, ``dL_n/dx[n] = delta_0[n] W0^T``.
gradient, linear model (:func:`linear_gradient`)
    ``sum_o |coef[o, j]| * std_j``, with ``std_j`` (:func:`feature_std`) the
    sample-weighted population standard deviation
    ``sqrt((1/S) sum_n s_n (x[n, j] - mean_j)^2)`` of column ``j``: the change
    of the model's output when ``x_j`` moves by one standard deviation.
scaled by the spread (``scale_by_std=True``)
    the estimator-based scores above times ``std_j`` (the linear gradient
    already has the factor): weights and gradients measure how sensitive the
    model is to a feature, not how much the feature varies, so a rarely
    non-zero feature (a corner pixel) can score high while carrying little.
"""

import numpy as np
from scipy import sparse
from sklearn.neural_network._base import ACTIVATIONS, DERIVATIVES
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.sparsefuncs import mean_variance_axis

CRITERIA = ("magnitude", "entropy", "gradient", "taylor", "random")
ENTROPY_BINS = 32
CHUNK_SIZE = 2048
# a chunk holds at most this many values of its widest layer (or input), so
# memory stays bounded for wide inputs too (e.g. sparse text features)
CHUNK_VALUES = 1 << 20


def forward(X, coefs, intercepts, activation, out_activation):
    """Forward pass keeping every layer's output.

    Returns ``[X, a_1, ..., a_L]``; hidden layers use ``activation``, the last
    one ``out_activation`` (names from ``sklearn.neural_network._base``).
    """
    acts = [X]
    last = len(coefs) - 1
    for layer, (coef, intercept) in enumerate(zip(coefs, intercepts)):
        z = safe_sparse_dot(acts[-1], coef)
        z += intercept
        ACTIVATIONS[out_activation if layer == last else activation](z)
        acts.append(z)
    return acts


def backward(acts, coefs, Y, activation, sample_weight=None):
    """Per-sample loss derivatives w.r.t. each layer's pre-activations.

    ``deltas[l]`` has shape ``(n_samples, coefs[l].shape[1])``; the output delta
    is ``s_n (a_L - y)``, exact for sklearn's canonical loss/link pairs (softmax +
    log-loss, logistic + binary log-loss, identity + squared error, exp +
    Poisson).
    """
    delta = acts[-1] - Y
    if sample_weight is not None:
        delta *= sample_weight[:, None]
    deltas = [delta]
    for layer in range(len(coefs) - 1, 0, -1):
        delta = safe_sparse_dot(delta, coefs[layer].T)
        DERIVATIVES[activation](acts[layer], delta)
        deltas.append(delta)
    return deltas[::-1]


def entropy_from_counts(counts):
    """Row-wise entropy ``-sum p log p`` (nats) of a (n_neurons, n_bins) table."""
    counts = np.asarray(counts, dtype=float)
    total = counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(total > 0, counts / total, 0.0)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return 0.0 - plogp.sum(axis=1)  # 0.0, not -0.0, for constant neurons


def _bin_counts(A, lo, hi, sample_weight, n_bins):
    """Weighted histogram of each column of A into n_bins bins on [lo, hi]."""
    n_samples, n_cols = A.shape
    width = np.where(hi > lo, hi - lo, 1.0)
    idx = np.floor((A - lo) / width * n_bins).astype(np.int64)
    np.clip(idx, 0, n_bins - 1, out=idx)
    idx[:, hi <= lo] = 0
    flat = idx + np.arange(n_cols) * n_bins
    w = np.ones(n_samples) if sample_weight is None else sample_weight
    return np.bincount(
        flat.ravel(), weights=np.repeat(w, n_cols), minlength=n_cols * n_bins
    ).reshape(n_cols, n_bins)


def activation_entropy(A, sample_weight=None, n_bins=ENTROPY_BINS):
    """Binned entropy of each column of ``A`` (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._criteria import activation_entropy
    >>> A = np.array([[0.0, 5.0], [0.0, 5.0], [1.0, 5.0], [1.0, 5.0]])
    >>> activation_entropy(A, n_bins=2).round(4).tolist()  # log(2), constant
    [0.6931, 0.0]
    """
    A = np.asarray(A, dtype=float)
    counted = A if sample_weight is None else A[np.asarray(sample_weight) > 0]
    lo, hi = counted.min(axis=0), counted.max(axis=0)
    return entropy_from_counts(_bin_counts(A, lo, hi, sample_weight, n_bins))


def _chunks(n_samples, chunk_size, coefs=(), n_features=1):
    widest = max([n_features] + [max(c.shape) for c in coefs])
    chunk_size = max(1, min(chunk_size, CHUNK_VALUES // widest))
    for start in range(0, n_samples, chunk_size):
        yield slice(start, min(start + chunk_size, n_samples))


def _dense(A):
    return A.toarray() if sparse.issparse(A) else np.asarray(A)


def _layer_entropies(X, coefs, intercepts, activation, out_activation,
                     sample_weight, n_bins, chunk_size):
    """Entropy of every input feature and hidden neuron, in two chunked passes."""
    n_samples = X.shape[0]
    n_layers = len(coefs)  # entropies for layers 0..n_layers-1 (not the output)
    lo = [np.full(c.shape[0], np.inf) for c in coefs]
    hi = [np.full(c.shape[0], -np.inf) for c in coefs]
    for sl in _chunks(n_samples, chunk_size, coefs):
        # zero-weight samples do not count, not even for the bin edges
        rows = None if sample_weight is None else sample_weight[sl] > 0
        if rows is not None and not rows.any():
            continue
        acts = forward(X[sl], coefs, intercepts, activation, out_activation)
        for layer in range(n_layers):
            a = _dense(acts[layer])
            a = a if rows is None else a[rows]
            lo[layer] = np.minimum(lo[layer], a.min(axis=0))
            hi[layer] = np.maximum(hi[layer], a.max(axis=0))
    counts = [np.zeros((c.shape[0], n_bins)) for c in coefs]
    for sl in _chunks(n_samples, chunk_size, coefs):
        acts = forward(X[sl], coefs, intercepts, activation, out_activation)
        sw = None if sample_weight is None else sample_weight[sl]
        for layer in range(n_layers):
            counts[layer] += _bin_counts(_dense(acts[layer]), lo[layer], hi[layer],
                                         sw, n_bins)
    return [entropy_from_counts(c) for c in counts]


def _gradients(X, Y, coefs, intercepts, activation, out_activation,
               sample_weight, absolute, chunk_size):
    """Accumulated data-loss gradient of each weight: signed sum or sum of |.|."""
    grads = [np.zeros(c.shape) for c in coefs]
    for sl in _chunks(X.shape[0], chunk_size, coefs):
        acts = forward(X[sl], coefs, intercepts, activation, out_activation)
        sw = None if sample_weight is None else sample_weight[sl]
        deltas = backward(acts, coefs, Y[sl], activation, sw)
        for layer, delta in enumerate(deltas):
            a = acts[layer]
            if absolute:
                a = abs(a) if sparse.issparse(a) else np.abs(a)
                delta = np.abs(delta)
            grads[layer] += _dense(safe_sparse_dot(a.T, delta))
    total = X.shape[0] if sample_weight is None else float(np.sum(sample_weight))
    return [g / total for g in grads]


def compute_scores(criterion, granularity, coefs, intercepts, X=None, Y=None, *,
                   activation="relu", out_activation="softmax", sample_weight=None,
                   random_state=None, n_bins=ENTROPY_BINS, chunk_size=CHUNK_SIZE):
    """Importance scores of a network (see the module docstring for formulas).

    Parameters
    ----------
    criterion : {'magnitude', 'entropy', 'gradient', 'taylor', 'random'}
    granularity : {'weight', 'neuron'}
    coefs, intercepts : lists of ndarray
        The network, as in sklearn's ``coefs_`` and ``intercepts_``.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features), default=None
        Data, needed by 'entropy', 'gradient' and 'taylor'.
    Y : ndarray of shape (n_samples, n_outputs), default=None
        Encoded targets (one-hot / binarized for classifiers), needed by
        'gradient' and 'taylor'.
    activation, out_activation : str
        Hidden and output activation names, as sklearn's ``activation`` and
        ``out_activation_``.
    sample_weight : ndarray of shape (n_samples,), default=None
    random_state : numpy.random.RandomState, default=None
        Used by 'random' only.
    n_bins : int, default=ENTROPY_BINS
        Histogram bins of the 'entropy' criterion.
    chunk_size : int, default=CHUNK_SIZE
        Rows processed at a time (bounds the memory of the passes over X).

    Returns
    -------
    scores : list of ndarray
        For 'weight', arrays shaped like ``coefs``; for 'neuron', one vector
        per hidden layer (``len(coefs) - 1`` of them).
    """
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}, got {criterion!r}.")
    if granularity not in ("weight", "neuron"):
        raise ValueError(
            f"granularity must be 'weight' or 'neuron', got {granularity!r}."
        )
    neuron = granularity == "neuron"
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=float)

    if criterion == "random":
        rng = np.random.mtrand._rand if random_state is None else random_state
        if neuron:
            return [rng.uniform(size=c.shape[1]) for c in coefs[:-1]]
        return [rng.uniform(size=c.shape) for c in coefs]

    if criterion == "magnitude":
        mags = [np.abs(c) for c in coefs]
        return [m.sum(axis=1) for m in mags[1:]] if neuron else mags

    if criterion == "entropy":
        ent = _layer_entropies(X, coefs, intercepts, activation, out_activation,
                               sample_weight, n_bins, chunk_size)
        if neuron:
            return ent[1:]
        return [np.abs(c) * h[:, None] for c, h in zip(coefs, ent)]

    absolute = criterion == "gradient"
    grads = _gradients(X, Y, coefs, intercepts, activation, out_activation,
                       sample_weight, absolute, chunk_size)
    if criterion == "gradient":
        return [g.sum(axis=1) for g in grads[1:]] if neuron else grads
    wg = [c * g for c, g in zip(coefs, grads)]
    if neuron:
        return [np.abs(x.sum(axis=1)) for x in wg[1:]]
    return [np.abs(x) for x in wg]


# -- input-feature scores (formulas in the module docstring) ---------------


def feature_entropy(X, sample_weight=None, n_bins=ENTROPY_BINS,
                    chunk_size=CHUNK_SIZE):
    """Binned entropy of each column of ``X`` (dense or sparse), chunked.

    Equals :func:`activation_entropy` of ``X``, in two passes over row chunks
    so that a sparse ``X`` is never densified whole.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._criteria import feature_entropy
    >>> X = np.array([[0.0, 5.0], [0.0, 5.0], [1.0, 5.0], [1.0, 5.0]])
    >>> feature_entropy(X, n_bins=2).round(4).tolist()
    [0.6931, 0.0]
    """
    n_samples, n_features = X.shape
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=float)
    lo = np.full(n_features, np.inf)
    hi = np.full(n_features, -np.inf)
    for sl in _chunks(n_samples, chunk_size, n_features=n_features):
        a = _dense(X[sl]).astype(float, copy=False)
        if sample_weight is not None:
            a = a[sample_weight[sl] > 0]  # zero-weight rows set no bin edge
        if a.shape[0]:
            lo = np.minimum(lo, a.min(axis=0))
            hi = np.maximum(hi, a.max(axis=0))
    counts = np.zeros((n_features, n_bins))
    for sl in _chunks(n_samples, chunk_size, n_features=n_features):
        sw = None if sample_weight is None else sample_weight[sl]
        counts += _bin_counts(_dense(X[sl]).astype(float, copy=False), lo, hi, sw,
                              n_bins)
    return entropy_from_counts(counts)


def mlp_input_importance(coefs):
    """``S_j = sum_k |W0[j, k]|`` for every input feature ``j``."""
    return np.abs(coefs[0]).sum(axis=1)


def mlp_input_gradient(X, Y, coefs, intercepts, activation, out_activation,
                       sample_weight=None, chunk_size=CHUNK_SIZE):
    """``G_j = (1/S) sum_n s_n |dL_n / dx[n, j]|`` (mean absolute input gradient).

    ``X`` may be sparse; ``Y`` is encoded as in :func:`compute_scores`.
    """
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=float)
    total = np.zeros(coefs[0].shape[0])
    for sl in _chunks(X.shape[0], chunk_size, coefs):
        acts = forward(X[sl], coefs, intercepts, activation, out_activation)
        sw = None if sample_weight is None else sample_weight[sl]
        # deltas[0] already carries s_n >= 0, so |s_n g| = s_n |g|
        delta = backward(acts, coefs, Y[sl], activation, sw)[0]
        total += np.abs(delta @ coefs[0].T).sum(axis=0)
    n = X.shape[0] if sample_weight is None else float(np.sum(sample_weight))
    return total / n


def linear_importance(coef):
    """``sum_o |coef[o, j]|`` (``coef`` 1-D or 2-D, dense or sparse)."""
    if sparse.issparse(coef):  # after sparsify(); SGDRegressor's can be 1-D CSR
        coef = coef if coef.format == "csr" else coef.tocsr()
        return np.bincount(coef.indices, weights=np.abs(coef.data),
                           minlength=coef.shape[-1]).astype(float)
    coef = np.abs(np.asarray(coef, dtype=float))
    return coef if coef.ndim == 1 else coef.sum(axis=0)


def linear_gradient(coef, X, sample_weight=None):
    """``sum_o |coef[o, j]| * std_j`` with the sample-weighted std of column j."""
    return linear_importance(coef) * feature_std(X, sample_weight)


def feature_std(X, sample_weight=None):
    """Sample-weighted population standard deviation of each column of X."""
    if sparse.issparse(X):
        _, var = mean_variance_axis(sparse.csr_matrix(X, dtype=float), axis=0,
                                    weights=sample_weight)
        return np.sqrt(np.maximum(var, 0.0))
    X = np.asarray(X, dtype=float)
    mean = np.average(X, axis=0, weights=sample_weight)
    var = np.average((X - mean) ** 2, axis=0, weights=sample_weight)
    return np.sqrt(var)
