"""Drop-in behaviour that scikit-learn's own tests (tests/sklearn_suite) do not pin.

What a pruned fit means for the parent's attributes, what the parent accepts
and we must accept too, and the errors of our own entry points
(``from_estimator``, a warm start on another architecture) in our words.
"""

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from skprune import PrunedMLPClassifier

QUIET = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# -- single-class y (issue 15, item 2) ----------------------------------------


@QUIET
@pytest.mark.parametrize("label", [3, "only"])
@pytest.mark.parametrize("prune_ratio", [0.0, 0.5])
def test_single_class_y_is_accepted_as_by_the_parent(label, prune_ratio):
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 5), np.full(40, label)
    params = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    parent = MLPClassifier(**params).fit(X, y)
    est = PrunedMLPClassifier(prune_ratio=prune_ratio, **params).fit(X, y)
    np.testing.assert_array_equal(est.classes_, parent.classes_)
    np.testing.assert_array_equal(est.predict(X), parent.predict(X))
    assert est.predict_proba(X).shape == parent.predict_proba(X).shape == (40, 2)
    assert est.sparsity_ == pytest.approx(prune_ratio, abs=0.02)
    if prune_ratio == 0:
        np.testing.assert_allclose(est.predict_proba(X), parent.predict_proba(X))
    assert est.score(X, y) == 1.0


@QUIET
def test_single_class_y_with_a_validation_split():
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 5), np.zeros(40, dtype=int)
    est = PrunedMLPClassifier(
        hidden_layer_sizes=(8,), max_iter=20, prune_ratio=0.5, max_score_drop=0.0,
        early_stopping=True, random_state=0,
    ).fit(X, y)
    assert all(r["validation_score"] == 1.0 for r in est.pruning_history_)
    assert est.sparsity_ == pytest.approx(0.5, abs=0.02)
