"""The compact codec of a pruned network: what a pickle/joblib file holds.

A fitted pruned MLP is written without its optimizer state, dense copies or
compressed network (:data:`NOT_PERSISTED` in the estimator's module): every
masked layer becomes CSR parts over the mask's positions
(:func:`pack_layer`), in the smallest integer types that hold its indices,
and the masks are not written (a stored weight is a kept one, a zero weight
included). On load, :func:`skprune._files._validate.check_mlp_state` refuses
a file whose fitted network is inconsistent (corrupted or edited) with one
clear ``ValueError`` before anything is rebuilt, and :func:`unpack_layer`
gives back the full-shape weights and the masks.

>>> import numpy as np
>>> coef = np.array([[1.5, 0.0], [0.0, -2.0]])
>>> packed = pack_layer(coef, coef != 0)
>>> packed["indptr"].tolist(), packed["indices"].tolist(), packed["data"].tolist()
([0, 1, 2], [0, 1], [1.5, -2.0])
>>> back, mask = unpack_layer(packed)
>>> bool((back == coef).all()), mask.tolist()
(True, [[True, False], [False, True]])
"""

import numpy as np

#: state key that marks a fitted network written in the packed form
PACKED_FLAG = "_coefs_packed"


def pack_layer(coef, mask):
    """A masked layer as CSR parts over the mask's positions (smallest ints)."""
    rows, cols = np.nonzero(mask)
    indptr = np.searchsorted(rows, np.arange(mask.shape[0] + 1))
    small = np.uint16 if mask.shape[1] <= np.iinfo(np.uint16).max else np.uint32
    return {
        "shape": tuple(int(n) for n in mask.shape),
        "indptr": indptr.astype(np.uint32 if rows.size < 2**32 else np.uint64),
        "indices": cols.astype(small),
        "data": coef[rows, cols],
    }


def unpack_layer(packed):
    """Full-shape weights and mask back from :func:`pack_layer`."""
    shape = packed["shape"]
    # int64: a (checked) indptr never exceeds the number of stored weights,
    # and np.repeat refuses uint64 counts
    indptr = np.asarray(packed["indptr"]).astype(np.int64)
    rows = np.repeat(np.arange(shape[0]), np.diff(indptr))
    cols = np.asarray(packed["indices"], dtype=np.int64)
    data = np.asarray(packed["data"])
    coef = np.zeros(shape, dtype=data.dtype)
    mask = np.zeros(shape, dtype=bool)
    coef[rows, cols] = data
    mask[rows, cols] = True
    return coef, mask


def pack_network(state, not_persisted):
    """``state`` (an MLP's ``__getstate__``) with its masked layers packed.

    Unchanged when the network has no masks (not fitted by skprune) or no
    weights; otherwise the keys ``not_persisted`` are dropped, ``coefs_``
    becomes a list of :func:`pack_layer` dicts and ``masks_`` goes.
    """
    if state.get("masks_") is None or "coefs_" not in state:
        return state
    for key in not_persisted:
        state.pop(key, None)
    masks = state.pop("masks_")
    state["coefs_"] = [pack_layer(c, m) for c, m in zip(state["coefs_"], masks)]
    state[PACKED_FLAG] = True
    return state


def unpack_network(state):
    """``state`` read from a file with its packed layers expanded (``coefs_``
    and ``masks_`` full-shape again). The state must have passed
    :func:`skprune._files._validate.check_mlp_state` (the caller's
    ``__setstate__`` runs it first): nothing here checks the parts."""
    if state.pop(PACKED_FLAG, False):
        unpacked = [unpack_layer(p) for p in state["coefs_"]]
        state["coefs_"] = [c for c, _ in unpacked]
        state["masks_"] = [m for _, m in unpacked]
    return state
