"""
==========================================
Quickstart: prune an MLP to 90% sparsity
==========================================

Replace :class:`~sklearn.neural_network.MLPClassifier` with
:class:`skprune.PrunedMLPClassifier` and set ``prune_ratio``: the network is
trained, then pruned in steps with masked re-training, and 90% of its connection
weights end up exactly zero.
"""

# %%
# Train a dense and a pruned network on the digits
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from skprune import PrunedMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, random_state=0, stratify=y
)
dense = MLPClassifier(max_iter=300, random_state=0).fit(X_train, y_train)
pruned = PrunedMLPClassifier(prune_ratio=0.9, max_iter=300, random_state=0)
pruned.fit(X_train, y_train)

print(f"dense  accuracy {dense.score(X_test, y_test):.3f}")
print(
    f"pruned accuracy {pruned.score(X_test, y_test):.3f}, "
    f"sparsity {pruned.sparsity_:.3f}, {pruned.n_nonzero_} non-zero weights "
    f"(compression {pruned.compression_ratio_:.1f}x)"
)

# %%
# What happened at each pruning step
for record in pruned.pruning_history_:
    print(
        f"step {record['step']}: target {record['target_sparsity']:.3f} "
        f"achieved {record['sparsity']:.3f} loss {record['loss']:.4f}"
    )

# %%
# Whole neurons instead of single weights: the hidden layer shrinks
structured = PrunedMLPClassifier(
    prune_granularity="neuron", prune_ratio=0.5, max_iter=300, random_state=0
).fit(X_train, y_train)
print(
    f"neuron pruning: live hidden neurons {structured.hidden_layer_sizes_}, "
    f"accuracy {structured.score(X_test, y_test):.3f}"
)

# %%
# The pruned model is smaller on disk and runs a compressed network
import io

import joblib


def joblib_kib(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    return buffer.getbuffer().nbytes / 1024


print(pruned.compressed_)
print(
    f"joblib file: dense {joblib_kib(dense):.0f} KiB, "
    f"pruned {joblib_kib(pruned):.0f} KiB"
)
