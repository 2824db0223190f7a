"""Model selection for pruned models: the sparsest model that scores well enough.

:func:`sparsest_within` builds a ``refit`` callable for
:class:`~sklearn.model_selection.GridSearchCV` and
:class:`~sklearn.model_selection.RandomizedSearchCV`. It chooses, among the
candidates whose mean cross-validated score is close to the best one, the
candidate with the highest sparsity.

The rule, computed in :meth:`SparsestWithin.__call__`:

- ``best`` is the highest ``mean_test_<metric>`` (candidates whose mean is NaN,
  e.g. failed fits with ``error_score=np.nan``, are left out);
- ``tolerance='1se'`` (the one-standard-error rule, Hastie, Tibshirani &
  Friedman, *The Elements of Statistical Learning*, 7.10) uses the standard error
  of the best candidate's mean, ``se = sd(s_1, ..., s_K) / sqrt(K)``, where
  ``s_k`` are its ``K`` split scores and ``sd`` the sample standard deviation
  (``ddof=1``; equal to sklearn's ``std_test_score / sqrt(K - 1)``); a float
  tolerance ``t`` is used as given;
- the eligible candidates score ``mean >= best - tolerance``; the chosen one has
  the highest sparsity among them; ties in sparsity go to the higher mean score,
  then to the candidate listed first.
"""

import math
import re
from numbers import Real

import numpy as np

__all__ = ["SparsestWithin", "sparsest_within"]


def sparsest_within(tolerance="1se", *, sparsity="prune_ratio", metric=None):
    """A ``refit`` rule: the sparsest candidate within a tolerance of the best.

    Pass the result as ``refit=`` to
    :class:`~sklearn.model_selection.GridSearchCV` or
    :class:`~sklearn.model_selection.RandomizedSearchCV`: the search then
    refits, and reports as ``best_index_``/``best_params_``, the candidate with
    the highest sparsity among those whose mean cross-validated score is within
    ``tolerance`` of the best mean score. Ties in sparsity go to the higher
    mean score, then to the candidate listed first in ``cv_results_``. As with
    any callable ``refit``, the search sets no ``best_score_``.

    Parameters
    ----------
    tolerance : '1se' or float >= 0, default='1se'
        How far below the best mean score a candidate may be. ``'1se'`` is one
        standard error of the best candidate's mean score over the ``K``
        cross-validation splits, ``sd(split scores, ddof=1) / sqrt(K)`` (needs
        ``K >= 2``). A float is in the units of the score (e.g. ``0.01`` is
        one point of accuracy; scores are "greater is better", as in sklearn).

    sparsity : str or callable, default='prune_ratio'
        How sparse a candidate is (higher is sparser).

        - A parameter name: the value of that parameter in each candidate's
          ``cv_results_['params']`` (the same values as the ``param_<name>``
          columns). The name matches the parameter itself or any nested one
          ending in ``'__<name>'``, so the default ``'prune_ratio'`` finds
          ``prune_ratio`` as well as ``clf__prune_ratio`` in a
          :class:`~sklearn.pipeline.Pipeline`. If several nested parameters
          match, give the full name (``'clf__prune_ratio'``; a leading
          ``'param_'`` is accepted too). Every candidate must set it.
        - A callable ``sparsity(params) -> float``, called with each
          candidate's parameter dict, for grids where sparsity is not a single
          parameter.

    metric : str or None, default=None
        The scorer name to use with multi-metric scoring (``scoring`` given as
        a list or dict): candidates are then compared on
        ``mean_test_<metric>``. With a single metric leave it as None.

    Returns
    -------
    rule : SparsestWithin
        A picklable callable ``rule(cv_results) -> int``.

    See Also
    --------
    sklearn.model_selection.GridSearchCV : Exhaustive search that accepts the
        rule as ``refit``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skprune import PrunedMLPClassifier
    >>> from skprune.model_selection import sparsest_within
    >>> X, y = load_digits(return_X_y=True)
    >>> search = GridSearchCV(
    ...     PrunedMLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs",
    ...                         max_iter=50, n_prune_steps=2, random_state=0),
    ...     {"prune_ratio": [0.0, 0.5, 0.9, 0.99]},
    ...     refit=sparsest_within(0.02), cv=3,
    ... ).fit(X[:600] / 16, y[:600])
    >>> best = search.cv_results_["mean_test_score"].max()
    >>> chosen = search.cv_results_["mean_test_score"][search.best_index_]
    >>> bool(best - chosen <= 0.02)
    True
    >>> search.best_params_["prune_ratio"] >= 0.5
    True
    """
    return SparsestWithin(tolerance, sparsity=sparsity, metric=metric)


class SparsestWithin:
    """The callable returned by :func:`sparsest_within`; see there.

    Parameters
    ----------
    tolerance : '1se' or float >= 0, default='1se'
        How far below the best mean score a candidate may be.
    sparsity : str or callable, default='prune_ratio'
        Parameter name (also matched as ``'<step>__<name>'``) or a callable
        ``params -> float`` giving each candidate's sparsity.
    metric : str or None, default=None
        Scorer name to compare on with multi-metric scoring.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune.model_selection import SparsestWithin
    >>> cv_results = {
    ...     "params": [{"prune_ratio": r} for r in (0.0, 0.5, 0.9)],
    ...     "mean_test_score": np.array([0.95, 0.94, 0.90]),
    ... }
    >>> SparsestWithin(0.02)(cv_results)
    1
    """

    def __init__(self, tolerance="1se", *, sparsity="prune_ratio", metric=None):
        if isinstance(tolerance, str):
            if tolerance != "1se":
                raise ValueError(
                    f"tolerance must be '1se' or a float >= 0, got {tolerance!r}."
                )
        elif (
            not isinstance(tolerance, Real)
            or isinstance(tolerance, bool)
            or not tolerance >= 0
            or not math.isfinite(tolerance)
        ):
            raise ValueError(
                f"tolerance must be '1se' or a finite float >= 0, got {tolerance!r}."
            )
        if not (callable(sparsity) or (isinstance(sparsity, str) and sparsity)):
            raise TypeError(
                "sparsity must be a parameter name (e.g. 'prune_ratio') or a "
                f"callable params -> float, got {sparsity!r}."
            )
        if metric is not None and not isinstance(metric, str):
            raise TypeError(f"metric must be a scorer name or None, got {metric!r}.")
        self.tolerance = tolerance
        self.sparsity = sparsity
        self.metric = metric

    def __repr__(self):
        args = [repr(self.tolerance)]
        if self.sparsity != "prune_ratio":
            args.append(f"sparsity={self.sparsity!r}")
        if self.metric is not None:
            args.append(f"metric={self.metric!r}")
        return f"sparsest_within({', '.join(args)})"

    def __call__(self, cv_results):
        """Index of the chosen candidate in ``cv_results``.

        Parameters
        ----------
        cv_results : dict
            A search's ``cv_results_``: needs ``'params'``,
            ``'mean_test_<metric>'`` and, for ``tolerance='1se'``, the
            ``'split<k>_test_<metric>'`` columns.

        Returns
        -------
        index : int
        """
        if "params" not in cv_results:
            raise ValueError(
                "cv_results has no 'params' entry: pass a search's cv_results_."
            )
        params = list(cv_results["params"])
        name = self._metric_name(cv_results)
        means = np.asarray(cv_results[f"mean_test_{name}"], dtype=float)
        if means.shape != (len(params),):
            raise ValueError(
                f"mean_test_{name} has shape {means.shape}, expected "
                f"({len(params)},): one score per candidate."
            )
        valid = ~np.isnan(means)
        if not valid.any():
            raise ValueError(
                f"Every candidate's mean_test_{name} is NaN: all fits failed, "
                "so there is nothing to choose from."
            )
        best = int(np.flatnonzero(valid)[np.argmax(means[valid])])
        threshold = means[best] - self._tolerance_value(cv_results, name, best)
        sparsities = self._sparsities(params)
        eligible = np.flatnonzero(valid & (means >= threshold))
        # highest sparsity, then highest mean score, then the first listed
        order = np.lexsort((eligible, -means[eligible], -sparsities[eligible]))
        return int(eligible[order[0]])

    def _metric_name(self, cv_results):
        metrics = sorted(
            key[len("mean_test_") :]
            for key in cv_results
            if key.startswith("mean_test_")
        )
        if self.metric is not None:
            if self.metric not in metrics:
                raise ValueError(
                    f"metric={self.metric!r} is not among the scored metrics {metrics}."
                )
            return self.metric
        if metrics == ["score"]:
            return "score"
        if not metrics:
            raise ValueError("cv_results has no 'mean_test_*' column.")
        raise ValueError(
            f"The search used multi-metric scoring ({metrics}): choose the "
            f"metric to compare candidates on with sparsest_within(..., "
            f"metric={metrics[0]!r})."
        )

    def _tolerance_value(self, cv_results, name, best):
        if self.tolerance != "1se":
            return float(self.tolerance)
        pattern = re.compile(rf"split(\d+)_test_{re.escape(name)}")
        splits = [key for key in cv_results if pattern.fullmatch(key)]
        if len(splits) < 2:
            raise ValueError(
                f"tolerance='1se' needs the split scores of at least 2 "
                f"cross-validation splits (split<k>_test_{name}); found "
                f"{len(splits)}. Use more splits or a float tolerance."
            )
        scores = np.array([cv_results[key][best] for key in splits], dtype=float)
        return float(np.std(scores, ddof=1) / np.sqrt(scores.size))

    def _sparsities(self, params):
        if callable(self.sparsity):
            values = [self.sparsity(p) for p in params]
            what = f"sparsity callable {self.sparsity!r}"
        else:
            key = self._sparsity_key(params)
            missing = [i for i, p in enumerate(params) if key not in p]
            if missing:
                raise ValueError(
                    f"Candidate(s) {missing} do not set {key!r}, so their sparsity "
                    f"is unknown: set {key!r} in every part of the parameter grid, "
                    "or pass sparsity=<callable params -> float>."
                )
            values = [p[key] for p in params]
            what = f"parameter {key!r}"
        try:
            out = np.array(values, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(
                f"The {what} gave non-numeric sparsities {values!r}."
            ) from None
        if out.shape != (len(params),) or np.isnan(out).any():
            raise ValueError(
                f"The {what} must give one number per candidate, got {values!r}."
            )
        return out

    def _sparsity_key(self, params):
        name = self.sparsity
        if name.startswith("param_"):
            name = name[len("param_") :]
        names = {key for p in params for key in p}
        if name in names:
            return name
        nested = sorted(key for key in names if key.endswith(f"__{name}"))
        if len(nested) == 1:
            return nested[0]
        if not nested:
            raise ValueError(
                f"No searched parameter is named {name!r} (or '<step>__{name}'); "
                f"the searched parameters are {sorted(names)}. Pass "
                "sparsity=<parameter name> or a callable params -> float."
            )
        raise ValueError(
            f"Several searched parameters end in {name!r}: {nested}. Pass the one "
            "to use, e.g. sparsity=" + repr(nested[0]) + "."
        )
