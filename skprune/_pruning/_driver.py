"""The pruning driver that every estimator family shares.

An estimator knows how to train with a mask (or on a support) and how to read
its weights; this module owns the rest of a pruning ``fit``:

- the random state of one fit (:class:`FitRandomState`) and **one validation
  split per fit** (:func:`validation_split`);
- **one history record schema** (:func:`make_record`, :data:`COMMON_KEYS`);
- **acceptance rules as named objects**: :class:`AcceptAll`,
  :class:`MaxScoreDrop`, :class:`MaxLossRise` and their conjunction
  :class:`AllOf`;
- the **step loop over a schedule** (:func:`run_schedule`) and the **support
  search** of ``SparseSGDRegressor(prune_ratio='auto')``
  (:func:`search_support`);
- **rollback**, called the same way by every ``fit``/``partial_fit``
  (:func:`skprune._pruning._rollback.fit_or_rollback`);
- the **progress log** (:class:`ProgressLog`): ``verbose=1`` prints one line
  per pruning step, ``verbose>=2`` also scikit-learn's per-epoch lines
  (:func:`sklearn_verbose`).

Rules
-----
- A *step* is one prune -> re-train round; step 0 is the unpruned model (the
  "dense training" phase), every later step is a "re-training".
- A rule sees :class:`Evaluation` objects on the validation split. Step 0 is
  the rule's *reference*; a refused step is undone (the schedule loop stops,
  the support search bisects) and recorded with ``accepted=False``.
- ``max_score_drop`` means one thing for every estimator
  (:class:`MaxScoreDrop`): the largest tolerated drop of the validation score
  (accuracy for classifiers, R^2 for regressors) below the unpruned model's.

Examples
--------
>>> from skprune._pruning import Evaluation, MaxScoreDrop
>>> rule = MaxScoreDrop(0.02)
>>> rule.start(Evaluation(score=0.95))
>>> rule.accepts(Evaluation(score=0.94)), rule.accepts(Evaluation(score=0.92))
(True, False)
"""

import copy
import math
import time
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_random_state

from .._sklearn_compat import global_random_state
from ._adapter import ScheduleAdapter, SupportSearchAdapter

PHASES = {"dense": "dense training", "retrain": "re-training"}

# keys every pruning_history_ record has, whatever the estimator
COMMON_KEYS = (
    "step",
    "phase",
    "target_sparsity",
    "sparsity",
    "n_nonzero",
    "loss",
    "validation_score",
    "accepted",
)


# -- random state and validation split ---------------------------------------


class FitRandomState:
    """The random state of one ``fit``, frozen so that every use sees the same.

    Every internal fit that takes ``random_state`` (and the validation split)
    gets :meth:`get`: an int ``random_state`` is passed unchanged (the numbers
    of an int seed do not move); ``None`` becomes one int drawn from numpy's
    global generator at the start of the fit; a ``RandomState`` is copied at
    the start of the fit and every use gets a fresh copy of that snapshot. So
    internal fits on the same rows draw the same validation split (sklearn's
    early stopping included), whatever ``random_state`` is.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._pruning import FitRandomState
    >>> frozen = FitRandomState(np.random.RandomState(0))
    >>> frozen.get().randint(100) == frozen.get().randint(100)
    True
    >>> FitRandomState(7).get()
    7
    """

    def __init__(self, random_state):
        if random_state is None:
            self._value = int(global_random_state().randint(np.iinfo(np.int32).max))
        elif isinstance(random_state, Integral):
            self._value = random_state
        else:
            self._value = copy.deepcopy(check_random_state(random_state))

    def get(self):
        """An int seed, or a fresh copy of the frozen ``RandomState``."""
        if isinstance(self._value, np.random.RandomState):
            return copy.deepcopy(self._value)
        return self._value


@dataclass
class Split:
    """Training and validation parts of ``X``, ``y`` and ``sample_weight``."""

    X_train: object
    X_val: object
    y_train: object
    y_val: object
    sw_train: object = None
    sw_val: object = None


def validation_split(
    X, y, sample_weight, *, fraction, random_state, stratify=None, needed_by
):
    """Hold out ``fraction`` of the samples, once per fit.

    ``random_state`` goes to :func:`sklearn.model_selection.train_test_split`
    (a ``ShuffleSplit``, as sklearn's own early stopping); ``needed_by`` names
    the parameter that asked for the split in error messages. Raises a
    ValueError naming the problem if the split cannot be made or if the
    validation samples all have zero weight.
    """
    if fraction <= 0:
        raise ValueError(
            f"{needed_by} needs a validation split: set validation_fraction > 0 "
            f"(got validation_fraction={fraction})."
        )
    if X.shape[0] < 2:
        raise ValueError(
            f"{needed_by} needs a validation split (validation_fraction="
            f"{fraction}) and so at least 2 samples, got n_samples={X.shape[0]}."
        )
    arrays = [X, y] + ([] if sample_weight is None else [sample_weight])
    try:
        parts = train_test_split(
            *arrays, test_size=fraction, random_state=random_state, stratify=stratify
        )
    except ValueError as exc:
        raise ValueError(
            f"{needed_by} holds out validation_fraction={fraction} of the "
            f"{X.shape[0]} samples, which failed: {exc}"
        ) from exc
    split = Split(*parts[:4])
    if sample_weight is not None:
        split.sw_train, split.sw_val = parts[4:]
        if not np.any(split.sw_val > 0):
            raise ValueError(
                f"The sample weights of the validation split (validation_fraction="
                f"{fraction}) are all zero: {needed_by} cannot judge pruning "
                "steps. Use another random_state or a larger validation_fraction."
            )
    return split


# -- history ------------------------------------------------------------------


def make_record(
    step,
    *,
    phase,
    target_sparsity,
    sparsity,
    n_nonzero,
    loss=None,
    validation_score=None,
    accepted=True,
    **extras,
):
    """One ``pruning_history_`` record: the :data:`COMMON_KEYS`, then extras.

    ``step``: 0 for the unpruned model; ``phase``: 'dense' or 'retrain';
    ``target_sparsity``: what the step aimed at; ``sparsity``: ``1 - nnz /
    total`` over the connection weights (coefficients) it reached;
    ``n_nonzero``: their number; ``loss``: the training loss of the step's
    model (without penalties); ``validation_score``: accuracy or R^2 on the
    validation split (None without one); ``accepted``: False for a step the
    acceptance rule undid. Family extras follow (e.g. ``n_iter``,
    ``validation_loss``).
    """
    record = {
        "step": int(step),
        "phase": phase,
        "target_sparsity": float(target_sparsity),
        "sparsity": float(sparsity),
        "n_nonzero": int(n_nonzero),
        "loss": None if loss is None else float(loss),
        "validation_score": None
        if validation_score is None
        else float(validation_score),
        "accepted": bool(accepted),
    }
    record.update(extras)
    return record


# -- acceptance rules -----------------------------------------------------------


@dataclass
class Evaluation:
    """A model judged on the validation split.

    ``score``: accuracy or R^2; ``loss``: the mean validation loss;
    ``losses``: the per-sample validation losses (paired tests);
    ``sample_weight``: the validation sample weights.
    """

    score: float = None
    loss: float = None
    losses: object = None
    sample_weight: object = None


class AcceptAll:
    """Every step is accepted (no validation split needed)."""

    needs_validation = False

    def start(self, reference):
        """Take the unpruned model's evaluation as the reference."""

    def accepts(self, candidate):
        """Whether the candidate step is kept."""
        return True

    def accepted(self, candidate):
        """The candidate was kept: update what the next steps are judged by."""

    def __repr__(self):
        return "AcceptAll()"


class MaxScoreDrop(AcceptAll):
    """Refuse a step whose validation score is below the unpruned one by more.

    Accepted iff ``score_0 - score <= max_score_drop``, with ``score_0`` the
    validation score of step 0 (accuracy or R^2): an absolute drop, the same
    for every estimator.
    """

    needs_validation = True

    def __init__(self, max_score_drop):
        self.max_score_drop = max_score_drop
        self.reference = None

    def start(self, reference):
        self.reference = reference.score

    def accepts(self, candidate):
        return not (self.reference - candidate.score > self.max_score_drop)

    def __repr__(self):
        return f"MaxScoreDrop({self.max_score_drop!r})"


class MaxLossRise(AcceptAll):
    """Refuse a step whose validation loss rises significantly above the best.

    ``losses`` and ``best.losses`` are the per-sample validation losses of
    the candidate and of the best model accepted so far (lowest mean loss
    ``L_best``, the unpruned model included). With ``d_n = losses_n -
    best_losses_n``, ``D`` its sample-weighted mean and ``se`` the standard
    error of ``D``, the step is **refused** only when both

    - ``D > max_loss_rise * L_best``: the validation loss rises by more than
      the tolerated fraction. In terms of the validation score
      ``R^2 = 1 - L / var(y)``, R^2 falls by more than
      ``max_loss_rise * (1 - R^2_best)``, i.e. ``max_loss_rise`` times what
      the best model leaves unexplained. A relative rule means the same for a
      nearly noiseless target (R^2 = 0.9996) and a noisy one (R^2 = 0.5),
      where a fixed drop of R^2 could not;
    - ``D > z se``: the rise is larger than ``z`` standard errors of the
      paired difference (default 2), i.e. not the noise of a small
      validation split or of SGD (removing a useless feature changes the SGD
      solution a little, which a few hundred validation samples can turn
      into a rise of a few percent). With few validation rows ``2 se`` is
      so wide that large drops pass (43 rows accepted an accuracy drop from
      0.977 to 0.907); the sparse SGD estimators then cross-validate and use
      ``z = 0.5``.
    """

    needs_validation = True

    def __init__(self, max_loss_rise, z=2.0):
        self.max_loss_rise = max_loss_rise
        self.z = z
        self.best = None

    def start(self, reference):
        self.best = reference

    def accepts(self, candidate):
        best_losses = self.best.losses
        d = np.asarray(candidate.losses, dtype=float) - best_losses
        w = candidate.sample_weight
        w = np.ones(d.shape[0]) if w is None else np.asarray(w)
        total = w.sum()
        mean = float(w @ d / total)
        best = float(w @ best_losses / total)
        n_eff = total**2 / float(w @ w)
        se = math.sqrt(max(float(w @ (d - mean) ** 2) / total, 0.0) / max(n_eff - 1, 1))
        return not (mean > self.max_loss_rise * best and mean > self.z * se)

    def accepted(self, candidate):
        if candidate.loss < self.best.loss:
            self.best = candidate

    def __repr__(self):
        return f"MaxLossRise({self.max_loss_rise!r})"


class AllOf(AcceptAll):
    """A step is accepted when every rule accepts it."""

    def __init__(self, *rules):
        self.rules = [r for r in rules if type(r) is not AcceptAll]
        self.needs_validation = any(r.needs_validation for r in self.rules)

    def start(self, reference):
        for rule in self.rules:
            rule.start(reference)

    def accepts(self, candidate):
        return all([rule.accepts(candidate) for rule in self.rules])

    def accepted(self, candidate):
        for rule in self.rules:
            rule.accepted(candidate)

    def __repr__(self):
        return f"AllOf({', '.join(map(repr, self.rules))})"


# -- progress -----------------------------------------------------------------


def sklearn_verbose(verbose):
    """The ``verbose`` handed to scikit-learn's own loops: only from level 2."""
    return verbose if verbose is not None and int(verbose) >= 2 else 0


class ProgressLog:
    """One line per pruning step when ``verbose >= 1``.

    ``[Name] step k/N (phase): sparsity s (target t), n non-zero, loss l,
    validation score v, elapsed, ~r s left`` -- ``N`` is the number of
    scheduled steps, or ``auto`` for a support search, whose length is not
    known in advance (and which therefore has no estimate of the time left).
    The estimate is the mean time of the steps done so far (from the step-0
    record, logged after the dense training) times the steps still to come.
    """

    def __init__(self, estimator, n_steps):
        self.name = type(estimator).__name__
        self.verbose = estimator.verbose
        self.n_steps = n_steps
        self.start = time.perf_counter()
        self.steps_start = None  # when step 0 was logged

    def step(self, record):
        """Print ``record`` (a :func:`make_record` dict)."""
        if not self.verbose:
            return
        line = (
            f"[{self.name}] step {record['step']}/{self.n_steps} "
            f"({PHASES[record['phase']]}): sparsity {record['sparsity']:.4f} "
            f"(target {record['target_sparsity']:.4f}), "
            f"{record['n_nonzero']} non-zero"
        )
        if record["loss"] is not None:
            line += f", loss {record['loss']:.6g}"
        if record["validation_score"] is not None:
            line += f", validation score {record['validation_score']:.4f}"
        if not record["accepted"]:
            line += " -> refused"
        now = time.perf_counter()
        line += f", {now - self.start:.2f} s"
        if self.steps_start is None:
            self.steps_start = now
        elif isinstance(self.n_steps, int) and 0 < record["step"] < self.n_steps:
            left = (now - self.steps_start) / record["step"]
            left *= self.n_steps - record["step"]
            line += f", ~{left:.1f} s left" if left < 10 else f", ~{left:.0f} s left"
        print(line, flush=True)

    def note(self, message):
        """One more line (e.g. the final refit), same prefix and clock."""
        if self.verbose:
            print(
                f"[{self.name}] {message}, {time.perf_counter() - self.start:.2f} s",
                flush=True,
            )


# -- the loops ------------------------------------------------------------------


def _check_adapter(model, contract, loop):
    if not isinstance(model, contract):
        raise TypeError(
            f"{loop} needs a {contract.__name__}, got {type(model).__name__}."
        )


def run_schedule(model, targets, rule, log):
    """Prune to each target sparsity in turn; stop at the first refused step.

    ``model`` is the estimator's adapter, a
    :class:`~skprune._pruning._adapter.ScheduleAdapter`.

    ``targets`` is a sequence of target sparsities, or a plan whose
    ``steps()`` yields ``(target, final)`` pairs and may adapt them to how
    earlier steps went (:class:`skprune._pruning._recipe.StepPlan`): after
    each re-training the driver calls the plan's ``report(step, final,
    recovered)`` with what ``retrain`` returned.

    Returns the history (step 0 first). After a refusal the model is the last
    accepted step's.
    """
    _check_adapter(model, ScheduleAdapter, "run_schedule")
    evaluation = model.evaluate()
    history = [model.record(0, 0.0, evaluation, True)]
    log.step(history[-1])
    if len(targets) == 0:
        return history
    rule.start(evaluation)
    kept = model.snapshot() if rule.needs_validation else None
    report = getattr(targets, "report", None)
    if hasattr(targets, "steps"):
        steps = targets.steps()
    else:
        steps = ((t, i == len(targets)) for i, t in enumerate(targets, start=1))
    for step, (target, final) in enumerate(steps, start=1):
        model.prune(target)
        recovered = model.retrain(step, final=final)
        if report is not None:
            report(step, final, recovered)
        evaluation = model.evaluate()
        accepted = rule.accepts(evaluation)
        history.append(model.record(step, target, evaluation, accepted))
        log.step(history[-1])
        if not accepted:
            model.restore(kept)
            break
        rule.accepted(evaluation)
        if rule.needs_validation:
            kept = model.snapshot()
    return history


def search_support(model, rule, log):
    """Find the smallest support the rule accepts (``prune_ratio='auto'``).

    Each step removes half of the remaining features, until a step is
    refused; from then on the support size is bisected between the last
    accepted and the last refused one, and the search ends when removing a
    single feature is refused (or one feature is left). A support already
    refused is never fitted twice.

    ``model`` is the estimator's adapter, a
    :class:`~skprune._pruning._adapter.SupportSearchAdapter`.

    Returns the history (step 0 first).
    """
    _check_adapter(model, SupportSearchAdapter, "search_support")
    evaluation = model.evaluate()
    history = [model.record(0, 0.0, evaluation, True)]
    log.step(history[-1])
    rule.start(evaluation)
    refused_sets = set()  # supports already refused: never refit twice
    refused_kept = None  # support size of the last refused step
    step = 0
    while model.n_kept() > 1:
        n_kept = model.n_kept()
        if refused_kept is None:  # halve the support
            n_remove = math.ceil(n_kept / 2)
        else:  # bisect between the accepted and the refused size
            n_remove = max(1, (n_kept - refused_kept) // 2)
        n_remove = min(n_remove, n_kept - 1)
        support = model.propose(n_remove)
        key = support.tobytes()
        accepted = False
        if key not in refused_sets:
            step += 1
            candidate = model.fit_candidate(support)
            evaluation = model.evaluate(candidate)
            accepted = rule.accepts(evaluation)
            target = 1.0 - (n_kept - n_remove) / model.n_features
            history.append(model.record(step, target, evaluation, accepted, candidate))
            log.step(history[-1])
        if accepted:
            model.commit(candidate)
            rule.accepted(evaluation)
        else:
            refused_sets.add(key)
            if n_remove == 1:
                break
            refused_kept = n_kept - n_remove
    return history
