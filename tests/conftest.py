"""Test-session settings shared by every test module.

Tests are grouped by what they test: the public modules and the tables that
cover every estimator here, the wings in ``pruning/``, ``serving/`` and
``files/``. Slow tests carry the ``slow`` marker (registered below).

The tests train small networks on small data, where a multi-threaded BLAS only
adds overhead, and on a shared 2-core machine it can make a fit 10x slower
(seen: a 10-unit fixture took 17 s instead of 1.4 s). One BLAS thread for the
whole session, and for any subprocess a test starts.
"""

import os

import pytest
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

_BLAS_LIMITS = threadpool_limits(limits=1)


def pytest_report_header(config):
    import skprune

    return f"skprune {skprune.__version__} from {os.path.dirname(skprune.__file__)}"


def pytest_configure(config):
    # `python -m pytest -m "not slow"` for a quick run; CI runs everything
    config.addinivalue_line(
        "markers",
        "slow: takes tens of seconds or more (quality on digits, a Dask "
        "cluster, hypothesis property runs); left out by -m 'not slow'",
    )
    # CI's installed-copy run (.ci/installed) sets this: the suite must test the
    # wheel installed in site-packages, never a source tree on sys.path
    if os.environ.get("SKPRUNE_TEST_INSTALLED") == "1":
        import skprune

        where = os.path.dirname(skprune.__file__)
        if "site-packages" not in where.split(os.sep):
            raise pytest.UsageError(f"skprune was imported from {where}, not installed")


@pytest.fixture(scope="session")
def digits():
    """sklearn's digits (1,797 x 64), scaled to [0, 1]: ``X, y``.

    Shared by the whole session (test modules take their part of it, e.g.
    ``X[:600]``), so the arrays are read-only: a test that writes into them
    fails instead of changing the data of every later test.
    """
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X.flags.writeable = False
    y.flags.writeable = False
    return X, y


@pytest.fixture(scope="session")
def digits_split(digits):
    """digits, stratified 75/25 train/test split (``random_state=0``)."""
    from sklearn.model_selection import train_test_split

    X, y = digits
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
