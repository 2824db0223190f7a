"""ONNX export: every skprune estimator, alone and in a Pipeline, converts with
skl2onnx and predicts in onnxruntime what it predicts in Python (float32
tolerance); the exported graph is the compressed network."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    PruneSparsifyTransformer,
    SparseSGDClassifier,
    SparseSGDRegressor,
)

rt = pytest.importorskip("onnxruntime")
skonnx = pytest.importorskip("skprune.onnx")

MLP = dict(hidden_layer_sizes=(32,), max_iter=80, random_state=0)


def _session(onx):
    options = rt.SessionOptions()
    options.intra_op_num_threads = 1
    return rt.InferenceSession(
        onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )


def _run(model, X, **kwargs):
    onx = skonnx.to_onnx(model, X[:1], **kwargs)
    return _session(onx).run(None, {"X": X}), onx


@pytest.fixture(scope="module")
def regression():
    rng = np.random.RandomState(0)
    X = rng.randn(300, 12).astype(np.float32)
    y = X[:, :3] @ np.array([2.0, -1.0, 0.5]) + 0.1 * rng.randn(300)
    return X, y


@pytest.mark.parametrize(
    "params",
    [
        dict(prune_ratio=0.9),
        dict(prune_ratio=0.75, prune_granularity="neuron"),
        dict(prune_ratio=0.0),
        dict(prune_ratio=0.9, activation="tanh", hidden_layer_sizes=(24, 12)),
        dict(prune_ratio=0.9, activation="logistic"),
    ],
)
def test_classifier_matches(digits, params):
    X, y = digits
    X = X.astype(np.float32)
    clf = PrunedMLPClassifier(**{**MLP, **params}).fit(X, y)
    (label, proba), _ = _run(clf, X, options={"zipmap": False})
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5)
    assert (label == clf.predict(X)).mean() >= 0.999  # ties at float32 precision


def test_binary_and_string_labels(digits):
    X, y = digits
    X = X.astype(np.float32)
    labels = np.where(y % 2 == 0, "even", "odd")
    clf = PrunedMLPClassifier(prune_ratio=0.8, **MLP).fit(X, labels)
    (label, proba), _ = _run(clf, X, options={"zipmap": False})
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5)
    assert label.tolist() == clf.predict(X).tolist()


def test_zipmap_output(digits):
    X, y = digits
    X = X.astype(np.float32)
    clf = PrunedMLPClassifier(prune_ratio=0.8, **MLP).fit(X, y)
    (label, proba), _ = _run(clf, X[:5])
    assert isinstance(proba, list) and sorted(proba[0]) == list(clf.classes_)


def test_double_input_gives_a_double_graph(digits):
    X, y = digits
    clf = PrunedMLPClassifier(prune_ratio=0.9, **MLP).fit(X, y)
    (label, proba), _ = _run(clf, X, options={"zipmap": False})
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-10)
    np.testing.assert_array_equal(label, clf.predict(X))


def test_regressor_matches(regression):
    X, y = regression
    reg = PrunedMLPRegressor(prune_ratio=0.8, **MLP).fit(X, y)
    (pred,), _ = _run(reg, X)
    np.testing.assert_allclose(pred.ravel(), reg.predict(X), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("select", ["auto", True, False])
def test_sparse_sgd_regressor(regression, select):
    X, y = regression
    reg = SparseSGDRegressor(random_state=0).fit(X, y)
    assert reg.n_nonzero_ < X.shape[1]
    (pred,), onx = _run(reg, X, options={"select_inputs": select})
    np.testing.assert_allclose(pred.ravel(), reg.predict(X), rtol=1e-4, atol=1e-4)
    weights = [i for i in onx.graph.initializer if i.name.startswith("coefficient")]
    rows = reg.n_nonzero_ if select is True else X.shape[1]  # 1 output: never pays
    assert [list(w.dims) for w in weights] == [[rows, 1]]


@pytest.mark.parametrize("loss", ["log_loss", "hinge"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_sparse_sgd_classifier(loss, n_classes):
    from sklearn.datasets import make_classification

    X, y = make_classification(
        400,
        30,
        n_informative=5,
        n_classes=n_classes,
        n_clusters_per_class=1,
        random_state=0,
    )
    X = X.astype(np.float32)
    clf = SparseSGDClassifier(loss=loss, random_state=0).fit(X, y)
    assert clf.n_nonzero_ < clf.coef_.size
    (label, proba), _ = _run(clf, X, options={"zipmap": False})
    np.testing.assert_array_equal(label, clf.predict(X))
    if loss == "log_loss":
        np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=1e-4, atol=1e-5)
    else:  # the decision scores in place of probabilities (as skl2onnx)
        scores = clf.decision_function(X)
        expected = np.c_[-scores, scores] if n_classes == 2 else scores
        np.testing.assert_allclose(proba, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("threshold", [None, 0.3])
def test_transformer_matches(digits, threshold):
    X, y = digits
    X = X.astype(np.float32)
    pst = PruneSparsifyTransformer(
        "importance",
        PrunedMLPClassifier(**MLP),
        prune_ratio=0.5,
        sparsity_threshold=threshold,
        sparse_output=True,
    ).fit(X, y)
    (out,), _ = _run(pst, X)
    np.testing.assert_array_equal(out, pst.transform(X).toarray())


def test_pipeline_with_sklearn_steps(digits):
    X, y = digits
    X = X.astype(np.float32)
    pipe = make_pipeline(
        StandardScaler(),
        PruneSparsifyTransformer(
            "importance", PrunedMLPClassifier(**MLP), prune_ratio=0.5
        ),
        PrunedMLPClassifier(prune_ratio=0.9, **MLP),
    ).fit(X, y)
    (label, proba), _ = _run(pipe, X, options={"zipmap": False})
    np.testing.assert_allclose(proba, pipe.predict_proba(X), atol=1e-4)
    assert (label == pipe.predict(X)).mean() >= 0.999


@pytest.mark.parametrize(
    "params",
    [
        dict(prune_ratio=0.75, prune_granularity="neuron"),
        dict(prune_ratio=0.97),
    ],
)
@pytest.mark.parametrize("select", ["auto", True, False])
def test_exported_network_is_the_compressed_one(digits, params, select):
    X, y = digits
    X = X.astype(np.float32)
    clf = PrunedMLPClassifier(
        hidden_layer_sizes=(40, 20), max_iter=80, random_state=0, **params
    ).fit(X, y)
    (label, proba), onx = _run(
        clf, X, options={"zipmap": False, "select_inputs": select}
    )
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5)
    init = {i.name: i for i in onx.graph.initializer}
    shapes = [
        list(i.dims) for name, i in init.items() if name.startswith("coefficient")
    ]
    sizes = clf.compressed_.layer_sizes
    # dropped neurons are gone from every matrix
    assert [s[1] for s in shapes] == list(sizes[1:])
    assert [s[0] for s in shapes[1:]] == list(sizes[1:-1])
    assert [s[1] for s in shapes[:-1]] == list(clf.hidden_layer_sizes_)
    compress = [n for n in onx.graph.node if n.op_type == "Compress"]
    unread = sizes[0] < X.shape[1]
    pays = skonnx._selection_pays(sizes[0], X.shape[1], sizes[1])
    selected = unread and (select is True or (select == "auto" and pays))
    assert len(compress) == int(selected)
    assert shapes[0][0] == (sizes[0] if selected else X.shape[1])
    if params.get("prune_granularity") is None:
        assert unread  # the weight-pruned case exercises the selection


def test_selection_rule():
    assert skonnx._selection_pays(200, 784, 300)  # MNIST, 584 unread inputs
    assert not skonnx._selection_pays(600, 784, 300)  # 184 unread: the copy costs more


def test_float64_classifier_needs_zipmap_false(digits):
    """What the ONNX guide and to_onnx's docstring say: float64 input with
    skl2onnx's default ZipMap gives a graph onnxruntime refuses (as for
    sklearn's own MLPClassifier); zipmap=False gives a working one."""
    X, y = digits
    X = np.asarray(X[:300], dtype=np.float64)
    clf = PrunedMLPClassifier(**{**MLP, "max_iter": 20}).fit(X, y[:300])
    with pytest.raises(Exception, match="ZipMap"):
        _run(clf, X)
    (label, proba), _ = _run(clf, X, options={"zipmap": False})
    np.testing.assert_array_equal(label, clf.predict(X))
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-9)
