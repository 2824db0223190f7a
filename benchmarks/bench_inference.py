"""predict_proba speed of TRAINED pruned networks: skprune vs sklearn vs onnxruntime.

Models (``benchmarks/_models.py``, trained once and cached on disk): LeNet-300-100
(784-300-100-10) trained by sklearn's ``MLPClassifier`` defaults on the
MNIST-10k training split, pruned by skprune's default recipe to 50/90/95/98%
of its weights and to 50/75% of its neurons, plus one wide network
(784-1000-1000-10) at 95% of its weights. Inputs are the MNIST-10k test split
(tiled for batch 10000).

Columns, per model x dtype x batch, all ``predict_proba`` (or ``run``) on the
same rows, one thread, per-thread CPU time (``time.thread_time``), candidates
interleaved in every round (their order rotating from round to round), median
over rounds (spread: min-max of the per-round ratio):

- ``sklearn``: ``MLPClassifier.predict_proba`` on the pruned, zero-filled
  weights (cast to the dtype, as a model trained on that dtype would be);
- ``skprune``: the pruned model (``inference_dtype`` = the dtype);
- ``onnxruntime``: the *dense* trained model exported by skl2onnx (what a user
  would otherwise deploy), float32 only; omitted if skl2onnx/onnxruntime are
  not installed (``pip install ".[onnx]"`` in a clone);
- ``limit``: a physical-limit estimate, one read of X (timed: ``X.sum()``)
  plus ``2 * nnz * batch`` FLOPs at the measured GEMM rate of this machine.

Outputs are checked against the masked dense forward pass (float64 rtol 1e-10;
float32: labels agree on >= 99.9% of the test split).

    python benchmarks/bench_inference.py             # full grid (~10 min)
    python benchmarks/bench_inference.py --quick     # batch 1 and 1000 only
    python benchmarks/bench_inference.py --calibrate # re-fit the 'auto' cost model
    python benchmarks/bench_inference.py --rst       # the docs tables of the JSON
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _models  # noqa: E402
from _data import load_mnist_split  # noqa: E402

import skprune  # noqa: E402

BATCHES = [1, 32, 1000, 10000]
DTYPES = ["float32", "float64"]
MODELS = [
    ("lenet", "weights", 0.5),
    ("lenet", "weights", 0.9),
    ("lenet", "weights", 0.95),
    ("lenet", "weights", 0.98),
    ("lenet", "neurons", 0.5),
    ("lenet", "neurons", 0.75),
    ("wide", "weights", 0.95),
]
TARGETS = [  # (net, kind, level, dtype, batch, column, minimum)
    ("lenet", "weights", 0.95, "float32", 1000, "sklearn", 6.0),
    ("lenet", "weights", 0.98, "float32", 1000, "sklearn", 10.0),
    ("lenet", "neurons", 0.75, "float32", 1000, "sklearn", 6.0),
    ("lenet", "weights", 0.95, "float32", 1, "sklearn", 2.0),
    ("lenet", "weights", 0.95, "float64", 1000, "sklearn", 4.0),
    ("lenet", "weights", 0.5, "float64", 1000, "sklearn", 1.0),
    ("lenet", "weights", 0.95, "float32", 1000, "onnxruntime", 2.5),
]


def _sklearn_same_weights(dense, pruned, dtype):
    """The plain MLPClassifier on the pruned weights, in ``dtype``."""
    import copy

    mlp = copy.deepcopy(dense)
    mlp.coefs_ = [c.astype(dtype) for c in pruned.coefs_]
    mlp.intercepts_ = [b.astype(dtype) for b in pruned.intercepts_]
    return mlp


def _onnx_session(dense, n_features):
    try:
        import onnxruntime as ort
        from skl2onnx import to_onnx
        from skl2onnx.common.data_types import FloatTensorType
    except ImportError:
        return None
    onx = to_onnx(
        dense,
        initial_types=[("X", FloatTensorType([None, n_features]))],
        options={id(dense): {"zipmap": False}},
        target_opset=17,
    )
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(
        onx.SerializeToString(), opts, providers=["CPUExecutionProvider"]
    )
    name = [o.name for o in sess.get_outputs()][1]  # probabilities
    return lambda X: sess.run([name], {"X": X})[0]


def _gemm_rate(dtype):
    """FLOP/s of one BLAS thread on a LeNet-sized product."""
    rng = np.random.RandomState(0)
    A, B = rng.rand(1000, 784).astype(dtype), rng.rand(784, 300).astype(dtype)
    A @ B
    ts = []
    for _ in range(9):
        t = time.thread_time()
        A @ B
        ts.append(time.thread_time() - t)
    return 2 * 1000 * 784 * 300 / np.median(ts)


def _interleaved(candidates, X, min_seconds=0.01, rounds=7):
    """Median seconds per call of each candidate, and per-round times."""
    for f in candidates.values():
        f(X)  # warm-up (compiles the kernel for this dtype)
    t = time.thread_time()
    next(iter(candidates.values()))(X)
    once = max(time.thread_time() - t, 1e-6)
    inner = int(np.clip(min_seconds / once, 1, 2000))
    times = {name: [] for name in candidates}
    names = list(candidates)
    for k in range(rounds):
        # the order rotates every round: no candidate always runs right after
        # the same other one (and finds the caches as that one left them)
        for name in names[k % len(names) :] + names[: k % len(names)]:
            f = candidates[name]
            t = time.thread_time()
            for _ in range(inner):
                f(X)
            times[name].append((time.thread_time() - t) / inner)
    return times


def _file_sizes(X_train, y_train):
    """joblib bytes of each trained pruned model vs the trained dense
    MLPClassifier it was pruned from."""
    import io

    import joblib

    def nbytes(est):
        buffer = io.BytesIO()
        joblib.dump(est, buffer)
        return len(buffer.getvalue())

    sizes = []
    for net_name, kind, level in MODELS:
        plain = nbytes(_models.load(net_name, "dense", 0.0, X_train, y_train))
        pruned = nbytes(_models.load(net_name, kind, level, X_train, y_train))
        sizes.append(
            {
                "model": f"{net_name} {level:.0%} {kind}",
                "plain_bytes": plain,
                "skprune_bytes": pruned,
                "ratio": plain / pruned,
            }
        )
    return sizes


def _first_call_cost():
    """Seconds to import skprune and to run the first predict_proba in a fresh
    process, with a cold numba cache (compile) and then a warm one (load)."""
    code = (
        "import time; t0 = time.perf_counter(); import numpy as np; "
        "from sklearn.datasets import load_digits; "
        "from skprune import PrunedMLPClassifier; import skprune._serving._kernels; "
        "t1 = time.perf_counter(); "
        "X, y = load_digits(return_X_y=True); "
        "import warnings; warnings.simplefilter('ignore'); "
        "est = PrunedMLPClassifier(hidden_layer_sizes=(16,), max_iter=3, "
        "n_prune_steps=1, finetune_iter=0).fit(X, y); "
        "t2 = time.perf_counter(); est.predict_proba(X); t3 = time.perf_counter(); "
        "est.predict_proba(X); t4 = time.perf_counter(); "
        "print(t1 - t0, t3 - t2, t4 - t3)"
    )
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(
            os.environ,
            NUMBA_CACHE_DIR=cache,
            PYTHONPATH=str(Path(__file__).resolve().parents[1]),
        )
        for label in ("cold cache (compile)", "warm cache (load)"):
            res = subprocess.run(
                [sys.executable, "-c", code],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            out[label] = {
                "import_s": float(res[0]),
                "first_predict_s": float(res[1]),
                "second_predict_s": float(res[2]),
            }
    return out


def _breakdown(pruned, X):
    """Where skprune's time goes at one config: input check + gather + output
    only (a network of the same sizes with no weights), the full kernel, and
    the whole predict_proba (the rest is Python and allocation)."""
    import copy

    from skprune._serving import _kernels
    from skprune._serving._compressed import _Scratch

    net = pruned._network()
    X = np.ascontiguousarray(X, dtype=net.dtype)
    out = np.empty((X.shape[0], net.layer_sizes[-1]), dtype=net.dtype)

    def kernel(indptr, dense):
        variant = copy.copy(net)  # the same network, other weight arrays
        variant._args = dict(net._args, indptr=indptr, dense=dense)
        variant._scratch = _Scratch()
        return lambda _: variant._kernel(
            _kernels.forward, _kernels.TILE, X, 0, X.shape[0], out
        )

    a = net._args
    empty = kernel(np.zeros_like(a["indptr"]), np.zeros_like(a["dense"]))
    times = _interleaved(
        {
            "read X + check + gather + output": empty,
            "kernel": kernel(a["indptr"], a["dense"]),
            "predict_proba": pruned.predict_proba,
        },
        X,
    )
    med = {k: float(np.median(v)) * 1e3 for k, v in times.items()}
    med["layers (kernel - read)"] = (
        med["kernel"] - med["read X + check + gather + output"]
    )
    med["python + allocation (predict_proba - kernel)"] = (
        med["predict_proba"] - med["kernel"]
    )
    med["note"] = (
        "'read' includes dense-format layers run as gemm on zero "
        "weights; all values ms, median"
    )
    return med


def calibrate():
    """Re-measure the single-layer timings behind the 'auto' cost model and
    print the least-squares fit (``SPARSE_NS``/``DENSE_NS`` in
    skprune/_serving/_compressed.py)."""
    from skprune._serving import _kernels
    from skprune._serving._compressed import CompressedMLP

    rng = np.random.RandomState(0)
    shapes = [
        (784, 300),
        (300, 100),
        (100, 10),
        (784, 1000),
        (1000, 1000),
        (784, 50),
        (50, 50),
        (50, 10),
    ]
    for dtype in DTYPES:
        A, b = [], []
        for n_in, n_out in shapes:
            for density in (0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0):
                W = rng.randn(n_in, n_out)
                M = rng.rand(n_in, n_out) < density
                M[np.arange(n_in), rng.randint(0, n_out, n_in)] = True
                M[rng.randint(0, n_in, n_out), np.arange(n_out)] = True
                X = rng.rand(1024, n_in).astype(dtype)
                out = np.empty((1024, n_out), dtype)
                for fmt in ("sparse", "dense"):
                    net = CompressedMLP(
                        [W], [np.zeros(n_out)], [M], "relu", "identity", fmt, dtype
                    )
                    times = _interleaved(
                        {
                            fmt: lambda X: net._kernel(
                                _kernels.forward, _kernels.TILE, X, 0, 1024, out
                            )
                        },
                        X,
                        rounds=5,
                    )
                    ns = float(np.median(times[fmt])) * 1e9 / 16  # per tile
                    nnz = int(M.sum())
                    A.append(
                        [n_in, n_out, nnz, n_out, 0, 0]
                        if fmt == "sparse"
                        else [n_in, n_out, 0, 0, n_in * n_out, 1]
                    )
                    b.append(ns)
        A, b = np.array(A, float), np.array(b)
        w = np.linalg.lstsq(A / b[:, None], np.ones(len(b)), rcond=None)[0]
        # how often the fitted model (its format-specific terms) picks the
        # faster format, and how much slower its wrong picks are
        cost = A[:, 2:] @ w[2:]
        sparse_t, dense_t = b[0::2], b[1::2]
        right = (cost[0::2] < cost[1::2]) == (sparse_t < dense_t)
        chosen = np.where(cost[0::2] < cost[1::2], sparse_t, dense_t)
        worst = float(np.max(chosen / np.minimum(sparse_t, dense_t)))
        print(
            f"{dtype}: the fit picks the faster format in {int(right.sum())}/"
            f"{right.size} cases; its wrong picks are at most "
            f"{100 * (worst - 1):.0f}% slower"
        )
        print(
            f"{dtype}: SPARSE_NS = ({w[2]:.3g}, {w[3]:.3g}), "
            f"DENSE_NS = ({w[4]:.3g}, {w[5]:.3g})  (per-input/output terms "
            f"{w[0]:.3g}, {w[1]:.3g} are common to both formats)"
        )


def _rst(data):
    """The inference tables of docs/benchmarks.rst, from a result JSON."""
    runs = data["runs"]
    shape = {"lenet": "784-300-100-10", "wide": "784-1000-1000-10"}
    batches = sorted({r["batch"] for r in runs})
    models = []
    for r in runs:
        key = (r["net"], r["kind"], r["level"])
        if key not in models:
            models.append(key)

    def run(key, dtype, batch):
        for r in runs:
            if (r["net"], r["kind"], r["level"], r["dtype"], r["batch"]) == (
                *key,
                dtype,
                batch,
            ):
                return r
        return None

    out = [".. list-table::", "   :header-rows: 1", ""]
    out += ["   * - shape", "     - pruned", "     - layers computed (formats)"]
    out += [f"     - batch {b}" for b in batches]
    for key in models:
        r64 = run(key, "float64", batches[0]) or run(key, "float32", batches[0])
        sizes = "-".join(str(n) for n in r64["layer_sizes"])
        formats = "/".join(f[0] for f in r64["formats"])
        out += [
            f"   * - {shape[key[0]]}",
            f"     - {key[2]:.0%} {key[1]}",
            f"     - {sizes} ({formats})",
        ]
        for b in batches:
            a, c = run(key, "float64", b), run(key, "float32", b)
            out.append(f"     - {a['speedup']:.2f} / {c['speedup']:.2f}")
    out += ["", "", ".. list-table::", "   :header-rows: 1", ""]
    out += [
        "   * - model (float32, batch 1000)",
        "     - sklearn, same weights",
        "     - onnxruntime, dense model",
        "     - skprune",
        "     - physical limit",
        "     - skprune vs onnxruntime",
    ]
    for key in models:
        r = run(key, "float32", 1000)
        if r is None or "onnxruntime_ms" not in r:
            continue
        out += [
            f"   * - {shape[key[0]]} {key[2]:.0%} {key[1]}",
            f"     - {r['sklearn_ms']:.2f} ms",
            f"     - {r['onnxruntime_ms']:.2f} ms",
            f"     - {r['skprune_ms']:.2f} ms",
            f"     - {r['limit_ms']:.2f} ms ({r['limit_speedup']:.1f}x)",
            f"     - {r['vs_onnxruntime']:.2f}x",
        ]
    out += ["", "Targets (issue 13):", ""]
    for v in data["verdicts"]:
        verdict = "met" if v["met"] else "MISSED"
        out.append(f"- {v['target']}: {v['value']:.2f}x -> {verdict}")
    b = data["breakdown_95_float32_batch1000"]
    read = b["read X + check + gather + output"]
    out += [
        "",
        "Where the time goes (95% weights, float32, batch 1000, medians, ms):",
        f"read X + check + transpose + output {read:.3f},",
        f"layers {b['layers (kernel - read)']:.3f}, whole kernel {b['kernel']:.3f};",
        f"``predict_proba`` {b['predict_proba']:.3f} (the rest is Python,",
        "two chunks and caches: measured interleaved with the kernel alone).",
    ]
    cold, warm = (
        data["first_call"]["cold cache (compile)"],
        data["first_call"]["warm cache (load)"],
    )
    out += [
        "First ``predict_proba`` in a fresh process (digits-sized model): "
        f"{cold['first_predict_s']:.2f} s with an empty numba cache (compiling), "
        f"{warm['first_predict_s']:.2f} s once the cache is written (loading); "
        f"importing skprune {warm['import_s']:.2f} s.",
        "",
        "File size",
        "---------",
        "",
        'joblib files of the trained models above; "plain" is the trained dense',
        "``MLPClassifier``, which also stores adam's state.",
    ]
    out += ["", ".. list-table::", "   :header-rows: 1", ""]
    out += [
        "   * - model",
        "     - plain MLPClassifier joblib",
        "     - skprune joblib",
        "     - ratio",
    ]
    for size in data["sizes"]:
        name = (
            size["model"]
            .replace("lenet", shape["lenet"])
            .replace("wide", shape["wide"])
        )
        out += [
            f"   * - {name}",
            f"     - {size['plain_bytes'] / 1024:.0f} KiB",
            f"     - {size['skprune_bytes'] / 1024:.1f} KiB",
            f"     - {size['ratio']:.1f}x",
        ]
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument(
        "--rst",
        action="store_true",
        help="print the docs/benchmarks.rst tables of the --out JSON and exit",
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--out", default=str(Path(__file__).parent / "results" / "bench_inference.json")
    )
    args = parser.parse_args(argv)
    if args.rst:
        return print(_rst(json.loads(Path(args.out).read_text())))
    with threadpool_limits(1):
        if args.calibrate:
            return calibrate()
        return run(args)


def run(args):
    batches = [1, 1000] if args.quick else BATCHES
    X_train, X_test, y_train, y_test = load_mnist_split()
    X_all = np.tile(X_test, (int(np.ceil(max(batches) / len(X_test))), 1))
    blas = [(i["internal_api"], i["num_threads"]) for i in threadpool_info()]
    gemm = {dt: _gemm_rate(dt) for dt in DTYPES}
    rows, checks, breakdown = [], [], None
    for net_name, kind, level in MODELS:
        dense = _models.load(net_name, "dense", 0.0, X_train, y_train)
        onnx = _onnx_session(dense, X_train.shape[1])
        for dtype in DTYPES:
            pruned = _models.load(
                net_name, kind, level, X_train, y_train, inference_dtype=dtype
            )
            ref = _sklearn_same_weights(dense, pruned, dtype)
            net = pruned._network()
            # correctness on the test split
            Xt = X_test.astype(dtype)
            got, want = pruned.predict_proba(Xt), ref.predict_proba(Xt)
            agree = float(np.mean(got.argmax(1) == want.argmax(1)))
            max_rel = float(
                np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-300))
            )
            ok = (
                agree >= 0.999
                if dtype == "float32"
                else np.allclose(got, want, rtol=1e-10, atol=1e-300)
            )
            checks.append(
                {
                    "model": f"{net_name} {level:.0%} {kind}",
                    "test_accuracy": float(pruned.score(Xt, y_test)),
                    "dtype": dtype,
                    "label_agreement": agree,
                    "max_rel_diff": max_rel,
                    "ok": bool(ok),
                }
            )
            for batch in batches:
                X = np.ascontiguousarray(X_all[:batch], dtype=dtype)
                candidates = {
                    "sklearn": ref.predict_proba,
                    "skprune": pruned.predict_proba,
                }
                if onnx is not None and dtype == "float32":
                    candidates["onnxruntime"] = onnx
                candidates["read X"] = lambda X: X.sum()
                times = _interleaved(candidates, X, rounds=args.rounds)
                med = {k: float(np.median(v)) for k, v in times.items()}
                per_round = np.array(times["sklearn"]) / np.array(times["skprune"])
                limit = med["read X"] + 2 * net.n_nonzero * batch / gemm[dtype]
                row = {
                    "net": net_name,
                    "kind": kind,
                    "level": level,
                    "dtype": dtype,
                    "batch": batch,
                    "layer_sizes": list(net.layer_sizes),
                    "formats": list(net.formats),
                    "n_nonzero": net.n_nonzero,
                    "sklearn_ms": med["sklearn"] * 1e3,
                    "skprune_ms": med["skprune"] * 1e3,
                    "limit_ms": limit * 1e3,
                    "speedup": med["sklearn"] / med["skprune"],
                    "speedup_min": float(per_round.min()),
                    "speedup_max": float(per_round.max()),
                    "limit_speedup": med["sklearn"] / limit,
                }
                if "onnxruntime" in med:
                    row["onnxruntime_ms"] = med["onnxruntime"] * 1e3
                    row["vs_onnxruntime"] = med["onnxruntime"] / med["skprune"]
                rows.append(row)
                print(
                    f"{net_name} {level:.0%} {kind} {dtype} batch {batch}: sklearn "
                    f"{row['sklearn_ms']:.3f} ms, skprune {row['skprune_ms']:.3f} ms "
                    f"({row['speedup']:.2f}x [{row['speedup_min']:.2f}-"
                    f"{row['speedup_max']:.2f}]), limit {row['limit_speedup']:.1f}x"
                    + (
                        f", onnxruntime {row['onnxruntime_ms']:.3f} ms"
                        if "onnxruntime" in row
                        else ""
                    ),
                    flush=True,
                )
            if (net_name, kind, level, dtype) == ("lenet", "weights", 0.95, "float32"):
                breakdown = _breakdown(pruned, X_all[:1000])
    sizes = _file_sizes(X_train, y_train)
    first_call = _first_call_cost()
    lines = _table(rows, batches)
    verdicts = []
    for net_name, kind, level, dtype, batch, column, minimum in TARGETS:
        hit = [
            r
            for r in rows
            if (r["net"], r["kind"], r["level"], r["dtype"], r["batch"])
            == (net_name, kind, level, dtype, batch)
        ]
        if not hit:
            continue
        value = (
            hit[0]["speedup" if column == "sklearn" else "vs_onnxruntime"]
            if column == "sklearn" or "vs_onnxruntime" in hit[0]
            else None
        )
        if value is None:
            continue
        verdicts.append(
            {
                "target": f"{net_name} {level:.0%} {kind}, {dtype}, batch "
                f"{batch}, vs {column} >= {minimum}x",
                "value": value,
                "met": bool(value >= minimum),
            }
        )
    slower = [r for r in rows if r["speedup"] < 1.0]
    print("\n".join(lines))
    for v in verdicts:
        print(f"{v['target']}: {v['value']:.2f}x -> {'met' if v['met'] else 'MISSED'}")
    print(
        "configurations slower than sklearn:",
        len(slower),
        "of",
        len(rows),
        "".join(
            f"\n  {r['net']} {r['level']:.0%} {r['kind']} {r['dtype']} batch "
            f"{r['batch']}: {r['speedup']:.2f}x"
            for r in slower
        ),
    )
    print("correctness:", json.dumps(checks, indent=1))
    print(
        "breakdown (lenet 95% weights, float32, batch 1000):",
        json.dumps(breakdown, indent=1),
    )
    print("first call:", json.dumps(first_call, indent=1))
    print("joblib file sizes:", json.dumps(sizes, indent=1))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "bench_inference",
                "models": "trained (benchmarks/_models.py)",
                "table": lines,
                "sizes": sizes,
                "verdicts": verdicts,
                "runs": rows,
                "checks": checks,
                "breakdown_95_float32_batch1000": breakdown,
                "first_call": first_call,
                "gemm_gflops": {k: v / 1e9 for k, v in gemm.items()},
                "blas": blas,
                "rounds": args.rounds,
                "cpu": platform.processor() or platform.machine(),
                "versions": {
                    "skprune": skprune.__version__,
                    "sklearn": sklearn.__version__,
                    "numpy": np.__version__,
                    "scipy": scipy.__version__,
                    "python": platform.python_version(),
                },
            },
            indent=2,
        )
    )
    print(f"wrote {out}")


def _table(rows, batches):
    lines = [
        "Speedup of skprune predict_proba over sklearn MLPClassifier.predict_proba"
        " on the same trained pruned weights (1 thread, median of rounds; "
        "[min-max over rounds]); float32 / float64",
        "| model | layers read (formats) | "
        + " | ".join(f"batch {b}" for b in batches)
        + " |",
        "|---|---|" + "---|" * len(batches),
    ]
    for net_name, kind, level in MODELS:
        sel = [
            r
            for r in rows
            if (r["net"], r["kind"], r["level"]) == (net_name, kind, level)
        ]
        if not sel:
            continue
        desc = (
            "-".join(map(str, sel[0]["layer_sizes"]))
            + " ("
            + "/".join(f[0] for f in sel[0]["formats"])
            + ")"
        )
        cells = []
        for b in batches:
            vals = {r["dtype"]: r for r in sel if r["batch"] == b}
            cells.append(
                " / ".join(
                    f"{vals[d]['speedup']:.2f} [{vals[d]['speedup_min']:.1f}-"
                    f"{vals[d]['speedup_max']:.1f}]"
                    if d in vals
                    else "-"
                    for d in DTYPES
                )
            )
        lines.append(
            f"| {net_name} {level:.0%} {kind} | {desc} | " + " | ".join(cells) + " |"
        )
    lines += [
        "",
        "float32, batch 1000: ms per call (sklearn same weights / "
        "onnxruntime dense / skprune / physical limit)",
        "| model | sklearn | onnxruntime (dense) | skprune | limit | "
        "skprune vs onnxruntime |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r["dtype"] == "float32" and r["batch"] == 1000:
            lines.append(
                f"| {r['net']} {r['level']:.0%} {r['kind']} | {r['sklearn_ms']:.2f} | "
                f"{r.get('onnxruntime_ms', float('nan')):.2f} | "
                f"{r['skprune_ms']:.2f} | "
                f"{r['limit_ms']:.2f} | {r.get('vs_onnxruntime', float('nan')):.2f}x |"
            )
    return lines


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        main()
