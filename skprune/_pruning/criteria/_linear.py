"""Importance of every feature of a linear model (the linear family).

Notation: ``w_j`` is feature ``j``'s coefficient (one row of coefficients per
output ``o`` for several outputs, scored row by row), ``f_n`` the model's
prediction for sample ``n``, ``s_n`` the sample weights and ``S = sum_n s_n``;
``std_j`` and ``H_j`` are the weighted standard deviation and the binned
entropy of feature ``j`` (:mod:`skprune._pruning.criteria._stats`). Low scores are
pruned first.

Criteria (:data:`LINEAR_CRITERIA`)
----------------------------------
``'magnitude'``
    ``M_j = |w_j| std_j``: the change of the prediction when ``x_j`` moves by
    one standard deviation, so the feature's unit does not decide (a feature
    measured in millimetres instead of metres has a 1000x smaller ``w_j``, the
    same ``M_j``). For feature selection over several outputs
    (:func:`linear_magnitude`): ``std_j sum_o |w_oj|``.
``'gradient'``
    ``G_j = (1/S) sum_n s_n |x_nj| |l'(f_n - w_j x_nj, y_n)|``: the absolute
    per-sample gradients ``|dL_n/dw_j|`` accumulated over the data, evaluated
    with feature ``j`` removed (its term taken out of ``f_n``), i.e. how
    strongly the data would pull ``w_j`` back from zero if it were pruned.
    Evaluated at the fitted weights instead, the per-sample gradients of a
    converged least-squares model are ``|x_nj r_n|`` with the residual
    ``r_n`` independent of every feature, so every feature of a standardized
    design would score the same; removing ``j``'s own term is what makes the
    criterion informative. ``l'`` is the derivative of the training loss with
    respect to the prediction (see :func:`loss_derivative`).
``'entropy'``
    ``E_j = H_j * M_j``: a constant feature has ``H = 0``, a rare binary
    indicator a small ``H``: low-information features go first. ``H`` alone
    ignores the target (every Gaussian feature has nearly the same entropy),
    so, like the network criterion (``|w| H`` of the source neuron), it
    multiplies the magnitude score.
``'random'``
    independent uniform scores: the baseline every criterion must beat.

Input features of a linear model (used by :class:`skprune.PruneSparsifyTransformer`)
-----------------------------------------------------------------------------------
importance (:func:`linear_importance`)
    ``sum_o |w_oj|`` over the outputs ``o``.
gradient (:func:`linear_magnitude`)
    ``std_j sum_o |w_oj|``, the magnitude above summed over the outputs.
"""

import numpy as np
from scipy import sparse
from scipy.special import expit

from ..._sklearn_compat import global_random_state
from ._registry import Criterion, registry
from ._stats import (
    ENTROPY_BINS,
    csc_entries,
    feature_entropy,
    row_chunks,
    sample_weights,
    weighted_mean_std,
)

LOSSES = (
    "squared_error",
    "huber",
    "epsilon_insensitive",
    "squared_epsilon_insensitive",
)
#: The margin losses of ``SGDClassifier`` (its other losses are the regression
#: ones above, applied to the +-1 encoded targets).
CLASSIFICATION_LOSSES = (
    "hinge",
    "log_loss",
    "modified_huber",
    "squared_hinge",
    "perceptron",
)


def loss_derivative(loss, f, y, epsilon=0.1):
    """Derivative ``l'(f, y)`` of a per-sample SGD loss w.r.t. the prediction.

    The losses are scikit-learn's SGD losses (their values in
    :func:`loss_value`). Regression losses, with ``r = f - y``:

    - ``'squared_error'`` (``r^2 / 2``): ``r``;
    - ``'huber'`` (``r^2 / 2`` if ``|r| <= epsilon``, else
      ``epsilon |r| - epsilon^2 / 2``): ``r`` if ``|r| <= epsilon``, else
      ``epsilon sign(r)``;
    - ``'epsilon_insensitive'`` (``max(0, |r| - epsilon)``):
      ``sign(r)`` if ``|r| > epsilon``, else 0;
    - ``'squared_epsilon_insensitive'`` (``max(0, |r| - epsilon)^2``):
      ``2 sign(r) max(0, |r| - epsilon)``.

    Margin losses of a classifier (``SGDClassifier``; ``y`` in {-1, +1}, one
    column per one-vs-rest problem), with the margin ``z = y f``:

    - ``'hinge'`` (``max(0, 1 - z)``): ``-y`` if ``z < 1``, else 0;
    - ``'squared_hinge'`` (``max(0, 1 - z)^2``): ``-2 y max(0, 1 - z)``;
    - ``'perceptron'`` (``max(0, -z)``): ``-y`` if ``z < 0``, else 0;
    - ``'log_loss'`` (``log(1 + exp(-z))``): ``-y / (1 + exp(z))``;
    - ``'modified_huber'`` (0 if ``z >= 1``, ``(1 - z)^2`` if
      ``-1 <= z < 1``, else ``-4 z``): ``-2 y max(0, 1 - z)`` if
      ``z >= -1``, else ``-4 y``.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._pruning.criteria import loss_derivative
    >>> loss_derivative("huber", np.array([0.05, 3.0]), np.zeros(2)).tolist()
    [0.05, 0.1]
    >>> loss_derivative("hinge", np.array([0.5, 2.0]), np.ones(2)).tolist()
    [-1.0, 0.0]
    """
    f = np.asarray(f, dtype=float)
    y = np.asarray(y, dtype=float)
    if loss == "squared_error":
        return f - y
    if loss == "huber":
        return np.clip(f - y, -epsilon, epsilon)
    if loss == "epsilon_insensitive":
        r = f - y
        return np.where(np.abs(r) > epsilon, np.sign(r), 0.0)
    if loss == "squared_epsilon_insensitive":
        r = f - y
        return 2.0 * np.sign(r) * np.maximum(np.abs(r) - epsilon, 0.0)
    z = y * f
    if loss == "hinge":
        return np.where(z < 1.0, -y, 0.0)
    if loss == "squared_hinge":
        return -2.0 * y * np.maximum(1.0 - z, 0.0)
    if loss == "perceptron":
        return np.where(z < 0.0, -y, 0.0)
    if loss == "log_loss":
        return -y * expit(-z)
    if loss == "modified_huber":
        return np.where(z >= -1.0, -2.0 * y * np.maximum(1.0 - z, 0.0), -4.0 * y)
    raise ValueError(
        f"loss must be one of {LOSSES + CLASSIFICATION_LOSSES}, got {loss!r}."
    )


def loss_value(loss, f, y, epsilon=0.1):
    """Per-sample SGD loss ``l(f, y)`` (formulas in :func:`loss_derivative`).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._pruning.criteria import loss_value
    >>> loss_value("huber", np.array([0.05, 3.0]), np.zeros(2)).round(5).tolist()
    [0.00125, 0.295]
    >>> loss_value("modified_huber", np.array([2.0, 0.0, -3.0]), np.ones(3)).tolist()
    [0.0, 1.0, 12.0]
    """
    f = np.asarray(f, dtype=float)
    y = np.asarray(y, dtype=float)
    r = f - y
    if loss == "squared_error":
        return 0.5 * r**2
    if loss == "huber":
        a = np.abs(r)
        return np.where(a <= epsilon, 0.5 * r**2, epsilon * a - 0.5 * epsilon**2)
    if loss == "epsilon_insensitive":
        return np.maximum(np.abs(r) - epsilon, 0.0)
    if loss == "squared_epsilon_insensitive":
        return np.maximum(np.abs(r) - epsilon, 0.0) ** 2
    z = y * f
    if loss == "hinge":
        return np.maximum(1.0 - z, 0.0)
    if loss == "squared_hinge":
        return np.maximum(1.0 - z, 0.0) ** 2
    if loss == "perceptron":
        return np.maximum(-z, 0.0)
    if loss == "log_loss":
        return np.logaddexp(0.0, -z)
    if loss == "modified_huber":
        return np.where(z >= -1.0, np.maximum(1.0 - z, 0.0) ** 2, -4.0 * z)
    raise ValueError(
        f"loss must be one of {LOSSES + CLASSIFICATION_LOSSES}, got {loss!r}."
    )


def removal_gradient(X, Y, coef, intercept, loss, sample_weight=None, epsilon=0.1):
    """``G_oj`` of the module docstring, shape ``(n_outputs, n_features)``.

    ``coef`` has shape ``(n_outputs, n_features)``, ``intercept``
    ``(n_outputs,)`` and ``Y`` ``(n_samples, n_outputs)``.
    """
    n_samples, n_features = X.shape
    coef = np.atleast_2d(np.asarray(coef, dtype=float))
    Y = np.asarray(Y, dtype=float).reshape(n_samples, -1)
    w = sample_weights(sample_weight, n_samples)
    grads = np.zeros(coef.shape)
    if sparse.issparse(X):
        X = sparse.csr_matrix(X)
        F = np.asarray(X @ coef.T) + intercept
        cols, rows, vals = csc_entries(X)
        for k in range(coef.shape[0]):
            d = loss_derivative(
                loss, F[rows, k] - coef[k, cols] * vals, Y[rows, k], epsilon
            )
            grads[k] = np.bincount(
                cols, weights=w[rows] * np.abs(vals * d), minlength=n_features
            )
    else:
        for sl in row_chunks(n_samples, n_features * coef.shape[0]):
            A = np.asarray(X[sl], dtype=float)
            F = A @ coef.T + intercept
            absA = np.abs(A)
            for k in range(coef.shape[0]):
                d = loss_derivative(
                    loss, F[:, k, None] - A * coef[k], Y[sl, k, None], epsilon
                )
                grads[k] += w[sl] @ (absA * np.abs(d))
    return grads / w.sum()


def linear_importance(coef):
    """``sum_o |coef[o, j]|`` (``coef`` 1-D or 2-D, dense or sparse)."""
    if sparse.issparse(coef):  # after sparsify(); SGDRegressor's can be 1-D CSR
        coef = coef if coef.format == "csr" else coef.tocsr()
        return np.bincount(
            coef.indices, weights=np.abs(coef.data), minlength=coef.shape[-1]
        ).astype(float)
    coef = np.abs(np.asarray(coef, dtype=float))
    return coef if coef.ndim == 1 else coef.sum(axis=0)


def linear_magnitude(coef, X, sample_weight=None):
    """``std_j sum_o |coef[o, j]|``: the magnitude criterion over all outputs."""
    return linear_importance(coef) * weighted_mean_std(X, sample_weight)[1]


# -- the criteria: fn(X, Y, coef, intercept, options) -> (n_outputs, n_features)


def _std(X, o):
    return weighted_mean_std(X, o["sample_weight"])[1] if o["std"] is None else o["std"]


def _magnitude(X, Y, coef, intercept, o):
    return np.abs(coef) * _std(X, o)


def _gradient(X, Y, coef, intercept, o):
    return removal_gradient(
        X,
        Y,
        coef,
        np.asarray(intercept, dtype=float),
        o["loss"],
        o["sample_weight"],
        o["epsilon"],
    )


def _entropy(X, Y, coef, intercept, o):
    entropy = o["entropy"]
    if entropy is None:
        entropy = feature_entropy(X, o["sample_weight"], o["n_bins"])
    return _magnitude(X, Y, coef, intercept, o) * entropy


def _random(X, Y, coef, intercept, o):
    rng = o["random_state"]
    rng = global_random_state() if rng is None else rng
    return rng.uniform(size=coef.shape)


#: The linear-model criteria: name -> :class:`~skprune.criteria.Criterion`
#: (the ``prune_criterion`` values of ``SparseSGDRegressor`` and
#: ``SparseSGDClassifier``).
LINEAR_CRITERIA = registry(
    Criterion(
        "magnitude",
        _magnitude,
        frozenset({"std"}),
        "``|w_j| std_j``, so the feature's scale does not decide;",
    ),
    Criterion(
        "gradient",
        _gradient,
        frozenset({"X", "Y"}),
        "``sum_n |dL_n / dw_j|`` over the training data, evaluated with "
        "feature ``j`` removed from the prediction (how hard the data "
        "pulls ``w_j`` back from zero);",
    ),
    Criterion(
        "entropy",
        _entropy,
        frozenset({"std", "entropy"}),
        "``H_j |w_j| std_j`` with ``H_j`` the entropy of the feature "
        "binned in 32 equal-width bins: low-information features go "
        "first;",
    ),
    Criterion(
        "random",
        _random,
        frozenset({"random_state"}),
        "uniform scores, the baseline every criterion must beat.",
    ),
)


def feature_statistics(criterion, X, sample_weight):
    """The per-feature statistics ``criterion`` needs, computed once per fit.

    They do not change while a model is pruned; returns ``{"std": ...,
    "entropy": ...}`` (None for what the criterion does not need).
    """
    needs = LINEAR_CRITERIA[criterion].needs
    std = weighted_mean_std(X, sample_weight)[1] if "std" in needs else None
    entropy = feature_entropy(X, sample_weight) if "entropy" in needs else None
    return {"std": std, "entropy": entropy}


def linear_scores(
    criterion,
    X,
    Y,
    coef,
    intercept,
    *,
    loss="squared_error",
    epsilon=0.1,
    sample_weight=None,
    n_bins=ENTROPY_BINS,
    std=None,
    entropy=None,
    random_state=None,
):
    """Importance of every feature of a linear model (see the module docstring).

    Parameters
    ----------
    criterion : str
        A name of :data:`LINEAR_CRITERIA`.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Training data (not read when the criterion's statistics are given).
    Y : ndarray of shape (n_samples, n_outputs)
        Targets; used by 'gradient' only.
    coef : ndarray of shape (n_outputs, n_features)
    intercept : ndarray of shape (n_outputs,)
    loss : str, default='squared_error'
        The training loss (names of scikit-learn's SGD estimators).
    epsilon : float, default=0.1
        The ``epsilon`` of the huber and epsilon-insensitive losses.
    sample_weight : ndarray of shape (n_samples,), default=None
    n_bins : int, default=ENTROPY_BINS
        Histogram bins of 'entropy'.
    std, entropy : ndarray of shape (n_features,), default=None
        Precomputed statistics of ``X`` (:func:`feature_statistics`);
        computed from ``X`` when None.
    random_state : numpy.random.RandomState, default=None
        Used by 'random' only.

    Returns
    -------
    scores : ndarray of shape (n_outputs, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._pruning.criteria import linear_scores
    >>> X = np.array([[0.0, 0.0], [1.0, 10.0], [2.0, 20.0]])
    >>> coef = np.array([[1.0, 0.1]])  # the same effect in two units
    >>> linear_scores("magnitude", X, None, coef, np.zeros(1)).round(4).tolist()
    [[0.8165, 0.8165]]
    """
    if criterion not in LINEAR_CRITERIA:
        raise ValueError(
            f"criterion must be one of {tuple(LINEAR_CRITERIA)}, got {criterion!r}."
        )
    coef = np.atleast_2d(np.asarray(coef, dtype=float))
    options = dict(
        loss=loss,
        epsilon=epsilon,
        sample_weight=sample_weight,
        n_bins=n_bins,
        std=std,
        entropy=entropy,
        random_state=random_state,
    )
    return LINEAR_CRITERIA[criterion].function(X, Y, coef, intercept, options)
