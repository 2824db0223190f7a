"""Wing 1, the pruning core: what happens inside a pruning ``fit``.

- :mod:`._driver`: the driver every estimator family shares (validation
  split, history record, acceptance rules, the step loop over a schedule,
  the support search, rollback, progress log);
- :mod:`._recipe`: the re-training recipe of ``finetune_iter='auto'``;
- :mod:`._schedules`: target sparsity per step; :mod:`._masks`: from scores
  to keep-masks; :mod:`._rollback`: a failed fit leaves no trace;
- :mod:`.criteria`: the criteria registries of every family, formulas
  documented once;
- the adapter contract (:mod:`._adapter`: :class:`ScheduleAdapter`,
  :class:`SupportSearchAdapter`, abstract base classes) and one adapter per
  estimator family: :mod:`._mlp_adapter` (:class:`MLPAdapter`) and
  :mod:`._sgd_adapter` (:class:`SGDAdapter`).

The public estimator modules import from here; nothing here imports them.
"""

from ._adapter import ScheduleAdapter, SupportSearchAdapter
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
from ._mlp_adapter import MLPAdapter, overridden, prune_network
from ._recipe import RECIPE, Recipe, StepPlan
from ._rollback import fit_or_rollback
from ._schedules import SCHEDULES, sparsity_schedule
from ._sgd_adapter import (
    LOSS_RISE_Z,
    FittedSupport,
    SGDAdapter,
    acceptance_rule,
    columns,
    cv_folds,
    load_support_state,
    n_folds,
    prune_support,
    set_average_state,
)
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
    "RECIPE",
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
    "Recipe",
    "SGDAdapter",
    "LOSS_RISE_Z",
    "acceptance_rule",
    "cv_folds",
    "n_folds",
    "ScheduleAdapter",
    "Split",
    "StepPlan",
    "SupportSearchAdapter",
    "baseline",
    "columns",
    "constraint",
    "describe",
    "feature_statistics",
    "fit_or_rollback",
    "linear_scores",
    "loss_value",
    "make_record",
    "load_support_state",
    "overridden",
    "prune_network",
    "prune_support",
    "run_schedule",
    "search_support",
    "set_average_state",
    "sklearn_verbose",
    "sparsity_schedule",
    "threshold_masks",
    "validation_split",
    "weighted_mean_std",
]
