"""Wall time of one GridSearchCV over pruning parameters, by parallel set-up.

The same search (900 digits, PrunedMLPClassifier(32), 4 prune ratios x 3
folds = 12 fits, lbfgs) run sequentially, with joblib's threading and loky
backends, and on a Dask LocalCluster of worker processes, each with one BLAS
thread per worker and with BLAS's default (one thread per core). Rounds are
interleaved; each set-up is warmed up once (loky's workers, the Dask cluster's
imports) and then timed ``--repeats`` times; the table shows medians and the
ratio to the sequential one-thread run. Every run must choose the same
parameters (checked).

    python benchmarks/bench_scale_out.py              # 3 repeats, ~2 min idle
    python benchmarks/bench_scale_out.py --repeats 5

Needs ``skprune[dask]``. On a shared machine the absolute times move with the
load, so the load average is recorded with the results.
"""

import argparse
import contextlib
import json
import os
import platform
import time
import warnings
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

import skprune
from skprune import PrunedMLPClassifier
from skprune.model_selection import sparsest_within

RESULTS = Path(__file__).parent / "results" / "bench_scale_out.json"
N_CPU = os.cpu_count()
BLAS_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def make_search(n_jobs=None):
    return GridSearchCV(
        PrunedMLPClassifier(
            hidden_layer_sizes=(32,),
            solver="lbfgs",
            max_iter=60,
            n_prune_steps=2,
            finetune_iter=5,
            random_state=0,
        ),
        {"prune_ratio": [0.5, 0.8, 0.9, 0.95]},
        cv=3,
        refit=sparsest_within(),
        n_jobs=n_jobs,
    )


@contextlib.contextmanager
def dask_cluster(blas_threads):
    """A LocalCluster whose worker processes start with ``blas_threads``.

    The nanny sets ``distributed.nanny.pre-spawn-environ`` before spawning a
    worker, but a variable already in ``os.environ`` wins (and spawning leaves
    it there), so both are set here, and ``os.environ`` is restored after.
    """
    import dask
    from distributed import Client, LocalCluster

    saved = {name: os.environ.get(name) for name in BLAS_ENV}
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
    environ.update({name: blas_threads for name in BLAS_ENV})
    os.environ.update({name: blas_threads for name in BLAS_ENV})
    try:
        with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
            with (
                LocalCluster(
                    n_workers=N_CPU,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                ) as cluster,
                Client(cluster) as client,
            ):
                yield client
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def setups():
    """name -> context manager factory and n_jobs; each runs the search."""
    return {
        "sequential, BLAS default": (contextlib.nullcontext, None),
        "sequential, 1 BLAS thread": (lambda: threadpool_limits(1), None),
        f"threading x{N_CPU}, BLAS default": (
            lambda: joblib.parallel_backend("threading", n_jobs=N_CPU),
            None,
        ),
        f"threading x{N_CPU}, 1 BLAS thread": (
            lambda: _both(
                threadpool_limits(1), joblib.parallel_backend("threading", n_jobs=N_CPU)
            ),
            None,
        ),
        f"loky x{N_CPU} (joblib limits BLAS)": (contextlib.nullcontext, N_CPU),
    }


@contextlib.contextmanager
def _both(first, second):
    with first, second:
        yield


def timed(context, n_jobs, X, y):
    with context():
        tic = time.perf_counter()
        search = make_search(n_jobs).fit(X, y)
        return time.perf_counter() - tic, search.best_params_


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = load_digits(return_X_y=True)
    X, y = X[:900] / 16.0, y[:900]
    times, chosen = {}, set()

    runs = setups()
    for context, n_jobs in runs.values():  # warm-up
        chosen.add(str(timed(context, n_jobs, X, y)[1]))
    for repeat in range(args.repeats):
        for name, (context, n_jobs) in runs.items():
            seconds, best = timed(context, n_jobs, X, y)
            times.setdefault(name, []).append(seconds)
            chosen.add(str(best))
            print(f"round {repeat + 1}: {name}: {seconds:.2f} s", flush=True)
    for label, blas in [("1 BLAS thread", "1"), ("BLAS default", str(N_CPU))]:
        name = f"Dask {N_CPU} worker processes, {label}"
        with dask_cluster(blas) as client:
            assert set(
                client.run(lambda: os.environ["OPENBLAS_NUM_THREADS"]).values()
            ) == {blas}
            backend = lambda: joblib.parallel_backend("dask")  # noqa: E731
            chosen.add(str(timed(backend, None, X, y)[1]))
            for _ in range(args.repeats):
                seconds, best = timed(backend, None, X, y)
                times.setdefault(name, []).append(seconds)
                chosen.add(str(best))
                print(f"{name}: {seconds:.2f} s", flush=True)
    assert len(chosen) == 1, chosen

    reference = np.median(times["sequential, 1 BLAS thread"])
    load = os.getloadavg()
    print(
        f"\nGridSearchCV, 12 fits, 900 digits; {N_CPU} CPUs; load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; chosen {chosen.pop()}\n"
    )
    print("| set-up | median wall s | time vs sequential, 1 BLAS thread |")
    print("|---|---|---|")
    rows = []
    for name, values in times.items():
        median = float(np.median(values))
        rows.append(
            {
                "setup": name,
                "seconds": values,
                "median_s": median,
                "ratio": median / reference,
            }
        )
        print(f"| {name} | {median:.2f} | {median / reference:.2f}x |")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "rows": rows,
                "repeats": args.repeats,
                "cpus": N_CPU,
                "load_average": load,
                "python": platform.python_version(),
                "sklearn": sklearn.__version__,
                "numpy": np.__version__,
                "joblib": joblib.__version__,
                "skprune": skprune.__version__,
            },
            indent=2,
        )
    )
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
