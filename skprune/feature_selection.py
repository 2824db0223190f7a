"""Feature pruning and value sparsification inside Pipelines.

:class:`PruneSparsifyTransformer` keeps the input features that skprune's
pruning criteria score highest and turns small remaining values into exact
zeros, so the downstream estimator of a :class:`~sklearn.pipeline.Pipeline`
sees a smaller, sparser ``X``. Unlike
:class:`~sklearn.feature_selection.SelectFromModel` it takes MLPs (and
skprune's pruned MLPs) as the importance source. The score formulas are in
:mod:`skprune._pruning.criteria._features`.
"""

import copy
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn import get_config
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import check_array, get_tags
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    has_fit_parameter,
    validate_data,
)

from . import _docstring
from . import _sklearn_compat as compat
from ._docstring import Substitution
from ._files import check_selector_state, load_state
from ._pruning import (
    FEATURE_CRITERIA,
    constraint,
    describe,
    fit_or_rollback,
    weighted_mean_std,
)
from ._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    _get_output_config,
)

# sparse_output='auto' gives CSR when the transformed training data has at most
# this density (fraction of non-zero values). A CSR X times a dense weight
# matrix (what linear models and MLPs compute) against the dense product, 2000 x
# 392 times 392 x 100, one thread (benchmarks/bench_features.py, three runs):
# 3.5-7.2x faster at 10% density, 1.1-2.5x at 20%, 0.7-1.0x (slower) at 30%.
# 10% stays on the safe side; CSR then holds 15% of the dense bytes.
SPARSE_OUTPUT_MAX_DENSITY = 0.1


@Substitution(
    CRITERIA_NAMES="{" + ", ".join(repr(n) for n in FEATURE_CRITERIA) + "}",
    CRITERIA_DOC=describe(FEATURE_CRITERIA).lstrip(),
)
class PruneSparsifyTransformer(SelectorMixin, BaseEstimator):
    """Keep the best-scored input features, then zero the small values.

    Scores every input feature with one of skprune's pruning criteria, keeps
    the highest-scored ones, and sets the values whose magnitude is below
    ``sparsity_threshold`` to exact zeros; the output can be a SciPy CSR
    matrix. The importance source may be an MLP (sklearn's, or skprune's
    pruned ones), a linear model, or any estimator with
    ``feature_importances_``.

    Parameters
    ----------
    criterion : {CRITERIA_NAMES}, default='entropy'
        Feature score; the highest scores are kept (ties: the lower column
        index first). Formulas in :mod:`skprune._pruning.criteria._features`:

        {CRITERIA_DOC}

        ``scale_by_std=True`` multiplies the estimator-based scores by
        ``std(x_j)``.

    estimator : estimator object, default=None
        The importance source of 'importance' and 'gradient': an unfitted
        estimator (cloned and fitted on the data given to ``fit``), or a
        fitted one with ``prefit=True``. Ignored by 'entropy', so that
        ``criterion`` can be tuned with an estimator set.

    prefit : bool, default=False
        Whether ``estimator`` is already fitted. If True, it is deep-copied
        and not fitted again; an unfitted one raises
        :class:`~sklearn.exceptions.NotFittedError`. As with
        ``SelectFromModel``, a transformer with ``prefit=True`` cannot go
        through utilities that clone it (``GridSearchCV``,
        ``cross_val_score``): ``clone`` returns an unfitted estimator.

    scale_by_std : bool, default=False
        Multiply the 'importance' and the MLP 'gradient' scores by each
        feature's standard deviation over the training data (the linear
        'gradient' already has this factor). Weights and gradients measure
        how sensitive the model is to a feature, not how much the feature
        varies: on MNIST the unscaled MLP scores favour rarely lit pixels and
        keep worse pixels than a random choice at 5-10% of the pixels, the
        scaled ones better (``benchmarks/bench_features.py``).

    prune_ratio : float in [0, 1) or None, default=None
        Fraction of the input features dropped: ``floor(prune_ratio *
        n_features)`` of them. None means 0.5 when ``max_features`` is None
        and no limit otherwise.

    max_features : int >= 1 or None, default=None
        Maximal number of features kept (at most ``n_features``). With
        ``prune_ratio`` also set, the stricter of the two applies.

    sparsity_threshold : float >= 0 or None, default=None
        After selection, values with ``|x| < sparsity_threshold`` become exact
        zeros (not undone by :meth:`inverse_transform`). None keeps every
        value.

    sparse_output : 'auto' or bool, default='auto'
        True gives a CSR matrix, False a dense array. 'auto' gives CSR when
        the transformed training data has a density (fraction of non-zero
        values) of at most ``SPARSE_OUTPUT_MAX_DENSITY = 0.1``, decided once in
        ``fit`` (like ``ColumnTransformer``'s ``sparse_threshold``); with
        ``set_output(transform="pandas")`` 'auto' is always dense. Sparse
        inputs stay in their container type (``csr_matrix`` or ``csr_array``).

    Attributes
    ----------
    estimator_ : estimator object
        The fitted importance source (a clone of ``estimator``, or a deep copy
        if ``prefit=True``). Only set when the criterion uses it.

    scores_ : ndarray of shape (`n_features_in_`,)
        The score of every input feature.

    support_ : ndarray of bool of shape (`n_features_in_`,)
        The kept features (as returned by :meth:`get_support`).

    density_ : float
        Fraction of non-zero values in the transformed training data.

    sparse_output_ : bool
        Whether :meth:`transform` returns a sparse matrix.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during ``fit``, if ``X`` had string column
        names.

    See Also
    --------
    sklearn.feature_selection.SelectFromModel : Selection by a threshold on
        ``coef_`` or ``feature_importances_`` (no MLPs).
    skprune.PrunedMLPClassifier : An MLP that prunes itself; a good
        importance source.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import RidgeClassifier
    >>> from skprune import PruneSparsifyTransformer
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16
    >>> entropy = PruneSparsifyTransformer(prune_ratio=0.75).fit(X)
    >>> entropy.transform(X).shape
    (1797, 16)
    >>> selector = PruneSparsifyTransformer(
    ...     criterion="importance", estimator=RidgeClassifier(),
    ...     max_features=20, sparsity_threshold=0.3, sparse_output=True)
    >>> Xt = selector.fit_transform(X, y)
    >>> Xt.shape, Xt.format
    ((1797, 20), 'csr')
    >>> selector.get_feature_names_out()[:4].tolist()
    ['x3', 'x5', 'x6', 'x9']
    """

    _doc_link_module = _docstring.MODULE
    _doc_link_template = _docstring.TEMPLATE

    _parameter_constraints = {
        "criterion": constraint(FEATURE_CRITERIA),
        "estimator": [None, HasMethods("fit")],
        "prefit": ["boolean"],
        "scale_by_std": ["boolean"],
        "prune_ratio": [None, Interval(Real, 0, 1, closed="left")],
        "max_features": [None, Interval(Integral, 1, None, closed="left")],
        "sparsity_threshold": [None, Interval(Real, 0, None, closed="left")],
        "sparse_output": ["boolean", StrOptions({"auto"})],
    }

    def __init__(
        self,
        criterion="entropy",
        estimator=None,
        *,
        prefit=False,
        scale_by_std=False,
        prune_ratio=None,
        max_features=None,
        sparsity_threshold=None,
        sparse_output="auto",
    ):
        self.criterion = criterion
        self.estimator = estimator
        self.prefit = prefit
        self.scale_by_std = scale_by_std
        self.prune_ratio = prune_ratio
        self.max_features = max_features
        self.sparsity_threshold = sparsity_threshold
        self.sparse_output = sparse_output

    # -- fit -----------------------------------------------------------------

    @_fit_context(
        # estimator is not validated here
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y=None, sample_weight=None):
        """Score the features and choose the ones to keep.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs), \
default=None
            Targets: fit the estimator ('importance' and 'gradient' unless
            ``prefit=True``) and give the MLP loss of 'gradient'. Not used by
            'entropy'.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights: passed to the estimator's ``fit`` and used by the
            data-based scores ('entropy' bins, the MLP gradient average, the
            linear model's standard deviations).

        Returns
        -------
        self : object
            The fitted transformer.
        """
        # a failed fit leaves the previous fitted state (or none) behind
        return fit_or_rollback(self, self._fit, X, y, sample_weight, replaces_only=True)

    def _fit(self, X, y, sample_weight):
        uses_estimator = self._uses_estimator()
        if uses_estimator:
            self._check_estimator(y, sample_weight)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype="numeric", reset=True
        )
        n_features = X.shape[1]
        if self.max_features is not None and self.max_features > n_features:
            raise ValueError(
                f"max_features={self.max_features} must be <= the number of "
                f"features of X ({n_features})."
            )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)

        if uses_estimator:
            estimator = self._fitted_estimator(X, y, sample_weight)
            scores = self._estimator_scores(estimator, X, y, sample_weight)
        else:
            estimator = None
            scores, _ = FEATURE_CRITERIA["entropy"].function(
                X, sample_weight, None, None
            )

        ratio = self.prune_ratio
        if ratio is None:
            ratio = 0.5 if self.max_features is None else 0.0
        n_keep = n_features - int(np.floor(ratio * n_features + 1e-9))
        if self.max_features is not None:
            n_keep = min(n_keep, self.max_features)
        support = np.zeros(n_features, dtype=bool)
        support[np.argsort(-scores, kind="stable")[:n_keep]] = True

        Xt = self._select(X, support, sparse.issparse(X))
        nnz = Xt.nnz if sparse.issparse(Xt) else np.count_nonzero(Xt)
        density = float(nnz / Xt.size) if Xt.size else 1.0
        if self.sparse_output == "auto":
            sparse_output = density <= SPARSE_OUTPUT_MAX_DENSITY
        else:
            sparse_output = bool(self.sparse_output)

        if estimator is None:
            self.__dict__.pop("estimator_", None)
        else:
            self.estimator_ = estimator
        self.scores_ = scores
        self.support_ = support
        self.density_ = density
        self.sparse_output_ = sparse_output
        return self

    def _uses_estimator(self):
        """Whether the criterion scores through ``estimator`` (its registry entry)."""
        criterion = FEATURE_CRITERIA.get(self.criterion)
        return criterion is None or "estimator" in criterion.needs

    def _check_estimator(self, y, sample_weight):
        """Errors that need no data: raised before anything is computed."""
        name = f"criterion={self.criterion!r}"
        if self.estimator is None:
            raise ValueError(
                f"{name} needs an estimator (an MLP, a linear model or an "
                "estimator with feature_importances_); only criterion='entropy' "
                "works without one."
            )
        if self.prefit:
            try:
                check_is_fitted(self.estimator)
            except NotFittedError as exc:
                raise NotFittedError(
                    "prefit=True needs a fitted estimator, but this "
                    f"{type(self.estimator).__name__} is not fitted yet: fit "
                    "it first, or set prefit=False to let fit() fit a clone."
                ) from exc
        elif y is None:
            raise ValueError(
                f"{type(self).__name__} with {name} fits its estimator: it "
                "requires y to be passed, but the target y is None."
            )
        if (
            sample_weight is not None
            and not self.prefit
            and not has_fit_parameter(self.estimator, "sample_weight")
        ):
            raise ValueError(
                f"sample_weight was given, but {type(self.estimator).__name__}"
                ".fit does not accept sample_weight."
            )

    def _fitted_estimator(self, X, y, sample_weight):
        if self.prefit:
            estimator = copy.deepcopy(self.estimator)
            n_in = getattr(estimator, "n_features_in_", X.shape[1])
            if n_in != X.shape[1]:
                raise ValueError(
                    f"X has {X.shape[1]} features, but the prefit estimator "
                    f"{type(estimator).__name__} was fitted on {n_in}."
                )
            return estimator
        estimator = clone(self.estimator)
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        return estimator.fit(X, y, **kwargs)

    def _estimator_scores(self, estimator, X, y, sample_weight):
        criterion = FEATURE_CRITERIA[self.criterion]
        scores, scaled = criterion.function(
            X,
            sample_weight,
            estimator,
            lambda: self._mlp_targets(estimator, y, X.shape[0]),
        )
        scores = self._checked(scores, estimator, X)
        if self.scale_by_std and not scaled:  # never the factor twice
            scores = scores * weighted_mean_std(X, sample_weight)[1]
        return scores

    @staticmethod
    def _checked(scores, estimator, X):
        name = type(estimator).__name__
        scores = np.asarray(scores, dtype=float).ravel()
        if scores.shape[0] != X.shape[1]:
            raise ValueError(
                f"The fitted {name} gives {scores.shape[0]} feature scores, but X "
                f"has {X.shape[1]} features."
            )
        if not np.all(np.isfinite(scores)):
            raise ValueError(
                f"The fitted {name} gives non-finite feature scores (did its "
                "fit diverge?)."
            )
        return scores

    @staticmethod
    def _mlp_targets(estimator, y, n_samples):
        """y encoded as the MLP's outputs (one-hot / binarized, or 2-D)."""
        if y is None:
            raise ValueError(
                "criterion='gradient' with an MLP needs the loss: it requires y "
                "to be passed, but the target y is None."
            )
        n_outputs = estimator.coefs_[-1].shape[1]
        if is_classifier(estimator):
            y = np.asarray(y)
            if y.ndim == 2 and y.shape[1] == 1:
                y = column_or_1d(y)
            if y.ndim == 1 and not np.isin(y, estimator.classes_).all():
                unseen = np.setdiff1d(y, estimator.classes_)
                raise ValueError(
                    f"y holds labels the prefit estimator was not fitted on: "
                    f"{unseen[:5].tolist()}."
                )
            Y = compat.label_binarizer(estimator).transform(y)
        else:
            Y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        Y = np.asarray(Y, dtype=np.float64)
        Y = Y.reshape(-1, 1) if Y.ndim == 1 else Y
        check_consistent_length(Y, np.empty(n_samples))
        if Y.shape[1] != n_outputs:
            raise ValueError(
                f"y has {Y.shape[1]} output(s) but the estimator has {n_outputs}."
            )
        return Y

    # -- transform -------------------------------------------------------------

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    def transform(self, X):
        """Keep the selected features and zero the small values.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to transform. Not modified.

        Returns
        -------
        X_new : {ndarray, sparse matrix} of shape (n_samples, n_selected)
            Dense, or CSR if ``sparse_output_``; the dtype of ``X``.
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype="numeric", reset=False
        )
        sparse_output = self.sparse_output_
        if sparse_output and _get_output_config("transform", self)["dense"] != (
            "default"
        ):
            if self.sparse_output is True:
                raise ValueError(
                    "set_output(transform=...) asks for a dataframe, which "
                    "cannot hold a sparse matrix: set sparse_output=False or "
                    "'auto' (dense with dataframe output)."
                )
            sparse_output = False
        return self._select(X, self.support_, sparse_output)

    def _select(self, X, support, sparse_output):
        """X's kept columns with small values zeroed; X is never modified."""
        threshold = self.sparsity_threshold
        if sparse.issparse(X):
            Xt = X[:, np.flatnonzero(support)].tocsr()
            if threshold:
                Xt = _drop_small(Xt, threshold)
            return Xt if sparse_output else Xt.toarray()
        Xt = X[:, support]  # a copy
        if threshold:
            Xt[np.abs(Xt) < threshold] = 0
        if not sparse_output:
            return Xt
        if get_config().get("sparse_interface") == "sparray":
            return sparse.csr_array(Xt)
        return sparse.csr_matrix(Xt)

    def __setstate__(self, state):
        load_state(self, state, super().__setstate__, check_selector_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        uses_estimator = self._uses_estimator() and self.estimator is not None
        tags.input_tags.sparse = (
            get_tags(self.estimator).input_tags.sparse if uses_estimator else True
        )
        tags.target_tags.required = self._uses_estimator() and not self.prefit
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _drop_small(Xt, threshold):
    """A new CSR matrix without the stored values of magnitude < threshold."""
    keep = np.abs(Xt.data) >= threshold
    if keep.all():
        return Xt
    n_rows = Xt.shape[0]
    rows = np.repeat(np.arange(n_rows), np.diff(Xt.indptr))
    indptr = np.zeros(n_rows + 1, dtype=Xt.indptr.dtype)
    np.cumsum(np.bincount(rows[keep], minlength=n_rows), out=indptr[1:])
    return type(Xt)((Xt.data[keep], Xt.indices[keep], indptr), shape=Xt.shape)
