"""
=========================================================
Structured (neuron) vs unstructured (weight) pruning
=========================================================

``prune_granularity='weight'`` removes single connection weights: the highest
sparsity for a given accuracy, but the layers keep their shapes, so ``predict``
gets faster only once a layer is sparse enough for a sparse product to beat
dense BLAS (``inference_format='auto'`` picks per layer by a cost model fitted
to measured timings: CSR up to about 20-30% density for large layers).
``prune_granularity='neuron'`` removes whole hidden neurons: every layer stays
a dense matrix, just a smaller one, so the speed-up follows the neuron count.

This example trains both kinds on the digits and measures, side by side in one
process, what a user gets: accuracy, non-zero weights, file size and
``predict_proba`` time against a plain :class:`~sklearn.neural_network.MLPClassifier`.
Digits are small, so the timings are indicative; the MNIST numbers are in the
benchmarks (``benchmarks/bench_inference.py``).
"""

# %%
# Train a dense network and four pruned ones
# ------------------------------------------
import io
import time

import joblib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from skprune import PrunedMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, random_state=0, stratify=y
)
common = dict(
    hidden_layer_sizes=(128, 64), solver="lbfgs", max_iter=200, random_state=0
)
models = {"dense MLPClassifier": MLPClassifier(**common).fit(X_train, y_train)}
for granularity, ratio in [
    ("weight", 0.9),
    ("weight", 0.97),
    ("neuron", 0.5),
    ("neuron", 0.75),
]:
    models[f"{ratio:.0%} of {granularity}s"] = PrunedMLPClassifier(
        prune_granularity=granularity, prune_ratio=ratio, **common
    ).fit(X_train, y_train)

# %%
# Accuracy, size and what ``predict`` computes
# --------------------------------------------
# ``hidden_layer_sizes_`` counts the neurons the compressed network still
# computes and ``compressed_.formats`` the storage of each layer. Weight
# pruning also removes neurons: one whose incoming (or outgoing) weights are
# all pruned is dropped or folded into the next layer's biases.


def joblib_kib(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    return buffer.getbuffer().nbytes / 1024


sizes = {name: joblib_kib(model) for name, model in models.items()}
for name, model in models.items():
    nnz = sum(np.count_nonzero(c) for c in model.coefs_)
    live = getattr(model, "hidden_layer_sizes_", model.hidden_layer_sizes)
    formats = getattr(getattr(model, "compressed_", None), "formats", "dense BLAS")
    print(
        f"{name:>20}: accuracy {model.score(X_test, y_test):.3f}, "
        f"{nnz:6d} non-zero weights, hidden {live}, layers {formats}, "
        f"file {sizes[name]:6.1f} KiB"
    )

# %%
# Prediction time
# ---------------
# Medians of interleaved repeats on 20,000 rows (the test set tiled), so that
# every model sees the same machine load, with one BLAS thread as in the
# benchmarks.
X_big = np.tile(X_test, (int(np.ceil(20_000 / len(X_test))), 1))[:20_000]
times = {name: [] for name in models}
with threadpool_limits(limits=1):
    for _ in range(15):
        for name, model in models.items():
            start = time.perf_counter()
            model.predict_proba(X_big)
            times[name].append(time.perf_counter() - start)
median = {name: float(np.median(t)) for name, t in times.items()}
dense = "dense MLPClassifier"
for name in models:
    print(
        f"{name:>20}: predict_proba {median[name] * 1e3:6.1f} ms, "
        f"{median[dense] / median[name]:4.1f}x faster, "
        f"{sizes[dense] / sizes[name]:5.1f}x smaller file"
    )

# %%
# The same numbers as a picture.
names = [name for name in models if name != dense]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
axes[0].barh(names, [median[dense] / median[n] for n in names], color="C0")
axes[0].axvline(1, color="0.4", linestyle="--")
axes[0].set_xlabel("predict_proba speed-up vs MLPClassifier")
axes[1].barh(names, [sizes[dense] / sizes[n] for n in names], color="C1")
axes[1].set_xlabel("joblib file: times smaller than MLPClassifier's")
axes[1].set_yticks([])
plt.show()

# %%
# Reading the numbers: neuron pruning turns a fraction of neurons into a
# proportional speed-up with no sparse kernel at all. Weight pruning reaches
# far fewer non-zero weights (and the smallest files) for the same accuracy,
# but pays off in time only at high sparsity, where the layers are stored as
# CSR. ``inference_dtype='float32'`` speeds up both further. (The plain
# ``MLPClassifier`` file is also larger because it stores the optimizer state,
# which skprune does not write.)
