"""The serving wing's constants, numba-free: importing them compiles nothing.

The activation codes the compiled kernels (:mod:`skprune._serving._kernels`)
branch on, by sklearn's activation names, and the tile widths of the forward
pass. Everything that only needs to know *which* activations or tile sizes
exist (parameter checks, the file codec, the chunk size) reads them here, so
``import skprune`` never imports numba; the kernels compile at the first
``predict``.
"""

ACT_IDENTITY, ACT_LOGISTIC, ACT_TANH, ACT_RELU = 0, 1, 2, 3
HIDDEN_CODES = {
    "identity": ACT_IDENTITY,
    "logistic": ACT_LOGISTIC,
    "tanh": ACT_TANH,
    "relu": ACT_RELU,
}
OUT_IDENTITY, OUT_LOGISTIC, OUT_SOFTMAX, OUT_EXP = 0, 1, 2, 3
# 'exp': MLPRegressor(loss='poisson')'s output (scikit-learn >= 1.7)
OUTPUT_CODES = {
    "identity": OUT_IDENTITY,
    "logistic": OUT_LOGISTIC,
    "softmax": OUT_SOFTMAX,
    "exp": OUT_EXP,
}
TILE = 64  # rows per tile: 64 or 128 measured best; 8 divides it
NARROW = 8  # rows per tile of forward_narrow (a small batch or remainder)
