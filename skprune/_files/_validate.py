"""One validation of a fitted state that skprune did not compute itself.

A file (pickle/joblib through ``__setstate__``; skops through
:func:`skprune.io.load`, which also ends in ``__setstate__``) or a foreign
fitted estimator (``from_estimator``) hands skprune arrays that the serving
code later indexes: the compiled forward pass reads ``X[:, j]`` for every
input index ``j`` of the first layer, without bounds checks. Everything it and
``predict`` rely on is checked here, once, before any of it is used; a state
that fails raises one ``ValueError`` naming the first inconsistency found.

What is checked (the guarantees page, ``docs/guarantees.rst``, lists it too):

- every array's type, dtype (float32/float64 weights, integer CSR parts,
  boolean supports) and shape, and that weights and biases are finite;
- an MLP's layer chain: the rows of layer ``k`` are the columns of layer
  ``k - 1`` and the length of its biases; the first layer has
  ``n_features_in_`` rows, the last ``n_outputs_`` columns, which are the
  outputs implied by ``classes_`` (and its label binarizer) for a classifier;
  ``n_layers_`` and the output activation agree;
- a packed (CSR) layer: ``indptr`` starts at 0, never decreases and ends at
  the number of stored weights (the length of ``indices`` and ``data``);
  column indices lie in the layer's range and increase strictly within a row
  (sorted, no duplicates: what the codec writes);
- hidden and output activations are ones the network implements;
- a sparse SGD model: ``coef_`` has ``n_features_in_`` columns and one row
  per class (one for a regressor or two classes), ``intercept_`` one value
  per row, ``support_`` one flag per feature with ``coef_`` zero outside it,
  ``classes_`` sorted and distinct, averaging state shaped like what it averages;
- a feature selector: ``support_`` and ``scores_`` have ``n_features_in_``
  entries; a nested ``estimator_`` saw as many features;
- ``feature_names_in_``, when present, names ``n_features_in_`` features.

The functions are pure: a state (the dict ``__getstate__`` returns) in,
nothing out, a ``ValueError`` when something is wrong. ``context`` starts the
message (see :func:`load_context`).
"""

from numbers import Integral, Real

import numpy as np
from scipy import sparse

from .. import _sklearn_compat as compat

# the activations the compiled network computes (a state naming another one is
# refused); numba-free constants of the serving wing
from .._serving import HIDDEN_CODES, OUTPUT_CODES
from ._codec import unpack_network
from ._persistence import expand_state

HIDDEN_ACTIVATIONS = tuple(HIDDEN_CODES)
OUTPUT_ACTIVATIONS = tuple(OUTPUT_CODES)
_WEIGHT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_PACKED_KEYS = {"shape", "indptr", "indices", "data"}


def load_context(name):
    """The start of a load error's message for estimator class ``name``."""
    return (
        f"Cannot load {name}: the file's fitted state is invalid (corrupted or edited?)"
    )


class _Checks:
    """Helpers that raise ``ValueError(f"{context}: {problem}.")``."""

    def __init__(self, context):
        self.context = context

    def bad(self, problem):
        raise ValueError(f"{self.context}: {problem}.")

    @staticmethod
    def fitted(state):
        """Whether ``state`` claims to be fitted, as ``check_is_fitted`` sees
        it: some attribute ending in '_' (then every essential one must be
        there, or ``predict`` would pass ``check_is_fitted`` and fail later)."""
        return any(k.endswith("_") and not k.startswith("__") for k in state)

    def has(self, state, names):
        missing = [n for n in names if n not in state]
        if missing:
            self.bad(f"it lacks {missing}")

    def count(self, value, what, low=1):
        """A plain integer >= ``low`` (bool refused), as an int."""
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
            self.bad(f"{what} is {value!r}, not an integer")
        if value < low:
            self.bad(f"{what} is {value}, below {low}")
        return int(value)

    def array(self, value, what, kinds, ndim=None, shape=None):
        """An ndarray of one of the dtype ``kinds`` ('f': float32/float64,
        'i': any integer, 'b': bool, 'l': labels) with ``ndim``/``shape``."""
        if not isinstance(value, np.ndarray):
            self.bad(f"{what} is a {type(value).__name__}, not a numpy array")
        dtype = value.dtype
        ok = {
            "f": dtype in _WEIGHT_DTYPES,
            "i": dtype.kind in "iu",
            "b": dtype.kind == "b",
            "l": dtype.kind in "biufUO",
        }
        if not any(ok[k] for k in kinds):
            wanted = {
                "f": "float32 or float64",
                "i": "integer",
                "b": "bool",
                "l": "labels",
            }
            self.bad(
                f"{what} has dtype {dtype}, not "
                + " or ".join(wanted[k] for k in kinds)
            )
        if ndim is not None and value.ndim != ndim:
            self.bad(f"{what} has {value.ndim} dimension(s), not {ndim}")
        if shape is not None and value.shape != tuple(shape):
            self.bad(f"{what} has shape {value.shape}, expected {tuple(shape)}")
        if "f" in kinds and dtype.kind == "f" and not np.isfinite(value).all():
            self.bad(f"{what} holds NaN or infinity")
        return value

    def classes(self, classes):
        """Labels as sklearn's ``classes_``: 1-D, distinct, sorted (as
        ``np.unique`` returns them; a prediction is ``classes_[argmax]``)."""
        self.array(classes, "classes_", "l", ndim=1)
        try:
            unique = np.unique(classes)
        except TypeError:
            self.bad("classes_ mixes labels that do not compare")
        if unique.shape != classes.shape or not (unique == classes).all():
            self.bad("classes_ is not sorted without repeats (as np.unique)")
        return classes

    def feature_names(self, state, n_features):
        names = state.get("feature_names_in_")
        if names is None:
            return
        self.array(names, "feature_names_in_", "l", ndim=1, shape=(n_features,))
        if not all(isinstance(n, str) for n in names.tolist()):
            self.bad("feature_names_in_ holds something other than strings")


# -- MLPs ----------------------------------------------------------------------------


def _layer_shapes(checks, coefs, packed):
    """(rows, cols) of every layer; each layer checked on its own."""
    if not isinstance(coefs, (list, tuple)) or not coefs:
        checks.bad("coefs_ is not a non-empty list of layers")
    shapes = []
    for i, layer in enumerate(coefs):
        what = f"coefs_[{i}]"
        if packed:
            shapes.append(_packed_layer(checks, layer, what))
        else:
            checks.array(layer, what, "f", ndim=2)
            if 0 in layer.shape:
                checks.bad(f"{what} has shape {layer.shape}, with no weights")
            shapes.append(layer.shape)
    return shapes


def _packed_layer(checks, packed, what):
    """The CSR parts of one packed layer (see the codec's ``_pack``)."""
    if not isinstance(packed, dict):
        checks.bad(f"{what} is a {type(packed).__name__}, not a packed layer")
    if set(packed) != _PACKED_KEYS:
        checks.bad(
            f"{what} has the parts {sorted(map(str, packed))}, "
            f"expected {sorted(_PACKED_KEYS)}"
        )
    shape = packed["shape"]
    if not (
        isinstance(shape, (tuple, list))
        and len(shape) == 2
        and all(
            isinstance(n, Integral) and not isinstance(n, (bool, np.bool_))
            for n in shape
        )
        and min(shape) >= 1
    ):
        checks.bad(f"{what} has shape {shape!r}, not two positive integers")
    n_rows, n_cols = (int(n) for n in shape)
    indptr = checks.array(packed["indptr"], f"{what} indptr", "i", ndim=1)
    indices = checks.array(packed["indices"], f"{what} indices", "i", ndim=1)
    data = checks.array(packed["data"], f"{what} data", "f", ndim=1)
    if indptr.shape[0] != n_rows + 1:
        checks.bad(
            f"{what} of shape ({n_rows}, {n_cols}) has {indptr.shape[0]} indptr "
            f"entries, expected {n_rows + 1}"
        )
    nnz = indices.shape[0]
    if data.shape[0] != nnz:
        checks.bad(f"{what} has {nnz} column indices but {data.shape[0]} weights")
    # as Python ints: no unsigned wrap-around in the differences
    ptr = indptr.astype(np.int64) if indptr.dtype != np.uint64 else indptr
    if int(ptr[0]) != 0 or int(ptr[-1]) != nnz:
        checks.bad(
            f"{what} indptr runs from {int(ptr[0])} to {int(ptr[-1])}, "
            f"expected 0 to {nnz} (its stored weights)"
        )
    steps = np.diff(ptr.astype(np.int64))
    if (steps < 0).any():
        checks.bad(f"{what} indptr decreases (row {int(np.argmax(steps < 0))})")
    if nnz:
        low, high = int(indices.min()), int(indices.max())
        if low < 0 or high >= n_cols:
            checks.bad(
                f"{what} has column indices from {low} to {high}, outside [0, {n_cols})"
            )
        cols = indices.astype(np.int64)
        same_row = np.repeat(np.arange(n_rows), steps)
        same_row = same_row[1:] == same_row[:-1]
        if (np.diff(cols)[same_row] <= 0).any():
            checks.bad(
                f"{what} has column indices that are not strictly increasing "
                "within a row (unsorted or repeated)"
            )
    return n_rows, n_cols


def _mlp_outputs(checks, state, classifier):
    """The number of outputs and the output activation that the targets imply."""
    n_outputs = checks.count(state["n_outputs_"], "n_outputs_")
    if not classifier:
        loss = state.get("loss", "squared_error")
        return n_outputs, "exp" if loss == "poisson" else "identity"
    checks.has(state, ["classes_", compat.LABEL_BINARIZER])
    classes = checks.classes(state["classes_"])
    lb = state[compat.LABEL_BINARIZER]
    if type(lb).__name__ != "LabelBinarizer":
        checks.bad(f"{compat.LABEL_BINARIZER} is a {type(lb).__name__}")
    lb_classes = getattr(lb, "classes_", None)
    if not (
        isinstance(lb_classes, np.ndarray)
        and lb_classes.shape == classes.shape
        and (lb_classes == classes).all()
    ):
        checks.bad("the label binarizer's classes differ from classes_")
    if (
        getattr(lb, "neg_label", None) != 0
        or getattr(lb, "pos_label", None) != 1
        or getattr(lb, "sparse_output", None) is not False
    ):
        checks.bad("the label binarizer is not the MLP's (labels 0/1, dense)")
    y_type = getattr(lb, "y_type_", None)
    n_classes = classes.shape[0]
    if y_type == "binary" and n_classes <= 2:
        implied = 1, "logistic"
    elif y_type == "multiclass" and n_classes >= 2:
        implied = n_classes, "softmax"
    elif y_type == "multilabel-indicator":
        implied = n_classes, "logistic"
    else:
        checks.bad(f"the label binarizer's y_type_ {y_type!r} with {n_classes} classes")
    if n_outputs != implied[0]:
        checks.bad(
            f"n_outputs_ is {n_outputs} but {n_classes} classes ({y_type}) need "
            f"{implied[0]} output(s)"
        )
    return implied


def check_mlp_state(state, context, *, classifier):
    """Validate a pruned (or sklearn) MLP's fitted state.

    ``state`` is what ``__getstate__`` returns: ``coefs_`` as packed CSR
    layers when ``state['_coefs_packed']`` is true, else full arrays (with
    ``masks_`` of the same shapes, if present). An unfitted state (no
    attribute ending in '_') passes.
    """
    checks = _Checks(context)
    fitted = (
        "coefs_",
        "intercepts_",
        "n_features_in_",
        "n_outputs_",
        "n_layers_",
        "out_activation_",
    )
    if not checks.fitted(state):
        return
    checks.has(state, fitted)
    packed = bool(state.get("_coefs_packed", False))
    shapes = _layer_shapes(checks, state["coefs_"], packed)
    n_features = checks.count(state["n_features_in_"], "n_features_in_")
    n_outputs, out_activation = _mlp_outputs(checks, state, classifier)
    if shapes[0][0] != n_features:
        checks.bad(
            f"the first layer has {shapes[0][0]} inputs but n_features_in_ is "
            f"{n_features}"
        )
    for i in range(1, len(shapes)):
        if shapes[i][0] != shapes[i - 1][1]:
            checks.bad(
                f"coefs_[{i - 1}] has {shapes[i - 1][1]} outputs but coefs_[{i}] "
                f"has {shapes[i][0]} inputs"
            )
    if shapes[-1][1] != n_outputs:
        checks.bad(
            f"the last layer has {shapes[-1][1]} outputs but the model has "
            f"{n_outputs} (n_outputs_)"
        )
    n_layers = checks.count(state["n_layers_"], "n_layers_", low=2)
    if n_layers != len(shapes) + 1:
        checks.bad(f"n_layers_ is {n_layers} for {len(shapes)} weight layers")
    intercepts = state["intercepts_"]
    if not isinstance(intercepts, (list, tuple)) or len(intercepts) != len(shapes):
        checks.bad(f"intercepts_ is not a list of {len(shapes)} arrays")
    for i, (b, shape) in enumerate(zip(intercepts, shapes)):
        checks.array(b, f"intercepts_[{i}]", "f", ndim=1, shape=(shape[1],))
    dtypes = {np.asarray(b).dtype for b in intercepts} | {
        np.asarray(layer["data"] if packed else layer).dtype
        for layer in state["coefs_"]
    }
    if len(dtypes) > 1:
        checks.bad(f"the weights mix dtypes {sorted(d.name for d in dtypes)}")
    masks = state.get("masks_")
    if masks is not None and not packed:
        if not isinstance(masks, (list, tuple)) or len(masks) != len(shapes):
            checks.bad(f"masks_ is not a list of {len(shapes)} arrays")
        for i, (m, c) in enumerate(zip(masks, state["coefs_"])):
            checks.array(m, f"masks_[{i}]", "b", shape=c.shape)
            if (c[~m] != 0).any():
                checks.bad(f"coefs_[{i}] has non-zero weights where masks_ is False")
    out = state["out_activation_"]
    if out not in OUTPUT_ACTIVATIONS:
        checks.bad(f"out_activation_={out!r} is not one of {list(OUTPUT_ACTIVATIONS)}")
    if out != out_activation:
        checks.bad(
            f"out_activation_ is {out!r} where the targets need {out_activation!r}"
        )
    for key in ("activation", "_network_activation"):
        if key in state and state[key] not in HIDDEN_ACTIVATIONS:
            checks.bad(f"{key}={state[key]!r} is not one of {list(HIDDEN_ACTIVATIONS)}")
    checks.feature_names(state, n_features)


# -- sparse SGD models ----------------------------------------------------------------


def check_sgd_state(state, context, *, classifier):
    """Validate a sparse SGD regressor's or classifier's fitted state."""
    checks = _Checks(context)
    if not checks.fitted(state):
        return
    names = ["coef_", "intercept_", "n_features_in_", "support_"]
    checks.has(state, names + (["classes_"] if classifier else []))
    n_features = checks.count(state["n_features_in_"], "n_features_in_")
    n_rows = 1
    if classifier:
        classes = checks.classes(state["classes_"])
        if classes.shape[0] < 2:
            checks.bad(f"classes_ has {classes.shape[0]} label(s), not at least 2")
        n_rows = 1 if classes.shape[0] == 2 else classes.shape[0]
    coef = state["coef_"]
    shape = (n_rows, n_features) if classifier else (n_features,)
    # one row may also be flat (a binary classifier's averaging state) or a
    # single row (a regressor's coef_ after sklearn's sparsify())
    shapes = {shape, (n_rows, n_features)} | ({(n_features,)} if n_rows == 1 else set())
    if sparse.issparse(coef):  # after sklearn's sparsify()
        coef = coef.toarray()
        checks.array(coef, "coef_", "f")
    else:
        checks.array(coef, "coef_", "f")
    if coef.shape not in shapes:
        checks.bad(f"coef_ has shape {coef.shape}, expected {shape}")
    checks.array(state["intercept_"], "intercept_", "f", ndim=1, shape=(n_rows,))
    support = checks.array(state["support_"], "support_", "b", shape=(n_features,))
    if (np.atleast_2d(coef)[:, ~support] != 0).any():
        checks.bad("coef_ has non-zero coefficients outside support_")
    for name in compat.SGD_AVERAGE_COEFS:
        if state.get(name) is not None:
            checks.array(state[name], name, "f")
            if state[name].shape not in shapes:
                checks.bad(f"{name} has shape {state[name].shape}, expected {shape}")
    for name in compat.SGD_AVERAGE_INTERCEPTS:
        if state.get(name) is not None:
            checks.array(state[name], name, "f", shape=(n_rows,))
    checks.feature_names(state, n_features)


# -- feature selection -------------------------------------------------------------


def check_selector_state(state, context):
    """Validate a :class:`~skprune.PruneSparsifyTransformer`'s fitted state."""
    checks = _Checks(context)
    if not checks.fitted(state):
        return
    checks.has(
        state, ["support_", "n_features_in_", "scores_", "density_", "sparse_output_"]
    )
    n_features = checks.count(state["n_features_in_"], "n_features_in_")
    checks.array(state["support_"], "support_", "b", shape=(n_features,))
    checks.array(state["scores_"], "scores_", "f", shape=(n_features,))
    if not isinstance(state["sparse_output_"], (bool, np.bool_)):
        checks.bad(f"sparse_output_ is {state['sparse_output_']!r}, not a bool")
    density = state["density_"]
    if not (
        isinstance(density, Real)
        and not isinstance(density, (bool, np.bool_))
        and 0 <= density <= 1
    ):
        checks.bad(f"density_ is {density!r}, not a fraction in [0, 1]")
    inner = state.get("estimator_")
    seen = getattr(inner, "n_features_in_", None)
    if inner is not None and seen is not None and seen != n_features:
        checks.bad(
            f"estimator_ saw {seen!r} features but n_features_in_ is {n_features}"
        )
    checks.feature_names(state, n_features)


# -- the load sequence ---------------------------------------------------------------


def load_state(estimator, state, set_state, check, *, unpack=False, **kwargs):
    """Set a state read from outside: ``state`` expanded (its histories),
    checked by ``check(state, context, **kwargs)`` (one of the functions
    above), its packed layers expanded if ``unpack`` (an MLP's), set with
    ``set_state`` (the parent's ``__setstate__``), then the parameters
    checked (:func:`check_params`). Returns the state as set."""
    state = expand_state(state)
    context = load_context(type(estimator).__name__)
    check(state, context, **kwargs)
    if unpack:
        state = unpack_network(state)
    set_state(state)
    check_params(estimator, context)
    return state


# -- parameters ----------------------------------------------------------------------


def check_params(estimator, context):
    """The loaded constructor parameters: all present, within the class's
    constraints."""
    missing = [
        name
        for name in compat.param_names(type(estimator))
        if name not in vars(estimator)
    ]
    if missing:
        raise ValueError(f"{context}: it lacks the parameters {missing}.")
    try:
        compat.validate_params(estimator)
    except compat.InvalidParameterError as exc:
        raise ValueError(f"{context}: {exc}") from None
