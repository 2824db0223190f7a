"""Pruned multi-layer perceptrons: sklearn's MLPs that prune inside ``fit``.

The estimators train like sklearn's ``MLPClassifier``/``MLPRegressor``, then run a
schedule of prune -> masked re-training steps. Pruned connection weights are kept
*exactly* zero: the gradient of every masked weight is multiplied by its mask in
``_compute_loss_grad`` (the hook that feeds sgd, adam, lbfgs and ``partial_fit``),
weights are zeroed in place (sklearn's optimizers hold references to them), and
optimizer state is zeroed wherever a mask changes.

Pruning runs in the pruning core (:mod:`skprune._pruning`: the shared
driver, the recipe, the criteria and :class:`~skprune._pruning.MLPAdapter`),
``predict`` in the serving wing (:mod:`skprune._serving`), and files are
written by the files wing (:mod:`skprune._files`). This module keeps the
public classes, their parameters and their hooks into sklearn's MLPs.
"""

import copy
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from . import _docstring
from . import _sklearn_compat as compat
from ._docstring import Substitution, substitute
from ._files import check_mlp_state, compact_state, load_state, pack_network
from ._pruning import (
    GRANULARITIES,
    MLP_CRITERIA,
    RECIPE,
    SCHEDULES,
    SCOPES,
    AcceptAll,
    MaxScoreDrop,
    constraint,
    describe,
    fit_or_rollback,
    prune_network,
)
from ._serving import DTYPES, FORMATS, ServedMLPMixin
from ._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
)
from .exceptions import PruningConvergenceWarning, PruningShortfallWarning

_PRUNING_CONSTRAINTS = {
    "prune_ratio": [Interval(Real, 0, 1, closed="left")],
    "prune_criterion": constraint(MLP_CRITERIA, extra=("auto",)),
    "prune_granularity": [StrOptions(set(GRANULARITIES))],
    "prune_scope": [StrOptions(set(SCOPES))],
    "prune_schedule": [StrOptions(set(SCHEDULES))],
    "n_prune_steps": [Interval(Integral, 1, None, closed="left")],
    "finetune_iter": [
        StrOptions({"auto"}),
        Interval(Integral, 0, None, closed="left"),
    ],
    "sparsity_penalty": [None, StrOptions({"l1", "l2"})],
    "sparsity_alpha": [Interval(Real, 0, None, closed="left")],
    "sparsity_threshold": [None, Interval(Real, 0, None, closed="left")],
    "max_score_drop": [None, Interval(Real, 0, None, closed="left")],
    "inference_format": [StrOptions(set(FORMATS))],
    "inference_dtype": [StrOptions(set(DTYPES) | {"auto"})],
    "inference_batch_size": [
        StrOptions({"auto"}),
        Interval(Integral, 1, None, closed="left"),
    ],
}
# state that is never written to a file: rebuilt on load or on demand
_NOT_PERSISTED = ("compressed_",) + compat.MLP_SCRATCH_STATE

# per-epoch / per-step lists, written to files as one JSON text (see _persistence)
_HISTORIES = ("loss_curve_", "validation_scores_", "pruning_history_")

_PRUNING_PARAMS_DOC = """
    prune_ratio : float in [0, 1), default=0.9
        Fraction of connection weights (``prune_granularity='weight'``) or of
        hidden neurons (``'neuron'``) removed by the end of ``fit``. ``0`` trains
        a dense network (plus ``sparsity_threshold``, if given).

    prune_criterion : 'auto' or {CRITERIA_NAMES}, default='auto'
        Importance score; the lowest scores are pruned first. 'auto' is
        {AUTO_WEIGHT} for ``prune_granularity='weight'`` and {AUTO_NEURON} for
        'neuron' (chosen on validation splits of a panel of datasets,
        :mod:`skprune._pruning._recipe`). Formulas in
        :mod:`skprune._pruning.criteria._mlp`:

{CRITERIA_DOC}

    prune_granularity : {'weight', 'neuron'}, default='weight'
        Remove single connection weights, or whole hidden neurons (all their
        incoming and outgoing weights).

    prune_scope : {'global', 'layer'}, default='global'
        'layer' removes the same fraction from every layer; 'global' ranks all
        layers together after dividing each layer's scores by their L2 norm
        (large layers lose more, the small output layer stays denser). No
        scope ever removes every weight of a layer or every neuron of a hidden
        layer.

    prune_schedule : {'oneshot', 'linear', 'cubic'}, default='cubic'
        Sparsity after step ``t`` of ``n = n_prune_steps``: one step
        ('oneshot'), ``s t / n`` ('linear') or ``s (1 - (1 - t/n)^3)``
        ('cubic', Zhu & Gupta 2017).

    n_prune_steps : int, default=10
        Number of planned prune -> re-train steps ('linear' and 'cubic');
        with ``finetune_iter='auto'`` up to {MAX_HALVINGS} more are inserted when a step
        does not recover.

    finetune_iter : 'auto' or int, default='auto'
        Masked re-training after each pruning step (epochs for 'sgd' and
        'adam', iterations for 'lbfgs'); each re-training starts a fresh
        optimizer at ``learning_rate_init``. With ``D`` the ``n_iter_`` of the
        dense training:

        - 'auto': ``{STEP_BUDGET}`` after each step but the last; after the
          last step, re-training with sklearn's stopping rule (``tol``,
          ``n_iter_no_change``) for at most what the steps left of
          ``{TOTAL_BUDGET}`` epochs for all re-trainings, at least ``D``, and
          never more than ``max_iter``. When a step's
          re-training ends with a training loss above ``{RECOVERY}`` the
          loss before that prune, the next cut is halved (at most {MAX_HALVINGS} times).
          Rules and the measurements behind them: :mod:`skprune._pruning._recipe`.
        - int: that many after each step but the last; after the last step
          up to ``max_iter`` with sklearn's stopping rule. ``0`` prunes
          without any re-training.

        A :class:`~skprune.PruningConvergenceWarning` says when the final
        re-training stopped at its budget or a step did not recover; its
        subclass :class:`~skprune.PruningShortfallWarning` when the final
        network's training score is more than {MAX_TRAINING_DROP} below the dense
        network's (cumulative, whatever ``finetune_iter``).

    sparsity_penalty : {None, 'l1', 'l2'}, default=None
        Extra penalty on the connection weights during all training, added to
        sklearn's ``alpha`` L2 term: ``sparsity_alpha * sum |w|`` ('l1') or
        ``sparsity_alpha / 2 * sum w^2`` ('l2'), divided like sklearn's by the
        sum of sample weights. It drives weights towards zero;
        ``sparsity_threshold`` turns the small ones into exact zeros. With
        ``solver='sgd'`` and 'l1' this is SGD shrinkage.

    sparsity_alpha : float, default=1e-4
        Strength of ``sparsity_penalty``.

    sparsity_threshold : float or None, default=None
        Weights with ``|w|`` below it become exact zeros and stay masked, at
        every pruning step and once more at the end of ``fit``; if that would
        disconnect the outputs from the inputs, one connected path of the
        largest weights is kept.

    max_score_drop : float or None, default=None
        The same rule for every skprune estimator
        (:class:`skprune._pruning.MaxScoreDrop`): if set, a random
        ``validation_fraction`` of the training data (stratified for
        classifiers, drawn with ``random_state``) is held out, and pruning
        stops at the last step whose validation score (accuracy or R^2) is at
        most ``max_score_drop`` below the unpruned model's; the model of that
        step is kept.

    inference_format : {'auto', 'dense', 'sparse'}, default='auto'
        Storage of each layer of the compressed network that ``predict`` and
        ``predict_proba`` use (dead neurons dropped, constant neurons folded
        into biases): dense (one BLAS product per tile of rows), CSR (one
        vectorised update per stored weight), or per layer whichever a cost
        model fitted to measured timings predicts to be faster ('auto').

    inference_dtype : {'auto', 'float64', 'float32'}, default='auto'
        Precision of the compressed network. 'auto' is the dtype the model was
        trained in (float32 for float32 ``X``, as sklearn's MLP). Outputs are
        float32 when both ``X`` and the network are float32, else float64 (as
        sklearn's ``X @ coefs_``). 'float32' halves the network's memory and
        speeds up ``predict``; outputs then agree with float64 to float32
        precision, and float64 ``X`` beyond the float32 range (or a float32
        overflow inside the network) raises a ValueError rather than
        returning NaN.

        ``inference_format`` and ``inference_dtype`` (and
        ``inference_batch_size``) take effect at the next ``predict``, without
        refitting, in memory and after loading alike. Settings that describe
        the trained network (``activation``, ``hidden_layer_sizes``) take
        effect at the next ``fit`` only: the network, and files written from
        it, keep the activation it was trained with.

    inference_batch_size : 'auto' or int >= 1, default='auto'
        Rows of ``X`` that ``predict``/``predict_proba``/``score`` push through
        the network at a time. Apart from ``X`` and the ``(n_samples,
        n_outputs)`` network output (what ``predict_proba`` and a regressor's
        ``predict`` return), memory is bounded by one batch per thread
        whatever the number of samples, so ``X`` may be a large
        ``numpy.memmap``. 'auto' sizes batches so that the widest layer of a
        batch (the input included) takes at most 4 MiB in float64, in whole
        64-row tiles of the compiled pass. Takes effect immediately, without
        refitting.

        Threads: ``predict``, ``predict_proba`` and ``score`` of a large
        ``X`` run on as many threads as scikit-learn's own compiled predict
        paths: all cores, or fewer under ``OMP_NUM_THREADS`` or
        ``threadpoolctl.threadpool_limits`` (there is no parameter); a small
        batch runs in the calling thread. Results are bitwise identical on
        any number of threads.
"""
_PRUNING_PARAMS_DOC = substitute(
    _PRUNING_PARAMS_DOC,
    CRITERIA_NAMES="{" + ", ".join(repr(name) for name in MLP_CRITERIA) + "}",
    CRITERIA_DOC=describe(MLP_CRITERIA),
    **{k: v for k, v in RECIPE.text().items() if k != "TOTAL_FACTOR"},
)

_TRAINING_ATTRIBUTES_DOC = """
    loss_, loss_curve_, validation_scores_, best_loss_, \
best_validation_score_, n_iter_, t_
        As in :class:`sklearn.neural_network.{PARENT}`, for the last training
        run of ``fit``, the one that produced ``coefs_``: the final masked
        re-training (the dense training if no pruning step runs or
        ``finetune_iter=0``; with ``max_score_drop``, the re-training of the
        last accepted step). So ``loss_curve_`` and ``validation_scores_``
        have ``n_iter_`` entries, ``best_validation_score_`` is the largest
        of ``validation_scores_`` (with ``early_stopping``, the score of the
        returned weights), ``best_loss_`` the smallest of ``loss_curve_`` and
        ``t_`` counts the samples of that run. The epochs of every step are in
        ``pruning_history_``. With ``prune_ratio=0`` and no
        ``sparsity_threshold`` all of them are exactly sklearn's.
"""

_ATTRIBUTES_DOC = substitute(
    """
    masks_ : list of ndarray of bool
        Keep-masks shaped like ``coefs_``; ``coefs_[i][~masks_[i]]`` is exactly 0.

    sparsity_ : float
        ``1 - nnz / total`` over all connection weights ``coefs_``.

    layer_sparsity_ : ndarray of shape (``n_layers_ - 1``,)
        The same, per layer.

    n_nonzero_ : int
        Number of non-zero connection weights.

    compression_ratio_ : float
        ``total / nnz`` over the connection weights.

    hidden_layer_sizes_ : tuple of int
        Neurons per hidden layer that the compressed network computes: those
        connected to the inputs and to the outputs through live weights.

    pruning_history_ : list of dict
        One record per step (step 0 is the trained dense model), with the keys
        every skprune estimator shares (:func:`skprune._pruning.make_record`):
        ``step``, ``phase`` ('dense' or 'retrain'), ``target_sparsity``,
        ``sparsity``, ``n_nonzero``, ``loss`` (training loss),
        ``validation_score`` (None unless ``max_score_drop`` is set) and
        ``accepted`` (False for a step undone by ``max_score_drop``); then
        ``n_iter`` (epochs or iterations of the step's training: the dense
        training for step 0 (with ``from_estimator``: the source model's
        ``n_iter_``), None for a step without re-training) and ``recovered``
        (whether the re-training brought the training loss back to
        ``{RECOVERY}`` its level before the prune; None for step 0 and
        without re-training) and ``training_score`` (accuracy or R^2 of the
        step's network on the rows it trains on).

    compressed_ : CompressedMLP
        The inference form used by ``predict``/``predict_proba``: its
        ``layer_sizes``, ``formats`` and ``n_nonzero`` show what is computed.
        Files written with pickle/joblib (and copies made with
        ``copy.deepcopy``) hold the pruned weights in a compact sparse form (no
        optimizer state, no dense copies); the compressed network is rebuilt on
        load, and ``partial_fit`` on a loaded model starts a fresh optimizer.
""",
    RECOVERY=RECIPE.text()["RECOVERY"],
)


class _PruningMixin(ServedMLPMixin):
    """Pruning logic shared by the classifier and the regressor."""

    _doc_link_module = _docstring.MODULE
    _doc_link_template = _docstring.TEMPLATE

    # the family's criteria registry (constraints, docs, display baseline)
    _pruning_criteria = MLP_CRITERIA
    # the re-training recipe (finetune_iter='auto'); benchmarks measure a
    # variant by setting another Recipe on a subclass
    _recipe = RECIPE

    # -- hooks into sklearn's training loop ---------------------------------

    # (signatures pinned by tests/test_sklearn_compat.py)
    def _compute_loss_grad(
        self, layer, sw_sum, activations, deltas, coef_grads, intercept_grads
    ):
        super()._compute_loss_grad(
            layer, sw_sum, activations, deltas, coef_grads, intercept_grads
        )
        self._sw_sum = sw_sum
        if self.sparsity_penalty == "l1":
            coef_grads[layer] += (self.sparsity_alpha / sw_sum) * np.sign(
                self.coefs_[layer]
            )
        elif self.sparsity_penalty == "l2":
            coef_grads[layer] += (self.sparsity_alpha / sw_sum) * self.coefs_[layer]
        masks = getattr(self, "masks_", None)
        if masks is not None:
            coef_grads[layer] *= masks[layer]

    def _backprop(self, *args, **kwargs):
        # Add the sparsity penalty to the loss so that lbfgs' line search and
        # the stochastic solvers' stopping rule see the objective they minimise.
        loss, coef_grads, intercept_grads = super()._backprop(*args, **kwargs)
        if self.sparsity_penalty is not None and self.sparsity_alpha > 0:
            if self.sparsity_penalty == "l1":
                value = sum(np.abs(c).sum() for c in self.coefs_)
            else:
                value = 0.5 * sum(np.dot(c.ravel(), c.ravel()) for c in self.coefs_)
            loss += self.sparsity_alpha * value / self._sw_sum
        return loss, coef_grads, intercept_grads

    # -- public API ----------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network, then prune it on the schedule with re-training.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target labels (classification) or values (regression).

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, used by training and by the data-based criteria.

        Returns
        -------
        self : object
            The fitted, pruned estimator.

        Raises
        ------
        ValueError
            Before any training, if ``X``, ``y`` or ``sample_weight`` are
            invalid (sklearn's checks: NaN or infinity, no sample or feature,
            not 2-D, non-numeric, inconsistent lengths), if a regressor's
            ``y`` is not numeric,
            if ``hidden_layer_sizes`` holds a size that is not a positive
            integer, if ``prune_granularity='neuron'`` is used without a hidden
            layer, or if ``max_score_drop`` is set and the validation split
            fails, or if ``warm_start=True`` and ``hidden_layer_sizes`` (or a
            regressor's number of outputs) differs from the fitted network's.
            A failed ``fit`` leaves the previously fitted model intact.
        """
        return fit_or_rollback(self, self._fit_pruned, X, y, sample_weight, True)

    @classmethod
    def from_estimator(cls, estimator, X, y, sample_weight=None, **params):
        """Prune an already fitted sklearn MLP, with masked fine-tuning.

        The fitted weights are copied (``estimator`` is not modified) and the
        pruning schedule runs on them directly, without training from scratch.

        Parameters
        ----------
        estimator : fitted MLPClassifier or MLPRegressor
            Its parameters are the defaults of the new estimator.

        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data for the data-based criteria and the fine-tuning.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets of ``X``: for a classifier, labels of exactly the classes
            in ``estimator.classes_`` (each with at least one sample); for a
            regressor, ``estimator.n_outputs_`` columns.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        **params : dict
            Parameters of the new estimator (``prune_ratio=...`` etc.),
            overriding those taken from ``estimator``. ``hidden_layer_sizes``
            is that of the fitted weights and cannot be changed.

        Returns
        -------
        pruned : estimator of this class
            The pruned, fine-tuned copy.

        Raises
        ------
        ValueError
            Before any training, if ``y`` holds a label ``estimator`` was
            never trained on, lacks one of its classes, is multilabel where
            the source is not (or the reverse), has another number of
            outputs than a regressor source, or if ``hidden_layer_sizes``
            differs from the fitted network's; besides the input checks of
            :meth:`fit`.
        """
        parent = cls._sklearn_parent
        if not isinstance(estimator, parent):
            raise TypeError(
                f"{cls.__name__}.from_estimator needs a fitted {parent.__name__}, "
                f"got {type(estimator).__name__}."
            )
        check_is_fitted(estimator)
        what = f"{cls.__name__}.from_estimator: the given {type(estimator).__name__}"
        classifier = parent is MLPClassifier
        check_mlp_state(vars(estimator), f"{what} is invalid", classifier=classifier)
        valid = cls().get_params()
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ValueError(
                f"Unknown parameters for {cls.__name__}: {unknown}. "
                f"Valid parameters are {sorted(valid)}."
            )
        # parameters are deep-copied, as sklearn.base.clone does: the given
        # estimator's random_state generator must not be advanced by our fit
        inherited = copy.deepcopy(
            {k: v for k, v in estimator.get_params().items() if k in valid}
        )
        # the fitted weights are the architecture (a warm-started sklearn MLP
        # can hold weights of an earlier hidden_layer_sizes)
        fitted = tuple(int(c.shape[1]) for c in estimator.coefs_[:-1])
        sizes = inherited["hidden_layer_sizes"]
        if (tuple(sizes) if hasattr(sizes, "__iter__") else (sizes,)) != fitted:
            inherited["hidden_layer_sizes"] = fitted
        new = cls(**{**inherited, **params})
        compat.validate_params(new)
        own = estimator.get_params()
        new.__dict__.update(
            copy.deepcopy({k: v for k, v in vars(estimator).items() if k not in own})
        )
        return new._fit_pruned(X, y, sample_weight, False)

    # -- the pruning run -----------------------------------------------------

    def _check_hidden_layer_sizes(self):
        # sklearn only checks "> 0", late, and fails deep inside numpy on
        # non-integers: check the layer sizes before touching the data
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if not all(
            isinstance(n, Integral) and not isinstance(n, bool) and n >= 1
            for n in sizes
        ):
            raise ValueError(
                "hidden_layer_sizes must hold positive integers (a hidden layer "
                f"needs at least one neuron), got {self.hidden_layer_sizes!r}."
            )

    def _validate_pruning_params(self):
        self._check_hidden_layer_sizes()
        if self.max_score_drop is not None and self.validation_fraction <= 0:
            raise ValueError(
                "max_score_drop needs a validation split: set validation_fraction "
                f"> 0 (got validation_fraction={self.validation_fraction})."
            )
        hidden = np.atleast_1d(self.hidden_layer_sizes)
        if self.prune_granularity == "neuron" and hidden.size == 0:
            raise ValueError(
                "prune_granularity='neuron' needs at least one hidden layer "
                "(hidden_layer_sizes is empty)."
            )

    def _acceptance_rule(self):
        """The driver's rule for this fit (see :mod:`skprune._pruning`)."""
        if self.max_score_drop is None:
            return AcceptAll()
        return MaxScoreDrop(self.max_score_drop)

    def _check_continuation(self, y, from_estimator):
        """A warm start or ``from_estimator`` goes on training the fitted
        network: the architecture and the targets must be the ones it has."""
        how = "from_estimator" if from_estimator else "warm_start=True"
        fitted = tuple(int(c.shape[1]) for c in self.coefs_[:-1])
        sizes = self.hidden_layer_sizes
        wanted = tuple(sizes) if hasattr(sizes, "__iter__") else (sizes,)
        if wanted != fitted:
            fix = (
                "leave hidden_layer_sizes out of from_estimator's parameters"
                if from_estimator
                else "set warm_start=False to train the new architecture from "
                f"scratch, or hidden_layer_sizes back to {fitted}"
            )
            raise ValueError(
                f"hidden_layer_sizes={sizes!r} differs from the fitted network's "
                f"{fitted}: {how} continues from the fitted weights, so it cannot "
                f"change the architecture; {fix}."
            )
        self._check_continued_targets(y, how, from_estimator)

    # -- what a task overrides (defaults: a regressor's) -------------------------

    # the sklearn MLP this estimator extends (from_estimator accepts its fits)
    _sklearn_parent = MLPRegressor
    # validate_data's y_numeric: a regressor needs numbers
    _y_numeric = True

    def _check_continued_targets(self, y, how, from_estimator):
        """Targets of a warm start or ``from_estimator`` (``how``) that the
        fitted network cannot continue on: here, another number of outputs."""
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if n_outputs != self.n_outputs_:
            raise ValueError(
                f"y has {n_outputs} output(s) but the fitted network has "
                f"{self.n_outputs_}: {how} continues from the fitted weights, "
                "so y needs as many target columns as the network was "
                "trained on."
            )

    def _checked_targets(self, y):
        """``y`` as the training loss needs it: numeric (sklearn would fail
        inside the loss)."""
        if y.dtype.kind in "biuf":
            return y
        try:
            return y.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{type(self).__name__} needs numeric targets; y of dtype "
                f"{y.dtype} cannot be converted to float: {exc}"
            ) from exc

    def _stratify(self, y):
        """Labels the validation split keeps the proportions of (or None)."""
        return None

    def _network_targets(self, y):
        """``y`` as the network's outputs (what the criteria compare with)."""
        return y

    def _fit_pruned(self, X, y, sample_weight, train_dense):
        self._validate_pruning_params()
        # training-time scoring must see the weights being trained
        self.__dict__.pop("compressed_", None)
        refit = hasattr(self, "coefs_") and (self.warm_start or not train_dense)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=self._y_numeric,
            dtype=(np.float64, np.float32),
            reset=not refit,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)  # warn once, not at every re-training
        y = self._checked_targets(y)
        if refit:
            self._check_continuation(y, from_estimator=not train_dense)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        # sklearn's _fit would reset (and then warn about) feature names on the
        # arrays passed below: keep them aside and put them back at the end.
        feature_names = self.__dict__.pop("feature_names_in_", None)

        self.pruning_history_, problem, shortfall = prune_network(
            self, X, y, sample_weight, train_dense=train_dense, refit=refit
        )
        if problem is not None:
            warnings.warn(problem, PruningConvergenceWarning, stacklevel=3)
        if shortfall is not None:
            warnings.warn(shortfall, PruningShortfallWarning, stacklevel=3)
        self._finish()
        if feature_names is not None:
            self.feature_names_in_ = feature_names
        return self

    def _encode_targets(self, y):
        Y = np.asarray(self._network_targets(y), dtype=self.coefs_[0].dtype)
        return Y.reshape(-1, 1) if Y.ndim == 1 else Y

    def _sklearn_fit(self, X, y, sample_weight):
        """One run of sklearn's MLP training loop (with a fresh optimizer),
        the masks held by :meth:`_compute_loss_grad`."""
        compat.mlp_fit(super(), X, y, sample_weight)

    def _set_masks(self, masks):
        """Install masks: zero weights and optimizer state in place."""
        self.masks_ = masks
        for coef, mask in zip(self.coefs_, masks):
            coef *= mask
        n = len(masks)
        for states in compat.optimizer_arrays(self).values():
            for state, mask in zip(states[:n], masks):
                state *= mask

    def _finish(self, rebuild=False):
        """Derived fitted attributes; drop scratch state (``rebuild``: a load)."""
        self.__dict__.pop("_sw_sum", None)
        sizes = np.array([c.size for c in self.coefs_])
        nnz = np.array([np.count_nonzero(c) for c in self.coefs_])
        self.layer_sparsity_ = 1.0 - nnz / sizes
        self.n_nonzero_ = int(nnz.sum())
        self.sparsity_ = float(1.0 - nnz.sum() / sizes.sum())
        self.compression_ratio_ = (
            float(sizes.sum() / nnz.sum()) if nnz.sum() else float("inf")
        )
        self.compressed_ = self._compress(rebuild=rebuild)
        self.hidden_layer_sizes_ = self.compressed_.layer_sizes[1:-1]

    # -- compact persistence ---------------------------------------------------

    def __getstate__(self):
        state = compact_state(super().__getstate__(), _HISTORIES)
        return pack_network(state, _NOT_PERSISTED)

    def __setstate__(self, state):
        state = {k: v for k, v in state.items() if k not in _NOT_PERSISTED}
        classifier = isinstance(self, MLPClassifier)
        parent = super().__setstate__
        load_state(
            self, state, parent, check_mlp_state, unpack=True, classifier=classifier
        )
        if getattr(self, "masks_", None) is not None and hasattr(
            self, "hidden_layer_sizes_"
        ):  # derived attributes and compressed network from the checked weights
            self._finish(rebuild=True)

    def _partial_fit_masked(self, partial_fit, X, y, **kwargs):
        self._check_hidden_layer_sizes()
        self.__dict__.pop("compressed_", None)
        partial_fit(X, y, **kwargs)
        if getattr(self, "masks_", None) is None:
            self.masks_ = [np.ones(c.shape, dtype=bool) for c in self.coefs_]
        self._set_masks(self.masks_)
        if not hasattr(self, "pruning_history_"):
            self.pruning_history_ = []
        self._finish()
        return self


@Substitution(
    PRUNING_PARAMS=_PRUNING_PARAMS_DOC,
    TRAINING_ATTRIBUTES=substitute(_TRAINING_ATTRIBUTES_DOC, PARENT="MLPClassifier"),
    ATTRIBUTES=_ATTRIBUTES_DOC,
)
class PrunedMLPClassifier(_PruningMixin, MLPClassifier):
    """Multi-layer perceptron classifier that prunes itself during ``fit``.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
    the network is trained as usual, then ``prune_ratio`` of its connection
    weights (or hidden neurons) is removed over ``n_prune_steps`` steps, each
    followed by re-training with the pruned weights held at exactly zero
    (budgets sized from the dense training, see ``finetune_iter``). Like
    ``MLPClassifier`` it accepts a ``y`` holding a single class: ``predict``
    then always returns that class, and ``predict_proba`` has two columns,
    as sklearn's (the network is still trained, on the constant target,
    and pruned).

    Parameters
    ----------
    hidden_layer_sizes, activation, solver, alpha, batch_size, learning_rate, \
learning_rate_init, power_t, max_iter, shuffle, random_state, tol, verbose, \
warm_start, momentum, nesterovs_momentum, early_stopping, validation_fraction, \
beta_1, beta_2, epsilon, n_iter_no_change, max_fun
        As in :class:`sklearn.neural_network.MLPClassifier` (same defaults).
        ``max_iter`` bounds the dense training; ``verbose=1`` (or True)
        prints one line per pruning step (step k/N, phase, sparsity, loss,
        validation score, elapsed time), ``verbose>=2`` also sklearn's
        per-epoch lines; with ``warm_start=True`` a refit continues from
        the previous weights and masks. ``partial_fit`` trains one epoch with
        the masks fixed (it never prunes).
{PRUNING_PARAMS}
    Attributes
    ----------
    classes_, coefs_, intercepts_, n_features_in_, feature_names_in_, \
n_layers_, n_outputs_, out_activation_
        As in :class:`sklearn.neural_network.MLPClassifier`.
{TRAINING_ATTRIBUTES}{ATTRIBUTES}
    See Also
    --------
    PrunedMLPRegressor : The same for regression.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import train_test_split
    >>> from skprune import PrunedMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X / 16, y, random_state=0)
    >>> clf = PrunedMLPClassifier(prune_ratio=0.9, max_iter=300,
    ...                           random_state=0).fit(X_train, y_train)
    >>> round(clf.sparsity_, 2)
    0.9
    >>> clf.score(X_test, y_test) > 0.9
    True
    """

    _parameter_constraints = {
        **MLPClassifier._parameter_constraints,
        **_PRUNING_CONSTRAINTS,
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        prune_ratio=0.9,
        prune_criterion="auto",
        prune_granularity="weight",
        prune_scope="global",
        prune_schedule="cubic",
        n_prune_steps=10,
        finetune_iter="auto",
        sparsity_penalty=None,
        sparsity_alpha=1e-4,
        sparsity_threshold=None,
        max_score_drop=None,
        inference_format="auto",
        inference_dtype="auto",
        inference_batch_size="auto",
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
        )
        self.prune_ratio = prune_ratio
        self.prune_criterion = prune_criterion
        self.prune_granularity = prune_granularity
        self.prune_scope = prune_scope
        self.prune_schedule = prune_schedule
        self.n_prune_steps = n_prune_steps
        self.finetune_iter = finetune_iter
        self.sparsity_penalty = sparsity_penalty
        self.sparsity_alpha = sparsity_alpha
        self.sparsity_threshold = sparsity_threshold
        self.max_score_drop = max_score_drop
        self.inference_format = inference_format
        self.inference_dtype = inference_dtype
        self.inference_batch_size = inference_batch_size

    # -- what only a classifier knows ---------------------------------------------

    _sklearn_parent = MLPClassifier
    _y_numeric = False

    def _check_continued_targets(self, y, how, from_estimator):
        """From ``from_estimator``: labels of exactly the source's classes, of
        the kind it outputs (a warm start keeps sklearn's own check)."""
        if not from_estimator:  # sklearn's warm-start check of the classes
            return
        source = np.asarray(self.classes_).tolist()
        multilabel = compat.label_binarizer(self).y_type_ == "multilabel-indicator"
        if (type_of_target(y) == "multilabel-indicator") != multilabel:
            raise ValueError(
                "y is "
                + ("not " if multilabel else "")
                + "a multilabel indicator matrix but the source network was "
                + ("" if multilabel else "not ")
                + "trained on one: from_estimator needs targets of the kind "
                "the network outputs."
            )
        known = set(source)
        labels = unique_labels(y).tolist()
        unseen = [c for c in labels if c not in known]
        if unseen:
            raise ValueError(
                f"y holds labels the source network was never trained on: "
                f"{unseen} (its classes_ are {source}). from_estimator "
                "prunes that network and cannot add output units; fit a new "
                f"{type(self).__name__} to learn these labels."
            )
        missing = [c for c in source if c not in set(labels)]
        if missing:
            raise ValueError(
                f"y has no sample of the source network's classes {missing} "
                f"(its classes_ are {source}): from_estimator re-trains and "
                "scores the network on y, which needs samples of every class it "
                "outputs."
            )

    def _checked_targets(self, y):
        check_classification_targets(y)
        return y

    def _stratify(self, y):
        return y if y.ndim == 1 else None

    def _network_targets(self, y):
        return compat.label_binarizer(self).transform(y)

    @available_if(compat.check_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch of training with the pruning masks held fixed.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,)
            The target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        classes : array of shape (n_classes,), default=None
            All classes, required at the first call (as in sklearn).

        Returns
        -------
        self : object
            The updated estimator; pruned weights are still exactly zero.
        """
        return fit_or_rollback(
            self,
            self._partial_fit_masked,
            super().partial_fit,
            X,
            y,
            sample_weight=sample_weight,
            classes=classes,
        )

    def predict_proba(self, X):
        """Probability estimates of the compressed network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y_prob : ndarray of shape (n_samples, n_classes)
            The predicted probability of each class, in the order of
            ``classes_``; float32 when both X and the network
            (``inference_dtype``) are float32, as sklearn's. Memory beyond
            ``X`` and this array is bounded by one batch.
        """
        if "compressed_" not in self.__dict__:  # (check_is_fitted costs 7 us)
            check_is_fitted(self)
        net = self._network()
        if net is None:  # while training
            return super().predict_proba(X)
        if self.n_outputs_ != 1:  # the network's output is the result
            return self._serve(self._serving_input(X), net)
        return self._served_binary_proba(self._serving_input(X), net)

    def predict(self, X):
        """Predict using the compressed network, labels taken batch by batch.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes. Memory beyond ``X`` and the labels is
            bounded by one batch (the class probabilities of the whole of
            ``X`` are never held at once).
        """
        if "compressed_" not in self.__dict__:  # (check_is_fitted costs 7 us)
            check_is_fitted(self)
        net = self._network()
        if net is None:  # while training
            return super().predict(X)
        return self._served_labels(self._serving_input(X), net)


@Substitution(
    PRUNING_PARAMS=_PRUNING_PARAMS_DOC,
    TRAINING_ATTRIBUTES=substitute(_TRAINING_ATTRIBUTES_DOC, PARENT="MLPRegressor"),
    ATTRIBUTES=_ATTRIBUTES_DOC,
)
class PrunedMLPRegressor(_PruningMixin, MLPRegressor):
    """Multi-layer perceptron regressor that prunes itself during ``fit``.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`:
    the network is trained as usual, then ``prune_ratio`` of its connection
    weights (or hidden neurons) is removed over ``n_prune_steps`` steps, each
    followed by re-training with the pruned weights held at exactly zero
    (budgets sized from the dense training, see ``finetune_iter``).

    Parameters
    ----------
    loss, hidden_layer_sizes, activation, solver, alpha, batch_size, \
learning_rate, learning_rate_init, power_t, max_iter, shuffle, random_state, \
tol, verbose, warm_start, momentum, nesterovs_momentum, early_stopping, \
validation_fraction, beta_1, beta_2, epsilon, n_iter_no_change, max_fun
        As in :class:`sklearn.neural_network.MLPRegressor` (same defaults).
        ``max_iter`` bounds the dense training; ``verbose=1`` (or True)
        prints one line per pruning step (step k/N, phase, sparsity, loss,
        validation score, elapsed time), ``verbose>=2`` also sklearn's
        per-epoch lines; with ``warm_start=True`` a refit continues from
        the previous weights and masks. ``partial_fit`` trains one epoch with
        the masks fixed (it never prunes).
{PRUNING_PARAMS}
    Attributes
    ----------
    coefs_, intercepts_, n_features_in_, feature_names_in_, n_layers_, \
n_outputs_, out_activation_
        As in :class:`sklearn.neural_network.MLPRegressor`.
{TRAINING_ATTRIBUTES}{ATTRIBUTES}
    See Also
    --------
    PrunedMLPClassifier : The same for classification.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skprune import PrunedMLPRegressor
    >>> X, y = make_regression(n_samples=400, n_features=10, noise=1.0,
    ...                        random_state=0)
    >>> reg = PrunedMLPRegressor(hidden_layer_sizes=(50,), prune_ratio=0.5,
    ...                          solver="lbfgs", max_iter=500,
    ...                          random_state=0).fit(X, y / 100)
    >>> round(reg.sparsity_, 2)
    0.5
    >>> reg.score(X, y / 100) > 0.99
    True
    """

    _parameter_constraints = {
        **MLPRegressor._parameter_constraints,
        **_PRUNING_CONSTRAINTS,
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        prune_ratio=0.9,
        prune_criterion="auto",
        prune_granularity="weight",
        prune_scope="global",
        prune_schedule="cubic",
        n_prune_steps=10,
        finetune_iter="auto",
        sparsity_penalty=None,
        sparsity_alpha=1e-4,
        sparsity_threshold=None,
        max_score_drop=None,
        inference_format="auto",
        inference_dtype="auto",
        inference_batch_size="auto",
    ):
        super().__init__(
            loss=loss,
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
        )
        self.prune_ratio = prune_ratio
        self.prune_criterion = prune_criterion
        self.prune_granularity = prune_granularity
        self.prune_scope = prune_scope
        self.prune_schedule = prune_schedule
        self.n_prune_steps = n_prune_steps
        self.finetune_iter = finetune_iter
        self.sparsity_penalty = sparsity_penalty
        self.sparsity_alpha = sparsity_alpha
        self.sparsity_threshold = sparsity_threshold
        self.max_score_drop = max_score_drop
        self.inference_format = inference_format
        self.inference_dtype = inference_dtype
        self.inference_batch_size = inference_batch_size

    @available_if(compat.check_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch of training with the pruning masks held fixed.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator; pruned weights are still exactly zero.
        """
        return fit_or_rollback(
            self,
            self._partial_fit_masked,
            super().partial_fit,
            X,
            y,
            sample_weight=sample_weight,
        )
