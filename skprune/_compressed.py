"""The compressed network: what a pruned MLP serves at predict time.

Built once from the masked full-shape weights (the training form):

1. **Constant neurons are folded.** A hidden neuron with no live input outputs the
   constant ``act(b_j)``; its contribution ``act(b_j) * W[j, :]`` is added to the
   next layer's biases and the neuron is removed (repeated layer by layer).
2. **Dead neurons are dropped.** A hidden neuron with no live output (after step
   1) is removed with its incoming weights (repeated from the output backwards);
   input features with no live outgoing weight are not read at all.
3. **Each remaining layer is stored as a dense array or a SciPy CSR matrix**,
   chosen by its density (``'auto'``) or forced (``'dense'``/``'sparse'``), in
   float64 or float32.

When any layer is CSR, the forward pass keeps activations transposed,
``(n_neurons, n_samples)`` in C order, and stores every layer pre-transposed
(``W.T``): a CSR ``W.T @ A`` then streams contiguous rows of ``A`` (a vectorised
axpy per non-zero), and a dense layer is one BLAS ``gemm``. An all-dense network
runs in sklearn's own orientation, ``A @ W``, with no transpose at all. Large
batches run in chunks (by default sized so that the widest activation stays in
cache), output activation included: the only allocation that grows with the
number of samples is the output itself. Nothing is transposed or rebuilt per
call except the input chunk itself (cast to the inference dtype on the way).
"""

import numpy as np
from scipy import sparse

from ._sklearn_compat import ACTIVATIONS

FORMATS = ("auto", "dense", "sparse")
DTYPES = ("float64", "float32")
# 'auto' stores a layer as CSR when its density is at most this. Measured on
# single layers (784x300, 1000x1000, 300x100; batches 32 and 1000; 1 thread):
# SciPy's CSR W.T @ A beats BLAS by 1.1-2.2x at 10% density, breaks even at
# 12-20% (float32 earliest), and loses above; 10% keeps 'auto' on the safe side.
AUTO_MAX_DENSITY = 0.1
# rows per chunk: the widest activation of a chunk takes at most this many bytes
CHUNK_BYTES = 1 << 20
DENSE_CHUNK_BYTES = 1 << 22


def auto_chunk_size(layer_sizes, dtype=np.float64, transposed=False):
    """Rows per chunk: the widest activation of a chunk takes at most
    ``CHUNK_BYTES`` (transposed pass) or ``DENSE_CHUNK_BYTES`` (all-dense pass)
    bytes, and a chunk has at least 16 rows."""
    budget = CHUNK_BYTES if transposed else DENSE_CHUNK_BYTES
    return max(16, budget // (max(layer_sizes) * np.dtype(dtype).itemsize))


def _fold_and_drop(coefs, intercepts, masks, activation):
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
    n_nonzero : int
        Stored weights.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._compressed import CompressedMLP
    >>> coefs = [np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[2.0], [3.0]])]
    >>> masks = [c != 0 for c in coefs]
    >>> net = CompressedMLP(coefs, [np.zeros(2), np.array([0.5])], masks,
    ...                     "relu", "identity")
    >>> net.layer_sizes, net.formats
    ((1, 1, 1), ('dense', 'dense'))
    >>> net.forward(np.array([[2.0, 7.0]])).tolist()
    [[4.5]]
    """

    def __init__(self, coefs, intercepts, masks, activation, out_activation,
                 inference_format="auto", inference_dtype="float64"):
        if inference_format not in FORMATS:
            raise ValueError(f"inference_format must be one of {FORMATS}, got "
                             f"{inference_format!r}.")
        if inference_dtype not in DTYPES:
            raise ValueError(f"inference_dtype must be one of {DTYPES}, got "
                             f"{inference_dtype!r}.")
        dtype = np.dtype(inference_dtype)
        self.n_features = coefs[0].shape[0]
        self.activation = activation
        self.out_activation = out_activation
        self.dtype = dtype
        index, weights, structure, biases = _fold_and_drop(
            coefs, intercepts, masks, activation)
        self.input_index = index
        self._all_inputs = index.size == self.n_features
        formats = []
        for s in structure:
            density = s.sum() / s.size if s.size else 1.0
            use_sparse = inference_format == "sparse" or (
                inference_format == "auto" and density <= AUTO_MAX_DENSITY)
            formats.append("sparse" if use_sparse else "dense")
        # all-dense networks run in sklearn's orientation (no input transpose);
        # any CSR layer switches the whole pass to the transposed layout
        self.transposed = "sparse" in formats
        self.layers = []
        for w, fmt in zip(weights, formats):
            if fmt == "sparse":
                wt = sparse.csr_matrix(w.T.astype(dtype))
                wt.eliminate_zeros()
                wt.sort_indices()
            elif self.transposed:
                wt = np.ascontiguousarray(w.T, dtype=dtype)
            else:
                wt = np.ascontiguousarray(w, dtype=dtype)
            self.layers.append(wt)
        self.biases = [np.ascontiguousarray(b, dtype=dtype) for b in biases]
        if self.transposed:
            self.biases = [b[:, None] for b in self.biases]
        self.formats = tuple(formats)
        self.layer_sizes = (index.size,) + tuple(b.shape[0] for b in biases)
        self.n_nonzero = int(sum(
            w.nnz if sparse.issparse(w) else np.count_nonzero(w) for w in self.layers))
        self.chunk_size = auto_chunk_size(self.layer_sizes, dtype, self.transposed)

    def __repr__(self):
        return (f"CompressedMLP(layer_sizes={self.layer_sizes}, "
                f"formats={self.formats}, dtype={self.dtype.name}, "
                f"n_nonzero={self.n_nonzero})")

    def _input_chunk(self, X, rows):
        """Rows of X (all if ``rows`` is None), kept features only, laid out
        for the first layer."""
        part = X if rows is None else X[rows]
        if not self._all_inputs:
            part = part[:, self.input_index]
        if self.transposed:
            if sparse.issparse(part):
                return part.T.astype(self.dtype)
            return np.array(part.T, dtype=self.dtype, order="C")
        return part if part.dtype == self.dtype else part.astype(self.dtype)

    def _hidden(self, A):
        """Pre-activation outputs of the last layer for one chunk."""
        act = ACTIVATIONS[self.activation]
        layers, biases = self.layers, self.biases
        last = len(layers) - 1
        if not self.transposed:  # all dense, sklearn's orientation: A @ W
            for layer in range(last):
                A = A @ layers[layer]
                A += biases[layer]
                act(A)
            Z = A @ layers[last]
            Z += biases[last]
            return Z
        for layer in range(last + 1):
            Z = layers[layer] @ A
            if sparse.issparse(Z):  # only a sparse input chunk with a CSR layer
                Z = Z.toarray()
            Z += biases[layer]
            if layer != last:
                act(Z)
            A = Z
        return A.T

    def forward(self, X, chunk_size=None):
        """Network outputs, shape (n_samples, n_outputs), float64.

        ``X`` must already be validated (finite, 2-D, ``n_features`` columns).
        Rows run ``chunk_size`` at a time (default: :attr:`chunk_size`, sized
        for the cache), the output activation included, so the only
        allocation that grows with ``n_samples`` is the returned array.
        """
        n_samples = X.shape[0]
        step = self.chunk_size if chunk_size is None else int(chunk_size)
        if step < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size!r}.")
        out_act = ACTIVATIONS[self.out_activation]
        if n_samples <= step:  # one chunk: no slicing, no copy into a buffer
            out = self._hidden(self._input_chunk(X, None))
            if out.dtype != np.float64 or not out.flags.c_contiguous:
                out = np.array(out, dtype=np.float64, order="C")
            out_act(out)  # in place (sklearn's activations return nothing)
            return out
        out = np.empty((n_samples, self.layer_sizes[-1]), dtype=np.float64)
        for start in range(0, n_samples, step):
            rows = slice(start, min(start + step, n_samples))
            Z = self._hidden(self._input_chunk(X, rows))
            if Z.dtype != np.float64:
                Z = Z.astype(np.float64)
            out_act(Z)
            out[rows] = Z
            del Z  # not alive while the next chunk is computed
        return out
