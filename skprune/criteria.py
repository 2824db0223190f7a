"""Pruning criteria: the registries of every estimator family, read-only.

A criterion is a :class:`Criterion`: a name, the function that computes the
scores, the data it needs and its formula. Each family has its registry:
:data:`MLP_CRITERIA` (weights and hidden neurons of ``PrunedMLPClassifier``
and ``PrunedMLPRegressor``), :data:`LINEAR_CRITERIA` (features of
``SparseSGDRegressor`` and ``SparseSGDClassifier``) and
:data:`FEATURE_CRITERIA` (input features of ``PruneSparsifyTransformer``).
The estimators' parameter constraints and docstrings are generated from them.

This module only re-exports: the criteria are implemented, with their
derivations, in the pruning core (``skprune/_pruning/criteria/``), where a
new criterion is added (see ``CONTRIBUTING.md``). The scoring functions below
are the ones the tests pin (``tests/test_pinned_numbers.py``).
"""

from ._pruning.criteria import (
    FEATURE_CRITERIA,
    LINEAR_CRITERIA,
    MLP_CRITERIA,
    Criterion,
    compute_scores,
    feature_entropy,
    linear_magnitude,
    linear_scores,
    mlp_input_gradient,
    weighted_mean_std,
)

__all__ = [
    "FEATURE_CRITERIA",
    "LINEAR_CRITERIA",
    "MLP_CRITERIA",
    "Criterion",
    "compute_scores",
    "feature_entropy",
    "linear_magnitude",
    "linear_scores",
    "mlp_input_gradient",
    "weighted_mean_std",
]
