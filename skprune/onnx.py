"""ONNX export: skl2onnx converters for skprune's estimators.

Importing this module registers a converter for every skprune estimator with
`skl2onnx <https://onnx.ai/sklearn-onnx/>`_, so :func:`skl2onnx.to_onnx` (or
:func:`to_onnx` here) converts them on their own and inside a
:class:`~sklearn.pipeline.Pipeline`, next to scikit-learn's own steps; the graph
then runs in `onnxruntime <https://onnxruntime.ai/>`_ or any ONNX runtime.

What is exported is the *compressed* model, derived from the public fitted
attributes:

- an MLP (``PrunedMLPClassifier``, ``PrunedMLPRegressor``): the masked
  ``coefs_``/``intercepts_`` after
  :func:`skprune._serving.fold_and_drop` (constant neurons folded into the
  next biases, dead neurons removed), then one ``MatMul`` + ``Add`` +
  activation per layer: a network pruned by neurons exports smaller matrices.
  Layers stay dense tensors (ONNX has no sparse matrix product that runtimes
  accelerate), so weight pruning shrinks the graph only as far as it removes
  neurons and inputs.
- ``SparseSGDRegressor``: one ``MatMul`` over the coefficients (see below for
  the columns it reads).
- ``SparseSGDClassifier``: the same scores; with ``loss='log_loss'`` its
  ``predict_proba`` as probabilities, with the other losses the decision scores
  in their place (binary: ``[-s, s]``), as skl2onnx's ``SGDClassifier``
  converter does.
- ``PruneSparsifyTransformer``: the kept columns (``Compress``), then values with
  ``|x| < sparsity_threshold`` set to zero; the output is a dense tensor
  (``sparse_output`` has no ONNX counterpart).

Input features the model never reads are cut away with one ``Compress`` node
when that makes the graph faster: onnxruntime copies a selected column value
for about as long as 250 multiply-adds take, so by default (option
``select_inputs='auto'``) the columns are selected only when the first layer
saves more than that; otherwise the unread inputs are zero rows of the first
matrix. ``options={"select_inputs": True}`` (or ``False``) forces either form.

Classifiers produce skl2onnx's usual two outputs (label, probabilities) and
accept its ``zipmap`` and ``nocl`` options. The computation runs in the input's
float type (``FloatTensorType``: float32, ``DoubleTensorType``: float64).

Needs skl2onnx and onnxruntime (the ``onnx`` extra): ``pip install skl2onnx
onnxruntime``, or ``pip install ".[onnx]"`` in a clone of the repository.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as rt
>>> from sklearn.datasets import load_iris
>>> from skprune import PrunedMLPClassifier
>>> from skprune.onnx import to_onnx
>>> X, y = load_iris(return_X_y=True)
>>> X = X.astype(np.float32)
>>> clf = PrunedMLPClassifier(hidden_layer_sizes=(16,), prune_ratio=0.5,
...                           prune_granularity="neuron", max_iter=300,
...                           random_state=0).fit(X, y)
>>> onx = to_onnx(clf, X[:1], options={"zipmap": False})
>>> sess = rt.InferenceSession(onx.SerializeToString(),
...                            providers=["CPUExecutionProvider"])
>>> label, proba = sess.run(None, {"X": X})
>>> bool((label == clf.predict(X)).all())
True
>>> bool(np.allclose(proba, clf.predict_proba(X), atol=1e-5))
True
"""

import importlib

import numpy as np
from scipy import sparse

from . import _sklearn_compat as compat
from ._optional import missing
from ._serving import fold_and_drop

try:
    from skl2onnx import update_registered_converter
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        guess_proto_type,
    )
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )
    from skl2onnx.proto import onnx_proto
except ImportError as exc:  # pragma: no cover - exercised without skl2onnx
    raise missing("skprune.onnx", "onnx") from exc

__all__ = ["register", "to_onnx"]

_ACTIVATIONS = {
    "identity": "Identity",
    "tanh": "Tanh",
    "logistic": "Sigmoid",
    "relu": "Relu",
    "softmax": "Softmax",
}


# -- graph pieces shared by every converter ---------------------------------------


def _float_type(operator):
    """ONNX float type of the computation: double for double input, else float."""
    proto = guess_proto_type(operator.inputs[0].type)
    return (
        proto
        if proto == onnx_proto.TensorProto.DOUBLE
        else onnx_proto.TensorProto.FLOAT
    )


def _numpy_type(proto):
    return np.float64 if proto == onnx_proto.TensorProto.DOUBLE else np.float32


def _constant(scope, container, name, array, proto):
    """Add ``array`` as an initializer; return its variable name."""
    var = scope.get_unique_variable_name(name)
    array = np.asarray(array)
    container.add_initializer(var, proto, list(array.shape), array.ravel().tolist())
    return var


def _node(scope, container, op_type, inputs, name, **attrs):
    """Add one node with a fresh output variable; return that variable."""
    out = scope.get_unique_variable_name(name)
    container.add_node(
        op_type, inputs, out, name=scope.get_unique_operator_name(op_type), **attrs
    )
    return out


def _cast_input(scope, container, operator, proto):
    return _node(
        scope, container, "Cast", [operator.inputs[0].full_name], "cast", to=proto
    )


# Reading a subset of the input columns costs onnxruntime (1.32, one thread) about
# 5.5 ns per value kept with ``Compress`` (``Gather`` on axis 1: ~9 ns), while a
# float32 ``MatMul`` costs about 0.02 ns per multiply-add (784 x 300, batch 1000:
# Compress of 600 / 200 of 784 columns 3.1 / 1.2 ms, the full MatMul 4.9 ms).
# Selecting the columns therefore pays only when the multiply-adds it saves
# exceed this many times the values it copies; otherwise the unread inputs stay
# as zero rows of the first weight matrix.
COLUMN_SELECTION_COST = 250


def _selection_pays(n_kept, n_features, n_outputs):
    """Whether dropping the unread input columns makes the first layer cheaper."""
    return (n_features - n_kept) * n_outputs > COLUMN_SELECTION_COST * n_kept


def _select_columns(scope, container, x, columns, n_features):
    """``x[:, columns]`` with one ``Compress`` node (no node if all are kept)."""
    keep = np.zeros(n_features, dtype=bool)
    keep[np.asarray(columns, dtype=np.int64)] = True
    if keep.all():
        return x
    cond = scope.get_unique_variable_name("columns")
    container.add_initializer(
        cond, onnx_proto.TensorProto.BOOL, [n_features], keep.tolist()
    )
    return _node(scope, container, "Compress", [x, cond], "selected", axis=1)


def _first_layer_input(scope, container, operator, x, columns, weight, option):
    """The input of the first layer and its weights: the read columns only when
    that pays (``option='auto'``, see ``COLUMN_SELECTION_COST``) or is asked for
    (``True``); else all columns, with zero rows for the unread ones."""
    n_features = operator.raw_operator.n_features_in_
    select = (
        option
        if option != "auto"
        else _selection_pays(len(columns), n_features, weight.shape[1])
    )
    if select or len(columns) == n_features:
        return _select_columns(scope, container, x, columns, n_features), weight
    full = np.zeros((n_features, weight.shape[1]), dtype=weight.dtype)
    full[columns] = weight
    return x, full


def _dense_layer(scope, container, x, weight, bias, proto, activation):
    """``activation(x @ weight + bias)``; return the output variable."""
    dtype = _numpy_type(proto)
    w = _constant(scope, container, "coefficient", weight.astype(dtype), proto)
    b = _constant(
        scope, container, "intercept", bias.reshape(1, -1).astype(dtype), proto
    )
    out = _node(scope, container, "MatMul", [x, w], "mul")
    out = _node(scope, container, "Add", [out, b], "add")
    if activation != "identity":
        op = _ACTIVATIONS[activation]
        attrs = {"axis": 1} if op == "Softmax" else {}
        out = _node(scope, container, op, [out], activation, **attrs)
    return out


def _classifier_outputs(
    scope, container, operator, proba, classes, proto, complete=False
):
    """Write skl2onnx's classifier outputs: label (argmax over ``classes``) and
    probabilities (two columns from one positive-class column, unless
    ``complete``: ``proba`` already has one column per class)."""
    if proba is not None and len(classes) == 2 and not complete:
        one = _constant(scope, container, "one", np.ones((), _numpy_type(proto)), proto)
        negative = _node(scope, container, "Sub", [one, proba], "negative")
        proba = _node(scope, container, "Concat", [negative, proba], "proba", axis=1)
    container.add_node(
        "Identity",
        [proba],
        operator.outputs[1].full_name,
        name=scope.get_unique_operator_name("Identity"),
    )
    index = _node(scope, container, "ArgMax", [proba], "argmax", axis=1, keepdims=0)
    classes = np.asarray(classes)
    if container.get_options(operator.raw_operator, dict(nocl=False))["nocl"]:
        classes = np.arange(len(classes))  # skl2onnx's 'nocl': class indices
    if classes.dtype.kind in "iub":
        labels = _constant(
            scope,
            container,
            "classes",
            classes.astype(np.int64),
            onnx_proto.TensorProto.INT64,
        )
    else:
        var = scope.get_unique_variable_name("classes")
        container.add_initializer(
            var,
            onnx_proto.TensorProto.STRING,
            [len(classes)],
            [str(c).encode("utf-8") for c in classes],
        )
        labels = var
    container.add_node(
        "Gather",
        [labels, index],
        operator.outputs[0].full_name,
        axis=0,
        name=scope.get_unique_operator_name("Gather"),
    )


# -- MLPs --------------------------------------------------------------------------


def compressed_layers(estimator):
    """The network an MLP exports: kept input columns, then per layer
    ``(weights, biases)`` as float64 arrays, dropped neurons removed.

    Derived from the fitted ``coefs_``, ``intercepts_`` and ``masks_`` by
    :func:`skprune._serving.fold_and_drop` (the same rules ``predict`` uses).
    """
    columns, weights, _, biases = fold_and_drop(
        estimator.coefs_, estimator.intercepts_, estimator.masks_, estimator.activation
    )
    return columns, list(zip(weights, biases))


def _select_option(operator, container):
    options = container.get_options(operator.raw_operator, dict(select_inputs="auto"))
    return options["select_inputs"]


def _mlp_forward(scope, container, operator, proto):
    model = operator.raw_operator
    columns, layers = compressed_layers(model)
    x = _cast_input(scope, container, operator, proto)
    x, first = _first_layer_input(
        scope,
        container,
        operator,
        x,
        columns,
        layers[0][0],
        _select_option(operator, container),
    )
    layers[0] = (first, layers[0][1])
    for i, (weight, bias) in enumerate(layers):
        last = i == len(layers) - 1
        activation = model.out_activation_ if last else model.activation
        x = _dense_layer(scope, container, x, weight, bias, proto, activation)
    return x


def _convert_mlp_classifier(scope, operator, container):
    model = operator.raw_operator
    if compat.label_binarizer(model).y_type_ == "multilabel-indicator":
        raise NotImplementedError(
            "ONNX export of a multilabel PrunedMLPClassifier is not supported"
        )
    proto = _float_type(operator)
    proba = _mlp_forward(scope, container, operator, proto)
    _classifier_outputs(scope, container, operator, proba, model.classes_, proto)


def _convert_mlp_regressor(scope, operator, container):
    proto = _float_type(operator)
    out = _mlp_forward(scope, container, operator, proto)
    container.add_node(
        "Identity",
        [out],
        operator.outputs[0].full_name,
        name=scope.get_unique_operator_name("Identity"),
    )


# -- linear models -----------------------------------------------------------------


def _sparse_linear_scores(scope, container, operator, proto):
    """``X[:, support] @ coef[support].T + intercept`` of a sparse linear model,
    shape (n_samples, n_outputs); reads only the non-zero coefficients' columns."""
    model = operator.raw_operator
    coef = model.coef_.toarray() if sparse.issparse(model.coef_) else model.coef_
    coef = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    support = np.flatnonzero((coef != 0).any(axis=0))
    if support.size == 0:
        support = np.array([0])  # an all-zero model still reads one column
    x = _cast_input(scope, container, operator, proto)
    x, weight = _first_layer_input(
        scope,
        container,
        operator,
        x,
        support,
        coef[:, support].T,
        _select_option(operator, container),
    )
    return _dense_layer(
        scope, container, x, weight, np.ravel(model.intercept_), proto, "identity"
    )


def _convert_sparse_sgd_regressor(scope, operator, container):
    proto = _float_type(operator)
    out = _sparse_linear_scores(scope, container, operator, proto)
    container.add_node(
        "Identity",
        [out],
        operator.outputs[0].full_name,
        name=scope.get_unique_operator_name("Identity"),
    )


def _convert_sparse_sgd_classifier(scope, operator, container):
    """``SparseSGDClassifier``: the scores of the support columns; with
    ``loss='log_loss'`` the probabilities of ``predict_proba`` (binary:
    ``sigmoid(s)``; one-vs-rest: ``sigmoid(s_k)`` normalised over the classes),
    with every other loss the decision scores in their place (binary:
    ``[-s, s]``), as skl2onnx's own ``SGDClassifier`` converter does; the label
    is their argmax either way."""
    model = operator.raw_operator
    proto = _float_type(operator)
    scores = _sparse_linear_scores(scope, container, operator, proto)
    binary = len(model.classes_) == 2
    if model.loss == "log_loss":
        proba = _node(scope, container, "Sigmoid", [scores], "sigmoid")
        if not binary:
            total = _reduce_sum(scope, container, proba)
            proba = _node(scope, container, "Div", [proba, total], "proba")
        _classifier_outputs(scope, container, operator, proba, model.classes_, proto)
        return
    if binary:
        negative = _node(scope, container, "Neg", [scores], "negative")
        scores = _node(scope, container, "Concat", [negative, scores], "scores", axis=1)
    _classifier_outputs(
        scope, container, operator, scores, model.classes_, proto, complete=True
    )


def _reduce_sum(scope, container, x):
    """Row sums of ``x``, shape (n, 1) (ReduceSum with its axes as an input)."""
    axes = _constant(
        scope,
        container,
        "axes",
        np.array([1], dtype=np.int64),
        onnx_proto.TensorProto.INT64,
    )
    return _node(scope, container, "ReduceSum", [x, axes], "total", keepdims=1)


# -- feature selection -------------------------------------------------------------


def _transformer_shape(operator):
    n_out = int(np.count_nonzero(operator.raw_operator.support_))
    double = _float_type(operator) == onnx_proto.TensorProto.DOUBLE
    tensor = DoubleTensorType if double else FloatTensorType
    operator.outputs[0].type = tensor([None, n_out])


def _convert_prune_sparsify_transformer(scope, operator, container):
    model = operator.raw_operator
    proto = _float_type(operator)
    x = _cast_input(scope, container, operator, proto)
    x = _select_columns(
        scope, container, x, np.flatnonzero(model.support_), model.n_features_in_
    )
    if model.sparsity_threshold:
        dtype = _numpy_type(proto)
        t = _constant(
            scope,
            container,
            "threshold",
            np.asarray(model.sparsity_threshold, dtype),
            proto,
        )
        zero = _constant(scope, container, "zero", np.zeros((), dtype), proto)
        small = _node(
            scope,
            container,
            "Less",
            [_node(scope, container, "Abs", [x], "abs"), t],
            "small",
        )
        x = _node(scope, container, "Where", [small, zero, x], "sparsified")
    container.add_node(
        "Identity",
        [x],
        operator.outputs[0].full_name,
        name=scope.get_unique_operator_name("Identity"),
    )


# -- registration ------------------------------------------------------------------

_SELECT_OPTIONS = {"select_inputs": ["auto", True, False]}
_CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [False, True],
    **_SELECT_OPTIONS,
}

#: (class path, converter, shape calculator, options): one entry per estimator.
#: A new estimator needs an entry and a converter built from the pieces above
#: (``_convert_sparse_sgd_classifier`` is the short example).
_CONVERTERS = (
    (
        "skprune.neural_network.PrunedMLPClassifier",
        _convert_mlp_classifier,
        calculate_linear_classifier_output_shapes,
        _CLASSIFIER_OPTIONS,
    ),
    (
        "skprune.neural_network.PrunedMLPRegressor",
        _convert_mlp_regressor,
        calculate_linear_regressor_output_shapes,
        _SELECT_OPTIONS,
    ),
    (
        "skprune.linear_model.SparseSGDRegressor",
        _convert_sparse_sgd_regressor,
        calculate_linear_regressor_output_shapes,
        _SELECT_OPTIONS,
    ),
    (
        "skprune.linear_model.SparseSGDClassifier",
        _convert_sparse_sgd_classifier,
        calculate_linear_classifier_output_shapes,
        _CLASSIFIER_OPTIONS,
    ),
    (
        "skprune.feature_selection.PruneSparsifyTransformer",
        _convert_prune_sparsify_transformer,
        _transformer_shape,
        None,
    ),
)


def _resolve(path):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def register():
    """Register skprune's converters with skl2onnx (done on import; idempotent)."""
    for path, convert, shape, options in _CONVERTERS:
        cls = _resolve(path)
        update_registered_converter(
            cls, "Skprune" + cls.__name__, shape, convert, options=options
        )


def to_onnx(model, X=None, **kwargs):
    """:func:`skl2onnx.to_onnx` with skprune's converters registered.

    Parameters
    ----------
    model : estimator or Pipeline
        A fitted skprune estimator, or a Pipeline holding some.
    X : array-like, default=None
        A sample of the input (its dtype and width set the graph's input type:
        float32 gives a float32 graph, float64 a float64 one).
    **kwargs
        Passed to :func:`skl2onnx.to_onnx` (``options``, ``target_opset``,
        ``initial_types``, ...).

    Returns
    -------
    onx : onnx.ModelProto

    Notes
    -----
    A classifier exported with a float64 ``X`` and skl2onnx's default
    ``ZipMap`` output gives a graph onnxruntime refuses as invalid (``ZipMap``
    takes float32 probabilities only; sklearn's own ``MLPClassifier`` does the
    same through skl2onnx). Pass ``options={"zipmap": False}`` (probabilities
    as a plain tensor) or a float32 ``X``.
    """
    import skl2onnx

    register()
    return skl2onnx.to_onnx(model, X, **kwargs)


register()
