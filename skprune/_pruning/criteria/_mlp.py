"""Importance scores of a network's weights and neurons (the MLP family).

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

Criteria (:data:`MLP_CRITERIA`)
-------------------------------
``'magnitude'`` (the "feature importance" S = sum |w|)
    weight: ``|w_ij|``; neuron ``j``: ``S_j = sum_k |w_jk|`` over its outgoing
    weights.
``'entropy'`` (I = -sum p log p)
    ``H_i``, the binned entropy of neuron ``i``'s output over the data
    (:mod:`skprune._pruning.criteria._stats`); weight ``w_ij``: ``|w_ij| * H_i`` with
    ``i`` the source neuron (an input feature for the first layer); neuron
    ``j``: ``H_j``.
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

Input features of a network (used by :class:`skprune.PruneSparsifyTransformer`)
------------------------------------------------------------------------------
importance (:func:`mlp_input_importance`)
    ``S_j = sum_k |W0[j, k]|``, the input neuron's outgoing weights (pruned
    weights are zero and count nothing).
gradient (:func:`mlp_input_gradient`)
    ``G_j = (1/S) sum_n s_n |dL_n / dx[n, j]|``, the mean absolute data-loss
    gradient with respect to the input, ``dL_n/dx[n] = delta_0[n] W0^T``.

Every pass over ``X`` runs in chunks of at most ``chunk_size`` rows (and
:data:`~skprune._pruning.criteria._stats.CHUNK_VALUES` values of the widest layer).
"""

import numpy as np
from scipy import sparse
from sklearn.utils.extmath import safe_sparse_dot

from ..._sklearn_compat import ACTIVATIONS, DERIVATIVES, global_random_state
from ._registry import Criterion, registry
from ._stats import ENTROPY_BINS, bin_counts, dense, entropy_from_counts, row_chunks

CHUNK_SIZE = 2048
GRANULARITIES = ("weight", "neuron")


def forward(X, coefs, intercepts, activation, out_activation):
    """Forward pass keeping every layer's output.

    Returns ``[X, a_1, ..., a_L]``; hidden layers use ``activation``, the last
    one ``out_activation`` (names of sklearn's MLP activations).
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


#: hidden activations of one scoring pass kept in memory for the next (values)
KEEP_VALUES = 1 << 23


def _chunks(n_samples, chunk_size, coefs):
    widest = max([1] + [max(c.shape) for c in coefs])
    return row_chunks(n_samples, widest, max_rows=chunk_size)


def _layer_entropies(
    X, coefs, intercepts, activation, out_activation, sample_weight, n_bins, chunk_size
):
    """Entropy of every input feature and hidden neuron, in two chunked passes.

    The first pass finds each column's range, the second bins it. The hidden
    activations of the first pass are kept for the second when they hold at
    most ``KEEP_VALUES`` values (else recomputed): the same numbers, one
    forward pass fewer.
    """
    n_samples = X.shape[0]
    n_layers = len(coefs)  # entropies for layers 0..n_layers-1 (not the output)
    lo = [np.full(c.shape[0], np.inf) for c in coefs]
    hi = [np.full(c.shape[0], -np.inf) for c in coefs]
    hidden_width = sum(c.shape[0] for c in coefs[1:])
    kept = [] if n_samples * hidden_width <= KEEP_VALUES else None
    for sl in _chunks(n_samples, chunk_size, coefs):
        acts = forward(X[sl], coefs, intercepts, activation, out_activation)
        if kept is not None:
            kept.append(acts[1:n_layers])
        # zero-weight samples do not count, not even for the bin edges
        rows = None if sample_weight is None else sample_weight[sl] > 0
        if rows is not None and not rows.any():
            continue
        for layer in range(n_layers):
            a = dense(acts[layer])
            a = a if rows is None else a[rows]
            lo[layer] = np.minimum(lo[layer], a.min(axis=0))
            hi[layer] = np.maximum(hi[layer], a.max(axis=0))
    counts = [np.zeros((c.shape[0], n_bins)) for c in coefs]
    for i, sl in enumerate(_chunks(n_samples, chunk_size, coefs)):
        if kept is not None:
            acts = [X[sl], *kept[i]]
        else:
            acts = forward(X[sl], coefs, intercepts, activation, out_activation)
        sw = None if sample_weight is None else sample_weight[sl]
        for layer in range(n_layers):
            counts[layer] += bin_counts(
                dense(acts[layer]), lo[layer], hi[layer], sw, n_bins
            )
    return [entropy_from_counts(c) for c in counts]


def _gradients(
    X,
    Y,
    coefs,
    intercepts,
    activation,
    out_activation,
    sample_weight,
    absolute,
    chunk_size,
):
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
            grads[layer] += dense(safe_sparse_dot(a.T, delta))
    total = X.shape[0] if sample_weight is None else float(np.sum(sample_weight))
    return [g / total for g in grads]


# -- the criteria: fn(coefs, intercepts, X, Y, neuron, options) -> scores ------


def _magnitude(coefs, intercepts, X, Y, neuron, o):
    mags = [np.abs(c) for c in coefs]
    return [m.sum(axis=1) for m in mags[1:]] if neuron else mags


def _entropy(coefs, intercepts, X, Y, neuron, o):
    ent = _layer_entropies(
        X,
        coefs,
        intercepts,
        o["activation"],
        o["out_activation"],
        o["sample_weight"],
        o["n_bins"],
        o["chunk_size"],
    )
    if neuron:
        return ent[1:]
    return [np.abs(c) * h[:, None] for c, h in zip(coefs, ent)]


def _gradient(coefs, intercepts, X, Y, neuron, o):
    grads = _gradients(
        X,
        Y,
        coefs,
        intercepts,
        o["activation"],
        o["out_activation"],
        o["sample_weight"],
        True,
        o["chunk_size"],
    )
    return [g.sum(axis=1) for g in grads[1:]] if neuron else grads


def _taylor(coefs, intercepts, X, Y, neuron, o):
    grads = _gradients(
        X,
        Y,
        coefs,
        intercepts,
        o["activation"],
        o["out_activation"],
        o["sample_weight"],
        False,
        o["chunk_size"],
    )
    wg = [c * g for c, g in zip(coefs, grads)]
    if neuron:
        return [np.abs(x.sum(axis=1)) for x in wg[1:]]
    return [np.abs(x) for x in wg]


def _random(coefs, intercepts, X, Y, neuron, o):
    rng = o["random_state"]
    rng = global_random_state() if rng is None else rng
    if neuron:
        return [rng.uniform(size=c.shape[1]) for c in coefs[:-1]]
    return [rng.uniform(size=c.shape) for c in coefs]


#: The network criteria: name -> :class:`~skprune.criteria.Criterion` (the
#: ``prune_criterion`` values of ``PrunedMLPClassifier``/``PrunedMLPRegressor``).
MLP_CRITERIA = registry(
    Criterion(
        "magnitude",
        _magnitude,
        frozenset(),
        'the "feature importance" ``S = sum |w|`` (``|w|`` per weight; '
        "sum of a neuron's outgoing ``|w|`` per neuron);",
    ),
    Criterion(
        "entropy",
        _entropy,
        frozenset({"X"}),
        "``I = -sum p log p`` of a neuron's output over the training "
        "data, in 32 equal-width bins between its min and max; a weight "
        "scores ``|w|`` times the entropy of its source neuron;",
    ),
    Criterion(
        "gradient",
        _gradient,
        frozenset({"X", "Y"}),
        "``G = sum |g|``, the absolute per-sample training-loss "
        "gradients accumulated over the training data;",
    ),
    Criterion(
        "taylor",
        _taylor,
        frozenset({"X", "Y"}),
        "``|w g|`` with ``g`` the full-data gradient (Molchanov et al. 2017);",
    ),
    Criterion(
        "random",
        _random,
        frozenset({"random_state"}),
        "uniform scores, the baseline every criterion must beat.",
    ),
)


def compute_scores(
    criterion,
    granularity,
    coefs,
    intercepts,
    X=None,
    Y=None,
    *,
    activation="relu",
    out_activation="softmax",
    sample_weight=None,
    random_state=None,
    n_bins=ENTROPY_BINS,
    chunk_size=CHUNK_SIZE,
):
    """Importance scores of a network (see the module docstring for formulas).

    Parameters
    ----------
    criterion : str
        A name of :data:`MLP_CRITERIA`.
    granularity : {'weight', 'neuron'}
    coefs, intercepts : lists of ndarray
        The network, as in sklearn's ``coefs_`` and ``intercepts_``.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features), default=None
        Data, needed by the criteria whose ``needs`` hold 'X'.
    Y : ndarray of shape (n_samples, n_outputs), default=None
        Encoded targets (one-hot / binarized for classifiers), needed by the
        criteria whose ``needs`` hold 'Y'.
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
    if criterion not in MLP_CRITERIA:
        raise ValueError(
            f"criterion must be one of {tuple(MLP_CRITERIA)}, got {criterion!r}."
        )
    if granularity not in GRANULARITIES:
        raise ValueError(
            f"granularity must be 'weight' or 'neuron', got {granularity!r}."
        )
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=float)
    options = dict(
        activation=activation,
        out_activation=out_activation,
        sample_weight=sample_weight,
        random_state=random_state,
        n_bins=n_bins,
        chunk_size=chunk_size,
    )
    return MLP_CRITERIA[criterion].function(
        coefs, intercepts, X, Y, granularity == "neuron", options
    )


def mlp_input_importance(coefs):
    """``S_j = sum_k |W0[j, k]|`` for every input feature ``j``."""
    return np.abs(coefs[0]).sum(axis=1)


def mlp_input_gradient(
    X,
    Y,
    coefs,
    intercepts,
    activation,
    out_activation,
    sample_weight=None,
    chunk_size=CHUNK_SIZE,
):
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
