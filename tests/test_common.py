"""scikit-learn's common estimator checks over several pruning settings."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skprune import PrunedMLPClassifier, PrunedMLPRegressor

# No expected failures: every check sklearn runs on MLPClassifier/MLPRegressor
# passes for each setting, including the sample-weight equivalence checks.


def _settings(cls):
    common = dict(max_iter=100, random_state=0, n_prune_steps=2, finetune_iter=5)
    return [
        cls(solver="lbfgs", prune_ratio=0.5, **common),
        cls(solver="adam", prune_ratio=0.8, prune_criterion="gradient", **common),
        cls(
            solver="lbfgs",
            prune_granularity="neuron",
            prune_criterion="entropy",
            prune_ratio=0.5,
            **common,
        ),
        cls(
            solver="adam",
            prune_granularity="neuron",
            prune_criterion="magnitude",
            prune_scope="layer",
            prune_ratio=0.3,
            **common,
        ),
    ]


@parametrize_with_checks(
    _settings(PrunedMLPClassifier) + _settings(PrunedMLPRegressor)
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
