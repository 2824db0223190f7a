"""The skprune types a skops file may hold.

skops trusts only scikit-learn's (and numpy's, scipy's) types by default and
offers no way for a third-party library to register its own, so skprune ships
the list and :func:`skprune.io.load` passes exactly that list. A new
estimator adds its fully qualified name here.
"""

#: Fully qualified names of the types :func:`skprune.io.load` trusts on top of
#: skops' defaults: skprune's estimators.
TRUSTED_TYPES = (
    "skprune.neural_network.PrunedMLPClassifier",
    "skprune.neural_network.PrunedMLPRegressor",
    "skprune.linear_model.SparseSGDRegressor",
    "skprune.linear_model.SparseSGDClassifier",
    "skprune.feature_selection.PruneSparsifyTransformer",
)
