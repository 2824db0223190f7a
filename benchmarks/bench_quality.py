"""Accuracy vs sparsity of pruned LeNet-300-100 on the MNIST-10k split.

For each seed a dense ``MLPClassifier(hidden_layer_sizes=(300, 100))`` is
trained once; every (criterion, sparsity) pair then prunes a copy of it with
``PrunedMLPClassifier.from_estimator`` (default schedule: cubic, 5 steps,
10 epochs of masked re-training per step, then re-training to convergence).
Reported: test accuracy mean +- std over seeds, achieved sparsity, and fit time
(dense training + pruning, one BLAS thread per job).

    python benchmarks/bench_quality.py            # full table, ~35 min on 2 cores
    python benchmarks/bench_quality.py --quick    # 1 seed, 2 sparsities
    python benchmarks/bench_quality.py --part neuron defaults noretrain generality

Further parts (``--part``), each with its own table and JSON file:

``neuron``
    ``prune_granularity='neuron'`` at 50% and 75% of the hidden neurons, per
    criterion (target: 50% of the neurons within 0.5 points of dense).
``defaults``
    a single ``PrunedMLPClassifier(prune_ratio=0.95, random_state=seed).fit``
    with nothing else set (hidden sizes (100,), sklearn's default, and
    (300, 100)) against ``MLPClassifier`` with the same hidden sizes
    (target: within 0.5 points).
``noretrain``
    one-shot pruning to 90% with no re-training at all
    (``prune_schedule='oneshot', finetune_iter=0``): how good each criterion's
    ranking is on its own, against random.
``generality``
    the defaults at 90% and 95% on sklearn's digits and on a synthetic
    ``make_classification`` task (the recipe is not tuned to MNIST).
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

from _data import add_data_dir_argument, load_mnist_split

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


def _fit_direct(seed, hidden, prune_ratio, data):
    """Dense MLPClassifier (prune_ratio None) or PrunedMLPClassifier, defaults."""
    X_train, y_train, X_test, y_test = data
    with threadpool_limits(1):
        start = time.perf_counter()
        if prune_ratio is None:
            est = MLPClassifier(hidden_layer_sizes=hidden, random_state=seed)
        else:
            est = PrunedMLPClassifier(hidden_layer_sizes=hidden, prune_ratio=prune_ratio,
                                      random_state=seed)
        est.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    return {"seed": seed, "hidden": list(hidden), "prune_ratio": prune_ratio,
            "accuracy": est.score(X_test, y_test), "fit_seconds": seconds,
            "sparsity": getattr(est, "sparsity_", 0.0),
            "hidden_layer_sizes": list(getattr(est, "hidden_layer_sizes_", hidden))}


def _cell(values):
    values = np.asarray(values) * 100
    return f"{values.mean():.2f} ± {values.std():.2f}"


def _drop(rows, dense_by_seed):
    """Mean over seeds of (dense - pruned) accuracy, in points."""
    return float(np.mean([(dense_by_seed[r["seed"]] - r["accuracy"]) * 100 for r in rows]))


def _part_variants(args, data, dense, part):
    """Criteria x settings pruned from the same dense models (neuron, noretrain)."""
    if part == "neuron":
        settings = [{"prune_ratio": r, "prune_granularity": "neuron"} for r in (0.5, 0.75)]
    else:
        settings = [{"prune_ratio": 0.9, "prune_schedule": "oneshot", "finetune_iter": 0}]
    tasks = [(s, c, st) for s in range(args.seeds) for c in args.criteria for st in settings]
    rows = Parallel(n_jobs=args.n_jobs)(
        delayed(_prune_with)(dense[s][0], s, c, st, data) for s, c, st in tasks)
    dense_by_seed = {d[1]["seed"]: d[1]["accuracy"] for d in dense}
    label = (lambda st: f"{st['prune_ratio']:.0%} neurons") if part == "neuron" else (
        lambda st: "90% one-shot, no re-training")
    lines = ["| criterion | " + " | ".join(label(st) for st in settings) + " |",
             "|---" * (len(settings) + 1) + "|"]
    verdicts = []
    random_acc = {}
    for c in args.criteria:
        cells = []
        for st in settings:
            sel = [r for r in rows if r["criterion"] == c and r["settings"] == st]
            drop = _drop(sel, dense_by_seed)
            extra = ""
            if part == "neuron":
                sizes = np.mean([r["hidden_layer_sizes"] for r in sel], axis=0)
                extra = f", hidden {sizes[0]:.0f}-{sizes[1]:.0f}"
            cells.append(f"{_cell([r['accuracy'] for r in sel])} ({-drop:+.2f}{extra})")
            if part == "neuron" and st["prune_ratio"] == 0.5:
                verdicts.append(f"{c} @ 50% neurons: drop {drop:.2f} points, target <= 0.5"
                                f" -> {'met' if drop <= 0.5 else 'MISSED'}")
            if part == "noretrain":
                random_acc[c] = np.mean([r["accuracy"] for r in sel]) * 100
        lines.append(f"| {c} | " + " | ".join(cells) + " |")
    if part == "noretrain" and "random" in random_acc:
        for c, acc in random_acc.items():
            if c != "random":
                gap = acc - random_acc["random"]
                verdicts.append(f"{c} beats random by {gap:.2f} points with no re-training")
    return lines, verdicts, rows


def _prune_with(dense, seed, criterion, settings, data):
    X_train, y_train, X_test, y_test = data
    with threadpool_limits(1):
        start = time.perf_counter()
        est = PrunedMLPClassifier.from_estimator(
            dense, X_train, y_train, prune_criterion=criterion, **settings)
        seconds = time.perf_counter() - start
    return {"seed": seed, "criterion": criterion, "settings": settings,
            "accuracy": est.score(X_test, y_test), "sparsity": est.sparsity_,
            "hidden_layer_sizes": list(est.hidden_layer_sizes_),
            "prune_seconds": seconds}


def _part_defaults(args, data):
    hiddens = [(100,), (300, 100)]
    tasks = [(s, h, r) for h in hiddens for s in range(args.seeds) for r in (None, 0.95)]
    rows = Parallel(n_jobs=args.n_jobs)(delayed(_fit_direct)(s, h, r, data)
                                        for s, h, r in tasks)
    lines = ["| hidden sizes | dense `MLPClassifier` | `PrunedMLPClassifier(prune_ratio=0.95)` "
             "| change | median fit s (dense / pruned) |", "|---|---|---|---|---|"]
    verdicts = []
    for h in hiddens:
        dense = [r for r in rows if r["hidden"] == list(h) and r["prune_ratio"] is None]
        pruned = [r for r in rows if r["hidden"] == list(h) and r["prune_ratio"] is not None]
        drop = _drop(pruned, {r["seed"]: r["accuracy"] for r in dense})
        lines.append(f"| {h} | {_cell([r['accuracy'] for r in dense])} | "
                     f"{_cell([r['accuracy'] for r in pruned])} | {-drop:+.2f} | "
                     f"{np.median([r['fit_seconds'] for r in dense]):.0f} / "
                     f"{np.median([r['fit_seconds'] for r in pruned]):.0f} |")
        verdicts.append(f"defaults, hidden {h}, 95%: drop {drop:.2f} points, target <= 0.5"
                        f" -> {'met' if drop <= 0.5 else 'MISSED'}")
    return lines, verdicts, rows


def _generality_data(name):
    from sklearn.datasets import load_digits, make_classification
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        X = X / 16
    else:
        X, y = make_classification(n_samples=6000, n_features=40, n_informative=15,
                                   n_redundant=5, n_classes=4, random_state=0)
        X = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y)
    return X_train, y_train, X_test, y_test


def _part_generality(args):
    names = ["digits", "make_classification"]
    tasks = [(n, s, r) for n in names for s in range(args.seeds) for r in (None, 0.9, 0.95)]
    rows = Parallel(n_jobs=args.n_jobs)(
        delayed(_fit_direct)(s, (100,), r, _generality_data(n)) for n, s, r in tasks)
    for row, (n, _, _) in zip(rows, tasks):
        row["data"] = n
    lines = ["| data | dense | 90% sparse | 95% sparse |", "|---|---|---|---|"]
    verdicts = []
    for n in names:
        dense = [r for r in rows if r["data"] == n and r["prune_ratio"] is None]
        by_seed = {r["seed"]: r["accuracy"] for r in dense}
        cells = [_cell([r["accuracy"] for r in dense])]
        for ratio in (0.9, 0.95):
            sel = [r for r in rows if r["data"] == n and r["prune_ratio"] == ratio]
            drop = _drop(sel, by_seed)
            cells.append(f"{_cell([r['accuracy'] for r in sel])} ({-drop:+.2f})")
            verdicts.append(f"{n} defaults @ {ratio:.0%}: drop {drop:.2f} points")
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return lines, verdicts, rows


def _write(path, part, header, lines, verdicts, extra):
    print(header)
    print("\n".join(lines))
    print("\n".join(verdicts))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "benchmark": "bench_quality", "part": part, "header": header, "table": lines,
        "verdicts": verdicts, **extra,
        "versions": {"skprune": skprune.__version__, "sklearn": sklearn.__version__,
                     "numpy": np.__version__, "python": platform.python_version()},
    }, indent=2))
    print(f"wrote {path}\n")


def _part_frontier(args, data, dense):
    seeds = list(range(args.seeds))
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
    if 0.9 in args.sparsities and "random" in args.criteria:
        mean90 = {c: np.mean([r["accuracy"] for r in rows if r["criterion"] == c
                              and r["target_sparsity"] == 0.9]) * 100
                  for c in args.criteria}
        for c in args.criteria:
            if c != "random":
                gap = mean90[c] - mean90["random"]
                verdicts.append(f"{c} beats random @ 90% by {gap:.2f} points, target "
                                f">= 5 -> {'met' if gap >= 5 else 'MISSED'}")
    agreement = min(r["float32_label_agreement"] for r in rows)
    verdicts.append(f"float32 vs float64 predicted labels on the test split: "
                    f"lowest agreement over all runs {agreement:.4%} (target >= "
                    f"99.9%) -> {'met' if agreement >= 0.999 else 'MISSED'}")
    return lines, verdicts, rows


PARTS = ("frontier", "neuron", "defaults", "noretrain", "generality")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", nargs="+", choices=PARTS, default=["frontier"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--criteria", nargs="+", default=CRITERIA)
    parser.add_argument("--sparsities", type=float, nargs="+", default=SPARSITIES)
    parser.add_argument("--n-jobs", type=int, default=2)
    add_data_dir_argument(parser)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out-dir", default=str(Path(__file__).parent / "results"))
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.sparsities = 1, [0.9, 0.98]

    out_dir = Path(args.out_dir)
    dense = data = None
    for part in args.part:
        name = "bench_quality" if part == "frontier" else f"bench_quality_{part}"
        if part == "generality":
            lines, verdicts, rows = _part_generality(args)
            header = (f"sklearn digits and make_classification (40 features, 4 classes), "
                      f"75/25 split, default PrunedMLPClassifier vs MLPClassifier, test "
                      f"accuracy % mean ± std over {args.seeds} seed(s)")
            _write(out_dir / f"{name}.json", part, header, lines, verdicts, {"runs": rows})
            continue
        if data is None:
            X_train, X_test, y_train, y_test = load_mnist_split(args.data_dir)
            data = (X_train, y_train, X_test, y_test)
        header = (f"MNIST-10k split (8,000 train / 2,000 test), test accuracy % mean ± "
                  f"std over {args.seeds} seed(s) (change vs dense in points)")
        if part == "defaults":
            lines, verdicts, rows = _part_defaults(args, data)
            _write(out_dir / f"{name}.json", part, header, lines, verdicts, {"runs": rows})
            continue
        if dense is None:
            dense = Parallel(n_jobs=args.n_jobs)(
                delayed(_dense)(s, X_train, y_train, X_test, y_test)
                for s in range(args.seeds))
        header = header.replace("test accuracy", "LeNet-300-100, test accuracy")
        if part == "frontier":
            lines, verdicts, rows = _part_frontier(args, data, dense)
        else:
            lines, verdicts, rows = _part_variants(args, data, dense, part)
        _write(out_dir / f"{name}.json", part, header, lines, verdicts,
               {"dense": [d[1] for d in dense], "runs": rows})


if __name__ == "__main__":
    main()
