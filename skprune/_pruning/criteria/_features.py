"""Scores of the input features for :class:`skprune.PruneSparsifyTransformer`.

Here high scores are *kept*. The importance source (``source``) is a fitted
MLP (sklearn's or skprune's), a linear model (``coef_``) or any estimator with
``feature_importances_``; the formulas are those of the MLP family
(:mod:`skprune._pruning.criteria._mlp`, "Input features") and of the linear family
(:mod:`skprune._pruning.criteria._linear`, "Input features").

Criteria (:data:`FEATURE_CRITERIA`)
-----------------------------------
``'entropy'``
    ``H_j``, the binned entropy of the feature (unsupervised, no source).
``'importance'``
    MLP: ``sum_k |W0[j, k]|``; linear model: ``sum_o |coef_[o, j]|``;
    otherwise the source's ``feature_importances_``.
``'gradient'``
    MLP: ``(1/S) sum_n s_n |dL_n/dx[n, j]|`` (needs the targets); linear model:
    ``std_j sum_o |coef_[o, j]|`` (already scaled by the spread).

Every function has the signature ``fn(X, sample_weight, source, targets)``
with ``targets`` a zero-argument callable that encodes ``y`` as the MLP's
outputs (called only when needed), and returns ``(scores, scaled)``;
``scaled`` says the scores already carry the factor ``std_j`` (so
``scale_by_std`` does not apply it twice).
"""

from ._linear import linear_importance, linear_magnitude
from ._mlp import mlp_input_gradient, mlp_input_importance
from ._registry import Criterion, registry
from ._stats import feature_entropy


def is_mlp(estimator):
    """A fitted MLP: it has sklearn's network attributes."""
    return all(
        hasattr(estimator, a) for a in ("coefs_", "intercepts_", "out_activation_")
    )


def _entropy(X, sample_weight, source, targets):
    return feature_entropy(X, sample_weight), False


def _importance(X, sample_weight, source, targets):
    if is_mlp(source):
        return mlp_input_importance(source.coefs_), False
    if hasattr(source, "coef_"):
        return linear_importance(source.coef_), False
    if hasattr(source, "feature_importances_"):
        return source.feature_importances_, False
    raise ValueError(
        "criterion='importance' needs an MLP (coefs_), a linear model (coef_) "
        f"or feature_importances_; the fitted {type(source).__name__} has none "
        "of them."
    )


def _gradient(X, sample_weight, source, targets):
    if is_mlp(source):
        return mlp_input_gradient(
            X,
            targets(),
            source.coefs_,
            source.intercepts_,
            source.activation,
            source.out_activation_,
            sample_weight,
        ), False
    if hasattr(source, "coef_"):
        return linear_magnitude(source.coef_, X, sample_weight), True
    raise ValueError(
        "criterion='gradient' needs an MLP (coefs_) or a linear model (coef_); "
        f"the fitted {type(source).__name__} has neither. Use "
        "criterion='importance' for feature_importances_."
    )


#: The input-feature criteria: name -> :class:`~skprune.criteria.Criterion`
#: (the ``criterion`` values of ``PruneSparsifyTransformer``).
FEATURE_CRITERIA = registry(
    Criterion(
        "entropy",
        _entropy,
        frozenset({"X"}),
        "entropy ``-sum p log p`` of the feature's values over the "
        "training data, in 32 equal-width bins between its min and max "
        "(unsupervised; ``estimator`` is not used);",
    ),
    Criterion(
        "importance",
        _importance,
        frozenset({"estimator"}),
        "for an MLP, ``sum_k |W0[j, k]|`` over the input neuron's "
        "outgoing weights (pruned weights count zero); for a linear "
        "model (``coef_``), ``|coef_[j]|`` summed over outputs; "
        "otherwise the estimator's ``feature_importances_``;",
    ),
    Criterion(
        "gradient",
        _gradient,
        frozenset({"X", "Y", "estimator"}),
        "for an MLP, the mean absolute training-loss gradient "
        "``(1/S) sum_n s_n |dL_n/dx[n, j]|`` (needs ``y``); for a linear "
        "model, ``|coef_[j]| * std(x_j)``.",
    ),
)
