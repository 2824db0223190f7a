"""The adaptive re-training recipe: budgets and step sizes from the dense run.

``finetune_iter='auto'`` sizes every re-training from what the dense training
needed, so the same defaults fit a task that converges in 40 epochs and one
that needs 250. ``D`` is the dense model's ``n_iter_`` (epochs for 'sgd' and
'adam', iterations for 'lbfgs'), at least 1.

Rules (chosen on validation splits of digits, ``make_classification`` and
``make_friedman1``, see ``benchmarks/bench_quality.py --part recipe``; the
total budget for MNIST-10k's fit cost, see ``--part panel``):

- **criterion** (``prune_criterion='auto'``, :func:`criterion`): 'entropy'
  for weights, 'magnitude' for neurons (:data:`AUTO_CRITERION`);
- **step budget**: every re-training but the last runs
  ``ceil(STEP_FRACTION * D)`` epochs (``STEP_FRACTION = 0.15``);
- **final budget** (:func:`final_budget`): the re-training after the last
  step runs until sklearn's stopping rule (``tol``, ``n_iter_no_change``) is
  met, for at most what is left of a budget of ``ceil(TOTAL_FACTOR * D)``
  epochs for all re-trainings (``TOTAL_FACTOR = 2.5``), but at least ``D``:
  ``min(max_iter, max(D, ceil(2.5 D) - used))``, ``used`` the epochs of the
  re-trainings before it. Like every training run of a drop-in for sklearn's
  MLPs, it never runs more than ``max_iter``. A pruned fit so costs about
  ``D + 2.5 D`` epochs, at most ``D + 12 ceil(0.15 D) + D`` (about
  ``3.8 D``: three halvings and the final floor);
- **recovery**: a re-training has recovered when its training loss ``L_after``
  satisfies ``L_after <= ABS_SLACK + REL_SLACK * L_before``
  (``0.05 + 1.25 L_before``), ``L_before`` the training loss just before that
  step's prune;
- **step size**: after a step that did not recover, the next cut is halved:
  the next target becomes ``s + (t - s) / 2`` (``s`` the current target,
  ``t`` the planned next one, which stays planned), at most ``MAX_HALVINGS``
  times per fit (``MAX_HALVINGS = 3``), so the cost stays bounded.

Every re-training starts a fresh optimizer at ``learning_rate_init``
(learning-rate rewinding for a constant rate, Renda et al. 2020;
``FINAL_LR_FACTOR = 1``). Measured against these rules on the same
validation splits and lost on average (docs/benchmarks.rst, "The default
recipe on a panel of datasets"): a 2x or 3x re-training learning rate (for
every re-training or only the final one), 1, 3, 5, 15 or 20 steps,
``0.25 D`` per step, no step-size rule or up to 5 halvings, a stricter
recovery test, ERK and un-normalised global allocation
(:data:`skprune._pruning._masks.GLOBAL_ALLOCATION`), the 'taylor' criterion,
'entropy' for neurons, a 10x or 100x ``alpha`` for the re-trainings, and
sklearn's early stopping in the final or in every re-training
(:data:`RETRAIN_EARLY_STOPPING`). The total budget replaced a final cap of ``2 D``:
the same on every dataset whose dense model stops at ``max_iter``, and on
MNIST-10k it keeps the accuracy targets at a lower cost.
"""

import math

STEP_FRACTION = 0.15
TOTAL_FACTOR = 2.5
ABS_SLACK = 0.05
REL_SLACK = 1.25
MAX_HALVINGS = 3
FINAL_LR_FACTOR = 1.0  # the final re-training's learning_rate_init x this
#: experiment switch, not reachable from the estimators: which 'auto'
#: re-trainings (adam/sgd) run with sklearn's ``early_stopping`` (hold out
#: ``validation_fraction``, keep the best epoch's weights): None, "final" or
#: "all". Both lost on validation, also with a dense model that never saw
#: the held-out rows (``bench_quality.py --part early-stopping``). (With
#: ``early_stopping=True`` set by the user, every training run early-stops,
#: as in sklearn.)
RETRAIN_EARLY_STOPPING = None
#: the criterion of ``prune_criterion='auto'`` per ``prune_granularity``
AUTO_CRITERION = {"weight": "entropy", "neuron": "magnitude"}


def criterion(name, granularity):
    """The criterion a fit scores with: ``name``, or the rule for 'auto'.

    Examples
    --------
    >>> from skprune._pruning._recipe import criterion
    >>> criterion("auto", "weight"), criterion("auto", "neuron")
    ('entropy', 'magnitude')
    >>> criterion("taylor", "weight")
    'taylor'
    """
    return AUTO_CRITERION[granularity] if name == "auto" else name


def step_budget(dense_n_iter, max_iter=None):
    """Epochs of each re-training but the last: ``ceil(0.15 D)``.

    Parameters
    ----------
    dense_n_iter : int
        ``n_iter_`` of the dense training (``D``); values below 1 count as 1.

    max_iter : int, default=None
        The estimator's ``max_iter``: the budget never exceeds it.

    Returns
    -------
    step_iter : int
        At least 1.

    Examples
    --------
    >>> from skprune._pruning._recipe import step_budget
    >>> step_budget(42), step_budget(42, max_iter=5), step_budget(0)
    (7, 5, 1)
    """
    step = max(1, math.ceil(STEP_FRACTION * max(1, int(dense_n_iter))))
    return step if max_iter is None else min(step, max_iter)


def final_budget(dense_n_iter, used, max_iter=None):
    """Cap of the final re-training: ``min(max_iter, max(D, ceil(2.5 D) - used))``.

    Parameters
    ----------
    dense_n_iter : int
        ``D``; values below 1 count as 1.

    used : int
        Epochs of the re-trainings before the final one.

    max_iter : int, default=None
        The estimator's ``max_iter``.

    Examples
    --------
    >>> from skprune._pruning._recipe import final_budget
    >>> final_budget(42, used=49)  # ceil(105) - 49
    56
    >>> final_budget(42, used=91)  # at least D
    42
    >>> final_budget(200, used=270, max_iter=200)
    200
    """
    d = max(1, int(dense_n_iter))
    final = max(d, math.ceil(TOTAL_FACTOR * d) - int(used))
    return final if max_iter is None else min(final, max_iter)


def recovered(loss_before, loss_after):
    """Whether a re-training brought the training loss back near its level.

    ``True`` when ``loss_after <= 0.05 + 1.25 * loss_before``, or when either
    loss is unknown (``None``).

    Examples
    --------
    >>> from skprune._pruning._recipe import recovered
    >>> recovered(0.10, 0.17), recovered(0.10, 0.18), recovered(None, 1.0)
    (True, False, True)
    """
    if loss_before is None or loss_after is None:
        return True
    return float(loss_after) <= ABS_SLACK + REL_SLACK * float(loss_before)


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


class StepPlan:
    """The targets of one pruning run, with the step-size rule.

    :meth:`steps` yields ``(target, final)`` pairs for
    :func:`skprune._pruning.run_schedule`; :meth:`report` tells the plan
    whether the step just re-trained recovered. After a step that did not,
    the next target is half-way to the planned one (:func:`next_target`), at
    most ``max_halvings`` times; ``final`` is True for the last planned
    target.

    Examples
    --------
    >>> from skprune._pruning._recipe import StepPlan
    >>> plan = StepPlan([0.5, 0.9], max_halvings=1)
    >>> done = []
    >>> for target, final in plan.steps():
    ...     done.append((round(target, 2), final))
    ...     plan.report(target != 0.5)  # the first step does not recover
    >>> done
    [(0.5, False), (0.7, False), (0.9, True)]
    """

    def __init__(self, targets, max_halvings=0):
        self.planned = [float(t) for t in targets]
        self.max_halvings = int(max_halvings)
        self.halvings = 0
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

    def report(self, ok):
        """Whether the step just re-trained recovered (:func:`recovered`)."""
        self._ok = bool(ok)


def step_plan(targets, auto):
    """The :class:`StepPlan` of one fit: with ``finetune_iter='auto'``
    (``auto``) the step-size rule halves up to ``MAX_HALVINGS`` cuts, with an
    int ``finetune_iter`` never."""
    return StepPlan(targets, max_halvings=MAX_HALVINGS if auto else 0)
