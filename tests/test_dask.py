"""Searches over pruning parameters on a real Dask cluster equal the local run.

Needs the optional extra ``skprune[dask]`` (``dask[distributed]``), which the
``test`` extra also installs so that CI runs these tests. The cluster has two
worker *processes*: the estimator, the data and the refit rule travel to them
pickled, and skprune is imported there afresh.
"""

import faulthandler
import os
import re

import joblib
import numpy as np
import pytest
from scipy.stats import uniform
from sklearn.datasets import load_digits, make_regression
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from threadpoolctl import threadpool_limits

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune.model_selection import sparsest_within

distributed = pytest.importorskip("distributed")

# starts a local Dask cluster
pytestmark = pytest.mark.slow

# hard limit for the whole module: a hung cluster fails the run loudly instead
# of stalling CI (tracebacks of every thread are printed first)
TIMEOUT_S = 300

# a second "score" that records which process ran each fit (a lambda, so that
# it travels to the workers by value: this test module is not importable there)
PID_SCORER = lambda estimator, X, y: os.getpid()  # noqa: E731

SMALL = dict(
    hidden_layer_sizes=(16,),
    solver="lbfgs",
    max_iter=40,
    n_prune_steps=2,
    finetune_iter=5,
    random_state=0,
)


@pytest.fixture(scope="module")
def client():
    faulthandler.dump_traceback_later(TIMEOUT_S, exit=True)
    try:
        with (
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster, timeout=60) as client,
        ):
            client.wait_for_workers(2, timeout=60)
            yield client
    finally:
        faulthandler.cancel_dump_traceback_later()


def run_both(client, make_search, X, y):
    """The same search locally (1 BLAS thread, like Dask's workers) and on
    Dask; checks that every fit of the Dask run happened in a worker process."""
    with threadpool_limits(1):
        local = make_search().fit(X, y)
    with joblib.parallel_backend("dask", wait_for_workers_timeout=60):
        remote = make_search().fit(X, y)
    worker_pids = set(client.run(os.getpid).values())
    assert os.getpid() not in worker_pids
    pids = lambda search: {  # noqa: E731
        int(v)
        for k, col in search.cv_results_.items()
        if re.fullmatch(r"split\d+_test_pid", k)
        for v in col
    }
    assert pids(local) == {os.getpid()}
    assert pids(remote) and pids(remote) <= worker_pids
    return local, remote


def assert_same_results(local, remote, metric):
    assert local.cv_results_["params"] == remote.cv_results_["params"]
    split_keys = [
        k for k in local.cv_results_ if re.fullmatch(rf"split\d+_test_{metric}", k)
    ]
    assert len(split_keys) == 3
    for key in split_keys + [f"mean_test_{metric}", f"rank_test_{metric}"]:
        np.testing.assert_allclose(
            remote.cv_results_[key],
            local.cv_results_[key],
            rtol=1e-9,
            atol=0,
            err_msg=key,
        )
    assert remote.best_index_ == local.best_index_
    assert remote.best_params_ == local.best_params_


def test_grid_search_on_dask_equals_local(client):
    X, y = load_digits(return_X_y=True)
    X, y = X[:450] / 16.0, y[:450]
    grid = {"prune_ratio": [0.0, 0.5, 0.9], "prune_criterion": ["magnitude", "entropy"]}

    def search():
        return GridSearchCV(
            PrunedMLPClassifier(**SMALL),
            grid,
            cv=3,
            scoring={"accuracy": "accuracy", "pid": PID_SCORER},
            refit=sparsest_within(metric="accuracy"),
        )

    local, remote = run_both(client, search, X, y)
    assert_same_results(local, remote, "accuracy")
    best = remote.best_estimator_
    assert best.sparsity_ >= best.prune_ratio - 0.01
    np.testing.assert_array_equal(best.predict(X), local.best_estimator_.predict(X))


def test_randomized_search_on_dask_equals_local(client):
    X, y = make_regression(n_samples=300, n_features=10, noise=5.0, random_state=0)
    y = y / np.std(y)
    distributions = {
        "prune_ratio": uniform(0.0, 0.95),
        "prune_granularity": ["weight", "neuron"],
    }

    def search():
        return RandomizedSearchCV(
            PrunedMLPRegressor(**SMALL),
            distributions,
            n_iter=5,
            cv=3,
            random_state=0,
            scoring={"r2": "r2", "pid": PID_SCORER},
            refit="r2",
        )

    local, remote = run_both(client, search, X, y)
    assert_same_results(local, remote, "r2")
    # continuous scores (R^2): equal to float precision, not just in rank
    assert len(np.unique(local.cv_results_["mean_test_r2"])) == 5
    np.testing.assert_allclose(
        remote.best_estimator_.predict(X), local.best_estimator_.predict(X), rtol=1e-9
    )
