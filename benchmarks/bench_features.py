"""Downstream accuracy vs fraction of input pixels kept by PruneSparsifyTransformer.

On sklearn's digits (8x8, 1,347 train / 450 test) and the MNIST-10k split
(28x28, 8,000 train / 2,000 test), each criterion keeps a fraction of the
pixels, and a downstream ``MLPClassifier(hidden_layer_sizes=(100,))`` (same
seed for every run, at most 100 epochs) is trained on the kept pixels; its test
accuracy is compared with the same model on randomly chosen pixels (several
seeds) and on all pixels. The importance sources are fitted once per data set
and passed with ``prefit=True``:

- 'importance (MLP)' / 'gradient (MLP)': a dense ``MLPClassifier(100,)``;
- 'importance (pruned MLP)': that MLP pruned to 90% weight sparsity with
  ``PrunedMLPClassifier.from_estimator`` (scores from its masked weights);
- '... x std': the dense MLP's scores with ``scale_by_std=True``;
- 'gradient (linear)': ``|coef_| * std(x)`` of a ``LogisticRegression``.

Also measured: the output density and ``transform`` time (dense and CSR
output, medians of repeated calls) for several ``sparsity_threshold`` values,
and the density at which a CSR ``X`` times a dense weight matrix beats the
dense product (the bound behind ``sparse_output='auto'``).

    python benchmarks/bench_features.py            # ~10 min on 2 cores
    python benchmarks/bench_features.py --quick    # digits only, 2 random seeds
"""

import argparse
import json
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from _data import add_data_dir_argument, load_mnist_split
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

import skprune
from skprune import PrunedMLPClassifier, PruneSparsifyTransformer
from skprune.feature_selection import SPARSE_OUTPUT_MAX_DENSITY

FRACTIONS = [0.05, 0.1, 0.25, 0.5]
THRESHOLDS = [None, 0.25, 0.5, 0.75]
CRITERIA = [
    "entropy",
    "importance (MLP)",
    "gradient (MLP)",
    "importance (pruned MLP)",
    "importance (MLP) x std",
    "gradient (MLP) x std",
    "gradient (linear)",
]


def _median_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _downstream(X_train, y_train, X_test, y_test, seed=0):
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        clf = MLPClassifier(
            hidden_layer_sizes=(100,), max_iter=100, random_state=seed
        ).fit(X_train, y_train)
        seconds = time.perf_counter() - start
    return {"accuracy": clf.score(X_test, y_test), "fit_seconds": seconds}


def _sources(X_train, y_train):
    """The fitted importance sources, once per data set."""
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        mlp = MLPClassifier(
            hidden_layer_sizes=(100,), max_iter=100, random_state=0
        ).fit(X_train, y_train)
        t_mlp = time.perf_counter() - start
        start = time.perf_counter()
        pruned = PrunedMLPClassifier.from_estimator(
            mlp, X_train, y_train, prune_ratio=0.9, max_iter=50
        )
        t_pruned = time.perf_counter() - start
        start = time.perf_counter()
        linear = LogisticRegression(max_iter=300).fit(X_train, y_train)
        t_linear = time.perf_counter() - start
    selectors = {
        "entropy": PruneSparsifyTransformer("entropy"),
        "importance (MLP)": PruneSparsifyTransformer("importance", mlp, prefit=True),
        "gradient (MLP)": PruneSparsifyTransformer("gradient", mlp, prefit=True),
        "importance (pruned MLP)": PruneSparsifyTransformer(
            "importance", pruned, prefit=True
        ),
        "importance (MLP) x std": PruneSparsifyTransformer(
            "importance", mlp, prefit=True, scale_by_std=True
        ),
        "gradient (MLP) x std": PruneSparsifyTransformer(
            "gradient", mlp, prefit=True, scale_by_std=True
        ),
        "gradient (linear)": PruneSparsifyTransformer("gradient", linear, prefit=True),
    }
    info = {
        "mlp_fit_seconds": t_mlp,
        "pruned_seconds": t_pruned,
        "pruned_sparsity": pruned.sparsity_,
        "linear_fit_seconds": t_linear,
        "source_accuracy_train": {
            "mlp": mlp.score(X_train, y_train),
            "pruned": pruned.score(X_train, y_train),
            "linear": linear.score(X_train, y_train),
        },
    }
    return selectors, info


def run_dataset(name, X_train, X_test, y_train, y_test, args):
    n_features = X_train.shape[1]
    selectors, info = _sources(X_train, y_train)
    tasks, meta = [], []
    for frac in args.fractions:
        k = max(1, int(round(frac * n_features)))
        for crit in args.criteria:
            sel = PruneSparsifyTransformer(**selectors[crit].get_params(deep=False))
            # dense output: every downstream fit sees the same container
            sel.set_params(max_features=k, sparse_output=False)
            with threadpool_limits(1):
                start = time.perf_counter()
                sel.fit(X_train, y_train)
                score_seconds = time.perf_counter() - start
            Xt_train, Xt_test = sel.transform(X_train), sel.transform(X_test)
            for seed in range(args.model_seeds):
                meta.append(
                    {
                        "dataset": name,
                        "criterion": crit,
                        "fraction": frac,
                        "n_kept": k,
                        "seed": seed,
                        "score_seconds": score_seconds,
                        "test_density": float(np.count_nonzero(Xt_test) / Xt_test.size),
                    }
                )
                tasks.append((Xt_train, Xt_test, seed))
        for seed in range(args.random_seeds):
            cols = np.sort(
                np.random.RandomState(seed).choice(n_features, k, replace=False)
            )
            meta.append(
                {
                    "dataset": name,
                    "criterion": "random",
                    "fraction": frac,
                    "n_kept": k,
                    "seed": seed,
                    "score_seconds": 0.0,
                    "test_density": float(
                        np.count_nonzero(X_test[:, cols]) / (X_test.shape[0] * k)
                    ),
                }
            )
            # the same seed draws the pixels and initialises the downstream MLP
            tasks.append((X_train[:, cols], X_test[:, cols], seed))
    for seed in range(args.model_seeds):
        meta.append(
            {
                "dataset": name,
                "criterion": "all pixels",
                "fraction": 1.0,
                "n_kept": n_features,
                "seed": seed,
                "score_seconds": 0.0,
                "test_density": float(np.count_nonzero(X_test) / X_test.size),
            }
        )
        tasks.append((X_train, X_test, seed))
    results = Parallel(n_jobs=args.n_jobs)(
        delayed(_downstream)(a, y_train, b, y_test, seed) for a, b, seed in tasks
    )
    rows = [{**m, **r} for m, r in zip(meta, results)]
    return rows, info, selectors


def accuracy_table(name, rows, fractions, n_features):
    lines = [
        "| criterion | "
        + " | ".join(
            f"{f:.0%} ({max(1, int(round(f * n_features)))} px)" for f in fractions
        )
        + " | median score s |",
        "|---" * (len(fractions) + 2) + "|",
    ]
    all_px = (
        np.array([r["accuracy"] for r in rows if r["criterion"] == "all pixels"]) * 100
    )
    crits = []
    for r in rows:
        if r["criterion"] not in crits and r["criterion"] != "all pixels":
            crits.append(r["criterion"])
    for crit in crits:
        cells = []
        for f in fractions:
            acc = (
                np.array(
                    [
                        r["accuracy"]
                        for r in rows
                        if r["criterion"] == crit and r["fraction"] == f
                    ]
                )
                * 100
            )
            cells.append(f"{acc.mean():.2f} ± {acc.std():.2f}")
        secs = np.median([r["score_seconds"] for r in rows if r["criterion"] == crit])
        lines.append(
            f"| {crit} | "
            + " | ".join(cells)
            + (" | - |" if crit == "random" else f" | {secs:.3f} |")
        )
    lines.append(
        f"| all pixels | {all_px.mean():.2f} ± {all_px.std():.2f}"
        + " |" * len(fractions)
        + " - |"
    )
    n_random = len({r["seed"] for r in rows if r["criterion"] == "random"})
    n_model = len({r["seed"] for r in rows if r["criterion"] == "all pixels"})
    header = (
        f"{name}: test accuracy % of the downstream MLPClassifier(100,) vs "
        f"fraction of pixels kept, mean ± std over {n_model} downstream "
        f"seeds (random: over {n_random} draws of the pixels); score s = "
        f"time to score the features with a fitted source"
    )
    return header, lines


def sparsify_rows(name, X_train, X_test, y_train, selector, fraction, repeats):
    rows = []
    k = max(1, int(round(fraction * X_train.shape[1])))
    for t in THRESHOLDS:
        out = {}
        for fmt in (False, True):
            sel = PruneSparsifyTransformer(**selector.get_params(deep=False))
            sel.set_params(max_features=k, sparsity_threshold=t, sparse_output=fmt)
            sel.fit(X_train, y_train)
            Xt = sel.transform(X_test)
            with threadpool_limits(1):
                out[fmt] = _median_seconds(lambda: sel.transform(X_test), repeats)
        nnz = Xt.nnz
        rows.append(
            {
                "dataset": name,
                "threshold": t,
                "n_kept": k,
                "test_density": nnz / np.prod(Xt.shape),
                "transform_ms_dense": 1e3 * out[False],
                "transform_ms_csr": 1e3 * out[True],
                "train": sel.transform(X_train),
                "test": Xt,
            }
        )
    return rows


def product_crossover(repeats, n_rows=2000, n_in=392, n_out=100):
    """Median time of X @ W, dense X vs CSR X, at several densities."""
    rng = np.random.RandomState(0)
    W = rng.randn(n_in, n_out)
    rows = []
    with threadpool_limits(1):
        for density in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5):
            X = sparse.random(
                n_rows, n_in, density=density, format="csr", random_state=rng
            )
            Xd = X.toarray()
            t_dense = _median_seconds(lambda: Xd @ W, repeats)
            t_csr = _median_seconds(lambda: X @ W, repeats)
            rows.append(
                {
                    "density": density,
                    "dense_ms": 1e3 * t_dense,
                    "csr_ms": 1e3 * t_csr,
                    "csr_speedup": t_dense / t_csr,
                    "csr_bytes_ratio": (
                        X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
                    )
                    / Xd.nbytes,
                }
            )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["digits", "mnist"])
    parser.add_argument("--fractions", type=float, nargs="+", default=FRACTIONS)
    parser.add_argument("--criteria", nargs="+", default=CRITERIA)
    parser.add_argument("--random-seeds", type=int, default=5)
    parser.add_argument("--model-seeds", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=15)
    add_data_dir_argument(parser)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--out", default=str(Path(__file__).parent / "results" / "features.json")
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets, args.random_seeds, args.model_seeds = ["digits"], 2, 1
        args.repeats = 5

    start = time.perf_counter()
    report = {
        "benchmark": "bench_features",
        "tables": {},
        "runs": [],
        "sparsify": [],
        "sources": {},
    }
    printed = []
    for name in args.datasets:
        if name == "digits":
            X, y = load_digits(return_X_y=True)
            X_train, X_test, y_train, y_test = train_test_split(
                X / 16.0, y, random_state=0, stratify=y
            )
        else:
            X_train, X_test, y_train, y_test = load_mnist_split(args.data_dir)
        rows, info, selectors_used = run_dataset(
            name, X_train, X_test, y_train, y_test, args
        )
        report["runs"] += rows
        report["sources"][name] = info
        header, lines = accuracy_table(name, rows, args.fractions, X_train.shape[1])
        report["tables"][f"{name}_accuracy"] = {"header": header, "table": lines}
        printed += [header, *lines]
        printed += [
            f"sources: dense MLP fit {info['mlp_fit_seconds']:.1f} s; pruned "
            f"to {info['pruned_sparsity']:.1%} sparsity in "
            f"{info['pruned_seconds']:.1f} s; LogisticRegression fit "
            f"{info['linear_fit_seconds']:.1f} s",
            "",
        ]

        # sparsification: importance (MLP) x std at 25% of the pixels
        selector = selectors_used["importance (MLP) x std"]
        srows = sparsify_rows(
            name, X_train, X_test, y_train, selector, 0.25, args.repeats
        )
        accs = Parallel(n_jobs=args.n_jobs)(
            delayed(_downstream)(r["train"], y_train, r["test"], y_test) for r in srows
        )
        lines = [
            "| sparsity_threshold | test density | accuracy % | "
            "transform ms, dense out | transform ms, CSR out |",
            "|---|---|---|---|---|",
        ]
        for r, a in zip(srows, accs):
            del r["train"], r["test"]
            r.update(a)
            lines.append(
                f"| {r['threshold']} | {r['test_density']:.3f} | "
                f"{100 * r['accuracy']:.2f} | {r['transform_ms_dense']:.2f} "
                f"| {r['transform_ms_csr']:.2f} |"
            )
        header = (
            f"{name}: importance (MLP) x std, {srows[0]['n_kept']} pixels kept "
            f"(25%), "
            f"transform of the {X_test.shape[0]} test rows (median of "
            f"{args.repeats}); the downstream MLP trained on the sparsified data"
        )
        report["sparsify"] += srows
        report["tables"][f"{name}_sparsify"] = {"header": header, "table": lines}
        printed += [header, *lines, ""]

    crossover = product_crossover(max(args.repeats, 9))
    lines = [
        "| density | dense X @ W ms | CSR X @ W ms | CSR speedup | CSR bytes / "
        "dense bytes |",
        "|---|---|---|---|---|",
    ]
    for r in crossover:
        lines.append(
            f"| {r['density']:.2f} | {r['dense_ms']:.2f} | {r['csr_ms']:.2f} "
            f"| {r['csr_speedup']:.2f}x | {r['csr_bytes_ratio']:.2f} |"
        )
    header = (
        f"X (2000 x 392) times a dense 392 x 100 weight matrix, one thread, "
        f"median of {max(args.repeats, 9)}; sparse_output='auto' bound: "
        f"density <= {SPARSE_OUTPUT_MAX_DENSITY}"
    )
    report["tables"]["auto_bound"] = {"header": header, "table": lines}
    report["product_crossover"] = crossover
    printed += [header, *lines]

    print("\n".join(printed))
    report["total_seconds"] = time.perf_counter() - start
    report["versions"] = {
        "skprune": skprune.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=float))
    print(f"total {report['total_seconds']:.0f} s; wrote {out}")


if __name__ == "__main__":
    main()
