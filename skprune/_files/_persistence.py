"""Compact state for files: per-epoch and per-step histories as one JSON text.

Fitted estimators carry histories (``loss_curve_``, ``validation_scores_``,
``pruning_history_``, ...) that are Python lists of scalars or of small dicts.
pickle stores them well enough, but skops writes every element as its own node
(a JSON object of ~140 bytes per float, a separate ``.npy`` file per numpy
scalar), so a 300-epoch loss curve alone outweighs a 95%-pruned network.
:func:`compact_state` replaces the listed attributes by one JSON string (a
single, safe node for skops; json never builds anything but dicts, lists, str
and numbers) and :func:`expand_state` gives back exactly what the user saw:
lists stay lists, tuples tuples, numpy scalars numpy scalars of the same dtype,
``None``/``bool``/``int``/``float``/``str`` themselves, NaN and infinities
included. An attribute holding anything else is left as it is.

>>> import numpy as np
>>> state = {"loss_curve_": [np.float64(0.5), np.float64(0.25)],
...          "pruning_history_": [{"step": 0, "loss": None, "accepted": True}],
...          "coefs_": [np.zeros(2)]}
>>> packed = compact_state(state, ("loss_curve_", "pruning_history_"))
>>> sorted(packed)
['_compact_json', 'coefs_']
>>> back = expand_state(packed)
>>> back["loss_curve_"] == state["loss_curve_"], type(back["loss_curve_"][0])
(True, <class 'numpy.float64'>)
>>> back["pruning_history_"]
[{'step': 0, 'loss': None, 'accepted': True}]
"""

import json

import numpy as np

_KEY = "_compact_json"
_PLAIN = (type(None), bool, int, float, str)
_NUMPY_KINDS = "biuf"  # numpy scalar kinds that are stored (bool, ints, floats)


class _NotCompactable(TypeError):
    pass


def _numpy_scalar(value):
    return isinstance(value, np.generic) and value.dtype.kind in _NUMPY_KINDS


def _encode(value):
    if type(value) in _PLAIN:
        return value
    if _numpy_scalar(value):
        return {"$np": value.dtype.str, "v": value.item()}
    if type(value) is list:
        # a homogeneous list of numpy scalars (sklearn's loss_curve_): one dtype tag
        if value and all(_numpy_scalar(v) and v.dtype == value[0].dtype for v in value):
            return {"$npl": value[0].dtype.str, "v": [v.item() for v in value]}
        return [_encode(v) for v in value]
    if type(value) is tuple:
        return {"$t": [_encode(v) for v in value]}
    if type(value) is dict and all(
        type(k) is str and not k.startswith("$") for k in value
    ):
        return {k: _encode(v) for k, v in value.items()}
    raise _NotCompactable(type(value).__name__)


def _numpy_type(code):
    dtype = np.dtype(code)
    if dtype.kind not in _NUMPY_KINDS:
        raise ValueError(f"unexpected dtype {code!r} in a compact history")
    return dtype.type


def _decode(value):
    if type(value) is list:
        return [_decode(v) for v in value]
    if type(value) is dict:
        if "$np" in value:
            return _numpy_type(value["$np"])(value["v"])
        if "$npl" in value:
            scalar = _numpy_type(value["$npl"])
            return [scalar(v) for v in value["v"]]
        if "$t" in value:
            return tuple(_decode(v) for v in value["$t"])
        return {k: _decode(v) for k, v in value.items()}
    return value


def compact_state(state, names):
    """A copy of ``state`` with the attributes ``names`` packed into one JSON text.

    Attributes that are absent, or hold something other than (nested) lists,
    tuples, str-keyed dicts and bool/int/float/str/None/numpy scalars, are left
    as they are.
    """
    state = dict(state)
    packed = {}
    for name in names:
        if name not in state:
            continue
        try:
            packed[name] = _encode(state[name])
        except _NotCompactable:
            continue
        del state[name]
    if packed:
        state[_KEY] = json.dumps(packed, separators=(",", ":"))
    return state


def expand_state(state):
    """A copy of ``state`` with what :func:`compact_state` packed restored."""
    state = dict(state)
    if _KEY not in state:
        return state
    for name, value in json.loads(state.pop(_KEY)).items():
        state[name] = _decode(value)
    return state
