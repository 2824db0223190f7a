"""Accuracy vs sparsity of pruned LeNet-300-100 on the MNIST-10k split.

For each seed a dense ``MLPClassifier(hidden_layer_sizes=(300, 100))`` is
trained once; every (criterion, sparsity) pair then prunes a copy of it with
``PrunedMLPClassifier.from_estimator`` (default schedule: cubic, 5 steps,
10 epochs of masked re-training per step, then re-training to convergence).
Reported: test accuracy mean +- std over seeds, achieved sparsity, and fit time
(dense training + pruning, one BLAS thread per job).

    python benchmarks/bench_quality.py            # full table, ~20 min on 2 cores
    python benchmarks/bench_quality.py --quick    # 1 seed, 2 sparsities
"""

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import sklearn
from joblib import Parallel, delayed
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

import skprune
from skprune import PrunedMLPClassifier
from skprune._compressed import CompressedMLP

from _data import load_mnist_split

CRITERIA = ["magnitude", "entropy", "gradient", "taylor", "random"]
SPARSITIES = [0.5, 0.8, 0.9, 0.95, 0.98]
TARGETS = {0.95: 0.5, 0.98: 1.5}  # sparsity -> allowed accuracy drop (points)


def _dense(seed, X_train, y_train, X_test, y_test):
    with threadpool_limits(1):
        start = time.perf_counter()
        mlp = MLPClassifier(hidden_layer_sizes=(300, 100), random_state=seed)
        mlp.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    return mlp, {"seed": seed, "accuracy": mlp.score(X_test, y_test),
                 "fit_seconds": seconds, "n_iter": mlp.n_iter_}


def _prune(dense, dense_seconds, seed, criterion, sparsity, data):
    X_train, y_train, X_test, y_test = data
    with threadpool_limits(1):
        start = time.perf_counter()
        est = PrunedMLPClassifier.from_estimator(
            dense, X_train, y_train, prune_ratio=sparsity, prune_criterion=criterion)
        seconds = time.perf_counter() - start
    # the same pruned weights served in float32: do the predicted labels agree?
    net32 = CompressedMLP(est.coefs_, est.intercepts_, est.masks_, est.activation,
                          est.out_activation_, inference_dtype="float32")
    agree = np.mean(net32.forward(X_test).argmax(axis=1)
                    == est.predict_proba(X_test).argmax(axis=1))
    return {"seed": seed, "criterion": criterion, "target_sparsity": sparsity,
            "float32_label_agreement": float(agree),
            "sparsity": est.sparsity_, "accuracy": est.score(X_test, y_test),
            "hidden_layer_sizes": list(est.hidden_layer_sizes_),
            "prune_seconds": seconds, "fit_seconds": dense_seconds + seconds}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--criteria", nargs="+", default=CRITERIA)
    parser.add_argument("--sparsities", type=float, nargs="+", default=SPARSITIES)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results"
                                             / "bench_quality.json"))
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.sparsities = 1, [0.9, 0.98]

    X_train, X_test, y_train, y_test = load_mnist_split(args.data_dir)
    seeds = list(range(args.seeds))
    dense = Parallel(n_jobs=args.n_jobs)(
        delayed(_dense)(s, X_train, y_train, X_test, y_test) for s in seeds)
    data = (X_train, y_train, X_test, y_test)
    tasks = [(s, c, sp) for s in seeds for c in args.criteria for sp in args.sparsities]
    rows = Parallel(n_jobs=args.n_jobs, verbose=0)(
        delayed(_prune)(dense[s][0], dense[s][1]["fit_seconds"], s, c, sp, data)
        for s, c, sp in tasks)

    dense_acc = np.array([d[1]["accuracy"] for d in dense]) * 100
    dense_fit = np.median([d[1]["fit_seconds"] for d in dense])
    lines = ["| criterion | " + " | ".join(f"{sp:.0%} sparse" for sp in args.sparsities)
             + " | median fit s |",
             "|---" * (len(args.sparsities) + 2) + "|",
             f"| dense | {dense_acc.mean():.2f} ± {dense_acc.std():.2f} (0%)"
             + " |" * len(args.sparsities) + f" {dense_fit:.0f} |"]
    verdicts = []
    for c in args.criteria:
        cells = []
        for sp in args.sparsities:
            sel = [r for r in rows if r["criterion"] == c and r["target_sparsity"] == sp]
            acc = np.array([r["accuracy"] for r in sel]) * 100
            # drop per seed against that seed's own dense model
            drop = np.mean([dense_acc[r["seed"]] - r["accuracy"] * 100 for r in sel])
            cells.append(f"{acc.mean():.2f} ± {acc.std():.2f} ({-drop:+.2f})")
            if sp in TARGETS:
                ok = drop <= TARGETS[sp]
                verdicts.append(f"{c} @ {sp:.0%}: drop {drop:.2f} points, target "
                                f"<= {TARGETS[sp]} -> {'met' if ok else 'MISSED'}")
        fit = np.median([r["fit_seconds"] for r in rows if r["criterion"] == c])
        lines.append(f"| {c} | " + " | ".join(cells) + f" | {fit:.0f} |")
    header = (f"MNIST-10k split (8,000 train / 2,000 test), LeNet-300-100, test "
              f"accuracy % mean ± std over {len(seeds)} seed(s) (change vs dense "
              f"in points)")
    agreement = min(r["float32_label_agreement"] for r in rows)
    verdicts.append(f"float32 vs float64 predicted labels on the test split: "
                    f"lowest agreement over all runs {agreement:.4%} (target >= "
                    f"99.9%) -> {'met' if agreement >= 0.999 else 'MISSED'}")
    print(header)
    print("\n".join(lines))
    print("\n".join(verdicts))

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "benchmark": "bench_quality", "header": header, "table": lines,
        "verdicts": verdicts, "dense": [d[1] for d in dense], "runs": rows,
        "versions": {"skprune": skprune.__version__, "sklearn": sklearn.__version__,
                     "numpy": np.__version__, "python": platform.python_version()},
    }, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
