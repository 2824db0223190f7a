"""Pruning criteria: one registry per estimator family, formulas documented once.

A criterion is a :class:`Criterion`: a name, the function that computes the
scores, the data it needs and its formula. Each family has its registry:

- :data:`MLP_CRITERIA` (:mod:`skprune._pruning.criteria._mlp`): weights and hidden
  neurons of a network (``PrunedMLPClassifier``, ``PrunedMLPRegressor``);
- :data:`LINEAR_CRITERIA` (:mod:`skprune._pruning.criteria._linear`): features of a
  linear model (``SparseSGDRegressor``, ``SparseSGDClassifier``);
- :data:`FEATURE_CRITERIA` (:mod:`skprune._pruning.criteria._features`): input
  features scored through an importance source
  (``PruneSparsifyTransformer``).

The estimators' ``_parameter_constraints`` (:func:`constraint`), their
docstrings (:func:`describe`) and the baseline that
:class:`~skprune.inspection.PruningCurveDisplay` adds (:func:`baseline`) come
from these registries. Statistics shared by the families (weighted standard
deviation, binned entropy, row chunks) live in :mod:`skprune._pruning.criteria._stats`.

Adding a criterion to a family: write its function in the family module (the
family's signature), document its formula in that module's docstring, and add
one :class:`Criterion` line to the registry. Nothing else changes.
"""

from ._features import FEATURE_CRITERIA, is_mlp
from ._linear import (
    CLASSIFICATION_LOSSES,
    LINEAR_CRITERIA,
    LOSSES,
    feature_statistics,
    linear_importance,
    linear_magnitude,
    linear_scores,
    loss_derivative,
    loss_value,
    removal_gradient,
)
from ._mlp import (
    CHUNK_SIZE,
    GRANULARITIES,
    MLP_CRITERIA,
    backward,
    compute_scores,
    forward,
    mlp_input_gradient,
    mlp_input_importance,
)
from ._registry import BASELINE, NEEDS, Criterion, baseline, constraint, describe
from ._stats import (
    CHUNK_VALUES,
    ENTROPY_BINS,
    activation_entropy,
    entropy_from_counts,
    feature_entropy,
    row_chunks,
    weighted_mean_std,
)

__all__ = [
    "BASELINE",
    "CHUNK_SIZE",
    "CHUNK_VALUES",
    "CLASSIFICATION_LOSSES",
    "ENTROPY_BINS",
    "FEATURE_CRITERIA",
    "GRANULARITIES",
    "LINEAR_CRITERIA",
    "LOSSES",
    "MLP_CRITERIA",
    "NEEDS",
    "Criterion",
    "activation_entropy",
    "backward",
    "baseline",
    "compute_scores",
    "constraint",
    "describe",
    "entropy_from_counts",
    "feature_entropy",
    "feature_statistics",
    "forward",
    "is_mlp",
    "linear_importance",
    "linear_magnitude",
    "linear_scores",
    "loss_derivative",
    "loss_value",
    "mlp_input_gradient",
    "mlp_input_importance",
    "removal_gradient",
    "row_chunks",
    "weighted_mean_std",
]
