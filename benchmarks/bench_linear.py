"""Sparse linear models: support recovery, accuracy, fit and predict time, streaming.

1. **The case** (issue 5): ``make_regression(n_samples=20000, n_features=1000,
   n_informative=20, noise=5, random_state=0)``, features standardized on the
   training part, 75/25 split. Support F1 (against the true non-zero
   coefficients), test R^2, non-zeros and fit time of ``SparseSGDRegressor``
   (default parameters, and each criterion) vs ``SGDRegressor(penalty='l1')``
   at several alphas vs ``LassoCV``. Fit times: one BLAS thread, median over
   ``--repeats`` fits, all models in one process, interleaved.
2. **Other shapes** of the same problem (informative count, feature count,
   sample count, noise, correlated features through ``effective_rank``, other
   seeds): the default ``SparseSGDRegressor`` vs ``LassoCV``.
3. **Streaming**: 2,000,000 rows x 1,000 features generated chunk by chunk; the
   first chunk is given to ``fit`` (which finds the support), the rest to
   ``partial_fit``. Runs in a fresh subprocess that reports its peak resident
   memory (``VmHWM``; ``getrusage`` max RSS off Linux) and the peak of
   Python/numpy allocations (``tracemalloc``); a dense X would need 16 GB. The
   same stream is fed to
   ``SGDRegressor(penalty='l1').partial_fit`` for comparison.
4. **predict**: ``SparseSGDRegressor.predict`` vs ``SGDRegressor.predict`` on the
   same (zero-filled) coefficients, dense and CSR ``X``, with sklearn's input
   check and under ``assume_finite=True``, at several support densities (this
   is where ``skprune._serving._linear.GATHER_DENSITY`` comes from).

    python benchmarks/bench_linear.py            # everything, ~30 min on 2 cores
    python benchmarks/bench_linear.py --quick    # 1 repeat, 3 shapes, 200k rows
    python benchmarks/bench_linear.py --parts streaming,predict  # re-run parts

Writes ``benchmarks/results/linear.json`` and prints markdown tables.
"""

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy import sparse
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LassoCV, LinearRegression, SGDRegressor
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import skprune
from skprune import SparseSGDRegressor

CASE = dict(
    n_samples=20000, n_features=1000, n_informative=20, noise=5.0, random_state=0
)
ALPHAS = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
SHAPES = [
    dict(random_state=1),
    dict(random_state=2),
    dict(random_state=3),
    dict(n_informative=5),
    dict(n_informative=50),
    dict(n_informative=100),
    dict(noise=1.0),
    dict(noise=20.0),
    dict(noise=50.0),
    dict(n_features=200),
    dict(n_samples=10000, n_features=2000),
    dict(n_samples=5000),
    dict(n_samples=2000),
    # correlated features; noise scaled to the signal (std ~0.6 and ~1.0)
    dict(effective_rank=50, noise=0.05),
    dict(effective_rank=200, noise=0.05),
]
QUICK_SHAPES = [
    dict(n_informative=50),
    dict(noise=50.0),
    dict(effective_rank=200, noise=0.05),
]
STREAM = dict(
    n_rows=2_000_000, n_features=1000, n_informative=20, noise=5.0, chunk=10_000, seed=0
)
MEMORY_LIMIT_MB = 500
DENSITIES = [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5]


def _split(shape, effects=False):
    """Standardized 75/25 split; optionally each coefficient's effect c^2 / sigma^2.

    The effect is the share of the noise variance that feature explains:
    ``(coef_j std(x_j))^2 / noise^2``, what removing it adds to the error.
    """
    params = {**CASE, **shape}
    X, y, coef = make_regression(coef=True, **params)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0)
    scaler = StandardScaler().fit(X_tr)
    out = scaler.transform(X_tr), scaler.transform(X_te), y_tr, y_te, coef != 0
    if effects:
        out += ((coef * scaler.scale_) ** 2 / params["noise"] ** 2,)
    return out


def _row(name, model, X_te, y_te, true, seconds):
    coef = np.ravel(model.coef_)
    return {
        "model": name,
        "support_f1": float(f1_score(true, coef != 0)),
        "r2": float(model.score(X_te, y_te)),
        "nnz": int(np.count_nonzero(coef)),
        "fit_seconds": float(np.median(seconds)),
        "fit_seconds_all": [float(s) for s in seconds],
    }


def _models():
    yield (
        "SparseSGDRegressor(random_state=0)",
        lambda: SparseSGDRegressor(random_state=0),
    )
    for criterion in ["gradient", "entropy"]:
        yield (
            f"SparseSGDRegressor(prune_criterion='{criterion}')",
            lambda c=criterion: SparseSGDRegressor(prune_criterion=c, random_state=0),
        )
    for alpha in ALPHAS:
        yield (
            f"SGDRegressor(penalty='l1', alpha={alpha:g})",
            lambda a=alpha: SGDRegressor(penalty="l1", alpha=a, random_state=0),
        )
    yield "LassoCV()", lambda: LassoCV(random_state=0)


def bench_case(repeats):
    X_tr, X_te, y_tr, y_te, true = _split({})
    models = list(_models())
    seconds = {name: [] for name, _ in models}
    fitted = {}
    for _ in range(repeats):  # interleaved: every model once per round
        for name, make in models:
            model = make()
            start = time.perf_counter()
            model.fit(X_tr, y_tr)
            seconds[name].append(time.perf_counter() - start)
            fitted[name] = model
    rows = [_row(n, fitted[n], X_te, y_te, true, seconds[n]) for n, _ in models]
    oracle = LinearRegression().fit(X_tr[:, true], y_tr).score(X_te[:, true], y_te)
    default = fitted[models[0][0]]
    return {
        "rows": rows,
        "oracle_r2": float(oracle),
        "pruning_history": default.pruning_history_,
    }


def bench_shapes(shapes):
    rows = []
    for shape in shapes:
        X_tr, X_te, y_tr, y_te, true, effect = _split(shape, effects=True)
        start = time.perf_counter()
        ours = SparseSGDRegressor(random_state=0).fit(X_tr, y_tr)
        t_ours = time.perf_counter() - start
        start = time.perf_counter()
        lasso = LassoCV(random_state=0).fit(X_tr, y_tr)
        t_lasso = time.perf_counter() - start
        missed = np.flatnonzero(true & ~ours.support_)
        oracle = LinearRegression().fit(X_tr[:, true], y_tr)
        rows.append(
            {
                "shape": shape,
                "n_true": int(true.sum()),
                "ours": _row("SparseSGDRegressor", ours, X_te, y_te, true, [t_ours]),
                "lasso_cv": _row("LassoCV", lasso, X_te, y_te, true, [t_lasso]),
                "oracle_r2": float(oracle.score(X_te[:, true], y_te)),
                # how much each missed true feature matters: c^2 / sigma^2
                "missed_effect_over_noise_var": [float(effect[j]) for j in missed],
                "smallest_true_effect": float(effect[true].min()),
                "false_positives": int(np.sum(~true & ours.support_)),
            }
        )
    return rows


# -- streaming, in a subprocess ------------------------------------------------


def _stream_coef(cfg):
    rng = np.random.RandomState(cfg["seed"])
    coef = np.zeros(cfg["n_features"])
    informative = rng.choice(cfg["n_features"], cfg["n_informative"], replace=False)
    coef[informative] = 100 * rng.uniform(size=cfg["n_informative"])
    return coef


def _stream_chunk(cfg, coef, index, n_rows=None):
    """Chunk ``index`` of the stream: standard normal X, y = X coef + noise."""
    n_rows = cfg["chunk"] if n_rows is None else n_rows
    rng = np.random.default_rng([cfg["seed"], index])
    X = rng.standard_normal(size=(n_rows, cfg["n_features"]))
    y = X @ coef + rng.normal(scale=cfg["noise"], size=n_rows)
    return X, y


def _peak_rss_mb():
    """Peak resident memory of this process, in MiB.

    Linux's ``VmHWM`` belongs to the process image; ``ru_maxrss`` would also
    count the parent's memory at fork time (the kernel keeps the pre-exec high
    water mark), so it is only the fallback elsewhere.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    scale = 2**20 if sys.platform == "darwin" else 2**10  # bytes vs KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def stream_worker(cfg, which):
    """Fit on chunk 0, partial_fit on the rest; report memory and quality."""
    tracemalloc.start()
    coef = _stream_coef(cfg)
    true = coef != 0
    n_chunks = cfg["n_rows"] // cfg["chunk"]
    X_test, y_test = _stream_chunk(cfg, coef, 10**9, 5000)  # never trained on
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if which == "sparse":
            model = SparseSGDRegressor(random_state=0)
            X, y = _stream_chunk(cfg, coef, 0)
            model.fit(X, y)
            first = {
                "support_f1": float(f1_score(true, model.support_)),
                "r2": float(model.score(X_test, y_test)),
                "nnz": int(model.n_nonzero_),
            }
            del X, y
            rest = range(1, n_chunks)
        else:
            model = SGDRegressor(penalty="l1", alpha=float(which), random_state=0)
            first = None
            rest = range(n_chunks)
        for index in rest:
            X, y = _stream_chunk(cfg, coef, index)
            model.partial_fit(X, y)
            del X, y
    seconds = time.perf_counter() - start
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    coef_hat = np.ravel(model.coef_)
    out = {
        "model": (
            "SparseSGDRegressor fit(chunk 0) + partial_fit"
            if which == "sparse"
            else f"SGDRegressor(penalty='l1', alpha={float(which):g}).partial_fit"
        ),
        "rows": n_chunks * cfg["chunk"],
        "seconds": seconds,
        "support_f1": float(f1_score(true, coef_hat != 0)),
        "nnz": int(np.count_nonzero(coef_hat)),
        "r2": float(model.score(X_test, y_test)),
        "pruned_exactly_zero": bool(np.all(coef_hat[~true] == 0))
        if which == "sparse"
        else None,
        "after_first_chunk": first,
        "tracemalloc_peak_mb": traced_peak / 2**20,
        "max_rss_mb": _peak_rss_mb(),
    }
    print(json.dumps(out))


def bench_streaming(cfg):
    rows = []
    for which in ["sparse", "0.0001", "0.1"]:
        proc = subprocess.run(
            [sys.executable, __file__, "--stream-worker", json.dumps(cfg), which],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return rows


# -- predict ---------------------------------------------------------------------


def _median_ratio(f_ref, f_new, repeats):
    ref, new = [], []
    for _ in range(repeats):  # interleaved
        start = time.perf_counter()
        f_ref()
        ref.append(time.perf_counter() - start)
        start = time.perf_counter()
        f_new()
        new.append(time.perf_counter() - start)
    return float(np.median(ref)), float(np.median(new))


def bench_predict(repeats, n_rows=20000, n_features=1000):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n_rows, n_features))
    X_csr = sparse.csr_matrix(np.where(rng.uniform(size=X.shape) < 0.05, X, 0.0))
    y = rng.normal(size=n_rows)
    rows = []
    for density in DENSITIES:
        k = max(1, int(round(density * n_features)))
        ours = SparseSGDRegressor(
            prune_ratio=1 - k / n_features,
            n_prune_steps=1,
            max_iter=1,
            tol=None,
            refit=False,
            random_state=0,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ours.fit(X[:2000], y[:2000])
        ref = SGDRegressor().fit(X[:10], y[:10])
        ref.coef_, ref.intercept_ = ours.coef_.copy(), ours.intercept_.copy()
        row = {"density": density, "n_nonzero": int(ours.n_nonzero_)}
        cases = [
            ("dense", X, False),
            ("dense_assume_finite", X, True),
            ("csr_5pct", X_csr, False),
        ]
        for label, data, assume in cases:
            with sklearn.config_context(assume_finite=assume):
                np.testing.assert_allclose(
                    ours.predict(data), ref.predict(data), rtol=1e-9, atol=1e-9
                )
                t_ref, t_new = _median_ratio(
                    lambda: ref.predict(data), lambda: ours.predict(data), repeats
                )
            row[label] = {
                "sklearn_ms": t_ref * 1e3,
                "skprune_ms": t_new * 1e3,
                "speedup": t_ref / t_new,
            }
        rows.append(row)
    return rows


# -- reporting -----------------------------------------------------------------------


def print_tables(results):
    case = results.get("case")
    if case:
        print("\n### The case: n=20000, p=1000, 20 informative, noise 5\n")
        print("| model | support F1 | test R^2 | non-zeros | fit s (median) |")
        print("|---|---|---|---|---|")
        for r in case["rows"]:
            print(
                f"| {r['model']} | {r['support_f1']:.3f} | {r['r2']:.6f} | "
                f"{r['nnz']} | {r['fit_seconds']:.1f} |"
            )
        print(
            f"| OLS on the true support (oracle) | 1.000 | {case['oracle_r2']:.6f} "
            "| 20 | |"
        )
        lasso = next(r for r in case["rows"] if r["model"] == "LassoCV()")
        ours = case["rows"][0]
        f1_ok = ours["support_f1"] >= 0.99
        r2_ok = ours["r2"] >= lasso["r2"] - 0.0005
        print(
            f"\nTarget: support F1 {ours['support_f1']:.4f} (>= 0.99) -> "
            f"{'met' if f1_ok else 'MISSED'}; R^2 {ours['r2']:.6f} vs LassoCV "
            f"{lasso['r2']:.6f} - 0.0005 = {lasso['r2'] - 0.0005:.6f} -> "
            f"{'met' if r2_ok else 'MISSED'}"
        )
    shapes = results.get("shapes")
    if shapes:
        print("\n### Other shapes (default SparseSGDRegressor vs LassoCV)\n")
        print(
            "| shape | true | F1 ours | F1 LassoCV | R^2 ours | R^2 LassoCV | "
            "R^2 ours - LassoCV | nnz ours | nnz LassoCV | missed (c^2/sigma^2) |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for r in shapes:
            shape = ", ".join(f"{k}={v}" for k, v in r["shape"].items())
            missed = ", ".join(f"{m:.4f}" for m in r["missed_effect_over_noise_var"])
            print(
                f"| {shape} | {r['n_true']} | {r['ours']['support_f1']:.3f} | "
                f"{r['lasso_cv']['support_f1']:.3f} | {r['ours']['r2']:.6f} | "
                f"{r['lasso_cv']['r2']:.6f} | "
                f"{r['ours']['r2'] - r['lasso_cv']['r2']:+.6f} | "
                f"{r['ours']['nnz']} | {r['lasso_cv']['nnz']} | {missed or '-'} |"
            )
    stream = results.get("streaming")
    if stream:
        cfg = results["streaming_config"]
        print(
            f"\n### Streaming: {cfg['n_rows']:,} rows x {cfg['n_features']} "
            f"features in chunks of {cfg['chunk']:,}\n"
        )
        print(
            "| model | support F1 | non-zeros | test R^2 | peak RSS MB | "
            "tracemalloc peak MB | seconds |"
        )
        print("|---|---|---|---|---|---|---|")
        for r in stream:
            print(
                f"| {r['model']} | {r['support_f1']:.3f} | {r['nnz']} | "
                f"{r['r2']:.6f} | {r['max_rss_mb']:.0f} | "
                f"{r['tracemalloc_peak_mb']:.0f} | {r['seconds']:.0f} |"
            )
        ours = stream[0]
        met = ours["max_rss_mb"] < MEMORY_LIMIT_MB
        print(
            f"\nTarget: peak memory {ours['max_rss_mb']:.0f} MB "
            f"(< {MEMORY_LIMIT_MB}) -> {'met' if met else 'MISSED'}"
        )
    pred = results.get("predict")
    if pred:
        print(
            "\n### predict speedup over SGDRegressor.predict, same coefficients "
            "(20000 x 1000, one thread)\n"
        )
        print(
            "| support density | dense X | dense X, assume_finite | CSR X (5% dense) |"
        )
        print("|---|---|---|---|")
        for r in pred:
            print(
                f"| {r['density']:g} ({r['n_nonzero']}) | "
                f"{r['dense']['speedup']:.2f}x | "
                f"{r['dense_assume_finite']['speedup']:.2f}x | "
                f"{r['csr_5pct']['speedup']:.2f}x |"
            )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--parts", default="case,shapes,streaming,predict")
    parser.add_argument(
        "--out", default=str(Path(__file__).parent / "results" / "linear.json")
    )
    parser.add_argument("--stream-worker", nargs=2, metavar=("CONFIG", "MODEL"))
    args = parser.parse_args(argv)
    if args.stream_worker:
        with threadpool_limits(1):
            stream_worker(json.loads(args.stream_worker[0]), args.stream_worker[1])
        return
    parts = args.parts.split(",")
    out = Path(args.out)
    results = json.loads(out.read_text()) if out.exists() else {}
    results["benchmark"] = "bench_linear"
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if "case" in parts:
            results["case"] = bench_case(1 if args.quick else args.repeats)
        if "shapes" in parts:
            results["shapes"] = bench_shapes(QUICK_SHAPES if args.quick else SHAPES)
        if "streaming" in parts:
            cfg = dict(STREAM, n_rows=200_000) if args.quick else STREAM
            results["streaming_config"] = cfg
            results["streaming"] = bench_streaming(cfg)
        if "predict" in parts:
            results["predict"] = bench_predict(5 if args.quick else 20)
    results["versions"] = {
        "skprune": skprune.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print_tables(results)


if __name__ == "__main__":
    main()
