"""Warnings that skprune raises."""

from sklearn.exceptions import ConvergenceWarning

__all__ = ["PruningConvergenceWarning", "PruningShortfallWarning"]


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


class PruningShortfallWarning(PruningConvergenceWarning):
    """The pruned network ends well below the dense one it was pruned from.

    Raised by :class:`~skprune.PrunedMLPClassifier` and
    :class:`~skprune.PrunedMLPRegressor` at the end of ``fit`` when the final
    network's training score (accuracy, or R^2) is more than
    ``max_training_drop`` (0.02, a field of the re-training
    :class:`~skprune._pruning.Recipe`) below the dense network's, and when
    a validation split is held out (``max_score_drop``) also says how its
    score moved. The comparison is cumulative -- final against dense, not
    each step against the one before -- so a slow drift across many steps
    is caught as well as one bad cut. The message gives both scores and
    what to change (a lower ``prune_ratio``; neurons instead of weights).

    A dense network that over-fits can lose training accuracy to pruning and
    still gain on new data: the warning then says only that the pruned one no
    longer fits the training data as closely; check it on held-out data.

    Examples
    --------
    >>> from skprune.exceptions import (
    ...     PruningConvergenceWarning, PruningShortfallWarning)
    >>> issubclass(PruningShortfallWarning, PruningConvergenceWarning)
    True
    """
