"""Warnings that skprune raises."""

from sklearn.exceptions import ConvergenceWarning

__all__ = ["PruningConvergenceWarning"]


class PruningConvergenceWarning(ConvergenceWarning):
    """A pruned network's re-training did not converge or did not recover.

    Raised by :class:`~skprune.PrunedMLPClassifier` and
    :class:`~skprune.PrunedMLPRegressor` at the end of ``fit`` when

    - the re-training after the last pruning step stopped at its budget
      before sklearn's stopping rule (``tol``, ``n_iter_no_change``) was met,
      or
    - a step's re-training did not bring the training loss back near its
      level before that step's prune (the recovery test of
      ``finetune_iter='auto'``, documented with that parameter).

    The message says which, and what to change. It subclasses
    :class:`sklearn.exceptions.ConvergenceWarning`, so filters on sklearn's
    warning also catch it.

    Examples
    --------
    >>> import warnings
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> from skprune.exceptions import PruningConvergenceWarning
    >>> issubclass(PruningConvergenceWarning, ConvergenceWarning)
    True
    """
