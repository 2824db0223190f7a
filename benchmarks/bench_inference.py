"""predict_proba speed and file size of pruned networks vs sklearn's MLPClassifier.

Side by side in one process, one BLAS thread, median over repeats; sklearn's
``MLPClassifier.predict_proba`` runs on the *same* (zero-filled) weights as the
pruned model, so the ratio is what pruning buys at inference. Weights are random
(speed does not depend on training); masks come from skprune's own magnitude
pruning (``from_estimator``, one shot, no re-training) with ``prune_scope='layer'``
by default, so every layer has the stated density (the hardest case for sparse
kernels); ``--scope global`` uses the default global ranking instead, which
prunes the large first layer harder.

    python benchmarks/bench_inference.py            # full grid, ~10 min
    python benchmarks/bench_inference.py --quick    # LeNet only, 3 batch sizes
"""

import argparse
import io
import json
import platform
import time
import warnings
from pathlib import Path

import joblib
import numpy as np
import scipy
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_info, threadpool_limits

import skprune
from skprune import PrunedMLPClassifier

SHAPES = {"784-300-100-10": (784, (300, 100)), "1000-1000-1000-10": (1000, (1000, 1000))}
BATCHES = [1, 32, 1000, 10000]
WEIGHT_SPARSITY = [0.5, 0.8, 0.9, 0.95, 0.98]
NEURONS_REMOVED = [0.5, 0.75, 0.9]
MODES = [("float64", "auto"), ("float32", "auto")]
TARGETS = [  # (shape, kind, level, dtype, batch, minimum speedup)
    ("784-300-100-10", "weights", 0.95, "float32", 1000, 4.0),
    ("784-300-100-10", "weights", 0.98, "float32", 1000, 6.5),
    ("784-300-100-10", "neurons", 0.75, "float32", 1000, 7.0),
    ("784-300-100-10", "weights", 0.5, "float64", 1000, 1.0),
]


def _base_mlp(n_in, hidden, seed=0):
    """A fitted MLPClassifier with Glorot-random weights (one partial_fit)."""
    rng = np.random.RandomState(seed)
    X, y = rng.rand(50, n_in), np.arange(50) % 10
    mlp = MLPClassifier(hidden_layer_sizes=hidden, random_state=seed)
    mlp.partial_fit(X, y, classes=np.arange(10))
    return mlp, X, y


def _pruned(mlp, X, y, kind, level, dtype, fmt, scope):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return PrunedMLPClassifier.from_estimator(
            mlp, X, y, prune_ratio=level, prune_schedule="oneshot", finetune_iter=0,
            prune_granularity="weight" if kind == "weights" else "neuron",
            prune_scope=scope, inference_dtype=dtype, inference_format=fmt)


def _same_weights_mlp(mlp, pruned):
    """The plain sklearn model on the pruned (zero-filled) weights."""
    dense = joblib.load(io.BytesIO(_dump(mlp)))
    dense.coefs_ = [c.copy() for c in pruned.coefs_]
    dense.intercepts_ = [i.copy() for i in pruned.intercepts_]
    return dense


def _dump(est):
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    return buffer.getvalue()


def _median_ratio(f_ref, f_new, repeats):
    f_ref(), f_new()  # warm up
    ref, new = [], []
    for _ in range(repeats):  # interleaved, so load changes hit both alike
        t = time.perf_counter(); f_ref(); ref.append(time.perf_counter() - t)
        t = time.perf_counter(); f_new(); new.append(time.perf_counter() - t)
    return float(np.median(ref)), float(np.median(new))


def _repeats(batch, n_weights):
    work = batch * n_weights
    return int(np.clip(2e9 / max(work, 1), 3, 300))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--scope", choices=["layer", "global"], default="layer")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results"
                                             / "bench_inference.json"))
    args = parser.parse_args(argv)
    shapes = {"784-300-100-10": SHAPES["784-300-100-10"]} if args.quick else SHAPES
    batches = [1, 1000, 10000] if args.quick else BATCHES
    levels = [("weights", s) for s in WEIGHT_SPARSITY] + [
        ("neurons", s) for s in NEURONS_REMOVED]

    rows, sizes = [], []
    rng = np.random.RandomState(0)
    with threadpool_limits(1):
        blas = [(i["internal_api"], i["num_threads"]) for i in threadpool_info()]
        for shape, (n_in, hidden) in shapes.items():
            mlp, X_fit, y_fit = _base_mlp(n_in, hidden)
            n_weights = sum(c.size for c in mlp.coefs_)
            X_all = rng.rand(max(batches), n_in)
            for kind, level in levels:
                for dtype, fmt in MODES:
                    pruned = _pruned(mlp, X_fit, y_fit, kind, level, dtype, fmt,
                                     args.scope)
                    dense = _same_weights_mlp(mlp, pruned)
                    for batch in batches:
                        X = X_all[:batch]
                        np.testing.assert_allclose(
                            pruned.predict_proba(X), dense.predict_proba(X),
                            rtol=1e-3 if dtype == "float32" else 1e-9, atol=1e-5)
                        t_ref, t_new = _median_ratio(
                            lambda: dense.predict_proba(X),
                            lambda: pruned.predict_proba(X),
                            _repeats(batch, n_weights))
                        rows.append({
                            "shape": shape, "kind": kind, "level": level,
                            "dtype": dtype, "format": fmt, "batch": batch,
                            "sparsity": pruned.sparsity_,
                            "layer_sizes": list(pruned.compressed_.layer_sizes),
                            "formats": list(pruned.compressed_.formats),
                            "sklearn_ms": t_ref * 1e3, "skprune_ms": t_new * 1e3,
                            "speedup": t_ref / t_new})
                        print(f"{shape} {kind} {level:.2f} {dtype} batch {batch}: "
                              f"{t_ref * 1e3:.3f} ms -> {t_new * 1e3:.3f} ms "
                              f"({t_ref / t_new:.2f}x)", flush=True)
            # file sizes: a fitted plain MLPClassifier vs its pruned versions
            plain = len(_dump(mlp))
            for kind, level in levels:
                pruned = _pruned(mlp, X_fit, y_fit, kind, level, "float64", "auto",
                                 args.scope)
                size = len(_dump(pruned))
                sizes.append({"shape": shape, "kind": kind, "level": level,
                              "plain_bytes": plain, "skprune_bytes": size,
                              "ratio": plain / size})

    lines = _table(rows, shapes, batches, levels, args.scope)
    verdicts = []
    for shape, kind, level, dtype, batch, minimum in TARGETS:
        hit = [r for r in rows if (r["shape"], r["kind"], r["level"], r["dtype"],
                                   r["batch"]) == (shape, kind, level, dtype, batch)]
        if hit:
            s = hit[0]["speedup"]
            verdicts.append(f"{shape}, {level:.0%} {kind} pruned, {dtype}, batch "
                            f"{batch}: {s:.2f}x (target >= {minimum}x) -> "
                            f"{'met' if s >= minimum else 'MISSED'}")
    size_lines = ["| shape | pruned | plain MLPClassifier joblib | skprune joblib | "
                  "ratio |", "|---|---|---|---|---|"]
    for s in sizes:
        size_lines.append(f"| {s['shape']} | {s['level']:.0%} {s['kind']} | "
                          f"{s['plain_bytes'] / 1024:.0f} KiB | "
                          f"{s['skprune_bytes'] / 1024:.1f} KiB | "
                          f"{s['ratio']:.1f}x |")
    slower = [r for r in rows if r["dtype"] == "float64" and r["speedup"] < 1.0]
    print("\n".join(lines + [""] + size_lines + [""] + verdicts))
    print(f"float64 'auto' cases slower than sklearn: {len(slower)} of "
          f"{sum(r['dtype'] == 'float64' for r in rows)}"
          + "".join(f"\n  {r['shape']} {r['kind']} {r['level']} batch {r['batch']}: "
                    f"{r['speedup']:.2f}x" for r in slower))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "benchmark": "bench_inference", "scope": args.scope, "table": lines, "sizes": sizes,
        "size_table": size_lines, "verdicts": verdicts, "runs": rows, "blas": blas,
        "versions": {"skprune": skprune.__version__, "sklearn": sklearn.__version__,
                     "numpy": np.__version__, "scipy": scipy.__version__,
                     "python": platform.python_version()},
    }, indent=2))
    print(f"wrote {out}")


def _table(rows, shapes, batches, levels, scope):
    lines = ["Speedup of skprune predict_proba over sklearn MLPClassifier.predict_proba "
             "on the same weights (1 BLAS thread, median), float64 / float32, "
             f"prune_scope={scope!r}",
             "| shape | pruned | " + " | ".join(f"batch {b}" for b in batches) + " |",
             "|---|---|" + "---|" * len(batches)]
    for shape in shapes:
        for kind, level in levels:
            cells = []
            for b in batches:
                vals = {r["dtype"]: r["speedup"] for r in rows
                        if (r["shape"], r["kind"], r["level"], r["batch"])
                        == (shape, kind, level, b)}
                cells.append(f"{vals.get('float64', float('nan')):.2f} / "
                             f"{vals.get('float32', float('nan')):.2f}")
            lines.append(f"| {shape} | {level:.0%} {kind} | " + " | ".join(cells)
                         + " |")
    return lines


if __name__ == "__main__":
    main()
