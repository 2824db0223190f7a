"""File sizes: skops (``skprune.io.dump``) against joblib, for every estimator.

Each skprune estimator, and a Pipeline of two, is fitted with its defaults on
sklearn's digits (classification) or diabetes (regression) data, then written
with ``joblib.dump`` (no compression, its default), ``skprune.io.dump`` (skops,
deflated: the default) and ``skprune.io.dump(..., compression=ZIP_STORED)``.
The target is a skops file at most 1.5x the joblib file of the same model.

    python benchmarks/bench_files.py

Writes benchmarks/results/files.json and prints a table (seconds to run).
"""

import argparse
import io as bytes_io
import json
import os
import tempfile
import warnings
import zipfile
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import joblib  # noqa: E402
from sklearn.datasets import load_diabetes, load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skprune import (  # noqa: E402
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    PruneSparsifyTransformer,
    SparseSGDRegressor,
    io,
)


def cases(seed):
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    Xr, yr = load_diabetes(return_X_y=True)
    Xr = StandardScaler().fit_transform(Xr)
    yr = (yr - yr.mean()) / yr.std()
    return [
        (
            "PrunedMLPClassifier(prune_ratio=0.95)",
            PrunedMLPClassifier(prune_ratio=0.95, random_state=seed),
            X,
            y,
        ),
        (
            "PrunedMLPClassifier(prune_ratio=0.75, neuron, early_stopping)",
            PrunedMLPClassifier(
                prune_ratio=0.75,
                prune_granularity="neuron",
                early_stopping=True,
                random_state=seed,
            ),
            X,
            y,
        ),
        (
            "PrunedMLPRegressor(prune_ratio=0.9)",
            PrunedMLPRegressor(prune_ratio=0.9, random_state=seed),
            Xr,
            yr,
        ),
        ("SparseSGDRegressor()", SparseSGDRegressor(random_state=seed), Xr, yr),
        (
            "PruneSparsifyTransformer('gradient', PrunedMLPClassifier())",
            PruneSparsifyTransformer(
                "gradient", PrunedMLPClassifier(random_state=seed), prune_ratio=0.5
            ),
            X,
            y,
        ),
        (
            "Pipeline(PruneSparsifyTransformer, PrunedMLPClassifier(0.95))",
            make_pipeline(
                PruneSparsifyTransformer(
                    "importance",
                    PrunedMLPClassifier(random_state=seed),
                    prune_ratio=0.5,
                ),
                PrunedMLPClassifier(prune_ratio=0.95, random_state=seed),
            ),
            X,
            y,
        ),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="random_state of the fits")
    parser.add_argument(
        "--out",
        default=str(Path(__file__).parent / "results" / "files.json"),
        help="JSON output path",
    )
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, est, X, y in cases(args.seed):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                est.fit(X, y)
            buffer = bytes_io.BytesIO()
            joblib.dump(est, buffer)
            deflated, stored = Path(tmp) / "d.skops", Path(tmp) / "s.skops"
            io.dump(est, deflated)
            io.dump(est, stored, compression=zipfile.ZIP_STORED)
            io.load(deflated)  # the safe loader accepts it
            row = dict(
                model=name,
                joblib_bytes=buffer.getbuffer().nbytes,
                skops_bytes=deflated.stat().st_size,
                skops_stored_bytes=stored.stat().st_size,
            )
            row["ratio"] = row["skops_bytes"] / row["joblib_bytes"]
            row["ratio_stored"] = row["skops_stored_bytes"] / row["joblib_bytes"]
            rows.append(row)
    print(
        "| model | joblib KiB | skops KiB (deflated, default) | ratio | "
        "skops KiB (ZIP_STORED) | ratio |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['model']} | {r['joblib_bytes'] / 1024:.1f} | "
            f"{r['skops_bytes'] / 1024:.1f} | {r['ratio']:.2f}x | "
            f"{r['skops_stored_bytes'] / 1024:.1f} | {r['ratio_stored']:.2f}x |"
        )
    worst = max(r["ratio"] for r in rows)
    print(
        f"target: skops <= 1.5x joblib for every model: worst {worst:.2f}x -> "
        f"{'met' if worst <= 1.5 else 'MISSED'}"
    )
    Path(args.out).write_text(
        json.dumps(dict(seed=args.seed, rows=rows), indent=2) + "\n"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
