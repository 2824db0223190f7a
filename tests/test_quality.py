"""Accuracy survives pruning: the default recipe on sklearn's digits.

The MNIST frontier lives in ``benchmarks/bench_quality.py``; this test guards
the method itself (schedule, masked re-training, final re-training) on data
small enough for CI.
"""

import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from skprune import PrunedMLPClassifier

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def dense_scores(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    return [MLPClassifier(random_state=s).fit(X_train, y_train).score(X_test, y_test)
            for s in SEEDS]


def test_90_percent_sparse_mlp_stays_within_2_points_of_dense(digits_split, dense_scores):
    X_train, X_test, y_train, y_test = digits_split
    pruned = [PrunedMLPClassifier(prune_ratio=0.9, random_state=s).fit(X_train, y_train)
              for s in SEEDS]
    total = sum(c.size for c in pruned[0].coefs_)
    for est in pruned:
        assert est.sparsity_ >= 0.9 - 1 / total
        assert all(np.all(c[~m] == 0) for c, m in zip(est.coefs_, est.masks_))
    drop = np.mean(dense_scores) - np.mean([e.score(X_test, y_test) for e in pruned])
    assert drop <= 0.02, f"90% sparse lost {drop:.3f} accuracy vs dense"


def test_half_the_hidden_neurons_removed_stays_within_2_points(digits_split, dense_scores):
    X_train, X_test, y_train, y_test = digits_split
    pruned = [PrunedMLPClassifier(prune_ratio=0.5, prune_granularity="neuron",
                                  random_state=s).fit(X_train, y_train) for s in SEEDS]
    for est in pruned:
        assert est.hidden_layer_sizes_[0] <= 50
    drop = np.mean(dense_scores) - np.mean([e.score(X_test, y_test) for e in pruned])
    assert drop <= 0.02, f"50% of neurons removed lost {drop:.3f} accuracy vs dense"
