"""Wing 3, files: what a pickle, joblib or skops file of an estimator holds.

- :mod:`._codec`: the compact codec of a pruned network (masked layers as
  CSR parts);
- :mod:`._validate`: the one validation of a fitted state skprune did not
  compute itself (a file's, or ``from_estimator``'s source):
  :func:`check_mlp_state`, :func:`check_sgd_state`,
  :func:`check_selector_state`, :func:`check_params`;
- :mod:`._persistence`: histories as one JSON text (:func:`compact_state`,
  :func:`expand_state`);
- :mod:`._skops`: :data:`TRUSTED_TYPES`, the skprune types a skops file may
  hold (``skprune.io`` loads with exactly that list).
"""

from ._codec import pack_network, unpack_network
from ._persistence import compact_state, expand_state
from ._skops import TRUSTED_TYPES
from ._validate import (
    check_mlp_state,
    check_params,
    check_selector_state,
    check_sgd_state,
    load_context,
    load_state,
)

__all__ = [
    "TRUSTED_TYPES",
    "check_mlp_state",
    "check_params",
    "check_selector_state",
    "check_sgd_state",
    "compact_state",
    "expand_state",
    "load_context",
    "load_state",
    "pack_network",
    "unpack_network",
]
