"""The compressed network: what a pruned MLP serves at predict time.

Built once from the masked full-shape weights (the training form):

1. **Constant neurons are folded.** A hidden neuron with no live input outputs the
   constant ``act(b_j)``; its contribution ``act(b_j) * W[j, :]`` is added to the
   next layer's biases and the neuron is removed (repeated layer by layer).
2. **Dead neurons are dropped.** A hidden neuron with no live output (after step
   1) is removed with its incoming weights (repeated from the output backwards);
   input features with no live outgoing weight are not read at all.
3. **Each remaining layer is stored as ``W.T``, dense or CSR**, in the
   inference dtype. ``'auto'`` picks, per layer, the format the cost model
   below predicts to be faster (``'dense'``/``'sparse'`` force one).

The forward pass of a network with a CSR layer is one compiled function,
:func:`skprune._serving._kernels.forward`: it reads X once, in place, 64 rows at a time
(NaN/inf check fused with that read), and runs every layer on a small
neuron-major tile, a CSR layer as one tile-wide fused multiply-add per stored
weight into an accumulator held in registers, a dense layer as one BLAS gemm.
An all-dense network (e.g. neuron-pruned) instead runs one BLAS product per
layer over a whole chunk, on X itself when it reads every column in the
network's dtype (a compiled finite check first). Python only splits the rows
into chunks of :attr:`CompressedMLP.chunk_size` (the unit of extra memory for
inputs that must be converted first: sparse, non-C-ordered or non-float X, and
for a classifier's labels).

**The 'auto' cost model.** Per 64-sample tile, a CSR layer costs about
``a * nnz + b * n_out`` nanoseconds and a dense one ``c * n_in * n_out + d``
(``SPARSE_NS``, ``DENSE_NS``); the constants were fitted to single-layer
timings of this kernel (``benchmarks/bench_inference.py --calibrate``
re-measures them and prints the fit). Break-even is near 50-60% density for
large layers and lower for small ones, where one gemm call is cheap. A fixed
model, rather than timing each network when it is built, keeps the choice
deterministic: a model predicts identically in every process that loads it.
"""

import threading
from numbers import Integral

import numpy as np
from scipy import sparse

from .._sklearn_compat import ACTIVATIONS
from ._codes import HIDDEN_CODES, NARROW, OUTPUT_CODES, TILE
from ._threads import n_threads_for, run_pieces, single_threaded_blas

FORMATS = ("auto", "dense", "sparse")
DTYPES = ("float64", "float32")
# cost model of 'auto', nanoseconds per 64-sample tile (module docstring):
# CSR: SPARSE_NS[0] * nnz + SPARSE_NS[1] * n_out; dense: DENSE_NS[0] * n_in *
# n_out + DENSE_NS[1]. How they were fitted, and how well they choose:
# docs/benchmarks.rst, "Notes moved from the code".
SPARSE_NS = {"float32": (3.12, 24.4), "float64": (6.26, 84.3)}
DENSE_NS = {"float32": (1.57, 711.0), "float64": (3.6, 841.0)}
# rows per chunk: a chunk of the widest of (X, any layer) takes at most this
CHUNK_BYTES = 1 << 22
# reading (checking, transposing) one column of X for one tile, ns: the
# cost model's estimate of the part of a call that is not a layer
READ_NS = 8.0


def batch_rows(setting, layer_sizes, dtype=np.float64):
    """Rows per batch for an ``inference_batch_size`` setting: an int >= 1 as
    given (as sklearn, True is 1), 'auto' by :func:`auto_chunk_size`.

    >>> batch_rows(100, (784, 300, 10)), batch_rows("auto", (784, 300, 10))
    (100, 640)
    """
    if isinstance(setting, Integral) and setting >= 1:
        return int(setting)
    if not (isinstance(setting, str) and setting == "auto"):
        raise ValueError(
            f"inference_batch_size must be 'auto' or an int >= 1, got {setting!r}."
        )
    return auto_chunk_size(layer_sizes, dtype)


def auto_chunk_size(layer_sizes, dtype=np.float64):
    """Rows per chunk: ``CHUNK_BYTES`` over the widest layer (inputs included,
    ``dtype`` items), rounded down to whole 64-row tiles of the kernel when
    that leaves one (a chunk then ends with no partial tile), and at least 16.

    >>> auto_chunk_size((784, 300, 100, 10)), auto_chunk_size((512, 10))
    (640, 1024)
    """
    rows = CHUNK_BYTES // (max(layer_sizes) * np.dtype(dtype).itemsize)
    if rows >= TILE:
        rows -= rows % TILE
    return max(16, rows)


def layer_ns(fmt, n_in, n_out, nnz, dtype):
    """Cost-model nanoseconds of one layer on one 64-sample tile.

    >>> round(layer_ns("sparse", 784, 300, 6920, "float32"))
    28910
    """
    name = np.dtype(dtype).name
    if fmt == "sparse":
        weight, row = SPARSE_NS[name]
        return weight * nnz + row * n_out
    weight, call = DENSE_NS[name]
    return weight * n_in * n_out + call


def choose_format(n_in, n_out, nnz, dtype):
    """'sparse' or 'dense': the cheaper of the two under the cost model.

    >>> choose_format(784, 300, 6920, "float32"), choose_format(50, 50, 2500, "float32")
    ('sparse', 'dense')
    """
    sparse_ns = layer_ns("sparse", n_in, n_out, nnz, dtype)
    dense_ns = layer_ns("dense", n_in, n_out, nnz, dtype)
    return "sparse" if sparse_ns < dense_ns else "dense"


_KERNELS = None


def _compiled():
    """:mod:`skprune._serving._kernels`, imported at the first forward pass:
    numba is imported (and the kernels compiled, or loaded from numba's
    cache) only when a network first predicts, never by ``import skprune``."""
    global _KERNELS
    if _KERNELS is None:
        from . import _kernels

        _KERNELS = _kernels
    return _KERNELS


class _Scratch(threading.local):
    """Per-thread kernel buffers of one network: a cache, not state, so any
    two compare equal, and copies and pickles start empty."""

    def __eq__(self, other):
        return isinstance(other, _Scratch)

    __hash__ = object.__hash__

    def __deepcopy__(self, memo):
        return _Scratch()

    def __reduce__(self):
        return _Scratch, ()


class ModelInputError(ValueError):
    """X is outside what the network computes safely (see ``forward``)."""


class NonFiniteInputError(ModelInputError):
    """X holds NaN or infinity (the kernels' status 1)."""


class Float32RangeError(ModelInputError):
    """A float32 network cannot represent X or its outputs (statuses 2, 3)."""


def fold_and_drop(coefs, intercepts, masks, activation):
    """Masked float64 weights with constants folded and dead neurons removed.

    Returns the kept input features, and per layer the kept weights (dense,
    float64, masked), their structure, and the (updated) biases.
    """
    W = [np.where(m, c, 0.0).astype(np.float64) for c, m in zip(coefs, masks)]
    S = [np.asarray(m, dtype=bool).copy() for m in masks]
    b = [np.asarray(i, dtype=np.float64).copy() for i in intercepts]
    n_layers = len(W)
    act = ACTIVATIONS[activation]
    # forward: hidden neurons without live input are constants -> fold them
    for layer in range(n_layers - 1):
        const = ~S[layer].any(axis=0)
        if const.any():
            value = b[layer][const].copy()
            act(value)
            b[layer + 1] += value @ W[layer + 1][const]
            W[layer + 1][const] = 0.0
            S[layer + 1][const] = False
    # backward: hidden neurons without live output are dead -> drop their inputs
    for layer in range(n_layers - 1, 0, -1):
        dead = ~S[layer].any(axis=1)
        W[layer - 1][:, dead] = 0.0
        S[layer - 1][:, dead] = False
    keep = [S[0].any(axis=1)]  # input features that are read
    for layer in range(1, n_layers):
        keep.append(S[layer].any(axis=1))  # hidden neurons that stay
    keep.append(np.ones(W[-1].shape[1], dtype=bool))  # every output
    weights = [W[i][np.ix_(keep[i], keep[i + 1])] for i in range(n_layers)]
    structure = [S[i][np.ix_(keep[i], keep[i + 1])] for i in range(n_layers)]
    biases = [b[i][keep[i + 1]] for i in range(n_layers)]
    return np.flatnonzero(keep[0]), weights, structure, biases


class CompressedMLP:
    """Inference form of a (pruned) MLP; see the module docstring.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Full-shape weights and biases, as sklearn's ``coefs_``/``intercepts_``.
    masks : list of bool ndarray
        Keep-masks shaped like ``coefs``.
    activation, out_activation : str
        Hidden and output activation names (sklearn's).
    inference_format : {'auto', 'dense', 'sparse'}, default='auto'
    inference_dtype : {'float64', 'float32'}, default='float64'

    Attributes
    ----------
    input_index : ndarray of int
        Input features read by the first layer.
    layer_sizes : tuple of int
        Width of every layer, inputs read first, outputs last.
    formats : tuple of str
        'dense' or 'sparse', per layer.
    layers : list of ndarray or scipy.sparse.csr_matrix
        ``W.T`` of every layer, shape (n_out, n_in), in ``dtype``.
    biases : list of ndarray
    n_nonzero : int
        Stored weights.
    chunk_size : int
        Rows per call of the compiled kernel (see :func:`auto_chunk_size`).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._serving._compressed import CompressedMLP
    >>> coefs = [np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[2.0], [3.0]])]
    >>> masks = [c != 0 for c in coefs]
    >>> net = CompressedMLP(coefs, [np.zeros(2), np.array([0.5])], masks,
    ...                     "relu", "identity")
    >>> net.layer_sizes, net.formats
    ((1, 1, 1), ('sparse', 'sparse'))
    >>> net.forward(np.array([[2.0, 7.0]])).tolist()
    [[4.5]]
    """

    def __init__(
        self,
        coefs,
        intercepts,
        masks,
        activation,
        out_activation,
        inference_format="auto",
        inference_dtype="float64",
    ):
        if inference_format not in FORMATS:
            raise ValueError(
                f"inference_format must be one of {FORMATS}, got {inference_format!r}."
            )
        if inference_dtype not in DTYPES:
            raise ValueError(
                f"inference_dtype must be one of {DTYPES}, got {inference_dtype!r}."
            )
        if activation not in HIDDEN_CODES:
            raise ValueError(
                f"activation must be one of {sorted(HIDDEN_CODES)}, got {activation!r}."
            )
        if out_activation not in OUTPUT_CODES:
            raise ValueError(
                f"out_activation must be one of "
                f"{sorted(OUTPUT_CODES)}, got "
                f"{out_activation!r}."
            )
        dtype = np.dtype(inference_dtype)
        self.n_features = coefs[0].shape[0]
        self.activation = activation
        self.out_activation = out_activation
        self.dtype = dtype
        index, weights, structure, biases = fold_and_drop(
            coefs, intercepts, masks, activation
        )
        self.input_index = index
        self.layers, formats = [], []
        # cost-model estimate of one 64-row tile: X's columns, then the layers
        self.tile_ns = READ_NS * self.n_features
        for w, s in zip(weights, structure):
            fmt = inference_format
            if fmt == "auto":
                fmt = choose_format(w.shape[0], w.shape[1], int(s.sum()), dtype)
            self.tile_ns += layer_ns(fmt, w.shape[0], w.shape[1], int(s.sum()), dtype)
            if fmt == "sparse":
                wt = sparse.csr_matrix(w.T.astype(dtype))
                wt.eliminate_zeros()
                wt.sort_indices()
            else:
                wt = np.ascontiguousarray(w.T, dtype=dtype)
            self.layers.append(wt)
            formats.append(fmt)
        self.biases = [np.ascontiguousarray(b, dtype=dtype) for b in biases]
        self.formats = tuple(formats)
        self.layer_sizes = (index.size,) + tuple(b.shape[0] for b in biases)
        self.n_nonzero = int(
            sum(
                w.nnz if sparse.issparse(w) else np.count_nonzero(w)
                for w in self.layers
            )
        )
        # rows per chunk: sized in float64 whatever the network's dtype
        self.chunk_size = auto_chunk_size(self.sizes_read(), np.float64)
        self._args = self._kernel_arguments()
        self._scratch = _Scratch()  # per-thread kernel buffers
        # rows left after the full tiles that run in narrow tiles: a 64-row
        # CSR tile costs about 2.3 8-row ones (measured)
        self._tail_max = 2 * NARROW
        self._all_dense = "sparse" not in formats
        self._uses_blas = "dense" in formats

    def _kernel_arguments(self):
        """The network as the flat arrays that
        :func:`skprune._serving._kernels.forward` takes."""
        dtype, csr = self.dtype, [sparse.issparse(w) for w in self.layers]
        empty = sparse.csr_matrix((0, 0), dtype=dtype)
        parts = [w if s else empty for w, s in zip(self.layers, csr)]
        nnz_before = np.cumsum([0] + [p.nnz for p in parts])
        indptr = np.concatenate(
            [p.indptr.astype(np.int64) + n for p, n in zip(parts, nnz_before)]
        )
        ip_off = np.cumsum([0] + [p.indptr.size for p in parts])[:-1]
        dense = [
            np.zeros(0, dtype) if s else w.ravel() for w, s in zip(self.layers, csr)
        ]
        w_off = np.cumsum([0] + [d.size for d in dense])[:-1]
        b_off = np.cumsum([0] + [b.size for b in self.biases])[:-1]
        # a tile holds every column of X when the first layer is CSR (its
        # indices then name columns of X) or reads every column: then X is
        # transposed in 8 x 8 blocks instead of gathered column by column
        transposed = bool(csr[0] or self.input_index.size == self.n_features)
        layer0 = parts[0].indices
        if csr[0]:
            layer0 = self.input_index[layer0]
        # the one check per weight (the kernels' entry check costs nothing
        # per weight): every CSR column index names an input of its layer
        # (for a CSR first layer, a column of X)
        reads = [self.n_features if transposed else self.layer_sizes[0]]
        reads += list(self.layer_sizes[1:-1])
        for layer, (p, n_in) in enumerate(zip(parts, reads)):
            cols = layer0 if layer == 0 else p.indices
            if csr[layer] and cols.size and not (0 <= cols.min() and cols.max() < n_in):
                raise ValueError(
                    f"layer {layer} of the network has column indices outside "
                    f"[0, {n_in})."
                )
        # the 8-column blocks of X holding a column that layer 0 reads: only
        # they are transposed into the tile (the others are only checked)
        read = np.zeros(self.n_features, dtype=bool)
        read[self.input_index] = True
        n_full = self.n_features - self.n_features % 8
        blocks = np.flatnonzero(read[:n_full].reshape(-1, 8).any(axis=1)) * 8
        return dict(
            transposed=transposed,
            blocks=blocks.astype(np.int64),
            width=max(self.layer_sizes + ((self.n_features,) if transposed else ())),
            index=self.input_index.astype(np.int64),
            sizes=np.array(self.layer_sizes, dtype=np.int64),
            is_sparse=np.array(csr, dtype=np.bool_),
            indptr=indptr,
            indices=np.concatenate(
                [layer0.astype(np.int32)]
                + [p.indices.astype(np.int32) for p in parts[1:]]
            ),
            data=np.concatenate([p.data for p in parts]).astype(dtype),
            dense=np.concatenate(dense).astype(dtype),
            w_off=w_off.astype(np.int64),
            bias=np.concatenate(self.biases).astype(dtype),
            b_off=b_off.astype(np.int64),
            ip_off=ip_off.astype(np.int64),
            act=HIDDEN_CODES[self.activation],
            out_act=OUTPUT_CODES[self.out_activation],
        )

    def __repr__(self):
        return (
            f"CompressedMLP(layer_sizes={self.layer_sizes}, "
            f"formats={self.formats}, dtype={self.dtype.name}, "
            f"n_nonzero={self.n_nonzero})"
        )

    def sizes_read(self):
        """The widths a chunk of rows takes: X itself, then every layer."""
        return (self.n_features,) + self.layer_sizes

    def output_dtype(self, X):
        """dtype of the outputs for input ``X``: as numpy's (and sklearn's)
        ``X @ coefs``, float32 only when both X and the network are float32."""
        x = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        return np.result_type(x, self.dtype)

    def _run(self, X, rows, out):
        """Outputs of ``X[rows]`` into ``out`` (its rows); one kernel call."""
        start, stop = rows.start, rows.stop
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ModelInputError(
                f"X has shape {X.shape}; this network reads {self.n_features} columns."
            )
        if sparse.issparse(X):
            X, start, stop = X[rows].toarray(order="C"), 0, stop - start
        elif not (X.flags.c_contiguous and X.dtype in (np.float32, np.float64)):
            X = np.ascontiguousarray(
                X[rows], X.dtype if X.dtype in (np.float32, np.float64) else np.float64
            )
            start, stop = 0, stop - start
        if self._all_dense:
            status = self._run_dense(X, start, stop, out)
        else:
            status = self._run_tiles(X, start, stop, out)
        if status == 1:
            raise NonFiniteInputError("Input X contains NaN or infinity.")
        if status == 2:
            raise Float32RangeError(
                "Input X holds values beyond the float32 range of this network "
                f"(largest finite float32: {np.finfo(np.float32).max:.4g}); use "
                "inference_dtype='float64' for such data."
            )
        if status == 3:
            raise Float32RangeError(
                "The float32 network overflowed on this input (a non-finite "
                "output); use inference_dtype='float64' for such data."
            )
        if status == 4:
            raise ValueError(
                "The compiled forward pass refused its arguments: X, the output "
                "or the buffers do not fit the network's arrays (an inconsistent "
                "network)."
            )

    def _run_dense(self, X, start, stop, out):
        """All-dense network: one BLAS product per layer over the whole chunk.

        X itself is the first product's operand when the network reads every
        column in X's dtype (only the compiled finite check passes over it
        first); otherwise the compiled check-gather-cast copies the rows into
        a row-major buffer. (Measured on LeNet at 75% of its neurons, float32,
        batch 1000: whole-chunk products on X in place beat 64-row tiles,
        which beat a gathered copy.)"""
        if self.input_index.size == self.n_features and X.dtype == self.dtype:
            status = 0 if _compiled().finite(X, start, stop) else 1
            A = X[start:stop]
        else:
            A = np.empty((stop - start, self.layer_sizes[0]), self.dtype)
            status = _compiled().gather(
                X, start, stop, True, self.dtype == np.float32, self._args["index"], A
            )
        if status:
            return status
        act = ACTIVATIONS[self.activation]
        last = len(self.layers) - 1
        for layer, (wt, b) in enumerate(zip(self.layers, self.biases)):
            A = A @ wt.T  # wt is W.T, C order: W itself through BLAS flags
            A += b
            if layer != last:
                act(A)
        ACTIVATIONS[self.out_activation](A)
        if self.dtype == np.float32 and not np.isfinite(A).all():
            return 3
        out[...] = A
        return 0

    def _run_tiles(self, X, start, stop, out):
        """Rows ``start:stop`` through the tile kernels
        (:mod:`skprune._serving._kernels`)."""
        # full tiles; the last rows (up to ``_tail_max``) in 8-row tiles, the
        # last < 8 one row at a time (no tile computes unused columns there)
        tail = (stop - start) % TILE
        tail = tail if tail <= self._tail_max else 0
        rows8 = tail - tail % NARROW
        status, at, kernels = 0, start, _compiled()
        for kernel, tile, n in (
            (kernels.forward, TILE, stop - start - tail),
            (kernels.forward_narrow, NARROW, rows8),
            (kernels.forward_row, 1, tail - rows8),
        ):
            if n and not status:
                status = self._kernel(kernel, tile, X, at, at + n, out[at - start :])
                at += n
        return status

    def _kernel(self, kernel, tile, X, start, stop, out):
        """One call of a compiled kernel, with this thread's scratch buffers."""
        buffers = getattr(self._scratch, "buffers", None)
        if buffers is None:
            buffers = self._scratch.buffers = {}
        if tile not in buffers:
            buffers[tile] = _compiled().buffers(self._args["width"], tile, self.dtype)
        a = self._args
        return kernel(
            X,
            start,
            stop,
            True,
            self.dtype == np.float32,
            a["transposed"],
            a["index"],
            a["blocks"],
            a["sizes"],
            a["is_sparse"],
            a["indptr"],
            a["indices"],
            a["data"],
            a["dense"],
            a["w_off"],
            a["bias"],
            a["b_off"],
            a["ip_off"],
            a["act"],
            a["out_act"],
            out,
            *buffers[tile],
        )

    def _pieces(self, n_samples, step, n_threads, in_place=False):
        """``(start, stop)`` of the kernel calls over rows ``0:n_samples``.

        The chunks of ``step`` rows, each cut (on several threads) into
        pieces of whole 64-row tiles counted from the chunk's start, so that
        every row goes through the same tile, and the same kernel, whatever
        the number of threads: results are bitwise identical on 1 and on n
        threads. The last rows of a chunk stay in its last piece (the kernel
        runs them in narrow tiles). An all-dense network's pieces are its
        chunks, on any number of threads: BLAS results per row depend on the
        number of rows of the product.

        ``in_place``: X is read where it is (no chunk of it is converted), so
        chunks of whole tiles need not be separate calls: they are merged
        (the same tiles, and one kernel call less per chunk: ~40 us each).
        """
        if in_place and not self._all_dense and step % TILE == 0:
            step = max(step, n_samples)
        if self._all_dense:
            piece = step
        elif n_threads > 1:  # about 4 pieces per thread (uneven loads even out)
            piece = -(-n_samples // (4 * n_threads))
            piece = max(2 * TILE, piece + (-piece) % TILE)
        else:
            piece = n_samples
        pieces = []
        for c0 in range(0, n_samples, step):
            c1 = min(c0 + step, n_samples)
            a = c0
            while c1 - a > piece:
                pieces.append((a, a + piece))
                a += piece
            pieces.append((a, c1))
        return pieces

    def map(self, X, function=None, chunk_size=None, n_threads=None, out=None):
        """Run the network over ``X`` in pieces of at most ``chunk_size`` rows
        (default :attr:`chunk_size`), on ``n_threads`` threads.

        ``function(rows, outputs)`` (if given) is called for every piece, in
        the thread that computed it, with the piece's row slice and outputs
        (a view of ``out`` when given, else a new array): it must write only
        those rows of whatever it writes. ``n_threads=None``:
        :func:`skprune._serving._threads.n_threads_for` the estimated work
        (one thread for a small batch, else as sklearn's compiled predict
        paths). Errors: as :meth:`forward`, that of the first failing piece.
        """
        n_samples = X.shape[0]
        step = self.chunk_size if chunk_size is None else int(chunk_size)
        if step < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size!r}.")
        if n_threads is None:
            n_threads = n_threads_for(self.tile_ns * n_samples / TILE)
        in_place = (
            not sparse.issparse(X)
            and X.flags.c_contiguous
            and X.dtype in (np.float32, np.float64)
        )
        pieces = self._pieces(n_samples, step, n_threads, in_place)
        n_out, dtype = self.layer_sizes[-1], self.output_dtype(X)

        def work(start, stop):
            part = (
                out[start:stop]
                if out is not None
                else np.empty((stop - start, n_out), dtype=dtype)
            )
            self._run(X, slice(start, stop), part)
            if function is not None:
                function(slice(start, stop), part)

        _compiled()  # (imported once, before any worker thread needs it)
        if self._uses_blas and (n_samples >= TILE or n_threads > 1):
            with single_threaded_blas():
                run_pieces(pieces, work, n_threads)
        else:
            run_pieces(pieces, work, n_threads)

    def forward(self, X, chunk_size=None, n_threads=None):
        """Network outputs, shape (n_samples, n_outputs).

        ``X``: 2-D, ``n_features`` columns (array or SciPy sparse matrix).
        NaN/inf anywhere in X raises :class:`NonFiniteInputError`, and
        float64 X that a float32 network cannot represent (values beyond the
        float32 range, or an output that overflows float32)
        :class:`Float32RangeError` (both :class:`ModelInputError`, a
        ValueError): never a silent NaN. The output dtype is
        :meth:`output_dtype`. Extra memory: a few tiles per thread, plus one
        chunk of X per thread when X must be converted first (sparse, not
        C-ordered, or not float32/float64). ``chunk_size`` and
        ``n_threads``: as :meth:`map`; the outputs do not depend on
        ``n_threads``, bit for bit.
        """
        out = np.empty((X.shape[0], self.layer_sizes[-1]), dtype=self.output_dtype(X))
        self.map(X, None, chunk_size, n_threads, out=out)
        return out
