"""The MLP adapter: what the pruning driver asks of a network.

The driver (:func:`skprune._pruning.run_schedule`) prunes and re-trains a
network through :class:`MLPAdapter`: it scores the weights or neurons with
the estimator's criterion (:mod:`skprune._pruning.criteria._mlp`), installs
masks (:mod:`skprune._pruning._masks`), and re-trains them with sklearn's own
training loop, through the one hook the estimator provides
(``_sklearn_fit``: one call of sklearn's ``_fit`` with the masks held), for
the budgets of the recipe (:mod:`skprune._pruning._recipe`).
"""

import contextlib
import copy
import warnings

import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
from sklearn.utils.validation import check_random_state

from .. import _sklearn_compat as compat
from ._adapter import ScheduleAdapter
from ._driver import (
    Evaluation,
    ProgressLog,
    make_record,
    run_schedule,
    sklearn_verbose,
    validation_split,
)
from ._masks import (
    neuron_alive,
    neuron_masks,
    prune_neurons,
    prune_weights,
    threshold_masks,
)
from ._schedules import sparsity_schedule
from .criteria import compute_scores


@contextlib.contextmanager
def overridden(estimator, **attributes):
    """Temporarily set attributes of ``estimator``; always restored."""
    saved = {name: getattr(estimator, name) for name in attributes}
    try:
        for name, value in attributes.items():
            setattr(estimator, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(estimator, name, value)


class MLPAdapter(ScheduleAdapter):
    """What :func:`skprune._pruning.run_schedule` asks of a network.

    Holds the training data of one ``fit`` (the training part of the split
    when ``max_score_drop`` holds one out) and the dense training's
    ``n_iter_`` (:attr:`dense_n_iter`), from which re-training budgets are
    derived by ``recipe`` (a :class:`skprune._pruning._recipe.Recipe`).
    :meth:`retrain` is the one re-training hook; it returns whether the step
    recovered (the driver tells the plan) and keeps what
    :meth:`convergence_message` reports.
    """

    def __init__(self, estimator, X, y, sample_weight, split, recipe):
        self.est = estimator
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.split = split
        self.recipe = recipe
        self.dense_n_iter = getattr(estimator, "n_iter_", None)
        self.auto = estimator.finetune_iter == "auto"
        if self.auto:
            # the final budget depends on the epochs used before it: set in
            # retrain (here: its value if no step ran)
            self.step_iter = recipe.step_budget(
                self.dense_n_iter or 1, estimator.max_iter
            )
            self.final_iter = recipe.final_budget(
                self.dense_n_iter or 1, 0, estimator.max_iter
            )
        else:
            self.step_iter, self.final_iter = (
                estimator.finetune_iter,
                estimator.max_iter,
            )
        self.last = (self.dense_n_iter, None)  # (n_iter, recovered) of the last step
        self.final_hit_budget = False  # it stopped at its budget, not its rule
        self.used = 0  # epochs of the re-trainings so far
        self._Y = None
        # one generator per fit, drawn after the dense training (criterion 'random')
        self.rng = check_random_state(estimator.random_state)

    def evaluate(self):
        split = self.split
        if split is None:
            return None
        return Evaluation(score=self.est.score(split.X_val, split.y_val, split.sw_val))

    def record(self, step, target, evaluation, accepted):
        est = self.est
        total = sum(c.size for c in est.coefs_)
        nnz = int(sum(np.count_nonzero(c) for c in est.coefs_))
        return make_record(
            step,
            phase="dense" if step == 0 else "retrain",
            target_sparsity=target,
            sparsity=1.0 - nnz / total,
            n_nonzero=nnz,
            loss=getattr(est, "loss_", None),
            validation_score=None if evaluation is None else evaluation.score,
            accepted=accepted,
            n_iter=None if self.last[0] is None else int(self.last[0]),
            recovered=self.last[1],
            training_score=self.training_score(),
        )

    def training_score(self):
        """Accuracy (R^2 for a regressor) of the current network on the rows
        it trains on: the cumulative judge of a fit
        (:meth:`shortfall_message`) compares the final network's with the
        dense one's."""
        with warnings.catch_warnings():
            # R^2 of fewer than two rows is undefined (nan): no judge then
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            return float(self.est.score(self.X, self.y, self.sample_weight))

    def prune(self, target):
        """Score the network and install the masks of sparsity ``target``."""
        est = self.est
        if self._Y is None:
            self._Y = est._encode_targets(self.y)
        scores = compute_scores(
            self.recipe.criterion(est.prune_criterion, est.prune_granularity),
            est.prune_granularity,
            est.coefs_,
            est.intercepts_,
            self.X,
            self._Y,
            activation=est.activation,
            out_activation=est.out_activation_,
            sample_weight=self.sample_weight,
            random_state=self.rng,
        )
        if est.prune_granularity == "weight":
            masks = prune_weights(scores, est.masks_, target, est.prune_scope)
        else:
            alive = prune_neurons(
                scores,
                neuron_alive(est.masks_),
                target,
                est.prune_scope,
                masks=est.masks_,
            )
            masks = neuron_masks(alive, est.masks_)
        if est.sparsity_threshold is not None:
            masks = threshold_masks(est.coefs_, masks, est.sparsity_threshold)
        est._set_masks(masks)

    def retrain(self, step, final):
        """Masked re-training after pruning step ``step``.

        ``finetune_iter='auto'``: the recipe's step budget (epochs, or
        iterations for lbfgs), or, after the last step (``final``), up to its
        final budget with sklearn's stopping rule; an int ``finetune_iter``:
        that many, the last up to ``max_iter``. Each call starts a fresh
        optimizer at ``learning_rate_init``. Returns whether the step
        recovered (:meth:`~skprune._pruning._recipe.Recipe.recovered`), None
        without re-training.
        """
        est = self.est
        n_iter = (
            0 if self.step_iter == 0 else (self.final_iter if final else self.step_iter)
        )
        if final and self.auto and n_iter:
            self.final_iter = n_iter = self.recipe.final_budget(
                self.dense_n_iter or 1, self.used, est.max_iter
            )
        if n_iter == 0:
            self.last = (None, None)
            return None
        loss_before = getattr(est, "loss_", None)
        # sklearn's _fit reads max_iter, warm_start and verbose from the
        # instance; they are set for the duration of the call and restored.
        with (
            overridden(
                est,
                max_iter=n_iter,
                warm_start=True,
                verbose=sklearn_verbose(est.verbose),
                learning_rate_init=self.recipe.retrain_rate(
                    est.learning_rate_init, step
                ),
            ),
            warnings.catch_warnings(record=True) as caught,
        ):
            compat.reset_mlp_stopping_state(est)
            # sklearn's ConvergenceWarning says that the run stopped at its
            # budget, not by its stopping rule: kept (not shown) for
            # convergence_message, which says what to change; intermediate
            # re-trainings never converge
            warnings.simplefilter("always", ConvergenceWarning)
            est._sklearn_fit(self.X, self.y, self.sample_weight)
        hit_budget = False
        for w in caught:  # every other warning is shown as it would have been
            if issubclass(w.category, ConvergenceWarning):
                hit_budget = True
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        est._set_masks(est.masks_)
        ok = self.recipe.recovered(loss_before, getattr(est, "loss_", None))
        self.last = (est.n_iter_, ok)
        self.used += est.n_iter_
        if final:
            self.final_hit_budget = hit_budget
        return ok

    def snapshot(self):
        est = self.est
        training = {
            name: copy.copy(est.__dict__[name])
            for name in compat.MLP_TRAINING_RECORD
            if name in est.__dict__
        }
        return (
            [c.copy() for c in est.coefs_],
            [i.copy() for i in est.intercepts_],
            [m.copy() for m in est.masks_],
            training,
        )

    def restore(self, snapshot):
        est = self.est
        coefs, intercepts, masks, training = snapshot
        est.coefs_, est.intercepts_ = coefs, intercepts
        # the record of the training run that produced the restored weights
        est.__dict__.update(training)
        # the optimizer state belongs to the undone step: start afresh
        compat.drop_optimizer(est)
        est._set_masks(masks)

    def shortfall_message(self, history):
        """What to warn about if the final network fell short of the dense
        one, or None; raised as a :class:`~skprune.PruningShortfallWarning`.

        :meth:`~skprune._pruning._recipe.Recipe.shortfall` judges the final
        network against the dense one (step 0), cumulatively: on the
        validation scores when a split is held out (``max_score_drop``),
        else on the training scores (``training_score``: the rows it trains
        on). A dense network that over-fits can lose training score to
        pruning and gain on new data; without a validation split the message
        says so.
        """
        if len(history) < 2:
            return None
        est, text = self.est, self.recipe.text()
        dense = history[0].get("training_score")
        final = self.training_score()
        val = [r["validation_score"] for r in history if r["accepted"]]
        validated = bool(val) and val[0] is not None
        judged = (val[0], val[-1]) if validated else (dense, final)
        if not self.recipe.shortfall(*judged):
            return None
        kind = "accuracy" if is_classifier(est) else "R^2"
        what = "validation" if validated else "training"
        sparsity = 1.0 - sum(np.count_nonzero(c) for c in est.coefs_) / sum(
            c.size for c in est.coefs_
        )
        message = (
            f"{type(est).__name__}: the pruned network (sparsity {sparsity:.3f}) "
            f"falls short of the dense one it was pruned from: {what} {kind} "
            f"{judged[1]:.3f} against {judged[0]:.3f}, a drop of "
            f"{judged[0] - judged[1]:.3f} (more than "
            f"{text['MAX_TRAINING_DROP']})"
        )
        if validated:
            message += f"; training {kind} {final:.3f} against {dense:.3f}"
        message += (
            ". The requested prune_ratio="
            f"{est.prune_ratio!r} may be past what this network can learn for "
            "the task. A lower prune_ratio keeps more of the dense network's fit"
        )
        if est.prune_granularity == "weight":
            message += (
                "; at high sparsity, pruning whole neurons "
                "(prune_granularity='neuron') keeps fewer, fully connected "
                "neurons instead of many neurons with a few inputs each"
            )
        if validated:
            return message + "."
        return (
            message + ". If the dense network over-fits, a lower training score "
            "can come with an unchanged or better score on new data: check "
            "the pruned model on held-out data (or set max_score_drop, whose "
            "validation split this warning then judges by)."
        )

    def convergence_message(self, history, unrecovered):
        """What to warn about if re-training fell short, or None.

        Looks at the last step (did its re-training stop at its budget?) and
        at ``unrecovered`` (the plan's steps that did not recover and whose
        next cut could not be halved: the last step, no halving left, or an
        int ``finetune_iter``). The estimator raises it as a
        :class:`~skprune.PruningConvergenceWarning`.
        """
        est, text = self.est, self.recipe.text()
        steps = [r for r in history[1:] if r["recovered"] is not None]
        if not steps:
            return None
        auto, budget, problems, advice = self.auto, self.final_iter, [], []
        unit = "iterations" if est.solver == "lbfgs" else "epochs"
        if self.final_hit_budget:
            where = (
                f"what the earlier re-trainings left of {text['TOTAL_FACTOR']} "
                "x the dense "
                f"training's {history[0]['n_iter']} {unit}, at least those "
                f"{history[0]['n_iter']}"
                if auto and budget < est.max_iter
                else "max_iter"
            )
            problems.append(
                f"the final re-training stopped at its budget of {budget} {unit} "
                f"({where}) before sklearn's stopping rule (tol={est.tol}, "
                f"n_iter_no_change={est.n_iter_no_change}) was met"
            )
            if not auto:
                advice.append("raise max_iter or use finetune_iter='auto'")
            elif budget >= est.max_iter:
                advice.append(
                    "raise max_iter (no training run goes beyond it; with "
                    "finetune_iter='auto' the final one may run up to what the "
                    f"earlier re-trainings left of {text['TOTAL_FACTOR']} x the "
                    "dense training's epochs)"
                )
            else:
                advice.append(
                    "set finetune_iter to an int (the final re-training then runs "
                    "up to max_iter)"
                )
        failed = [r for r in steps if r["step"] in unrecovered]
        if failed:
            first = failed[0]
            problems.append(
                f"{len(failed)} of {len(steps)} re-trainings did not bring the "
                f"training loss back to {text['RECOVERY']} its level before the "
                "prune"
                + (" with no smaller cut left to try" if auto else "")
                + f" (first at step {first['step']}, target sparsity "
                f"{first['target_sparsity']:.3f}, training loss {first['loss']:.3g})"
            )
            advice.append(
                "lower prune_ratio (the network may be too small for the task), "
                "raise n_prune_steps, or set finetune_iter to more epochs per step"
            )
        if not problems:
            return None
        return (
            f"{type(est).__name__}: " + "; ".join(problems) + ". The pruned "
            "model may be under-trained: " + "; or ".join(advice) + "."
        )


def prune_network(est, X, y, sample_weight, *, train_dense, refit):
    """The pruning part of a pruned MLP's ``fit``: ``(history, problem,
    shortfall)``.

    The validation split the acceptance rule needs, the dense training
    (``train_dense``; ``refit``: a warm start of the fitted network), the
    masks (all kept, then ``sparsity_threshold``), the schedule and the
    recipe's plan run by the driver through :class:`MLPAdapter`, and the
    final threshold. ``problem``: the text of the convergence warning
    (:meth:`MLPAdapter.convergence_message`), or None; ``shortfall``: the
    text of the cumulative judge's warning (:meth:`MLPAdapter.shortfall_message`),
    or None; the estimator warns.
    """
    rule = est._acceptance_rule()
    split = None
    if rule.needs_validation:
        split = validation_split(
            X,
            y,
            sample_weight,
            fraction=est.validation_fraction,
            random_state=check_random_state(est.random_state),
            stratify=est._stratify(y),
            needed_by="max_score_drop",
        )
        X, y, sample_weight = split.X_train, split.y_train, split.sw_train

    pruning = est.prune_ratio > 0 or est.sparsity_threshold is not None
    targets = (
        sparsity_schedule(est.prune_ratio, est.n_prune_steps, est.prune_schedule)
        if pruning
        else []
    )
    # the step-size rule adapts the targets with finetune_iter='auto'
    plan = est._recipe.plan(targets, auto=est.finetune_iter == "auto")
    log = ProgressLog(est, len(targets))
    if train_dense:
        if not refit:
            est.masks_ = None
        else:
            # a loaded model: sklearn's warm start expects its best copy
            compat.ensure_best_copy(est)
        log.note(f"dense training started (up to {est.max_iter} epochs)")
        with overridden(est, verbose=sklearn_verbose(est.verbose)):
            est._sklearn_fit(X, y, sample_weight)
        log.note(f"dense training done: {est.n_iter_} epochs, loss {est.loss_:.6g}")
    if getattr(est, "masks_", None) is None:
        est.masks_ = [np.ones(c.shape, dtype=bool) for c in est.coefs_]
    est._set_masks(est.masks_)
    if est.sparsity_threshold is not None:
        est._set_masks(threshold_masks(est.coefs_, est.masks_, est.sparsity_threshold))

    adapter = MLPAdapter(est, X, y, sample_weight, split, est._recipe)
    history = run_schedule(adapter, plan, rule, log)
    if pruning and est.sparsity_threshold is not None:
        est._set_masks(threshold_masks(est.coefs_, est.masks_, est.sparsity_threshold))
    return (
        history,
        adapter.convergence_message(history, plan.unrecovered),
        adapter.shortfall_message(history),
    )
