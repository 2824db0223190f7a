"""Wing 1, the pruning core: what happens inside a pruning ``fit``.

- :mod:`._driver`: the driver every estimator family shares (validation
  split, history record, acceptance rules, the step loop over a schedule,
  the support search, rollback, progress log);
- :mod:`._recipe`: the re-training recipe of ``finetune_iter='auto'``;
- :mod:`._schedules`: target sparsity per step; :mod:`._masks`: from scores
  to keep-masks; :mod:`._rollback`: a failed fit leaves no trace;
- :mod:`.criteria`: the criteria registries of every family, formulas
  documented once;
- the adapters, one per estimator family: :mod:`._mlp_adapter`
  (:class:`MLPAdapter`) and :mod:`._sgd_adapter` (:class:`SGDAdapter`).

The public estimator modules import from here; nothing here imports them.
"""

from ._driver import (
    COMMON_KEYS,
    AcceptAll,
    AllOf,
    Evaluation,
    FitRandomState,
    MaxLossRise,
    MaxScoreDrop,
    ProgressLog,
    Split,
    make_record,
    run_schedule,
    search_support,
    sklearn_verbose,
    validation_split,
)
from ._masks import SCOPES, threshold_masks
from ._mlp_adapter import MLPAdapter, overridden
from ._recipe import step_plan
from ._rollback import fit_or_rollback
from ._schedules import SCHEDULES, sparsity_schedule
from ._sgd_adapter import FittedSupport, SGDAdapter, columns
from .criteria import (
    BASELINE,
    FEATURE_CRITERIA,
    GRANULARITIES,
    LINEAR_CRITERIA,
    MLP_CRITERIA,
    baseline,
    constraint,
    describe,
    feature_statistics,
    linear_scores,
    loss_value,
    weighted_mean_std,
)

__all__ = [
    "BASELINE",
    "COMMON_KEYS",
    "FEATURE_CRITERIA",
    "GRANULARITIES",
    "LINEAR_CRITERIA",
    "MLP_CRITERIA",
    "SCHEDULES",
    "SCOPES",
    "AcceptAll",
    "AllOf",
    "Evaluation",
    "FitRandomState",
    "FittedSupport",
    "MLPAdapter",
    "MaxLossRise",
    "MaxScoreDrop",
    "ProgressLog",
    "SGDAdapter",
    "Split",
    "baseline",
    "columns",
    "constraint",
    "describe",
    "feature_statistics",
    "fit_or_rollback",
    "linear_scores",
    "loss_value",
    "make_record",
    "overridden",
    "run_schedule",
    "search_support",
    "sklearn_verbose",
    "sparsity_schedule",
    "step_plan",
    "threshold_masks",
    "validation_split",
    "weighted_mean_std",
]
