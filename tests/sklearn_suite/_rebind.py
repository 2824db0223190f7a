"""skprune's estimators under scikit-learn's class names, for the vendored tests.

The vendored test files import ``MLPClassifier``, ``MLPRegressor`` and
``linear_model`` from here instead of from scikit-learn. The classes below are
thin subclasses of skprune's estimators whose only change is the defaults of
the current *mode* (set per test by the ``skprune_mode`` fixture of
``conftest.py``):

- ``'dense'``: ``prune_ratio=0`` (and ``refit=False`` for the SGD estimators):
  skprune must behave exactly like scikit-learn;
- ``'pruned'``: ``prune_ratio=0.5`` with every other pruning parameter at its
  default: skprune must still honour scikit-learn's contract while pruning;
- ``'reference'`` (only with ``SKPRUNE_SKLEARN_SUITE=reference``): the names are
  scikit-learn's own classes, to check which vendored tests the *installed*
  scikit-learn passes (see ``conftest.py``).

A parameter the test passes explicitly always wins over the mode default, and
``get_params``/``clone`` see the mode's values as ordinary parameters. The
classes live in an importable module so that pickle/joblib can find them.
"""

import inspect
import os
import types

import sklearn.linear_model as _sk_linear_model
import sklearn.neural_network as _sk_neural_network

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    SparseSGDClassifier,
    SparseSGDRegressor,
)

REFERENCE = os.environ.get("SKPRUNE_SKLEARN_SUITE", "") == "reference"

MODE_DEFAULTS = {
    "dense": {
        "mlp": {"prune_ratio": 0.0},
        "sgd": {"prune_ratio": 0.0, "refit": False},
    },
    "pruned": {
        "mlp": {"prune_ratio": 0.5},
        "sgd": {"prune_ratio": 0.5},
    },
}

_mode = {"name": "dense"}


def set_mode(name):
    """Select the defaults of the rebound classes (``'dense'``/``'pruned'``)."""
    if name not in MODE_DEFAULTS:
        raise ValueError(f"unknown mode {name!r}")
    _mode["name"] = name


def current_mode():
    return "reference" if REFERENCE else _mode["name"]


def _rebound(base, name, family):
    """Subclass of ``base`` named ``name`` whose defaults follow the mode."""
    signature = inspect.signature(base.__init__)

    def __init__(self, *args, **kwargs):
        for key, value in MODE_DEFAULTS[_mode["name"]][family].items():
            kwargs.setdefault(key, value)
        base.__init__(self, *args, **kwargs)

    # sklearn reads the parameter names from the signature of __init__
    __init__.__signature__ = signature
    return type(name, (base,), {"__init__": __init__, "__module__": __name__})


if REFERENCE:
    MLPClassifier = _sk_neural_network.MLPClassifier
    MLPRegressor = _sk_neural_network.MLPRegressor
    linear_model = _sk_linear_model
else:
    MLPClassifier = _rebound(PrunedMLPClassifier, "MLPClassifier", "mlp")
    MLPRegressor = _rebound(PrunedMLPRegressor, "MLPRegressor", "mlp")
    SGDRegressor = _rebound(SparseSGDRegressor, "SGDRegressor", "sgd")
    SGDClassifier = _rebound(SparseSGDClassifier, "SGDClassifier", "sgd")

    # ``sklearn.linear_model`` with SGDRegressor and SGDClassifier replaced by
    # ours; every other name (SGDOneClassSVM, ElasticNet, ...) is
    # scikit-learn's own.
    linear_model = types.ModuleType("linear_model", _sk_linear_model.__doc__)
    linear_model.__dict__.update(
        {k: v for k, v in vars(_sk_linear_model).items() if not k.startswith("__")}
    )
    linear_model.SGDRegressor = SGDRegressor
    linear_model.SGDClassifier = SGDClassifier
