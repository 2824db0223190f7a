"""The compact codec of a pruned network: what a pickle/joblib file holds.

A fitted pruned MLP is written without its optimizer state, dense copies or
compressed network (:data:`NOT_PERSISTED` in the estimator's module): every
masked layer becomes CSR parts over the mask's positions
(:func:`pack_layer`), in the smallest integer types that hold its indices,
and the masks are not written (a stored weight is a kept one, a zero weight
included). On load, :func:`check_packed_state` refuses a file whose fitted
network is inconsistent (corrupted or edited) with one clear ``ValueError``
before anything is rebuilt, and :func:`unpack_layer` gives back the
full-shape weights and the masks.

>>> import numpy as np
>>> coef = np.array([[1.5, 0.0], [0.0, -2.0]])
>>> packed = pack_layer(coef, coef != 0)
>>> packed["indptr"].tolist(), packed["indices"].tolist(), packed["data"].tolist()
([0, 1, 2], [0, 1], [1.5, -2.0])
>>> back, mask = unpack_layer(packed)
>>> bool((back == coef).all()), mask.tolist()
(True, [[True, False], [False, True]])
"""

from numbers import Integral

import numpy as np

# the activations the compiled network computes (a file naming another one
# is refused); numba-free constants of the serving wing
from .._serving import HIDDEN_CODES, OUTPUT_CODES

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
    shape, indptr = packed["shape"], np.asarray(packed["indptr"])
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


def unpack_network(state, name):
    """``state`` read from a file with its packed layers checked and expanded
    (``coefs_`` and ``masks_`` full-shape again); ``name`` names the estimator
    in the error of :func:`check_packed_state`."""
    if state.pop(PACKED_FLAG, False):
        check_packed_state(state, name)
        unpacked = [unpack_layer(p) for p in state["coefs_"]]
        state["coefs_"] = [c for c, _ in unpacked]
        state["masks_"] = [m for _, m in unpacked]
    return state


def check_packed_state(state, name):
    """Raise one clear ValueError when a file's fitted network is inconsistent
    (a corrupted or hand-edited file): every packed layer a dict of consistent
    CSR parts, layers that chain, biases that fit, known activations."""

    def bad(problem):
        raise ValueError(
            f"Cannot load {name}: the file's fitted network is invalid "
            f"(corrupted or edited?): {problem}."
        )

    coefs = state.get("coefs_")
    if not isinstance(coefs, (list, tuple)) or not coefs:
        bad("coefs_ is not a non-empty list of packed layers")
    for i, packed in enumerate(coefs):
        if not isinstance(packed, dict):
            bad(f"coefs_[{i}] is a {type(packed).__name__}, not a packed layer (dict)")
        missing = {"shape", "indptr", "indices", "data"} - set(packed)
        if missing:
            bad(f"coefs_[{i}] lacks {sorted(missing)}")
        shape = packed["shape"]
        if not (
            isinstance(shape, (tuple, list))
            and len(shape) == 2
            and all(isinstance(n, Integral) and n >= 1 for n in shape)
        ):
            bad(f"coefs_[{i}] has shape {shape!r}, not two positive ints")
        indptr, indices, data = (
            np.asarray(packed[k]) for k in ("indptr", "indices", "data")
        )
        if not all(a.ndim == 1 for a in (indptr, indices, data)):
            bad(f"coefs_[{i}]: indptr, indices and data must be 1-D")
        if indptr.dtype.kind not in "iu" or indices.dtype.kind not in "iu":
            bad(f"coefs_[{i}]: indptr and indices must be integers")
        if data.dtype.kind != "f":
            bad(f"coefs_[{i}]: data has dtype {data.dtype}, not float")
        n_rows, n_cols = shape
        if (
            indptr.size != n_rows + 1
            or indptr[0] != 0
            or np.any(np.diff(indptr.astype(np.int64)) < 0)
            or indptr[-1] != indices.size
            or indices.size != data.size
        ):
            bad(
                f"coefs_[{i}] of shape {tuple(shape)} has inconsistent indptr "
                f"({indptr.size} entries ending at "
                f"{indptr[-1] if indptr.size else None}), "
                f"indices ({indices.size}) and data ({data.size})"
            )
        if indices.size and (indices.min() < 0 or indices.max() >= n_cols):
            bad(
                f"coefs_[{i}] of shape {tuple(shape)} has column indices outside "
                f"[0, {n_cols})"
            )
        if i and coefs[i - 1]["shape"][1] != n_rows:
            bad(
                f"coefs_[{i - 1}] has {coefs[i - 1]['shape'][1]} outputs but "
                f"coefs_[{i}] has {n_rows} inputs"
            )
    intercepts = state.get("intercepts_")
    if not isinstance(intercepts, (list, tuple)) or len(intercepts) != len(coefs):
        bad(f"intercepts_ must be a list of {len(coefs)} arrays")
    for i, (b, packed) in enumerate(zip(intercepts, coefs)):
        if np.shape(b) != (packed["shape"][1],):
            bad(
                f"intercepts_[{i}] has shape {np.shape(b)}, expected "
                f"({packed['shape'][1]},)"
            )
    for key, allowed in (
        ("activation", HIDDEN_CODES),
        ("_network_activation", HIDDEN_CODES),
        ("out_activation_", OUTPUT_CODES),
    ):
        if key in state and state[key] not in allowed:
            bad(f"{key}={state[key]!r} is not one of {sorted(allowed)}")
