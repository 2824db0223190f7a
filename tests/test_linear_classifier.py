"""SparseSGDClassifier behaviour (the cross-cutting tables cover the rest)."""

import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import load_digits, make_classification
from sklearn.linear_model import SGDClassifier
from sklearn.preprocessing import StandardScaler

from skprune import SparseSGDClassifier

LOSSES = ["hinge", "log_loss", "modified_huber"]


def _problem(n_classes, n_samples=1500, random_state=0):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=30,
        n_informative=4,
        n_redundant=0,
        n_clusters_per_class=1,
        n_classes=n_classes,
        class_sep=2.0,
        shuffle=False,
        random_state=random_state,
    )
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_auto_finds_the_informative_features(loss, n_classes):
    X, y = _problem(n_classes)
    clf = SparseSGDClassifier(loss=loss, random_state=0).fit(X, y)
    kept = np.flatnonzero(clf.support_)
    # the 4 informative features are the first ones (shuffle=False)
    assert kept.shape[0] <= 8 and set(kept) & {0, 1, 2, 3}, kept
    assert clf.score(X, y) > 0.85
    rows = 1 if n_classes == 2 else n_classes
    assert clf.coef_.shape == (rows, 30) and clf.intercept_.shape == (rows,)
    # exact zeros outside the shared support, counted over coefficients
    assert not clf.coef_[:, ~clf.support_].any()
    assert clf.n_nonzero_ == np.count_nonzero(clf.coef_)
    assert clf.sparsity_ == pytest.approx(1 - clf.n_nonzero_ / clf.coef_.size)
    np.testing.assert_array_equal(clf.coef_sparse_.toarray(), clf.coef_)
    assert clf.coef_sparse_.nnz == clf.n_nonzero_


@pytest.mark.parametrize("ratio", [0.5, 0.9])
def test_float_ratio_prunes_that_fraction_of_the_features(ratio):
    X, y = load_digits(return_X_y=True)
    clf = SparseSGDClassifier(prune_ratio=ratio, random_state=0).fit(X / 16, y)
    assert clf.support_.sum() <= 64 - int(np.floor(ratio * 64))
    assert [r["target_sparsity"] for r in clf.pruning_history_][-1] == ratio
    assert clf.pruning_history_[-1]["n_features"] == clf.support_.sum()


def test_no_pruning_is_sgd_classifier():
    X, y = _problem(3)
    ours = SparseSGDClassifier(prune_ratio=0.0, refit=False, random_state=0).fit(X, y)
    theirs = SGDClassifier(random_state=0).fit(X, y)
    np.testing.assert_array_equal(ours.coef_, theirs.coef_)
    np.testing.assert_array_equal(ours.intercept_, theirs.intercept_)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.n_iter_ == theirs.n_iter_ and ours.t_ == theirs.t_


@pytest.mark.parametrize("loss", ["log_loss", "modified_huber"])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # log(0)
def test_predict_proba_is_sgd_classifiers_on_our_coefficients(loss, n_classes):
    X, y = _problem(n_classes)
    clf = SparseSGDClassifier(loss=loss, prune_ratio=0.5, random_state=0).fit(X, y)
    ref = SGDClassifier(loss=loss)
    ref.coef_, ref.intercept_, ref.classes_ = clf.coef_, clf.intercept_, clf.classes_
    ref.n_features_in_ = X.shape[1]
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba(X))
    np.testing.assert_allclose(clf.decision_function(X), ref.decision_function(X))
    np.testing.assert_array_equal(clf.predict(X), ref.predict(X))
    np.testing.assert_allclose(
        clf.predict_log_proba(X[:5]), np.log(clf.predict_proba(X[:5]))
    )


def test_no_predict_proba_for_hinge():
    X, y = _problem(2)
    clf = SparseSGDClassifier(random_state=0).fit(X, y)
    assert not hasattr(clf, "predict_proba")
    with pytest.raises(AttributeError, match="has no attribute 'predict_proba'"):
        clf.predict_proba(X)


def test_decision_function_reads_only_the_support_and_keeps_dtype():
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    clf = SparseSGDClassifier(prune_ratio=0.97, random_state=0).fit(X, y)
    assert clf.support_.sum() <= 0.05 * 64  # the gather path
    expected = X @ clf.coef_.T + clf.intercept_
    out = clf.decision_function(X)
    assert out.dtype == np.float32 and clf.coef_.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        clf.decision_function(sparse.csr_matrix(X)), out, rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("average", [False, True])
def test_partial_fit_keeps_the_support(average):
    X, y = _problem(3)
    clf = SparseSGDClassifier(prune_ratio=0.8, average=average, random_state=0).fit(
        X, y
    )
    support = clf.support_.copy()
    before = clf.coef_.copy()
    for start in range(0, 1500, 500):
        clf.partial_fit(X[start : start + 500], y[start : start + 500])
    np.testing.assert_array_equal(clf.support_, support)
    assert not clf.coef_[:, ~support].any()
    assert not np.array_equal(clf.coef_, before)  # it did learn
    assert clf.score(X, y) > 0.8


def test_partial_fit_from_scratch_needs_the_classes():
    X, y = _problem(3)
    with pytest.raises(ValueError, match="classes must be passed"):
        SparseSGDClassifier().partial_fit(X, y)
    clf = SparseSGDClassifier(random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    assert clf.support_.all() and clf.coef_.shape == (3, 30)
    clf.partial_fit(X, y)  # later calls: classes optional, as in SGDClassifier
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_string_labels_and_their_order():
    X, y = _problem(3)
    labels = np.array(["cat", "ant", "bee"])[y]
    clf = SparseSGDClassifier(random_state=0).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ["ant", "bee", "cat"])
    assert set(clf.predict(X)) <= set(labels)
    assert clf.score(X, labels) > 0.85


def test_balanced_class_weight_is_resolved_once_on_all_of_y():
    X, y = _problem(2, n_samples=600)
    keep = (y == 1) | (np.arange(600) % 4 == 0)  # imbalanced: 1 is the majority
    X, y = X[keep], y[keep]
    n0, n1 = np.bincount(y)
    weights = {0: len(y) / (2 * n0), 1: len(y) / (2 * n1)}
    a = SparseSGDClassifier(class_weight="balanced", random_state=0).fit(X, y)
    b = SparseSGDClassifier(class_weight=weights, random_state=0).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_)
    assert a.class_weight == "balanced"  # the parameter is not changed


def test_max_score_drop_has_one_meaning_and_no_warning():
    X, y = _problem(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        clf = SparseSGDClassifier(
            prune_ratio=0.9, n_prune_steps=5, max_score_drop=0.0, random_state=0
        ).fit(X, y)
    history = clf.pruning_history_
    reference = history[0]["validation_score"]
    for record in history:
        assert record["accepted"] == (record["validation_score"] >= reference)
    assert all(r["accepted"] for r in history[:-1])


def test_auto_history_judges_the_error_rate():
    X, y = _problem(3)
    clf = SparseSGDClassifier(random_state=0).fit(X, y)
    for record in clf.pruning_history_:
        assert record["validation_loss"] == pytest.approx(
            1 - record["validation_score"]
        )


def test_coef_init_shape_is_checked():
    X, y = _problem(3)
    with pytest.raises(ValueError, match=r"expected \(3, 30\)"):
        SparseSGDClassifier().fit(X, y, coef_init=np.zeros(30))
    clf = SparseSGDClassifier(prune_ratio=0.5, random_state=0).fit(
        X, y, coef_init=np.zeros((3, 30)), intercept_init=np.zeros(3)
    )
    assert clf.support_.sum() == 15


def test_internal_fits_share_sklearns_stratified_early_stopping_split():
    # prune_ratio=0 with refit runs two SGD fits with early stopping; both
    # must hold out the samples of sklearn's own stratified split
    from sklearn.model_selection import StratifiedShuffleSplit

    X, y = _problem(3, n_samples=300)
    sgd = dict(
        learning_rate="constant",
        eta0=0.01,
        tol=None,
        max_iter=10,
        shuffle=False,
        penalty=None,
    )
    est = SparseSGDClassifier(
        prune_ratio=0,
        refit=True,
        early_stopping=True,
        validation_fraction=0.4,
        random_state=np.random.RandomState(42),
        **sgd,
    )
    est.fit(X, y)
    idx_train, _ = next(
        StratifiedShuffleSplit(test_size=0.4, random_state=42).split(X, y)
    )
    idx_train = np.sort(idx_train)
    first = SGDClassifier(random_state=0, **sgd).fit(X[idx_train], y[idx_train])
    second = SGDClassifier(random_state=0, **sgd).fit(
        X[idx_train],
        y[idx_train],
        coef_init=first.coef_,
        intercept_init=first.intercept_,
    )
    np.testing.assert_allclose(est.coef_, second.coef_, rtol=1e-10)


@pytest.mark.parametrize(
    "loss", sorted(SGDClassifier._parameter_constraints["loss"][0].options)
)
def test_every_sgd_classifier_loss_prunes(loss):
    X, y = _problem(3, n_samples=600)
    clf = SparseSGDClassifier(
        loss=loss,
        prune_ratio=0.5,
        prune_criterion="gradient",
        max_iter=50,
        random_state=0,
    ).fit(X, y)
    assert clf.support_.sum() == 15
    assert all(np.isfinite(r["loss"]) for r in clf.pruning_history_)
    assert set(clf.predict(X)) <= {0, 1, 2}


def test_small_data_auto_does_not_accept_a_large_drop():
    # breast_cancer, 426 training rows: one held-out split (43 rows) accepted
    # 30 -> 1 features and an accuracy drop from 0.977 to 0.907 (issue 25);
    # 5-fold cross-validation over the 426 rows refuses it
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
    one_split = SparseSGDClassifier(cv=1, random_state=0).fit(X_tr, y_tr)
    est = SparseSGDClassifier(random_state=0).fit(X_tr, y_tr)
    assert one_split.support_.sum() == 1
    assert 1 < est.support_.sum() < 30
    assert est.score(X_te, y_te) > one_split.score(X_te, y_te) + 0.02
    assert est.score(X_tr, y_tr) > 0.95


def test_cross_validation_needs_every_class_in_each_training_fold():
    X, y = _problem(2, n_samples=60)
    y = y.copy()
    y[0] = 2  # a class with one sample: some fold trains without it
    with pytest.raises(ValueError, match="fold.*classes \\[2\\]"):
        SparseSGDClassifier(random_state=0, cv=5).fit(X, y)
