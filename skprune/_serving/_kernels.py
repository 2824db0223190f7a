"""The compiled forward pass of a compressed MLP (numba), tile by tile.

Rules (what one call of :func:`forward` does for rows ``start:stop`` of X):

1. **X is read once, in place.** Rows go ``TILE`` (64) at a time, in blocks
   of 8 rows, cast to the network's dtype on the way into a small
   neuron-major buffer. Two ways, fixed per network (``transposed``):

   - *by columns of X* (the first layer is CSR, whose indices then name
     columns of X, or it reads every column): the 8 x 8 blocks of X that hold
     a column the first layer reads (``blocks``, their first columns, in
     order) are transposed in registers
     (:func:`skprune._serving._tile_ir.transpose8`), which also returns
     whether every value of the block is finite; the other blocks are only
     checked (never written to the tile), so the NaN/inf check still covers
     *all* of X and costs no pass of its own;
   - otherwise the block is first checked over all its columns and the
     columns the first layer reads (``index``) are gathered from it.

   The check is ``abs(x) < inf`` (False exactly for NaN and +-inf), and-ed
   over the block: a comparison vectorises under strict IEEE rules too, and
   no fast-math rewrite can drop it. (``acc += x * 0.0``, NaN iff some ``x``
   is not finite, did not vectorise here, and numba 0.59's LLVM folds it to ``acc``
   under 'reassoc' + 'contract': NaN in the last rows of a batch went
   through unchecked.)

   Nothing of the size of X is copied.
2. **Activations are neuron-major**, ``(n_neurons, TILE)``, C order, so every
   layer maps a buffer to a buffer:

   - a *sparse* layer is CSR of ``W.T`` (one row per output neuron) and costs
     one ``TILE``-wide fused multiply-add per stored weight,
     ``z += W[i, j] * A[i, :]``, into an accumulator that stays in registers
     for the whole row (:mod:`skprune._serving._tile_ir`);
   - a *dense* layer is one BLAS ``gemm``, ``Z = W.T @ A``.

   The bias is the accumulator's starting value (sparse) or added in the same
   loop as the hidden activation (dense); the hidden activation runs on the
   row just computed, while it is in cache.
3. **The output activation** (identity, logistic or softmax over the outputs)
   is applied per sample as the tile is written to ``out`` (row ``r`` of X
   goes to row ``r - start`` of ``out``), in ``out``'s dtype.

4. **No argument is trusted blindly.** numba compiles without bounds checks,
   so before anything is read, :func:`arguments_fit` checks that the rows,
   the columns the first layer reads, ``out``, the buffers and every layer's
   offsets fit the arrays they index (status 4 otherwise), at a cost that
   does not grow with the number of weights or rows.

The scratch buffers come from the caller (:func:`buffers`; one set per thread
and network), so a call allocates nothing. The return value is a status: 0 ok,
1 X holds NaN/inf (the caller raises sklearn's error), 2 a finite float64
value of X overflowed the float32
network's dtype, 3 the float32 network overflowed (a non-finite output
pre-activation), 4 the arguments do not fit together (rule 4). Checks
2 and 3 run only when asked (``check_range``; check 2 only for float64 X, as
float32 X cannot overflow the cast): a float64 network returns what sklearn
returns.

Compilation happens once per (X dtype, network dtype, out dtype) and is cached
on disk by numba (``cache=True``); where no cache directory is writable the
functions still compile, in memory, once per process.
numba's cache is keyed on this file's source stamp only: after editing
:mod:`skprune._serving._tile_ir` alone, touch this file (an installed new version
replaces both, so users never meet a stale kernel).

>>> import numpy as np
>>> X = np.array([[1.0, -2.0], [3.0, 4.0]])
>>> # one sparse layer W.T = [[2, 0]] (output = 2 * x0 + 0.5), identity output
>>> out = np.empty((2, 1))
>>> forward(X, 0, 2, True, False, False, np.array([0]), np.zeros(0, np.int64),
...         np.array([1, 1]),
...         np.array([True]), np.array([0, 1]), np.array([0], np.int32),
...         np.array([2.0]), np.zeros(0), np.array([0]), np.array([0.5]),
...         np.array([0]), np.array([0]), ACT_RELU, OUT_IDENTITY, out,
...         *buffers(1, TILE, np.float64))
0
>>> out.ravel().tolist()
[2.5, 6.5]
"""

import types
import warnings

import numpy as np

from . import _tile_ir
from ._codes import (  # noqa: F401  (the activation codes, re-exported)
    ACT_IDENTITY,
    ACT_LOGISTIC,
    ACT_RELU,
    ACT_TANH,
    HIDDEN_CODES,
    NARROW,
    OUT_EXP,
    OUT_IDENTITY,
    OUT_LOGISTIC,
    OUT_SOFTMAX,
    OUTPUT_CODES,
    TILE,
)
from ._tile_ir import finite8, transpose8

csr_row = _tile_ir.csr_row(TILE)  # (replaced per tile width: _specialised)
BLOCK = _tile_ir.BLOCK  # rows read together (8: a fixed inner loop, and transpose8)

# reassociation and FMA only (no 'nnan'/'ninf': the finite checks' comparisons
# keep their IEEE meaning); measured 3-12% faster than strict IEEE order on the
# first, loop-only version of this kernel
_FASTMATH = {"reassoc", "contract"}


def _jit(function):
    """``numba.njit`` with an on-disk cache, or in-memory only when numba finds
    no writable cache directory (a read-only install without a home cache)."""
    import numba

    try:
        return numba.njit(cache=True, fastmath=_FASTMATH, nogil=True)(function)
    except RuntimeError as exc:  # "cannot cache function ...: no locator available"
        warnings.warn(
            f"skprune: numba cannot cache its compiled kernels ({exc}); "
            "they compile once per process. Set NUMBA_CACHE_DIR to a "
            "writable directory to keep them.",
            RuntimeWarning,
            stacklevel=2,
        )
        return numba.njit(cache=False, fastmath=_FASTMATH, nogil=True)(function)


def _forward(
    X,
    start,
    stop,
    check,
    check_range,
    transposed,
    index,
    blocks,
    sizes,
    is_sparse,
    indptr,
    indices,
    data,
    dense,
    w_off,
    bias,
    b_off,
    ip_off,
    act,
    out_act,
    out,
    buf_a,
    buf_b,
):
    if not arguments_fit(
        X,
        start,
        stop,
        transposed,
        index,
        sizes,
        is_sparse,
        indptr,
        indices,
        data,
        dense,
        w_off,
        bias,
        b_off,
        ip_off,
        out,
        buf_a,
        buf_b,
        TILE,
    ):
        return 4
    n_layers = is_sparse.shape[0]
    n_features = X.shape[1]
    n_read = index.shape[0]
    n_blocks = blocks.shape[0]
    dt = bias.dtype
    inf_x = X.dtype.type(np.inf)
    inf = dt.type(np.inf)
    for r0 in range(start, stop, TILE):
        n_rows = min(TILE, stop - r0)
        # 1. check and gather this tile of X, 8 rows at a time
        for t0 in range(0, n_rows, BLOCK):
            if transposed and t0 + BLOCK <= n_rows:
                # every column, 8 x 8 blocks; the check comes with the read
                ok, p = True, 0
                for c0 in range(0, n_features - BLOCK + 1, BLOCK):
                    if p < n_blocks and blocks[p] == c0:  # a block layer 0 reads
                        ok &= transpose8(X, r0 + t0, c0, buf_a, t0)
                        p += 1
                    elif check:  # nothing read there: only checked
                        ok &= finite8(X, r0 + t0, c0, buf_a, t0)
                for c in range(n_features - n_features % BLOCK, n_features):
                    for u in range(BLOCK):
                        x = X[r0 + t0 + u, c]
                        ok &= abs(x) < inf_x
                        buf_a[c, t0 + u] = x
                if check and not ok:
                    return 1
                continue
            if check and not finite(X, r0 + t0, min(r0 + t0 + BLOCK, r0 + n_rows)):
                return 1
            if transposed:
                for c in range(n_features):
                    for u in range(n_rows - t0):
                        buf_a[c, t0 + u] = X[r0 + t0 + u, c]
            elif t0 + BLOCK <= n_rows:
                for i in range(n_read):
                    c = index[i]
                    for u in range(BLOCK):
                        buf_a[i, t0 + u] = X[r0 + t0 + u, c]
            else:
                for i in range(n_read):
                    c = index[i]
                    for u in range(n_rows - t0):
                        buf_a[i, t0 + u] = X[r0 + t0 + u, c]
        if check_range and X.itemsize > bias.itemsize:  # float64 X, float32 net:
            # inf where the cast overflowed
            ok = True
            for i in range(n_read):
                a = index[i] if transposed else i
                for t in range(n_rows):
                    ok &= abs(buf_a[a, t]) < inf
            if not ok:
                return 2
        # 2. the layers, buffer to buffer
        cur, nxt = buf_a, buf_b
        for layer in range(n_layers):
            n_in, n_out = sizes[layer], sizes[layer + 1]
            z = nxt[:n_out]
            b0 = b_off[layer]
            hidden = layer != n_layers - 1
            if is_sparse[layer]:
                p0 = ip_off[layer]
                for j in range(n_out):
                    csr_row(
                        data,
                        indices,
                        indptr[p0 + j],
                        indptr[p0 + j + 1],
                        cur,
                        bias[b0 + j],
                        z,
                        j,
                        hidden and act == ACT_RELU,
                    )
                    if hidden and act != ACT_RELU and act != ACT_IDENTITY:
                        _activate(z[j], act)
            else:
                w0 = w_off[layer]
                weights = dense[w0 : w0 + n_out * n_in].reshape((n_out, n_in))
                np.dot(weights, cur[:n_in], z)
                for j in range(n_out):
                    bj = bias[b0 + j]
                    for t in range(TILE):
                        z[j, t] += bj
                    if layer != n_layers - 1:
                        _activate(z[j], act)
            cur, nxt = nxt, cur
        # 3. output activation, per sample, written to out
        n_out = sizes[n_layers]
        if check_range:
            ok = True
            for j in range(n_out):
                for t in range(n_rows):
                    ok &= abs(cur[j, t]) < inf
            if not ok:
                return 3
        for t in range(n_rows):
            r = r0 + t - start
            if out_act == OUT_SOFTMAX:
                top = cur[0, t]
                for j in range(1, n_out):
                    top = max(top, cur[j, t])
                total = dt.type(0)
                for j in range(n_out):
                    e = np.exp(cur[j, t] - top)
                    cur[j, t] = e
                    total += e
                for j in range(n_out):
                    out[r, j] = cur[j, t] / total
            elif out_act == OUT_LOGISTIC:
                for j in range(n_out):
                    out[r, j] = 1 / (1 + np.exp(-cur[j, t]))
            elif out_act == OUT_EXP:
                for j in range(n_out):
                    out[r, j] = np.exp(cur[j, t])
            else:
                for j in range(n_out):
                    out[r, j] = cur[j, t]
    return 0


def _arguments_fit_py(
    X,
    start,
    stop,
    transposed,
    index,
    sizes,
    is_sparse,
    indptr,
    indices,
    data,
    dense,
    w_off,
    bias,
    b_off,
    ip_off,
    out,
    buf_a,
    buf_b,
    tile,
):
    """Rule 4, the entry check of :func:`forward`: whether every index the
    call computes from its arguments stays inside the arrays it reads and
    writes. Costs ``O(n_layers + n_read + n_neurons)``, nothing per weight:
    the rows ``start:stop`` lie in X and fit ``out``; ``out`` has a column
    per output; the buffers hold ``tile`` columns and every layer's neurons
    (and every column of X when ``transposed``); the columns ``index`` lie in
    X; every layer's biases, dense weights and CSR row pointers lie in their
    arrays, the row pointers never decreasing. (That the CSR column indices
    lie in their layer's inputs is checked once, when the arguments are built:
    ``CompressedMLP._kernel_arguments``.)"""
    n_layers = is_sparse.shape[0]
    n_features = X.shape[1]
    if (
        n_layers < 1
        or sizes.shape[0] != n_layers + 1
        or w_off.shape[0] != n_layers
        or b_off.shape[0] != n_layers
        or ip_off.shape[0] != n_layers
    ):
        return False
    if start < 0 or stop < start or stop > X.shape[0]:
        return False
    if out.shape[0] < stop - start or out.shape[1] != sizes[n_layers]:
        return False
    width = n_features if transposed else 0
    for layer in range(n_layers + 1):
        if sizes[layer] < 0:  # 0: every input or neuron pruned (a constant)
            return False
        width = max(width, sizes[layer])
    if buf_a.shape[0] < width or buf_b.shape[0] < width:
        return False
    if buf_a.shape[1] < tile or buf_b.shape[1] < tile:
        return False
    n_read = index.shape[0]
    if n_read != sizes[0]:
        return False
    for i in range(n_read):
        if index[i] < 0 or index[i] >= n_features:
            return False
    n_stored = min(data.shape[0], indices.shape[0])
    for layer in range(n_layers):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        b0 = b_off[layer]
        if b0 < 0 or b0 + n_out > bias.shape[0]:
            return False
        if is_sparse[layer]:
            p0 = ip_off[layer]
            if p0 < 0 or p0 + n_out >= indptr.shape[0]:
                return False
            previous = indptr[p0]
            if previous < 0:
                return False
            for j in range(1, n_out + 1):
                k = indptr[p0 + j]
                if k < previous or k > n_stored:
                    return False
                previous = k
        else:
            w0 = w_off[layer]
            if w0 < 0 or w0 + n_out * n_in > dense.shape[0]:
                return False
    return True


def _gather_py(X, start, stop, check, check_range, index, buf):
    """Rows ``start:stop`` of X, columns ``index``, cast into ``buf`` (row-major,
    for an all-dense network's BLAS products), with the NaN/inf check of
    rule 1 over all of each row; the same statuses as :func:`forward` (4:
    rows, columns or ``buf`` do not fit X)."""
    n_read = index.shape[0]
    if start < 0 or stop < start or stop > X.shape[0]:
        return 4
    if buf.shape[0] < stop - start or buf.shape[1] < n_read:
        return 4
    for i in range(n_read):
        if index[i] < 0 or index[i] >= X.shape[1]:
            return 4
    inf = buf.dtype.type(np.inf)
    for r0 in range(start, stop, BLOCK):
        r1 = min(r0 + BLOCK, stop)
        if check and not finite(X, r0, r1):
            return 1
        for r in range(r0, r1):
            out = buf[r - start]
            for i in range(index.shape[0]):
                out[i] = X[r, index[i]]
        if check_range and X.itemsize > buf.itemsize:
            ok = True
            for r in range(r0, r1):
                for i in range(index.shape[0]):
                    ok &= abs(buf[r - start, i]) < inf
            if not ok:
                return 2
    return 0


def _finite_py(X, start, stop):
    """Rule 1's check: whether every value in rows ``start:stop`` of X is
    finite."""
    inf = X.dtype.type(np.inf)
    ok = True
    for r in range(max(start, 0), min(stop, X.shape[0])):
        for c in range(X.shape[1]):
            ok &= abs(X[r, c]) < inf
    return ok


def _activate_py(row, act):
    """Hidden activation of one neuron's row of a tile, in place."""
    if act == ACT_RELU:
        for t in range(row.shape[0]):
            if row[t] < 0:
                row[t] = 0
    elif act == ACT_TANH:
        for t in range(row.shape[0]):
            row[t] = np.tanh(row[t])
    elif act == ACT_LOGISTIC:
        for t in range(row.shape[0]):
            row[t] = 1 / (1 + np.exp(-row[t]))


def _specialised(function, tile):
    """``function`` compiled with ``TILE = tile`` (a compile-time constant, so
    the tile loops have a fixed length) and the CSR row of that width, under
    its own name and cache file."""
    name = f"{function.__name__.lstrip('_')}_{tile}"
    copy = types.FunctionType(
        function.__code__,
        dict(function.__globals__, TILE=tile, csr_row=_tile_ir.csr_row(tile)),
        name,
    )
    copy.__qualname__ = copy.__doc__ = name
    return _jit(copy)


def buffers(width, tile, dtype):
    """Scratch arrays of one call: two ``(width, tile)`` activation tiles."""
    return np.zeros((width, tile), dtype), np.zeros((width, tile), dtype)


_activate = _jit(_activate_py)
arguments_fit = _jit(_arguments_fit_py)
gather = _jit(_gather_py)
finite = _jit(_finite_py)
# full tiles; narrow ones and single rows for the last rows of a call (a
# small batch): a tile always computes TILE columns, so a 1-row batch in a
# 64-wide tile would do 64x the work of its dense layers
forward = _specialised(_forward, TILE)
forward_narrow = _specialised(_forward, NARROW)
forward_row = _specialised(_forward, 1)
