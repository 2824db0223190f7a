"""The adaptive re-training recipe: one frozen object with every rule's number.

``finetune_iter='auto'`` sizes every re-training from what the dense training
needed, so the same defaults fit a task that converges in 40 epochs and one
that needs 250. ``D`` is the dense model's ``n_iter_`` (epochs for 'sgd' and
'adam', iterations for 'lbfgs'), at least 1. The rules, with the numbers of
:class:`Recipe` (the default, :data:`RECIPE`, in brackets):

- **criterion** (``prune_criterion='auto'``, :meth:`Recipe.criterion`):
  ``weight_criterion`` for weights ('entropy'), ``neuron_criterion`` for
  neurons ('magnitude');
- **step budget** (:meth:`Recipe.step_budget`): every re-training but the
  last runs ``ceil(step_fraction * D)`` epochs (``ceil(0.15 D)``);
- **final budget** (:meth:`Recipe.final_budget`): the re-training after the
  last step runs until sklearn's stopping rule (``tol``,
  ``n_iter_no_change``) is met, for at most what is left of a budget of
  ``ceil(total_factor * D)`` epochs for all re-trainings
  (``ceil(2.5 D)``), but at least ``D``:
  ``min(max_iter, max(D, ceil(2.5 D) - used))``, ``used`` the epochs of the
  re-trainings before it. Like every training run of a drop-in for sklearn's
  MLPs, it never runs more than ``max_iter``. A pruned fit so costs about
  ``D + 2.5 D`` epochs, at most ``D + 12 ceil(0.15 D) + D`` (about
  ``3.8 D``: three halvings and the final floor);
- **recovery** (:meth:`Recipe.recovered`): a re-training has recovered when
  its training loss ``L_after <= abs_slack + rel_slack * L_before``
  (``0.05 + 1.25 L_before``), ``L_before`` the training loss just before
  that step's prune;
- **the judge** (:meth:`Recipe.shortfall`): at the end of the fit the final
  network's training score (accuracy or R^2, on the rows it trained on) is
  compared with the dense network's, cumulatively (not step against step);
  more than ``max_training_drop`` below it (0.02) raises a
  :class:`~skprune.exceptions.PruningShortfallWarning`;
- **step size** (:class:`StepPlan`): after a step that did not recover, the
  next cut is halved: the next target becomes ``s + (t - s) / 2`` (``s`` the
  current target, ``t`` the planned next one, which stays planned), at most
  ``max_halvings`` times per fit (3), so the cost stays bounded.

Every re-training starts a fresh optimizer at ``learning_rate_init``
(learning-rate rewinding for a constant rate, Renda et al. 2020). How these
rules were chosen, and the variants that lost against them, is in
``docs/benchmarks.rst`` ("The default recipe on a panel of datasets"); a
variant is measured by handing a modified :class:`Recipe` to the estimator
(``benchmarks/bench_quality.py --part recipe``).
"""

import math
from dataclasses import dataclass


def next_target(current, planned, halve):
    """Target of the next step: ``planned``, or half-way there if ``halve``.

    Parameters
    ----------
    current : float
        Target sparsity (or neuron fraction) of the step just done.
    planned : float
        Next target of the schedule.
    halve : bool
        Whether the last re-training failed to recover (and a halving is
        still allowed).

    Returns
    -------
    target : float
        ``current + (planned - current) / 2`` if ``halve``, else ``planned``.

    Examples
    --------
    >>> from skprune._pruning._recipe import next_target
    >>> next_target(0.6, 0.8, halve=True), next_target(0.6, 0.8, halve=False)
    (0.7, 0.8)
    """
    if halve:
        return current + (planned - current) / 2.0
    return planned


@dataclass(frozen=True)
class Recipe:
    """Every number of the re-training recipe (module docstring), in one place.

    The estimators read :data:`RECIPE`; their docstrings and warnings format
    the numbers from it (:meth:`text`). A benchmark measures a variant by
    building another one, e.g. ``Recipe(max_halvings=0)``, and handing it to
    an estimator class (its ``_recipe`` attribute).

    Examples
    --------
    >>> from skprune._pruning._recipe import RECIPE
    >>> RECIPE.criterion("auto", "weight"), RECIPE.criterion("auto", "neuron")
    ('entropy', 'magnitude')
    >>> RECIPE.criterion("taylor", "weight")
    'taylor'
    >>> RECIPE.step_budget(42), RECIPE.step_budget(42, max_iter=5)
    (7, 5)
    >>> RECIPE.final_budget(42, used=49)  # ceil(105) - 49
    56
    >>> RECIPE.final_budget(42, used=91)  # at least D
    42
    >>> RECIPE.final_budget(200, used=270, max_iter=200)
    200
    >>> RECIPE.recovered(0.10, 0.17), RECIPE.recovered(0.10, 0.18)
    (True, False)
    >>> RECIPE.recovered(None, 1.0)  # a loss is unknown
    True
    >>> RECIPE.text()["RECOVERY"]
    '0.05 + 1.25 x'
    >>> halving = Recipe(retrain_rate_decay=0.5)
    >>> RECIPE.retrain_rate(0.001, 3), halving.retrain_rate(0.001, 3)
    (0.001, 0.00025)
    >>> RECIPE.shortfall(1.0, 0.97), RECIPE.shortfall(1.0, 0.99)
    (True, False)
    """

    #: epochs of each re-training but the last, as a fraction of ``D``
    step_fraction: float = 0.15
    #: all re-trainings together, as a multiple of ``D``
    total_factor: float = 2.5
    #: recovery test: ``L_after <= abs_slack + rel_slack * L_before``
    abs_slack: float = 0.05
    rel_slack: float = 1.25
    #: halvings of a cut after a step that did not recover, per fit
    max_halvings: int = 3
    #: the criteria of ``prune_criterion='auto'``
    weight_criterion: str = "entropy"
    neuron_criterion: str = "magnitude"
    #: re-training after step k starts Adam/SGD at learning_rate_init x
    #: retrain_rate_decay ** (k - 1) (1: every re-training at
    #: learning_rate_init, the default; measured in bench_quality --part recipe)
    retrain_rate_decay: float = 1.0
    #: the cumulative judge of a fit: warn when the final network's training
    #: score (accuracy or R^2) is below the dense network's by more
    max_training_drop: float = 0.02

    def retrain_rate(self, learning_rate_init, step):
        """The learning rate re-training step ``step`` (from 1) starts at."""
        return learning_rate_init * self.retrain_rate_decay ** max(0, step - 1)

    def shortfall(self, dense_score, final_score):
        """Whether the final network fell short of the dense one:
        ``dense_score - final_score > max_training_drop`` (either unknown:
        False)."""
        if dense_score is None or final_score is None:
            return False
        return float(dense_score) - float(final_score) > self.max_training_drop

    def criterion(self, name, granularity):
        """The criterion a fit scores with: ``name``, or the rule for 'auto'."""
        if name != "auto":
            return name
        return (
            self.weight_criterion
            if granularity == "weight"
            else (self.neuron_criterion)
        )

    def step_budget(self, dense_n_iter, max_iter=None):
        """Epochs of each re-training but the last: ``ceil(step_fraction D)``,
        at least 1 (``D`` below 1 counts as 1), never beyond ``max_iter``."""
        step = max(1, math.ceil(self.step_fraction * max(1, int(dense_n_iter))))
        return step if max_iter is None else min(step, max_iter)

    def final_budget(self, dense_n_iter, used, max_iter=None):
        """Cap of the final re-training, ``used`` the epochs of the ones
        before it: ``min(max_iter, max(D, ceil(total_factor D) - used))``."""
        d = max(1, int(dense_n_iter))
        final = max(d, math.ceil(self.total_factor * d) - int(used))
        return final if max_iter is None else min(final, max_iter)

    def recovered(self, loss_before, loss_after):
        """Whether a re-training brought the training loss back near its
        level: ``loss_after <= abs_slack + rel_slack * loss_before``, or
        either loss unknown (``None``)."""
        if loss_before is None or loss_after is None:
            return True
        return float(loss_after) <= self.abs_slack + self.rel_slack * float(loss_before)

    def plan(self, targets, auto):
        """The :class:`StepPlan` of one fit: with ``finetune_iter='auto'``
        (``auto``) the step-size rule halves up to ``max_halvings`` cuts,
        with an int ``finetune_iter`` never."""
        return StepPlan(targets, max_halvings=self.max_halvings if auto else 0)

    def text(self):
        """The rules' numbers as the docstrings and warnings write them.

        Keys: ``STEP_BUDGET`` (``ceil(0.15 D)``), ``TOTAL_BUDGET``
        (``ceil(2.5 D)``), ``TOTAL_FACTOR`` (``2.5``), ``RECOVERY``
        (``0.05 + 1.25 x``), ``MAX_HALVINGS`` (``3``), ``AUTO_WEIGHT`` and
        ``AUTO_NEURON`` (the criteria of 'auto'), ``MAX_TRAINING_DROP``
        (``0.02``).
        """
        return {
            "STEP_BUDGET": f"ceil({self.step_fraction:g} D)",
            "TOTAL_BUDGET": f"ceil({self.total_factor:g} D)",
            "TOTAL_FACTOR": f"{self.total_factor:g}",
            "RECOVERY": f"{self.abs_slack:g} + {self.rel_slack:g} x",
            "MAX_HALVINGS": str(self.max_halvings),
            "AUTO_WEIGHT": repr(self.weight_criterion),
            "AUTO_NEURON": repr(self.neuron_criterion),
            "MAX_TRAINING_DROP": f"{self.max_training_drop:g}",
        }


#: The recipe of every estimator (chosen on validation splits, see the
#: module docstring).
RECIPE = Recipe()


class StepPlan:
    """The targets of one pruning run, with the step-size rule.

    :meth:`steps` yields ``(target, final)`` pairs for
    :func:`skprune._pruning.run_schedule`, which tells the plan
    (:meth:`report`) whether the step just re-trained recovered. After a step
    that did not, the next target is half-way to the planned one
    (:func:`next_target`), at most ``max_halvings`` times; ``final`` is True
    for the last planned target.

    Examples
    --------
    >>> from skprune._pruning._recipe import StepPlan
    >>> plan = StepPlan([0.5, 0.9], max_halvings=1)
    >>> done = []
    >>> for target, final in plan.steps():
    ...     done.append((round(target, 2), final))
    ...     plan.report(len(done), final, target != 0.5)  # step 1 fails
    >>> done, plan.unrecovered
    ([(0.5, False), (0.7, False), (0.9, True)], [])
    """

    def __init__(self, targets, max_halvings=0):
        self.planned = [float(t) for t in targets]
        self.max_halvings = int(max_halvings)
        self.halvings = 0
        self.unrecovered = []  # failed steps whose next cut could not be halved
        self._ok = True

    def __len__(self):
        """Number of planned steps (halvings may add up to ``max_halvings``)."""
        return len(self.planned)

    def can_halve(self):
        """Whether a failed step would still make the next cut smaller."""
        return self.halvings < self.max_halvings

    def steps(self):
        """Yield ``(target, final)``, consuming the plan."""
        current = 0.0
        while self.planned:
            halve = not self._ok and self.can_halve()
            current = next_target(current, self.planned[0], halve)
            if halve:
                self.halvings += 1
            else:
                self.planned.pop(0)
            self._ok = True
            yield current, not self.planned

    def report(self, step, final, ok):
        """Step ``step`` was re-trained; ``ok``: did it recover
        (:meth:`Recipe.recovered`; None without re-training, which counts as
        recovered). A failed step whose next cut cannot be halved (the last
        step, or no halving left) goes to :attr:`unrecovered`."""
        if ok is False and (final or not self.can_halve()):
            self.unrecovered.append(step)
        self._ok = ok is not False
