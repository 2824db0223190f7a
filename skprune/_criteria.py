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
"""

import numpy as np
from scipy import sparse
from sklearn.neural_network._base import ACTIVATIONS, DERIVATIVES
from sklearn.utils.extmath import safe_sparse_dot

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


def _chunks(n_samples, chunk_size, coefs):
    widest = max(max(c.shape) for c in coefs)
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
