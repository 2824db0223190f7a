"""The fence around scikit-learn's private API: its only importer in skprune.

skprune subclasses sklearn's estimators and relies on a few private names and
hooks. Every one of them is named here, once; the rest of the package imports
from this module (a test checks that no other module of ``skprune`` imports a
private sklearn name). ``tests/test_sklearn_compat.py`` pins the signatures
and attribute names used below, so a scikit-learn upgrade that moves one of
them fails in one named test instead of deep inside a fit.
``pyproject.toml`` bounds scikit-learn to the versions tested (1.7 to 1.9).

Private names imported
----------------------
``_fit_context`` (``sklearn.base``)
    the decorator that validates parameters and sets up nested validation.
``Interval``, ``StrOptions``, ``HasMethods``, ``InvalidParameterError``
(``sklearn.utils._param_validation``)
    parameter constraints merged with the parent's ``_parameter_constraints``.
``_get_output_config`` (``sklearn.utils._set_output``)
    the transformer asks whether pandas/polars output is configured.
``_check_sample_weight`` (``sklearn.utils.validation``)
    validates ``sample_weight`` as the parents do (:func:`check_sample_weight`
    passes its ``allow_all_zero_weights``, scikit-learn >= 1.9, where it
    exists: 1.7 and 1.8 have no all-zero check to skip).
``ACTIVATIONS``, ``DERIVATIVES`` (``sklearn.neural_network._base``)
    the in-place activation functions and derivatives of sklearn's MLPs.
``numpy.random.mtrand._rand``
    numpy's global generator (what ``random_state=None`` means).
``_openmp_effective_n_threads`` (``sklearn.utils._openmp_helpers``)
    the number of threads sklearn's own compiled predict paths use
    (:func:`effective_n_threads`).

Private hooks and attributes used (not importable; pinned by the test)
----------------------------------------------------------------------
MLP methods: ``_compute_loss_grad(layer, sw_sum, activations, deltas,
coef_grads, intercept_grads)`` (overridden: masks the gradients),
``_backprop`` (overridden: adds the sparsity penalty; returns ``loss,
coef_grads, intercept_grads``), ``_fit(X=, y=, sample_weight=, incremental=)``
(called with keywords only, :func:`mlp_fit`), ``_forward_pass_fast(X,
check_input)`` (overridden: batched inference), ``_check_solver``.
MLP fitted state: ``_label_binarizer``, ``_optimizer`` with the per-parameter
lists ``velocities`` (sgd) or ``ms``/``vs`` (adam) (:data:`OPTIMIZER_STATE`),
``_no_improvement_count``, ``_best_coefs``/``_best_intercepts``, ``best_loss_``,
``_random_state`` (see :func:`reset_mlp_stopping_state`).
SGD averaging state (:data:`SGD_AVERAGE_COEFS`, :data:`SGD_AVERAGE_INTERCEPTS`):
``_standard_coef``, ``_average_coef``, ``_standard_intercept``,
``_average_intercept``.
``BaseEstimator._validate_params`` and ``_get_param_names``.
"""

import inspect

import numpy as np
from sklearn.base import _fit_context
from sklearn.neural_network._base import ACTIVATIONS, DERIVATIVES
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
)
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import _check_sample_weight

# the scikit-learn versions skprune is tested with (pyproject.toml agrees)
TESTED_SKLEARN = ((1, 7), (1, 9))

# MLP optimizer state: one array per coefficient/intercept, shaped like it
OPTIMIZER_STATE = ("velocities", "ms", "vs")
# SGDRegressor/SGDClassifier averaging state (average=True), read and written
# so that partial_fit continues the averages of a pruned fit
SGD_AVERAGE_COEFS = ("_standard_coef", "_average_coef")
SGD_AVERAGE_INTERCEPTS = ("_standard_intercept", "_average_intercept")
# fitted MLP state that is scratch (rebuilt on demand, never persisted)
MLP_SCRATCH_STATE = ("_optimizer", "_best_coefs", "_best_intercepts", "_random_state")

__all__ = [
    "ACTIVATIONS",
    "DERIVATIVES",
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "LABEL_BINARIZER",
    "MLP_SCRATCH_STATE",
    "OPTIMIZER_STATE",
    "SGD_AVERAGE_COEFS",
    "SGD_AVERAGE_INTERCEPTS",
    "StrOptions",
    "TESTED_SKLEARN",
    "_check_sample_weight",
    "_fit_context",
    "_get_output_config",
    "check_sample_weight",
    "check_solver",
    "effective_n_threads",
    "global_random_state",
    "label_binarizer",
    "mlp_fit",
    "optimizer_arrays",
    "param_names",
    "reset_mlp_stopping_state",
    "validate_params",
]


def global_random_state():
    """numpy's global RandomState (what ``random_state=None`` draws from)."""
    return np.random.mtrand._rand


def effective_n_threads():
    """Threads for a parallel ``predict``: what sklearn's own OpenMP predict
    paths (e.g. ``HistGradientBoosting*``) use.

    All cores by default (cgroup quotas respected); ``OMP_NUM_THREADS`` and
    ``threadpoolctl.threadpool_limits(n)`` (which limits sklearn's OpenMP
    runtime) lower it; 1 when sklearn was built without OpenMP.
    """
    return _openmp_effective_n_threads()


def mlp_fit(parent, X, y, sample_weight):
    """One call of sklearn's MLP training loop, keywords only.

    ``parent`` is ``super()`` seen from the pruned estimator, so that
    sklearn's ``_fit`` runs (and calls back our ``_compute_loss_grad``).
    ``incremental=False``: a fresh optimizer at ``learning_rate_init`` for
    every call, which is learning-rate rewinding for a constant rate.
    """
    return parent._fit(X=X, y=y, sample_weight=sample_weight, incremental=False)


def check_solver(mlp):
    """sklearn's test that ``partial_fit`` is available (a stochastic solver)."""
    return mlp._check_solver()


# the fitted MLP classifier's LabelBinarizer attribute (a file's state holds it)
LABEL_BINARIZER = "_label_binarizer"


def label_binarizer(mlp):
    """The fitted classifier's ``LabelBinarizer`` (targets -> network outputs)."""
    return getattr(mlp, LABEL_BINARIZER)


def optimizer_arrays(mlp):
    """The live optimizer's per-parameter state arrays, by name.

    ``{name: [array per coefficient, then per intercept]}`` for the names of
    :data:`OPTIMIZER_STATE` the optimizer has; empty without an optimizer.
    """
    optimizer = getattr(mlp, "_optimizer", None)
    return {
        name: getattr(optimizer, name)
        for name in OPTIMIZER_STATE
        if getattr(optimizer, name, None) is not None
    }


def drop_optimizer(mlp):
    """Forget the optimizer (its state belongs to weights that were undone)."""
    mlp.__dict__.pop("_optimizer", None)


def ensure_best_copy(mlp):
    """A loaded early-stopping MLP lacks the best-weights copy warm start reads."""
    if mlp.early_stopping and not hasattr(mlp, "_best_coefs"):
        mlp._best_coefs = [c.copy() for c in mlp.coefs_]
        mlp._best_intercepts = [i.copy() for i in mlp.intercepts_]


# an MLP's record of its last training run (see reset_mlp_stopping_state)
MLP_TRAINING_RECORD = (
    "loss_",
    "loss_curve_",
    "validation_scores_",
    "best_loss_",
    "best_validation_score_",
    "n_iter_",
    "t_",
    "_no_improvement_count",
)


def reset_mlp_stopping_state(mlp):
    """Start the next warm-started ``_fit`` as a training run of its own.

    The stochastic solvers keep their stopping state between warm-started
    calls: the no-improvement counter, the best loss (or best validation
    score with early stopping) and the best weights; and they append to
    ``loss_curve_``/``validation_scores_`` and count ``t_`` on. All restart
    here, so after the run sklearn's training attributes
    (:data:`MLP_TRAINING_RECORD`) describe that run alone: the curves have
    ``n_iter_`` entries, ``best_*`` are their best values, ``t_`` counts its
    samples (and the 'invscaling' learning rate restarts with it).
    """
    if mlp.solver not in ("sgd", "adam"):
        return
    mlp.loss_curve_ = []
    mlp.t_ = 0
    mlp._no_improvement_count = 0
    if mlp.early_stopping:
        mlp.validation_scores_ = []
        mlp.best_validation_score_ = -np.inf
        mlp.best_loss_ = None
        mlp._best_coefs = [c.copy() for c in mlp.coefs_]
        mlp._best_intercepts = [i.copy() for i in mlp.intercepts_]
    else:
        mlp.best_loss_ = np.inf


_ALL_ZERO_CHECK = (
    "allow_all_zero_weights" in inspect.signature(_check_sample_weight).parameters
)


def check_sample_weight(sample_weight, X, *, dtype=None, allow_all_zero_weights):
    """``_check_sample_weight``; ``allow_all_zero_weights=True`` skips its
    all-zero check (as ``SGDClassifier`` does with ``early_stopping``, whose
    validation split then raises the more precise error)."""
    if not _ALL_ZERO_CHECK:  # scikit-learn < 1.9: no all-zero check
        return _check_sample_weight(sample_weight, X, dtype=dtype)
    return _check_sample_weight(
        sample_weight, X, dtype=dtype, allow_all_zero_weights=allow_all_zero_weights
    )


def param_names(cls):
    """Constructor parameter names of an sklearn estimator class."""
    return tuple(cls._get_param_names())


def validate_params(estimator):
    """Check ``estimator``'s parameters against its constraints (no fit)."""
    estimator._validate_params()
