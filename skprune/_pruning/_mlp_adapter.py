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
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_random_state

from .. import _sklearn_compat as compat
from . import _recipe
from ._driver import Evaluation, make_record, sklearn_verbose
from ._masks import (
    neuron_alive,
    neuron_masks,
    prune_neurons,
    prune_weights,
    threshold_masks,
)
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


class MLPAdapter:
    """What :func:`skprune._pruning.run_schedule` asks of a network.

    Holds the training data of one ``fit`` (the training part of the split
    when ``max_score_drop`` holds one out) and the dense training's
    ``n_iter_`` (:attr:`dense_n_iter`), from which re-training budgets are
    derived (:mod:`skprune._pruning._recipe`). :meth:`retrain` is the one
    re-training hook; it tells ``plan`` (a
    :class:`skprune._pruning._recipe.StepPlan`) whether each step recovered,
    and keeps what :meth:`convergence_message` reports.
    """

    def __init__(self, estimator, X, y, sample_weight, split, plan=None):
        self.est = estimator
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.split = split
        self.dense_n_iter = getattr(estimator, "n_iter_", None)
        self.plan = plan
        self.auto = estimator.finetune_iter == "auto"
        if self.auto:
            # the final budget depends on the epochs used before it: set in
            # retrain (here: its value if no step ran)
            self.step_iter = _recipe.step_budget(
                self.dense_n_iter or 1, estimator.max_iter
            )
            self.final_iter = _recipe.final_budget(
                self.dense_n_iter or 1, 0, estimator.max_iter
            )
        else:
            self.step_iter, self.final_iter = (
                estimator.finetune_iter,
                estimator.max_iter,
            )
        self.last = (self.dense_n_iter, None)  # (n_iter, recovered) of the last step
        self.unrecovered = []  # failed steps whose next cut could not be halved
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
        )

    def prune(self, target):
        """Score the network and install the masks of sparsity ``target``."""
        est = self.est
        if self._Y is None:
            self._Y = est._encode_targets(self.y)
        scores = compute_scores(
            _recipe.criterion(est.prune_criterion, est.prune_granularity),
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

        ``finetune_iter='auto'``: :func:`skprune._pruning._recipe.step_budget` epochs
        (iterations for lbfgs), or, after the last step (``final``), up to
        :func:`skprune._pruning._recipe.final_budget` with sklearn's stopping rule; an
        int ``finetune_iter``: that many, the last up to ``max_iter``. Each
        call starts a fresh optimizer at ``learning_rate_init`` (times
        ``FINAL_LR_FACTOR`` for the final one with 'auto'; with sklearn's
        early stopping where ``RETRAIN_EARLY_STOPPING`` says, an experiment
        switch). Then tells the plan whether the step recovered
        (:func:`skprune._pruning._recipe.recovered`).
        """
        est = self.est
        n_iter = (
            0 if self.step_iter == 0 else (self.final_iter if final else self.step_iter)
        )
        if final and self.auto and n_iter:
            self.final_iter = n_iter = _recipe.final_budget(
                self.dense_n_iter or 1, self.used, est.max_iter
            )
        extra = {}  # the final re-training's learning rate (_recipe)
        if final and self.auto and _recipe.FINAL_LR_FACTOR != 1.0:
            extra["learning_rate_init"] = (
                est.learning_rate_init * _recipe.FINAL_LR_FACTOR
            )
        if n_iter == 0:
            self.last = (None, None)
            return
        loss_before = getattr(est, "loss_", None)
        rule = _recipe.RETRAIN_EARLY_STOPPING
        forced = (
            self.auto
            and est.solver != "lbfgs"
            and not est.early_stopping
            and (rule == "all" or (rule == "final" and final))
        )
        if forced:
            extra["early_stopping"] = True
        # sklearn's _fit reads max_iter, warm_start and verbose from the
        # instance; they are set for the duration of the call and restored.
        with (
            overridden(
                est,
                max_iter=n_iter,
                warm_start=True,
                verbose=sklearn_verbose(est.verbose),
                **extra,
            ),
            warnings.catch_warnings(record=True) as caught,
        ):
            compat.reset_mlp_stopping_state(est)
            # sklearn's ConvergenceWarning says that the run stopped at its
            # budget, not by its stopping rule: kept (not shown) for
            # _warn_convergence, which says what to change; intermediate
            # re-trainings never converge
            warnings.simplefilter("always", ConvergenceWarning)
            est._sklearn_fit(self.X, self.y, self.sample_weight)
        if forced:  # the record sklearn keeps without early stopping
            est.validation_scores_ = est.best_validation_score_ = None
            est.best_loss_ = min(est.loss_curve_)
        hit_budget = False
        for w in caught:  # every other warning is shown as it would have been
            if issubclass(w.category, ConvergenceWarning):
                hit_budget = True
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        est._set_masks(est.masks_)
        ok = _recipe.recovered(loss_before, getattr(est, "loss_", None))
        self.last = (est.n_iter_, ok)
        self.used += est.n_iter_
        if final:
            self.final_hit_budget = hit_budget
        can_halve = self.plan is not None and self.plan.can_halve()
        if not ok and (final or not can_halve):  # no smaller cut left to try
            self.unrecovered.append(step)
        if self.plan is not None:
            self.plan.report(ok)

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

    def convergence_message(self, history):
        """What to warn about if re-training fell short, or None.

        Looks at the last step (did its re-training stop at its budget?) and
        at :attr:`unrecovered` (steps that did not recover and whose next
        cut could not be halved: the last step, no halving left, or an int
        ``finetune_iter``). The estimator raises it as a
        :class:`~skprune.PruningConvergenceWarning`.
        """
        est = self.est
        steps = [r for r in history[1:] if r["recovered"] is not None]
        if not steps:
            return None
        auto, budget, problems, advice = self.auto, self.final_iter, [], []
        unit = "iterations" if est.solver == "lbfgs" else "epochs"
        if self.final_hit_budget:
            where = (
                "what the earlier re-trainings left of 2.5 x the dense "
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
                    "earlier re-trainings left of 2.5 x the dense training's "
                    "epochs)"
                )
            else:
                advice.append(
                    "set finetune_iter to an int (the final re-training then runs "
                    "up to max_iter)"
                )
        failed = [r for r in steps if r["step"] in self.unrecovered]
        if failed:
            first = failed[0]
            problems.append(
                f"{len(failed)} of {len(steps)} re-trainings did not bring the "
                "training loss back to 0.05 + 1.25 x its level before the prune"
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
