"""From importance scores to boolean keep-masks.

Masks are lists of boolean arrays shaped like sklearn's ``coefs_``: ``True`` keeps
a connection weight, ``False`` pins it to exactly zero. Pruning is monotone: a
weight or neuron pruned once stays pruned (its score is taken as ``-inf``).

Scope
-----
``'layer'``
    every layer (weights) or hidden layer (neurons) loses the same fraction.
``'global'``
    one ranking across layers, after dividing each layer's scores by the L2 norm
    of its still-alive scores (Molchanov et al. 2017), so that criteria whose raw
    scale differs between layers (gradients, entropies times weights) compare
    fairly. The L2 norm grows with the number of entries, so large layers, which
    are the most redundant, lose a larger fraction than small ones (the output
    layer stays denser). (Why L2 and not the mean, ERK or raw scores:
    ``docs/benchmarks.rst``.)

Whatever the scope, one weight per layer is never pruned, chosen to form a
connected path from an input to an output (the best-scored weight between
neurons that lie on an input -> output path, then the best such weight out of
the neuron it reaches, ...), and one neuron of every hidden layer is never
pruned (the best-scored one, chosen along such a path): no layer is ever
emptied and the network never falls apart into a constant.
The number removed is ``floor(target * total)`` (never fewer than the entries
already pruned), capped so that the protected entries stay: ``total`` counts
all weights (neurons) for ``'global'`` and each layer's own for ``'layer'``.
So the achieved sparsity is at least ``target - 1 / total`` overall for
``'global'`` and per layer for ``'layer'`` (where the overall sparsity can fall
up to one weight per layer short: three-weight layers at 60% lose one weight
each, 33%), unless the protected weights (neurons) are all that is left.
"""

import numpy as np

SCOPES = ("global", "layer")


def _n_to_prune(target, total, already, protected):
    k = int(np.floor(target * total + 1e-9))
    return min(max(k, already), total - protected)


def _select(flat_scores, k):
    """Keep-mask that drops the k lowest scores (stable: ties by position)."""
    keep = np.ones(flat_scores.shape[0], dtype=bool)
    if k > 0:
        keep[np.argsort(flat_scores, kind="stable")[:k]] = False
    return keep


def _prepared(scores, alive, normalise, protected):
    """Flat float scores: dead -> -inf, the protected entry -> +inf,
    optionally divided by the L2 norm of the alive scores."""
    s = np.asarray(scores, dtype=float).ravel().copy()
    alive = np.asarray(alive, dtype=bool).ravel()
    s[~np.isfinite(s)] = 0.0
    if normalise and alive.any():
        norm = np.sqrt(np.sum(s[alive] ** 2))
        if np.isfinite(norm) and norm > 0:
            s /= norm
    s[~alive] = -np.inf
    if protected is not None:
        s[protected] = np.inf
    return s


def _best_alive(scores, alive):
    """Flat index of the best-scored alive entry, or None."""
    s = np.where(alive, np.nan_to_num(np.asarray(scores, dtype=float)), -np.inf)
    best = int(np.argmax(s))
    return best if np.isfinite(s.flat[best]) else None


def on_path(masks):
    """Per layer of neurons (inputs, hidden layers, outputs): is the neuron on
    a path of kept weights from an input to an output?"""
    masks = [np.asarray(m, dtype=bool) for m in masks]
    forward = [np.ones(masks[0].shape[0], dtype=bool)]
    for mask in masks:
        forward.append(mask[forward[-1]].any(axis=0))
    backward = [np.ones(masks[-1].shape[1], dtype=bool)]
    for mask in reversed(masks):
        backward.insert(0, mask[:, backward[0]].any(axis=1))
    return [f & b for f, b in zip(forward, backward)]


def connected(masks):
    """Does a path of kept weights lead from some input to some output?"""
    return bool(on_path(masks)[-1].any())


def _protected_path(scores, masks):
    """One alive weight per layer, chained input -> output where possible.

    From the input: the best weight between two neurons that lie on a complete
    input -> output path of kept weights, then the best such weight out of the
    neuron it reaches, and so on. Whenever the masks are connected this is a
    complete path, so the kept network stays connected however far it is
    pruned (if they are not, each layer still keeps its best alive weight).
    """
    on = on_path(masks)
    path, source = [], None
    for layer, (score, mask) in enumerate(zip(scores, masks)):
        mask = np.asarray(mask, dtype=bool)
        useful = mask & on[layer][:, None] & on[layer + 1][None, :]
        candidates = useful
        if source is not None and useful[source].any():
            candidates = np.zeros_like(useful)
            candidates[source] = useful[source]
        best = _best_alive(score, candidates if candidates.any() else mask)
        path.append(best)
        source = None if best is None else np.unravel_index(best, mask.shape)[1]
    return path


def _protected_neurons(scores, alive, masks):
    """The best-scored alive neuron of each hidden layer; with ``masks``,
    chosen among the neurons on a complete input -> output path and fed by the
    previous layer's choice, so the kept neurons stay connected."""
    if masks is None:
        return [_best_alive(s, a) for s, a in zip(scores, alive)]
    on = on_path(masks)
    protected, source = [], None
    for layer, (score, keep) in enumerate(zip(scores, alive)):
        candidates = np.asarray(keep, dtype=bool) & on[layer + 1]
        if source is not None:
            fed = candidates & np.asarray(masks[layer], dtype=bool)[source]
            candidates = fed if fed.any() else candidates
        best = _best_alive(score, candidates if candidates.any() else keep)
        protected.append(best)
        source = best
    return protected


def _prune(scores, alive, target, scope, protected):
    """Shared ranking for weights and neurons: returns new alive flags, flat."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, got {scope!r}.")
    norm = scope == "global"
    prepared = [_prepared(s, a, norm, p) for s, a, p in zip(scores, alive, protected)]
    if scope == "layer":
        out = []
        for s in prepared:
            k = _n_to_prune(
                target, s.size, int(np.sum(s == -np.inf)), int(np.sum(s == np.inf))
            )
            out.append(_select(s, k))
        return out
    flat = np.concatenate(prepared)
    k = _n_to_prune(
        target, flat.size, int(np.sum(flat == -np.inf)), int(np.sum(flat == np.inf))
    )
    keep = _select(flat, k)
    return np.split(keep, np.cumsum([s.size for s in prepared])[:-1])


def prune_weights(scores, masks, target, scope="global"):
    """New weight masks reaching ``target`` sparsity over all connection weights.

    Parameters
    ----------
    scores : list of ndarray
        One score per weight, shaped like each layer's coefficients.
    masks : list of bool ndarray
        Current keep-masks (same shapes); pruned weights stay pruned.
    target : float in [0, 1)
        Fraction of weights pruned afterwards (per layer for ``'layer'``).
    scope : {'global', 'layer'}

    Returns
    -------
    masks : list of bool ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._pruning._masks import prune_weights
    >>> s = [np.array([[1.0, 4.0], [3.0, 2.0]])]
    >>> prune_weights(s, [np.ones((2, 2), bool)], 0.5, "layer")[0].tolist()
    [[False, True], [True, False]]
    """
    keep = _prune(
        scores,
        masks,
        target,
        scope,
        _protected_path(scores, masks),
    )
    return [k.reshape(np.shape(m)) for k, m in zip(keep, masks)]


def prune_neurons(scores, alive, target, scope="global", masks=None):
    """New alive flags per hidden layer reaching ``target`` of neurons removed.

    ``scores`` and ``alive`` hold one vector per hidden layer; the best-scored
    alive neuron of each hidden layer is never pruned. Given the current weight
    ``masks``, these protected neurons are chosen along a path of kept weights
    from an input to an output (the best-scored neuron on such a path, then the
    best one it feeds, ...), so a network whose masks are already sparse (e.g.
    by ``sparsity_threshold``) never falls apart.
    """
    protected = _protected_neurons(scores, alive, masks)
    return _prune(scores, alive, target, scope, protected)


def neuron_alive(masks):
    """Per hidden layer: does the neuron keep any incoming or outgoing weight?"""
    return [
        m_in.any(axis=0) | m_out.any(axis=1)
        for m_in, m_out in zip(masks[:-1], masks[1:])
    ]


def neuron_masks(alive, masks):
    """Weight masks with every weight into or out of a dead neuron removed."""
    out = [m.copy() for m in masks]
    for layer, keep in enumerate(alive):
        out[layer][:, ~keep] = False
        out[layer + 1][~keep, :] = False
    return out


def threshold_masks(coefs, masks, threshold):
    """Masks with every weight ``|w| < threshold`` removed.

    If that would leave no path of kept weights from an input to an output
    (a constant network, or an emptied layer), the connected path of largest
    ``|w|`` chosen as in pruning is kept as well, so no layer is ever emptied
    and the network never falls apart into a constant.
    """
    out = [mask & (np.abs(coef) >= threshold) for coef, mask in zip(coefs, masks)]
    if not connected(out):
        path = _protected_path([np.abs(c) for c in coefs], masks)
        for new, best in zip(out, path):
            if best is not None:
                new.flat[best] = True
    return out
