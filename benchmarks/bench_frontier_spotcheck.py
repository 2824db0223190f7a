"""The MNIST-10k behaviour check of a refactor of the pruning core.

Re-runs seed 0 of ``bench_quality.py``'s frontier for a few (criterion,
sparsity) cells with the current code and compares test accuracy, achieved
sparsity and the compressed hidden sizes with a reference: by default
``results/bench_quality.json``, or (``--reference``) the JSON this script
wrote on the commit before the refactor. Same seed, same data, same recipe:
the numbers must be identical. MNIST training is not bit-identical across
CPUs, so compare two runs on one machine:

    git stash; python benchmarks/bench_frontier_spotcheck.py --out before.json
    git stash pop; python benchmarks/bench_frontier_spotcheck.py \
        --reference before.json
    python benchmarks/bench_frontier_spotcheck.py --cells magnitude:0.95 random:0.9
"""

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import sklearn
from _data import load_mnist_split
from bench_quality import _dense, _prune
from joblib import Parallel, delayed

import skprune

RESULTS = Path(__file__).parent / "results"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cells", nargs="+", default=["magnitude:0.95", "taylor:0.98", "random:0.9"]
    )
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument(
        "--reference",
        default=str(RESULTS / "bench_quality.json"),
        help="bench_quality.json, or an earlier output of this script",
    )
    parser.add_argument("--out", default=str(RESULTS / "bench_frontier_spotcheck.json"))
    args = parser.parse_args()
    X_train, X_test, y_train, y_test = load_mnist_split(args.data_dir)
    data = (X_train, y_train, X_test, y_test)
    reference = json.loads(Path(args.reference).read_text())
    ref = {
        (r["criterion"], r["target_sparsity"]): r
        for r in reference["runs"]
        if r["seed"] == 0
    }
    start = time.perf_counter()
    dense, dense_info = _dense(0, *data)
    cells = [(c, float(s)) for c, s in (cell.split(":") for cell in args.cells)]
    rows = Parallel(n_jobs=args.n_jobs)(
        delayed(_prune)(dense, dense_info["fit_seconds"], 0, c, s, data)
        for c, s in cells
    )
    ref_dense = reference["dense"]
    if isinstance(ref_dense, list):  # bench_quality.json: one per seed
        ref_dense = next(d for d in ref_dense if d["seed"] == 0)
    lines = [
        "| cell | accuracy now | accuracy before | sparsity now | before "
        "| hidden now | before | identical |",
        "|---" * 8 + "|",
    ]
    same_all = dense_info["accuracy"] == ref_dense["accuracy"]
    lines.append(
        f"| dense | {dense_info['accuracy']:.4f} | {ref_dense['accuracy']:.4f}"
        f" | 0 | 0 | - | - | {same_all} |"
    )
    for row in rows:
        before = ref[(row["criterion"], row["target_sparsity"])]
        same = (
            row["accuracy"] == before["accuracy"]
            and row["sparsity"] == before["sparsity"]
            and row["hidden_layer_sizes"] == before["hidden_layer_sizes"]
        )
        same_all &= same
        lines.append(
            f"| {row['criterion']} @ {row['target_sparsity']:.0%} | "
            f"{row['accuracy']:.4f} | {before['accuracy']:.4f} | "
            f"{row['sparsity']:.4f} | {before['sparsity']:.4f} | "
            f"{row['hidden_layer_sizes']} | {before['hidden_layer_sizes']} | {same} |"
        )
    print("\n".join(lines))
    out = {
        "benchmark": "bench_frontier_spotcheck",
        "header": "MNIST-10k, LeNet-300-100, seed 0: current code vs "
        f"{Path(args.reference).name}",
        "table": lines,
        "identical": bool(same_all),
        "dense": dense_info,
        "runs": rows,
        "seconds": time.perf_counter() - start,
        "versions": {
            "skprune": skprune.__version__,
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    }
    Path(args.out).parent.mkdir(exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
