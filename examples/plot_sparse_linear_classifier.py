"""
=========================================================
Sparse linear classification: one support for all classes
=========================================================

:class:`skprune.SparseSGDClassifier` is :class:`~sklearn.linear_model.SGDClassifier`
with feature pruning inside ``fit``. A multiclass model is one-vs-rest (one
row of ``coef_`` per class) and the pruned features are shared by all the
classes, so a pruned pixel is never read. Here: the 8x8 digits, 64 pixels,
10 classes. We compare the pixels the default ``prune_ratio='auto'`` keeps
with ``SGDClassifier(penalty='l1')``, and draw what each class's kept
coefficients look like.
"""

# %%
# Fit: 'auto' finds the smallest support its validation split accepts
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skprune import SparseSGDClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

sparse_clf = SparseSGDClassifier(loss="log_loss", random_state=0).fit(X_train, y_train)
print(
    f"SparseSGDClassifier: {sparse_clf.support_.sum()} of 64 pixels, "
    f"{sparse_clf.n_nonzero_} non-zero coefficients, "
    f"test accuracy {sparse_clf.score(X_test, y_test):.3f}"
)
for alpha in (1e-4, 1e-3, 1e-2):
    l1 = SGDClassifier(loss="log_loss", penalty="l1", alpha=alpha, random_state=0).fit(
        X_train, y_train
    )
    pixels = int((l1.coef_ != 0).any(axis=0).sum())
    print(
        f"SGDClassifier(penalty='l1', alpha={alpha:g}): {pixels} of 64 pixels "
        f"read, {np.count_nonzero(l1.coef_)} non-zero, "
        f"test accuracy {l1.score(X_test, y_test):.3f}"
    )

# %%
# The pruning steps: each halves the support until the validation accuracy
# falls significantly below the best (``max_loss_rise``), then bisects
for record in sparse_clf.pruning_history_:
    print(
        f"step {record['step']}: {record['n_features']:2d} pixels, validation "
        f"accuracy {record['validation_score']:.3f}"
        f"{'' if record['accepted'] else '  (refused)'}"
    )

# %%
# A float ``prune_ratio`` asks for a size instead; ``predict_proba`` exists for
# the log and modified Huber losses, as in SGDClassifier
fixed = SparseSGDClassifier(loss="log_loss", prune_ratio=0.75, random_state=0).fit(
    X_train, y_train
)
print(
    f"prune_ratio=0.75: {fixed.support_.sum()} pixels, test accuracy "
    f"{fixed.score(X_test, y_test):.3f}, P(first test digit) = "
    f"{fixed.predict_proba(X_test[:1]).max():.2f}"
)

# %%
# The kept pixels and each class's coefficients on them (white: pruned)
fig, axes = plt.subplots(1, 11, figsize=(11, 1.6))
axes[0].imshow(sparse_clf.support_.reshape(8, 8), cmap="gray_r")
axes[0].set_title("kept", fontsize=8)
scale = np.abs(sparse_clf.coef_).max()
for digit, ax in enumerate(axes[1:]):
    ax.imshow(
        sparse_clf.coef_[digit].reshape(8, 8), cmap="RdBu_r", vmin=-scale, vmax=scale
    )
    ax.set_title(str(digit), fontsize=8)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()
