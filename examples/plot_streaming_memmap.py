"""
=====================================================
Streaming: train a pruned MLP on a memory-mapped file
=====================================================

Data larger than memory is read chunk by chunk from a :class:`numpy.memmap`.
The network is pruned once, on a sample that fits in memory; then
:meth:`~skprune.PrunedMLPClassifier.partial_fit` trains it on every chunk of the
file, with the pruning masks held fixed: pruned weights stay *exactly* zero.
``predict`` then runs over the whole file in batches of
``inference_batch_size`` rows, so its extra memory does not grow with the file.
"""

# %%
# Write a data set to disk, chunk by chunk
# ----------------------------------------
# Nothing here ever holds more than one chunk in memory: the file is written in
# chunks of at most ``CHUNK_BYTES``. Labels come from a fixed random "teacher"
# network, so every chunk follows the same rule.
import shutil
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skprune import PrunedMLPClassifier

N_SAMPLES, N_FEATURES, N_CLASSES = 240_000, 32, 4
CHUNK_BYTES = 2 * 1024**2  # the memory budget for one chunk of X
CHUNK_ROWS = CHUNK_BYTES // (N_FEATURES * np.dtype(np.float32).itemsize)

teacher = np.random.default_rng(0)
W1 = teacher.normal(size=(N_FEATURES, 16))
W2 = teacher.normal(size=(16, N_CLASSES))


def labels(X):
    hidden = np.tanh(X @ W1 / np.sqrt(N_FEATURES))
    return np.argmax(hidden @ W2, axis=1).astype(np.int8)


folder = Path(tempfile.mkdtemp(prefix="skprune-stream-"))
X_file = np.memmap(
    folder / "X.dat", dtype=np.float32, mode="w+", shape=(N_SAMPLES, N_FEATURES)
)
y_file = np.memmap(folder / "y.dat", dtype=np.int8, mode="w+", shape=(N_SAMPLES,))
rng = np.random.default_rng(1)
for start in range(0, N_SAMPLES, CHUNK_ROWS):
    stop = min(start + CHUNK_ROWS, N_SAMPLES)
    X_chunk = rng.normal(size=(stop - start, N_FEATURES)).astype(np.float32)
    X_file[start:stop] = X_chunk
    y_file[start:stop] = labels(X_chunk)
X_file.flush()
y_file.flush()
del X_file, y_file

# read-only views of the files: pages are loaded on access, never all at once
X = np.memmap(
    folder / "X.dat", dtype=np.float32, mode="r", shape=(N_SAMPLES, N_FEATURES)
)
y = np.memmap(folder / "y.dat", dtype=np.int8, mode="r", shape=(N_SAMPLES,))
n_chunks = -(-N_SAMPLES // CHUNK_ROWS)
print(
    f"file X.dat: {X.nbytes / 1024**2:.1f} MiB; chunk budget "
    f"{CHUNK_BYTES / 1024**2:.0f} MiB = {CHUNK_ROWS} rows; {n_chunks} chunks"
)

# a held-out test set, drawn the same way (small: kept in memory)
X_test = rng.normal(size=(5000, N_FEATURES)).astype(np.float32)
y_test = labels(X_test)

# %%
# Prune on a sample
# -----------------
# ``fit`` trains and prunes 90% of the connection weights on the first 2,000
# rows. (It is kept short: the stream does the rest of the training, so
# sklearn's ConvergenceWarning is silenced.)
sample = slice(0, 2000)
clf = PrunedMLPClassifier(
    hidden_layer_sizes=(128,),
    prune_ratio=0.9,
    max_iter=100,
    n_prune_steps=3,
    finetune_iter=5,
    inference_batch_size=4096,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf.fit(X[sample], y[sample])
masks = [m.copy() for m in clf.masks_]
print(
    f"after fit on the sample: test accuracy {clf.score(X_test, y_test):.3f}, "
    f"sparsity {clf.sparsity_:.3f}, {clf.n_nonzero_} non-zero weights"
)

# %%
# Stream the whole file through ``partial_fit``
# ---------------------------------------------
# One call per chunk; after every call the masks are the ones ``fit`` chose and
# every pruned weight is exactly zero.


def pruned_weights_max_abs(est):
    return max(
        float(np.abs(c[~m]).max(initial=0.0)) for c, m in zip(est.coefs_, est.masks_)
    )


for epoch in range(1, 3):
    tic = time.perf_counter()
    for start in range(0, N_SAMPLES, CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        clf.partial_fit(X[part], y[part])
        assert all(np.array_equal(m, k) for m, k in zip(clf.masks_, masks))
        assert pruned_weights_max_abs(clf) == 0.0
    print(
        f"epoch {epoch}: {time.perf_counter() - tic:.1f} s, test accuracy "
        f"{clf.score(X_test, y_test):.3f}, sparsity {clf.sparsity_:.3f}, "
        f"max |pruned weight| {pruned_weights_max_abs(clf)}"
    )

# %%
# Predict over the whole file with bounded memory
# -----------------------------------------------
# ``predict_proba`` reads the memmap batch by batch; tracemalloc shows that the
# memory it allocates, besides the returned array, is a few batches, not the
# file.
tracemalloc.start()
proba = clf.predict_proba(X)
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(
    f"predict_proba on {N_SAMPLES} rows: output {proba.nbytes / 1024**2:.1f} MiB, "
    f"other allocations at most {(peak - proba.nbytes) / 1024**2:.1f} MiB "
    f"(file {X.nbytes / 1024**2:.1f} MiB)"
)
accuracy = np.mean(clf.classes_[proba.argmax(axis=1)] == y)
print(f"training accuracy over the file: {accuracy:.3f}")

# %%
# Clean up the temporary files
del X, y
shutil.rmtree(folder)
