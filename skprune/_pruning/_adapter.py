"""The adapter contract: what the driver asks of an estimator family.

The driver (:mod:`skprune._pruning._driver`) runs every pruning ``fit``; an
estimator family plugs in through an adapter that knows how to train its
model with a mask (or on a support) and how to read its weights. The two
loops of the driver ask for two interfaces, written here as abstract base
classes so that a missing method fails when the adapter is built, not deep
inside a fit:

- :class:`ScheduleAdapter` for :func:`~skprune._pruning.run_schedule`
  (prune to each target of a schedule): the MLPs'
  (:class:`~skprune._pruning.MLPAdapter`) and the SGD estimators' with a
  float ``prune_ratio``;
- :class:`SupportSearchAdapter` for :func:`~skprune._pruning.search_support`
  (the smallest support a rule accepts): the SGD estimators' with
  ``prune_ratio='auto'`` (:class:`~skprune._pruning.SGDAdapter` implements
  both).

A new family implements one (or both) and calls the driver; see
``CONTRIBUTING.md``, "Where to add what".
"""

from abc import ABC, abstractmethod


class ScheduleAdapter(ABC):
    """What :func:`skprune._pruning.run_schedule` asks of a model."""

    @abstractmethod
    def evaluate(self):
        """The current model on the validation split: an
        :class:`~skprune._pruning.Evaluation`, or None without a split."""

    @abstractmethod
    def record(self, step, target, evaluation, accepted):
        """The ``pruning_history_`` record of a step
        (:func:`~skprune._pruning.make_record`)."""

    @abstractmethod
    def prune(self, target):
        """Score and mask the model to reach sparsity ``target``."""

    @abstractmethod
    def retrain(self, step, final):
        """Masked re-training after step ``step`` (``final`` for the last);
        returns whether it recovered (True/False), or None when unknown."""

    @abstractmethod
    def snapshot(self):
        """What :meth:`restore` needs to undo the steps after this one."""

    @abstractmethod
    def restore(self, snapshot):
        """Go back to a :meth:`snapshot` (a step the rule refused)."""


class SupportSearchAdapter(ABC):
    """What :func:`skprune._pruning.search_support` asks of a model.

    ``n_features``: the number of features (an attribute).
    """

    n_features = None

    @abstractmethod
    def n_kept(self):
        """The current support size."""

    @abstractmethod
    def propose(self, n_remove):
        """The candidate support (sorted indices): the current one minus its
        ``n_remove`` lowest-scored features."""

    @abstractmethod
    def fit_candidate(self, support):
        """A model fitted on ``support``."""

    @abstractmethod
    def evaluate(self, candidate=None):
        """``candidate`` (default: the current model) on the validation split,
        an :class:`~skprune._pruning.Evaluation`."""

    @abstractmethod
    def commit(self, candidate):
        """``candidate`` becomes the current model."""

    @abstractmethod
    def record(self, step, target, evaluation, accepted, candidate=None):
        """The ``pruning_history_`` record of a step."""
