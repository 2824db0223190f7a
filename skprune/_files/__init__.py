"""Wing 3, files: what a pickle, joblib or skops file of an estimator holds.

- :mod:`._codec`: the compact codec of a pruned network (masked layers as
  CSR parts) and :func:`check_packed_state`, the check of a loaded network;
- :mod:`._persistence`: histories as one JSON text (:func:`compact_state`,
  :func:`expand_state`);
- :mod:`._skops`: :data:`TRUSTED_TYPES`, the skprune types a skops file may
  hold (``skprune.io`` loads with exactly that list).
"""

from ._codec import check_packed_state, pack_network, unpack_network
from ._persistence import compact_state, expand_state
from ._skops import TRUSTED_TYPES

__all__ = [
    "TRUSTED_TYPES",
    "check_packed_state",
    "compact_state",
    "expand_state",
    "pack_network",
    "unpack_network",
]
