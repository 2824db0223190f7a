"""skprune: scikit-learn estimators that prune and sparsify inside ``fit``."""

from ._show_versions import show_versions
from .exceptions import PruningConvergenceWarning
from .feature_selection import PruneSparsifyTransformer
from .linear_model import SparseSGDClassifier, SparseSGDRegressor
from .neural_network import PrunedMLPClassifier, PrunedMLPRegressor

__version__ = "0.1.0"

__all__ = [
    "PruneSparsifyTransformer",
    "PrunedMLPClassifier",
    "PrunedMLPRegressor",
    "PruningConvergenceWarning",
    "SparseSGDClassifier",
    "SparseSGDRegressor",
    "__version__",
    "show_versions",
]
