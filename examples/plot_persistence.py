"""
=========================================
Saving and loading: joblib and skops
=========================================

A pruned model is written in a compact form: only the surviving weights (as
sparse arrays), no optimizer state and no dense copies. It loads back into an
estimator that predicts identically and can keep training with its masks.

joblib (pickle) files run code when loaded, so load only your own. For files
from elsewhere use skops through :mod:`skprune.io`, which trusts exactly
skprune's own types on top of skops' defaults (``pip install "skprune[skops]"``).
"""

# %%
# Fit a dense and a pruned model, inside a Pipeline
# -------------------------------------------------
import os
import tempfile
import warnings

import joblib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skprune import PrunedMLPClassifier, io

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
common = dict(hidden_layer_sizes=(128,), max_iter=200, random_state=0)
with warnings.catch_warnings():  # adam is still slowly improving at 200 epochs
    warnings.simplefilter("ignore", ConvergenceWarning)
    dense = make_pipeline(MinMaxScaler(), MLPClassifier(**common))
    dense.fit(X_train, y_train)
    pruned = make_pipeline(
        MinMaxScaler(), PrunedMLPClassifier(prune_ratio=0.95, **common)
    ).fit(X_train, y_train)
folder = tempfile.mkdtemp()

# %%
# joblib
# ------
sizes = {}
for name, model in [("dense", dense), ("pruned", pruned)]:
    path = os.path.join(folder, f"{name}.joblib")
    joblib.dump(model, path)
    sizes[f"{name} joblib"] = os.path.getsize(path) / 1024

loaded = joblib.load(os.path.join(folder, "pruned.joblib"))
assert np.array_equal(loaded.predict_proba(X_test), pruned.predict_proba(X_test))
print(
    f"joblib: dense {sizes['dense joblib']:.0f} KiB, "
    f"pruned {sizes['pruned joblib']:.0f} KiB; the loaded model predicts identically"
)

# %%
# A loaded model keeps its masks: ``partial_fit`` (solvers 'sgd' and 'adam')
# trains the surviving weights and leaves the pruned ones at exactly zero.
mlp = loaded[-1]
before = [m.copy() for m in mlp.masks_]
mlp.partial_fit(loaded[0].transform(X_train), y_train)
assert all(np.array_equal(a, b) for a, b in zip(before, mlp.masks_))
assert all(np.all(c[~m] == 0) for c, m in zip(mlp.coefs_, mlp.masks_))
print(
    f"after partial_fit: sparsity {mlp.sparsity_:.3f}, "
    f"accuracy {loaded.score(X_test, y_test):.3f}"
)

# %%
# skops
# -----
# :func:`skprune.io.dump` writes a skops file; :func:`skprune.io.load` checks
# every type in it before constructing anything.
path = os.path.join(folder, "pruned.skops")
io.dump(pruned, path)
sizes["pruned skops"] = os.path.getsize(path) / 1024
from_skops = io.load(path)
assert np.array_equal(from_skops.predict(X_test), pruned.predict(X_test))
print(f"skops: pruned {sizes['pruned skops']:.0f} KiB, predicts identically")

# %%
# A file holding a type skprune does not know is refused, and nothing in it is
# run. Here a harmless custom transformer stands in for an unknown one.


class MysteryTransformer(TransformerMixin, BaseEstimator):
    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X


suspicious = make_pipeline(MysteryTransformer(), pruned[-1])
suspicious_path = os.path.join(folder, "suspicious.skops")
io.dump(suspicious, suspicious_path)
try:
    io.load(suspicious_path)
except io.UntrustedTypesError as error:
    print("refused:", error)

# %%
# File sizes
# ----------
# The skops file is about as small as the joblib one: skprune estimators write
# their per-epoch and per-step histories (``loss_curve_``, ``pruning_history_``)
# as one JSON text instead of one skops node per float, and ``io.dump``
# deflates the archive. Safety costs no size.
fig, ax = plt.subplots(figsize=(6, 2.5), layout="constrained")
ax.barh(list(sizes), list(sizes.values()), color=["0.6", "C0", "C1"])
ax.set_xlabel("file size (KiB)")
plt.show()
