"""Wing 2, serving: the compressed network a pruned MLP predicts with.

- :mod:`._compressed`: :class:`CompressedMLP` (constant neurons folded, dead
  ones dropped, each layer dense or CSR by a cost model), its chunking and
  its input errors (:class:`ModelInputError`);
- :mod:`._kernels` and :mod:`._tile_ir`: the compiled forward pass (numba,
  LLVM IR);
- :mod:`._codes`: the numba-free constants (activation codes, tile widths);
- :mod:`._mlp`: :class:`ServedMLPMixin`, how an estimator serves ``predict``
  through its compressed network (and :func:`label_decoder`, its labels);
- :mod:`._threads`: how many threads a ``predict`` uses (sklearn's
  convention), the pool, and BLAS held at one thread inside the kernel;
- :mod:`._linear`: :func:`linear_decision`, a sparse linear model's
  ``X @ W + b`` reading only the support columns of a sparse model.
"""

from ._codes import HIDDEN_CODES, OUTPUT_CODES
from ._compressed import (
    DTYPES,
    FORMATS,
    CompressedMLP,
    Float32RangeError,
    ModelInputError,
    NonFiniteInputError,
    auto_chunk_size,
    fold_and_drop,
)
from ._linear import linear_decision
from ._mlp import ServedMLPMixin, label_decoder

__all__ = [
    "DTYPES",
    "FORMATS",
    "HIDDEN_CODES",
    "OUTPUT_CODES",
    "CompressedMLP",
    "Float32RangeError",
    "ModelInputError",
    "NonFiniteInputError",
    "ServedMLPMixin",
    "auto_chunk_size",
    "fold_and_drop",
    "label_decoder",
    "linear_decision",
]
