"""PruneSparsifyTransformer: scores, selection, sparse output, Pipelines."""

import copy
import pickle
import re

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import (
    Lars,
    LinearRegression,
    LogisticRegression,
    Ridge,
    SGDRegressor,
)
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neighbors import KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeRegressor

from skprune import PrunedMLPClassifier, PruneSparsifyTransformer
from skprune._pruning.criteria import mlp_input_gradient
from skprune._sklearn_compat import InvalidParameterError
from skprune.feature_selection import SPARSE_OUTPUT_MAX_DENSITY


@pytest.fixture(scope="module")
def digits(digits):
    """This module's part of the shared digits fixture (tests/conftest.py)."""
    X, y = digits
    return train_test_split(X, y, train_size=600, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def exact_linear():
    # y0 = 2 x0 - 3 x2, y1 = x1 + x2, fitted exactly by least squares
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3)
    Y = np.column_stack([2 * X[:, 0] - 3 * X[:, 2], X[:, 1] + X[:, 2]])
    return X, Y


def _toy():
    # column 0 takes two values (entropy log 2), column 1 is constant (0),
    # column 2 four evenly spaced values, one per bin of the 32 (log 4)
    return np.array(
        [[0.0, 5.0, 0.0], [0.0, 5.0, 1.0], [1.0, 5.0, 2.0], [1.0, 5.0, 3.0]]
    )


# -- scores, checked by hand ---------------------------------------------------


def test_entropy_scores_by_hand():
    X = _toy()
    sel = PruneSparsifyTransformer(prune_ratio=0.4).fit(X)
    np.testing.assert_allclose(sel.scores_, [np.log(2), 0.0, np.log(4)])
    # floor(0.4 * 3) = 1 feature dropped: the constant one
    np.testing.assert_array_equal(sel.get_support(), [True, False, True])
    np.testing.assert_array_equal(sel.transform(X), X[:, [0, 2]])
    assert not hasattr(sel, "estimator_")


def test_importance_of_an_mlp_by_hand():
    X, y = make_regression(n_samples=30, n_features=3, random_state=0)
    mlp = MLPRegressor(hidden_layer_sizes=(2,), max_iter=5).fit(X, y)
    mlp.coefs_[0][:] = [[1.0, -2.0], [0.0, 0.0], [0.5, 0.5]]
    sel = PruneSparsifyTransformer("importance", mlp, prefit=True, max_features=2).fit(
        X
    )
    np.testing.assert_array_equal(sel.scores_, [3.0, 0.0, 1.0])
    np.testing.assert_array_equal(sel.get_support(indices=True), [0, 2])
    assert sel.estimator_ is not mlp  # a deep copy
    np.testing.assert_array_equal(sel.estimator_.coefs_[0], mlp.coefs_[0])


def test_importance_of_linear_models_by_hand(exact_linear):
    X, Y = exact_linear
    single = PruneSparsifyTransformer(
        "importance", LinearRegression(), max_features=2
    ).fit(X, Y[:, 0])
    np.testing.assert_allclose(single.scores_, [2.0, 0.0, 3.0], atol=1e-10)
    np.testing.assert_array_equal(single.get_support(), [True, False, True])
    # multi-output: |coef_| summed over the outputs
    multi = PruneSparsifyTransformer(
        "importance", LinearRegression(), max_features=2
    ).fit(X, Y)
    np.testing.assert_allclose(multi.scores_, [2.0, 1.0, 4.0], atol=1e-10)
    np.testing.assert_array_equal(multi.get_support(), [True, False, True])


def test_feature_importances_are_used_otherwise():
    rng = np.random.RandomState(0)
    X = rng.rand(50, 3)
    y = (X[:, 1] > 0.5).astype(float)
    sel = PruneSparsifyTransformer(
        "importance", DecisionTreeRegressor(random_state=0), max_features=1
    ).fit(X, y)
    np.testing.assert_array_equal(sel.scores_, [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(sel.get_support(), [False, True, False])


def test_linear_gradient_by_hand(exact_linear):
    X, Y = exact_linear
    sel = PruneSparsifyTransformer("gradient", LinearRegression()).fit(X, Y[:, 0])
    np.testing.assert_allclose(sel.scores_, [2.0, 0.0, 3.0] * X.std(axis=0), atol=1e-10)


def test_mlp_gradient_by_hand():
    # identity network a = 3 (2 x0 - x1), half squared error against y = 0:
    # mean |dL/dx| over the samples (1, 0) and (0, 1) is (27, 13.5)
    X, y = np.eye(2), np.zeros(2)
    mlp = MLPRegressor(hidden_layer_sizes=(1,), activation="identity", max_iter=2).fit(
        X, y
    )
    mlp.coefs_ = [np.array([[2.0], [-1.0]]), np.array([[3.0]])]
    mlp.intercepts_ = [np.zeros(1), np.zeros(1)]
    sel = PruneSparsifyTransformer("gradient", mlp, prefit=True).fit(X, y)
    np.testing.assert_allclose(sel.scores_, [27.0, 13.5])
    np.testing.assert_array_equal(sel.get_support(), [True, False])


@pytest.mark.parametrize("n_classes", [2, 3])
def test_mlp_classifier_gradient_uses_the_encoded_labels(digits, n_classes):
    X_train, _, y_train, _ = digits
    keep = y_train < n_classes
    X, y = X_train[keep], y_train[keep]
    mlp = MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, random_state=0).fit(X, y)
    sel = PruneSparsifyTransformer("gradient", mlp, prefit=True).fit(X, y)
    Y = np.eye(n_classes)[y] if n_classes > 2 else y[:, None].astype(float)
    expected = mlp_input_gradient(
        X, Y, mlp.coefs_, mlp.intercepts_, "relu", mlp.out_activation_
    )
    np.testing.assert_allclose(sel.scores_, expected)
    assert sel.scores_[sel.get_support()].min() >= sel.scores_[~sel.get_support()].max()


def test_pruned_mlp_importance_uses_the_masked_weights(digits):
    X_train, _, y_train, _ = digits
    mlp = PrunedMLPClassifier(
        hidden_layer_sizes=(16,),
        max_iter=40,
        prune_ratio=0.95,
        n_prune_steps=2,
        finetune_iter=2,
        random_state=0,
    ).fit(X_train, y_train)
    dead = ~mlp.masks_[0].any(axis=1)  # inputs with every outgoing weight pruned
    assert 16 < dead.sum() < 64
    sel = PruneSparsifyTransformer(
        "importance", mlp, prefit=True, max_features=int((~dead).sum())
    ).fit(X_train)
    np.testing.assert_allclose(sel.scores_, np.abs(mlp.coefs_[0]).sum(axis=1))
    np.testing.assert_array_equal(sel.scores_[dead], 0.0)
    # exactly the inputs the pruned network still reads are kept
    np.testing.assert_array_equal(sel.get_support(), ~dead)


@pytest.mark.parametrize(
    "estimator",
    [SGDRegressor(random_state=0), Ridge(), LogisticRegression(max_iter=200)],
)
def test_any_linear_model_with_coef(digits, estimator):
    X_train, _, y_train, _ = digits
    sel = PruneSparsifyTransformer("importance", estimator, max_features=10)
    Xt = sel.fit_transform(X_train, y_train)
    coef = np.atleast_2d(sel.estimator_.coef_)
    np.testing.assert_allclose(sel.scores_, np.abs(coef).sum(axis=0))
    assert Xt.shape == (X_train.shape[0], 10)
    assert not hasattr(estimator, "coef_")  # the given estimator is not fitted
    grad = PruneSparsifyTransformer("gradient", estimator).fit(X_train, y_train)
    np.testing.assert_allclose(
        grad.scores_,
        np.abs(np.atleast_2d(grad.estimator_.coef_)).sum(axis=0) * X_train.std(axis=0),
    )


def test_prefit_sparsified_linear_model(digits):
    X_train, _, y_train, _ = digits
    sgd = SGDRegressor(penalty="l1", alpha=0.01, random_state=0).fit(X_train, y_train)
    dense_scores = np.abs(sgd.coef_)
    sgd.sparsify()  # coef_ becomes a (1, n_features) CSR matrix
    sel = PruneSparsifyTransformer("importance", sgd, prefit=True).fit(X_train)
    np.testing.assert_allclose(sel.scores_, dense_scores)


def test_scale_by_std(exact_linear):
    X, Y = exact_linear
    X = X * [1.0, 3.0, 0.5]
    std = X.std(axis=0)
    mlp = MLPRegressor(hidden_layer_sizes=(2,), max_iter=5).fit(X, Y[:, 0])
    mlp.coefs_[0][:] = [[1.0, -2.0], [0.0, 1.0], [0.5, 0.5]]
    scaled = PruneSparsifyTransformer(
        "importance", mlp, prefit=True, scale_by_std=True
    ).fit(X)
    np.testing.assert_allclose(scaled.scores_, [3.0, 1.0, 1.0] * std)
    grad = PruneSparsifyTransformer("gradient", mlp, prefit=True).fit(X, Y[:, 0])
    grad_scaled = PruneSparsifyTransformer(
        "gradient", mlp, prefit=True, scale_by_std=True
    ).fit(X, Y[:, 0])
    np.testing.assert_allclose(grad_scaled.scores_, grad.scores_ * std)
    # linear: scaled importance is the gradient, which has the factor already
    lin = LinearRegression().fit(X, Y[:, 0])
    imp = PruneSparsifyTransformer(
        "importance", lin, prefit=True, scale_by_std=True
    ).fit(X)
    for flag in (False, True):
        g = PruneSparsifyTransformer(
            "gradient", lin, prefit=True, scale_by_std=flag
        ).fit(X)
        np.testing.assert_allclose(g.scores_, imp.scores_)
        np.testing.assert_allclose(g.scores_, np.abs(lin.coef_) * std)


# -- how many features are kept ------------------------------------------------


@pytest.mark.parametrize(
    "prune_ratio, max_features, n_kept",
    [
        (None, None, 32),  # default: half
        (0.25, None, 48),  # 64 - floor(16)
        (0.999, None, 1),
        (0.0, None, 64),
        (None, 10, 10),  # max_features alone: no ratio limit
        (None, 64, 64),
        (0.5, 10, 10),  # both: the stricter
        (0.9, 10, 7),  # 64 - floor(57.6) = 7
    ],
)
def test_number_of_kept_features(digits, prune_ratio, max_features, n_kept):
    X_train = digits[0]
    sel = PruneSparsifyTransformer(
        prune_ratio=prune_ratio, max_features=max_features
    ).fit(X_train)
    assert sel.get_support().sum() == n_kept
    assert sel.transform(X_train).shape == (X_train.shape[0], n_kept)
    # the kept features are exactly the best scored ones
    kept = sel.scores_[sel.get_support()]
    dropped = sel.scores_[~sel.get_support()]
    assert dropped.size == 0 or kept.min() >= dropped.max()


def test_ties_keep_the_lower_index():
    X = np.tile(np.arange(4.0)[:, None], (1, 4))  # four identical columns
    sel = PruneSparsifyTransformer(max_features=2).fit(X)
    np.testing.assert_array_equal(sel.get_support(indices=True), [0, 1])


# -- sparsity and sparse input/output ------------------------------------------


def test_sparsity_threshold_zeroes_small_values_only():
    X = np.array([[0.05, -0.2, 3.0], [-0.5, 0.09, 0.1], [1.0, 2.0, -0.099]])
    original = X.copy()
    sel = PruneSparsifyTransformer(
        prune_ratio=0.0, sparsity_threshold=0.1, sparse_output=False
    ).fit(X)
    expected = np.where(np.abs(X) < 0.1, 0.0, X)
    np.testing.assert_array_equal(sel.transform(X), expected)
    np.testing.assert_array_equal(X, original)  # the input is not modified
    assert sel.density_ == np.count_nonzero(expected) / X.size


@pytest.mark.parametrize(
    "container", [sparse.csr_matrix, sparse.csc_matrix, sparse.csr_array]
)
def test_sparse_input_and_output(digits, container):
    X_train, X_test, _, _ = digits
    dense = PruneSparsifyTransformer(sparsity_threshold=0.3, sparse_output=False)
    dense.fit(X_train)
    Xs = container(X_test)
    before = Xs.copy()
    for output in (True, "auto"):
        sel = clone(dense).set_params(sparse_output=output).fit(container(X_train))
        np.testing.assert_array_equal(sel.scores_, dense.scores_)
        out = sel.transform(Xs)
        if output is True:
            assert sparse.issparse(out) and out.format == "csr"
            # the input's container kind is kept: csr_array stays an array
            assert isinstance(out, sparse.sparray) == isinstance(Xs, sparse.sparray)
            assert np.all(out.data != 0)  # no stored zeros
            np.testing.assert_array_equal(out.toarray(), dense.transform(X_test))
    np.testing.assert_array_equal(Xs.toarray(), before.toarray())
    # sparse input, dense output
    sel = clone(dense).fit(container(X_train))
    out = sel.transform(Xs)
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, dense.transform(X_test))


def test_dense_input_sparse_output(digits):
    X_train = digits[0]
    sel = PruneSparsifyTransformer(sparsity_threshold=0.5, sparse_output=True)
    out = sel.fit_transform(X_train)
    assert sparse.isspmatrix_csr(out) and out.dtype == X_train.dtype
    ref = clone(sel).set_params(sparse_output=False).fit_transform(X_train)
    np.testing.assert_array_equal(out.toarray(), ref)
    assert sel.density_ == pytest.approx(out.nnz / np.prod(out.shape))


def test_auto_sparse_output_follows_the_training_density():
    rng = np.random.RandomState(0)
    X = rng.uniform(0.5, 1.0, size=(200, 10))
    low = X.copy()
    low[rng.rand(*X.shape) > 0.05] = 0  # about 5% non-zero
    assert SPARSE_OUTPUT_MAX_DENSITY == 0.1
    sparse_sel = PruneSparsifyTransformer(prune_ratio=0.0).fit(low)
    assert sparse_sel.sparse_output_ and sparse_sel.density_ <= 0.1
    assert sparse.issparse(sparse_sel.transform(X))  # fixed at fit
    dense_sel = PruneSparsifyTransformer(prune_ratio=0.0).fit(X)
    assert not dense_sel.sparse_output_ and dense_sel.density_ == 1.0
    # a threshold can bring the density under the bound
    thresholded = PruneSparsifyTransformer(
        prune_ratio=0.0, sparsity_threshold=0.96
    ).fit(X)
    assert thresholded.density_ < 0.1 and thresholded.sparse_output_


def test_float32_and_integer_dtypes_are_kept(digits):
    X_train = digits[0]
    for dtype in (np.float32, np.int64):
        X = (X_train * 16).astype(dtype)
        out = PruneSparsifyTransformer(sparsity_threshold=2).fit_transform(X)
        assert out.dtype == dtype


# -- pandas output, names, inverse ---------------------------------------------


def test_pandas_output_and_feature_names(digits):
    pd = pytest.importorskip("pandas")
    X_train = digits[0]
    columns = [f"pixel_{i}" for i in range(64)]
    df = pd.DataFrame(X_train, columns=columns, index=np.arange(600) + 1000)
    sel = PruneSparsifyTransformer(max_features=5, sparsity_threshold=0.5)
    sel.set_output(transform="pandas").fit(df)
    out = sel.transform(df)
    assert isinstance(out, pd.DataFrame)
    names = np.array(columns)[sel.get_support()]
    assert list(out.columns) == list(names) == list(sel.get_feature_names_out())
    np.testing.assert_array_equal(out.index, df.index)
    np.testing.assert_array_equal(sel.feature_names_in_, columns)
    # 'auto' is dense under dataframe output even when the density is low
    low = PruneSparsifyTransformer(max_features=5, sparsity_threshold=2.0)
    low.set_output(transform="pandas")
    assert isinstance(low.fit_transform(df), pd.DataFrame)
    assert low.sparse_output_
    forced = (
        PruneSparsifyTransformer(sparse_output=True)
        .set_output(transform="pandas")
        .fit(df)
    )
    with pytest.raises(ValueError, match="sparse_output=False"):
        forced.transform(df)


def test_inverse_transform(digits):
    X_train, X_test, _, _ = digits
    sel = PruneSparsifyTransformer(prune_ratio=0.5).fit(X_train)
    back = sel.inverse_transform(sel.transform(X_test))
    support = sel.get_support()
    np.testing.assert_array_equal(back[:, support], X_test[:, support])
    np.testing.assert_array_equal(back[:, ~support], 0.0)
    sparse_sel = clone(sel).set_params(sparse_output=True).fit(X_train)
    back_sparse = sparse_sel.inverse_transform(sparse_sel.transform(X_test))
    assert sparse.issparse(back_sparse)
    np.testing.assert_array_equal(back_sparse.toarray(), back)
    with pytest.raises(ValueError, match="different shape"):
        sel.inverse_transform(X_test)


def test_pickle_round_trip(digits):
    X_train, X_test, y_train, _ = digits
    sel = PruneSparsifyTransformer(
        "gradient", MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    ).fit(X_train, y_train)
    loaded = pickle.loads(pickle.dumps(sel))
    np.testing.assert_array_equal(loaded.transform(X_test), sel.transform(X_test))


# -- Pipelines and GridSearchCV ------------------------------------------------


def test_pipeline_tuned_over_both_prune_ratios(digits):
    X_train, X_test, y_train, y_test = digits
    mlp = dict(
        hidden_layer_sizes=(16,),
        solver="lbfgs",
        max_iter=60,
        n_prune_steps=1,
        finetune_iter=5,
        random_state=0,
    )
    pipe = Pipeline(
        [
            (
                "prune",
                PruneSparsifyTransformer(
                    "importance", PrunedMLPClassifier(prune_ratio=0.5, **mlp)
                ),
            ),
            ("clf", PrunedMLPClassifier(**mlp)),
        ]
    )
    grid = {"prune__prune_ratio": [0.25, 0.75], "clf__prune_ratio": [0.5, 0.8]}
    search = GridSearchCV(pipe, grid, cv=2).fit(X_train, y_train)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_
    ratio = search.best_params_["prune__prune_ratio"]
    n_kept = 64 - int(np.floor(ratio * 64))
    assert best["prune"].get_support().sum() == n_kept
    assert best["clf"].n_features_in_ == n_kept
    assert best["clf"].sparsity_ >= search.best_params_["clf__prune_ratio"] - 0.01
    assert best.score(X_test, y_test) > 0.8  # 10 classes: chance is 0.1


def test_criterion_can_be_tuned_with_an_estimator_set(digits):
    X_train, _, y_train, _ = digits
    pipe = Pipeline(
        [
            ("prune", PruneSparsifyTransformer(estimator=Ridge(), max_features=16)),
            ("reg", Ridge()),
        ]
    )
    search = GridSearchCV(
        pipe, {"prune__criterion": ["entropy", "importance", "gradient"]}, cv=2
    ).fit(X_train, y_train)
    assert len(search.cv_results_["params"]) == 3
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    entropy = clone(pipe).set_params(prune__criterion="entropy").fit(X_train, y_train)
    assert not hasattr(entropy["prune"], "estimator_")  # entropy ignores it


def test_sample_weight_is_passed_to_the_estimator_and_the_scores(digits):
    X_train, _, y_train, _ = digits
    sw = np.r_[np.ones(300), np.full(300, 2.0)]
    sel = PruneSparsifyTransformer("gradient", Ridge()).fit(
        X_train, y_train, sample_weight=sw
    )
    ridge = Ridge().fit(X_train, y_train, sample_weight=sw)
    np.testing.assert_allclose(sel.estimator_.coef_, ridge.coef_)
    mean = np.average(X_train, axis=0, weights=sw)
    std = np.sqrt(np.average((X_train - mean) ** 2, axis=0, weights=sw))
    np.testing.assert_allclose(sel.scores_, np.abs(ridge.coef_) * std)


# -- bad input ------------------------------------------------------------------


def test_prefit_with_an_unfitted_estimator():
    X, y = _toy(), np.arange(4.0)
    sel = PruneSparsifyTransformer("importance", Ridge(), prefit=True)
    with pytest.raises(NotFittedError, match="prefit=True needs a fitted estimator"):
        sel.fit(X, y)
    assert not hasattr(sel, "support_")


@pytest.mark.parametrize(
    "params, fit_args, error, match",
    [
        (dict(criterion="importance"), "Xy", ValueError, "needs an estimator"),
        (
            dict(criterion="gradient", estimator=Ridge()),
            "X",
            ValueError,
            "requires y to be passed",
        ),
        (
            dict(criterion="importance", estimator=KNeighborsRegressor(n_neighbors=2)),
            "Xy",
            ValueError,
            "coef_",
        ),
        (
            dict(criterion="gradient", estimator=DecisionTreeRegressor()),
            "Xy",
            ValueError,
            "needs an MLP",
        ),
        (dict(max_features=4), "X", ValueError, "max_features=4 must be <= "),
        (dict(max_features=0), "X", InvalidParameterError, "max_features"),
        (dict(prune_ratio=1.0), "X", InvalidParameterError, "prune_ratio"),
        (dict(criterion="magnitude"), "X", InvalidParameterError, "criterion"),
        (dict(sparse_output="yes"), "X", InvalidParameterError, "sparse_output"),
        (dict(sparsity_threshold=-1), "X", InvalidParameterError, "sparsity_threshold"),
        (
            dict(estimator="ridge", criterion="importance"),
            "Xy",
            InvalidParameterError,
            "estimator",
        ),
        (
            dict(criterion="importance", estimator=Lars()),
            "Xyw",
            ValueError,
            "does not accept sample_weight",
        ),
    ],
)
def test_bad_parameters(params, fit_args, error, match):
    X, y = _toy(), np.arange(4.0)
    args = {"X": (X,), "Xy": (X, y), "Xyw": (X, y, np.ones(4))}[fit_args]
    with pytest.raises(error, match=match):
        PruneSparsifyTransformer(**params).fit(*args)


def test_prefit_estimator_on_other_data():
    X, y = _toy(), np.arange(4.0)
    ridge = Ridge().fit(X[:, :2], y)
    with pytest.raises(ValueError, match="fitted on 2"):
        PruneSparsifyTransformer("importance", ridge, prefit=True).fit(X)
    mlp = MLPRegressor(hidden_layer_sizes=(2,), max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match="requires y"):
        PruneSparsifyTransformer("gradient", mlp, prefit=True).fit(X)
    with pytest.raises(ValueError, match="y has 2 output"):
        PruneSparsifyTransformer("gradient", mlp, prefit=True).fit(X, np.c_[y, y])
    clf = MLPClassifier(hidden_layer_sizes=(2,), max_iter=5).fit(X, [0, 1, 0, 1])
    with pytest.raises(ValueError, match=re.escape("not fitted on: [7]")):
        PruneSparsifyTransformer("gradient", clf, prefit=True).fit(X, [0, 1, 7, 1])


def test_bad_data():
    sel = PruneSparsifyTransformer()
    with pytest.raises(ValueError, match="NaN"):
        sel.fit(np.array([[0.0, np.nan], [1.0, 2.0]]))
    with pytest.raises(NotFittedError):
        sel.transform(_toy())
    sel.fit(_toy())
    with pytest.raises(ValueError, match="3 features"):
        sel.transform(np.ones((2, 4)))
    with pytest.raises(ValueError, match="numeric"):
        PruneSparsifyTransformer().fit(np.array([["a", "b"], ["c", "d"]]))


def test_failed_fit_keeps_the_previous_fitted_state(digits):
    X_train, _, y_train, _ = digits
    sel = PruneSparsifyTransformer("importance", Ridge(), max_features=5)
    sel.fit(X_train, y_train)
    before = copy.deepcopy(vars(sel))
    sel.set_params(max_features=40)
    with pytest.raises(ValueError, match="max_features"):
        sel.fit(X_train[:, :10], y_train)  # only 10 features now
    sel.set_params(max_features=5)
    assert set(vars(sel)) == set(before)
    assert sel.n_features_in_ == 64
    np.testing.assert_array_equal(sel.support_, before["support_"])
    # an estimator whose fit fails (NaN target) leaves nothing half-fitted
    fresh = PruneSparsifyTransformer("importance", Ridge())
    with pytest.raises(ValueError):
        fresh.fit(X_train, np.full(600, np.nan))
    assert not hasattr(fresh, "n_features_in_")


def test_skops_round_trip_trusts_the_transformer(digits, tmp_path):
    pytest.importorskip("skops")
    from skprune import io

    X_train, X_test, y_train, _ = digits
    mlp = dict(hidden_layer_sizes=(16,), max_iter=30, random_state=0)
    pipe = Pipeline(
        [
            (
                "prune",
                PruneSparsifyTransformer(
                    "gradient",
                    PrunedMLPClassifier(**mlp),
                    sparsity_threshold=0.2,
                    sparse_output=True,
                ),
            ),
            ("clf", PrunedMLPClassifier(**mlp)),
        ]
    ).fit(X_train, y_train)
    path = tmp_path / "pipe.skops"
    io.dump(pipe, path)
    loaded = io.load(path)
    np.testing.assert_array_equal(
        loaded.predict_proba(X_test), pipe.predict_proba(X_test)
    )
    np.testing.assert_array_equal(
        loaded["prune"].get_support(), pipe["prune"].get_support()
    )


def test_pipeline_into_sparse_sgd_regressor_tuned_over_both_prune_ratios():
    from sklearn.datasets import make_regression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from skprune import SparseSGDRegressor

    X, y, coef = make_regression(
        n_samples=400,
        n_features=30,
        n_informative=5,
        noise=1.0,
        coef=True,
        random_state=0,
    )
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "prune",
                PruneSparsifyTransformer(
                    "gradient",
                    SparseSGDRegressor(prune_ratio=0.0, random_state=0),
                    sparse_output=False,
                ),
            ),
            ("reg", SparseSGDRegressor(random_state=0)),
        ]
    )
    grid = GridSearchCV(
        pipe, {"prune__prune_ratio": [0.5, 0.8], "reg__prune_ratio": [0.0, 0.5]}, cv=3
    ).fit(X, y)
    assert set(grid.best_params_) == {"prune__prune_ratio", "reg__prune_ratio"}
    best = grid.best_estimator_
    kept = best["prune"].get_support()
    assert kept.sum() == {0.5: 15, 0.8: 6}[grid.best_params_["prune__prune_ratio"]]
    # the informative features survive the input pruning
    assert kept[np.flatnonzero(coef)].all()
    reg = best["reg"]
    assert reg.coef_.shape == (kept.sum(),)
    assert np.all(reg.coef_[~reg.support_] == 0)
    assert grid.score(X, y) > 0.99
