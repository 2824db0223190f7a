"""skprune: scikit-learn estimators that prune and sparsify inside ``fit``.

Map (where to add what: ``CONTRIBUTING.md``)::

    neural_network, linear_model, feature_selection   the estimators
    inspection, model_selection, io, onnx, exceptions public helpers
    criteria          read-only re-export of the criteria registries
    _sklearn_compat   the only importer of private scikit-learn names
    _docstring        shared docstring parts (Substitution), doc links
    _show_versions, _optional   show_versions(); optional-dependency messages
    _pruning/         wing 1: driver, adapter contract and adapters, Recipe,
                      schedules, masks, rollback, criteria registries
    _serving/         wing 2: compressed network, compiled kernels (numba,
                      imported at the first predict), IR, cost model
    _files/           wing 3: compact codec, check of loaded state, skops types

Data flows down: public modules -> wings -> ``_sklearn_compat``.
"""

from ._show_versions import show_versions
from .exceptions import PruningConvergenceWarning, PruningShortfallWarning
from .feature_selection import PruneSparsifyTransformer
from .linear_model import SparseSGDClassifier, SparseSGDRegressor
from .neural_network import PrunedMLPClassifier, PrunedMLPRegressor

__version__ = "0.1.0"

__all__ = [
    "PruneSparsifyTransformer",
    "PrunedMLPClassifier",
    "PrunedMLPRegressor",
    "PruningConvergenceWarning",
    "PruningShortfallWarning",
    "SparseSGDClassifier",
    "SparseSGDRegressor",
    "__version__",
    "show_versions",
]
