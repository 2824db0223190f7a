"""Accuracy vs sparsity of pruned LeNet-300-100 on the MNIST-10k split.

For each seed a dense ``MLPClassifier(hidden_layer_sizes=(300, 100))`` is
trained once; every (criterion, sparsity) pair then prunes a copy of it with
``PrunedMLPClassifier.from_estimator`` at the defaults (the committed
``results/bench_quality*.json`` of the parts below were measured with the
previous defaults, ``n_prune_steps=5, finetune_iter=10``; ``recipe`` and
``panel`` with today's ``finetune_iter='auto'``).
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
``recipe``
    candidate re-training recipes (``CANDIDATES``) on the VALIDATION split of
    the small panel datasets (``benchmarks/_panel.py``): how the default was
    chosen. ``--candidates`` runs a subset; rows accumulate in
    ``results/bench_quality_recipe.jsonl``. A candidate is from_estimator
    parameters and the changed fields of a ``skprune._pruning.Recipe``.
    Candidates that needed experiment switches inside the library (a final
    learning-rate factor, ERK or un-normalised allocation, early stopping in
    re-training) are retired (``RETIRED``): their measured rows stay in
    ``results/bench_quality_recipe.json`` and docs/benchmarks.rst, as do
    those of the retired ``--part early-stopping``
    (``results/bench_quality_early_stopping.json``).
``width``
    why 50% of the neurons loses on the ``make_classification`` tasks: dense
    networks of the full and of half the hidden width, trained for sklearn's
    ``max_iter=200`` (the dense model's budget) and to convergence (up to
    2,000 epochs), 3 seeds, test split.
``panel``
    the defaults on the TEST split of every panel dataset (``--datasets``;
    MNIST-10k with ``--datasets mnist-10k``, cells ``--mnist-cells``) at
    80/90/95% weights and 50% neurons, next to random pruning with the same
    recipe, a dense network of the same size trained from scratch, the
    previous fixed recipe, and the fit cost (thread time and epochs, as a
    ratio to the dense fit). Rows are appended to ``results/<panel-name>.jsonl``
    as they finish (a cut run keeps them; ``--no-run`` rebuilds the table).

    python benchmarks/bench_quality.py --part recipe --seeds 2
    python benchmarks/bench_quality.py --part panel --seeds 3 --n-jobs 1
    python benchmarks/bench_quality.py --part panel --datasets mnist-10k \
        --seeds 3 --panel-name bench_quality_panel_mnist
"""

import argparse
import collections
import json
import platform
import time
from pathlib import Path

import numpy as np
import sklearn
from _data import add_data_dir_argument, load_mnist_split
from joblib import Parallel, delayed
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

import skprune
from skprune import PrunedMLPClassifier
from skprune._serving._compressed import CompressedMLP

CRITERIA = ["magnitude", "entropy", "gradient", "taylor", "random"]
SPARSITIES = [0.5, 0.8, 0.9, 0.95, 0.98]
TARGETS = {0.95: 0.5, 0.98: 1.5}  # sparsity -> allowed accuracy drop (points)


def _dense(seed, X_train, y_train, X_test, y_test):
    with threadpool_limits(1):
        start = time.perf_counter()
        mlp = MLPClassifier(hidden_layer_sizes=(300, 100), random_state=seed)
        mlp.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    return mlp, {
        "seed": seed,
        "accuracy": mlp.score(X_test, y_test),
        "fit_seconds": seconds,
        "n_iter": mlp.n_iter_,
    }


def _prune(dense, dense_seconds, seed, criterion, sparsity, data):
    X_train, y_train, X_test, y_test = data
    with threadpool_limits(1):
        start = time.perf_counter()
        est = PrunedMLPClassifier.from_estimator(
            dense, X_train, y_train, prune_ratio=sparsity, prune_criterion=criterion
        )
        seconds = time.perf_counter() - start
    # the same pruned weights served in float32: do the predicted labels agree?
    net32 = CompressedMLP(
        est.coefs_,
        est.intercepts_,
        est.masks_,
        est.activation,
        est.out_activation_,
        inference_dtype="float32",
    )
    agree = np.mean(
        net32.forward(X_test).argmax(axis=1) == est.predict_proba(X_test).argmax(axis=1)
    )
    return {
        "seed": seed,
        "criterion": criterion,
        "target_sparsity": sparsity,
        "float32_label_agreement": float(agree),
        "sparsity": est.sparsity_,
        "accuracy": est.score(X_test, y_test),
        "hidden_layer_sizes": list(est.hidden_layer_sizes_),
        "prune_seconds": seconds,
        "fit_seconds": dense_seconds + seconds,
    }


def _fit_direct(seed, hidden, prune_ratio, data):
    """Dense MLPClassifier (prune_ratio None) or PrunedMLPClassifier, defaults."""
    X_train, y_train, X_test, y_test = data
    with threadpool_limits(1):
        start = time.perf_counter()
        if prune_ratio is None:
            est = MLPClassifier(hidden_layer_sizes=hidden, random_state=seed)
        else:
            est = PrunedMLPClassifier(
                hidden_layer_sizes=hidden, prune_ratio=prune_ratio, random_state=seed
            )
        est.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    return {
        "seed": seed,
        "hidden": list(hidden),
        "prune_ratio": prune_ratio,
        "accuracy": est.score(X_test, y_test),
        "fit_seconds": seconds,
        "sparsity": getattr(est, "sparsity_", 0.0),
        "hidden_layer_sizes": list(getattr(est, "hidden_layer_sizes_", hidden)),
    }


def _cell(values):
    values = np.asarray(values) * 100
    return f"{values.mean():.2f} ± {values.std():.2f}"


def _drop(rows, dense_by_seed):
    """Mean over seeds of (dense - pruned) accuracy, in points."""
    return float(
        np.mean([(dense_by_seed[r["seed"]] - r["accuracy"]) * 100 for r in rows])
    )


def _part_variants(args, data, dense, part):
    """Criteria x settings pruned from the same dense models (neuron, noretrain)."""
    if part == "neuron":
        settings = [
            {"prune_ratio": r, "prune_granularity": "neuron"} for r in (0.5, 0.75)
        ]
    else:
        settings = [
            {"prune_ratio": 0.9, "prune_schedule": "oneshot", "finetune_iter": 0}
        ]
    tasks = [
        (s, c, st) for s in range(args.seeds) for c in args.criteria for st in settings
    ]
    rows = Parallel(n_jobs=args.n_jobs)(
        delayed(_prune_with)(dense[s][0], s, c, st, data) for s, c, st in tasks
    )
    dense_by_seed = {d[1]["seed"]: d[1]["accuracy"] for d in dense}
    label = (
        (lambda st: f"{st['prune_ratio']:.0%} neurons")
        if part == "neuron"
        else (lambda st: "90% one-shot, no re-training")
    )
    lines = [
        "| criterion | " + " | ".join(label(st) for st in settings) + " |",
        "|---" * (len(settings) + 1) + "|",
    ]
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
                verdicts.append(
                    f"{c} @ 50% neurons: drop {drop:.2f} points, target <= 0.5"
                    f" -> {'met' if drop <= 0.5 else 'MISSED'}"
                )
            if part == "noretrain":
                random_acc[c] = np.mean([r["accuracy"] for r in sel]) * 100
        lines.append(f"| {c} | " + " | ".join(cells) + " |")
    if part == "noretrain" and "random" in random_acc:
        for c, acc in random_acc.items():
            if c != "random":
                gap = acc - random_acc["random"]
                verdicts.append(
                    f"{c} beats random by {gap:.2f} points with no re-training"
                )
    return lines, verdicts, rows


def _prune_with(dense, seed, criterion, settings, data):
    X_train, y_train, X_test, y_test = data
    with threadpool_limits(1):
        start = time.perf_counter()
        est = PrunedMLPClassifier.from_estimator(
            dense, X_train, y_train, prune_criterion=criterion, **settings
        )
        seconds = time.perf_counter() - start
    return {
        "seed": seed,
        "criterion": criterion,
        "settings": settings,
        "accuracy": est.score(X_test, y_test),
        "sparsity": est.sparsity_,
        "hidden_layer_sizes": list(est.hidden_layer_sizes_),
        "prune_seconds": seconds,
    }


def _part_defaults(args, data):
    hiddens = [(100,), (300, 100)]
    tasks = [
        (s, h, r) for h in hiddens for s in range(args.seeds) for r in (None, 0.95)
    ]
    rows = Parallel(n_jobs=args.n_jobs)(
        delayed(_fit_direct)(s, h, r, data) for s, h, r in tasks
    )
    lines = [
        "| hidden sizes | dense `MLPClassifier` "
        "| `PrunedMLPClassifier(prune_ratio=0.95)` | change "
        "| median fit s (dense / pruned) |",
        "|---|---|---|---|---|",
    ]
    verdicts = []
    for h in hiddens:
        dense = [r for r in rows if r["hidden"] == list(h) and r["prune_ratio"] is None]
        pruned = [
            r for r in rows if r["hidden"] == list(h) and r["prune_ratio"] is not None
        ]
        drop = _drop(pruned, {r["seed"]: r["accuracy"] for r in dense})
        lines.append(
            f"| {h} | {_cell([r['accuracy'] for r in dense])} | "
            f"{_cell([r['accuracy'] for r in pruned])} | {-drop:+.2f} | "
            f"{np.median([r['fit_seconds'] for r in dense]):.0f} / "
            f"{np.median([r['fit_seconds'] for r in pruned]):.0f} |"
        )
        verdicts.append(
            f"defaults, hidden {h}, 95%: drop {drop:.2f} points, target <= 0.5"
            f" -> {'met' if drop <= 0.5 else 'MISSED'}"
        )
    return lines, verdicts, rows


def _generality_data(name):
    from sklearn.datasets import load_digits, make_classification
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    if name == "digits":
        X, y = load_digits(return_X_y=True)
        X = X / 16
    else:
        X, y = make_classification(
            n_samples=6000,
            n_features=40,
            n_informative=15,
            n_redundant=5,
            n_classes=4,
            random_state=0,
        )
        X = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    return X_train, y_train, X_test, y_test


def _part_generality(args):
    names = ["digits", "make_classification"]
    tasks = [
        (n, s, r) for n in names for s in range(args.seeds) for r in (None, 0.9, 0.95)
    ]
    rows = Parallel(n_jobs=args.n_jobs)(
        delayed(_fit_direct)(s, (100,), r, _generality_data(n)) for n, s, r in tasks
    )
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
    path.write_text(
        json.dumps(
            {
                "benchmark": "bench_quality",
                "part": part,
                "header": header,
                "table": lines,
                "verdicts": verdicts,
                **extra,
                "versions": {
                    "skprune": skprune.__version__,
                    "sklearn": sklearn.__version__,
                    "numpy": np.__version__,
                    "python": platform.python_version(),
                },
            },
            indent=2,
        )
    )
    print(f"wrote {path}\n")


def _part_frontier(args, data, dense):
    seeds = list(range(args.seeds))
    tasks = [(s, c, sp) for s in seeds for c in args.criteria for sp in args.sparsities]
    rows = Parallel(n_jobs=args.n_jobs, verbose=0)(
        delayed(_prune)(dense[s][0], dense[s][1]["fit_seconds"], s, c, sp, data)
        for s, c, sp in tasks
    )

    dense_acc = np.array([d[1]["accuracy"] for d in dense]) * 100
    dense_fit = np.median([d[1]["fit_seconds"] for d in dense])
    lines = [
        "| criterion | "
        + " | ".join(f"{sp:.0%} sparse" for sp in args.sparsities)
        + " | median fit s |",
        "|---" * (len(args.sparsities) + 2) + "|",
        f"| dense | {dense_acc.mean():.2f} ± {dense_acc.std():.2f} (0%)"
        + " |" * len(args.sparsities)
        + f" {dense_fit:.0f} |",
    ]
    verdicts = []
    for c in args.criteria:
        cells = []
        for sp in args.sparsities:
            sel = [
                r for r in rows if r["criterion"] == c and r["target_sparsity"] == sp
            ]
            acc = np.array([r["accuracy"] for r in sel]) * 100
            # drop per seed against that seed's own dense model
            drop = np.mean([dense_acc[r["seed"]] - r["accuracy"] * 100 for r in sel])
            cells.append(f"{acc.mean():.2f} ± {acc.std():.2f} ({-drop:+.2f})")
            if sp in TARGETS:
                ok = drop <= TARGETS[sp]
                verdicts.append(
                    f"{c} @ {sp:.0%}: drop {drop:.2f} points, target "
                    f"<= {TARGETS[sp]} -> {'met' if ok else 'MISSED'}"
                )
        fit = np.median([r["fit_seconds"] for r in rows if r["criterion"] == c])
        lines.append(f"| {c} | " + " | ".join(cells) + f" | {fit:.0f} |")
    if 0.9 in args.sparsities and "random" in args.criteria:
        mean90 = {
            c: np.mean(
                [
                    r["accuracy"]
                    for r in rows
                    if r["criterion"] == c and r["target_sparsity"] == 0.9
                ]
            )
            * 100
            for c in args.criteria
        }
        for c in args.criteria:
            if c != "random":
                gap = mean90[c] - mean90["random"]
                verdicts.append(
                    f"{c} beats random @ 90% by {gap:.2f} points, target "
                    f">= 5 -> {'met' if gap >= 5 else 'MISSED'}"
                )
    agreement = min(r["float32_label_agreement"] for r in rows)
    verdicts.append(
        f"float32 vs float64 predicted labels on the test split: "
        f"lowest agreement over all runs {agreement:.4%} (target >= "
        f"99.9%) -> {'met' if agreement >= 0.999 else 'MISSED'}"
    )
    return lines, verdicts, rows


SMALL = [
    "digits-100",
    "digits-64x64",
    "mc-4class",
    "mc-10class-flip",
    "friedman1",
    "breast-cancer",
    "diabetes",
]
CELLS = {
    "80% weights": {"prune_ratio": 0.8},
    "90% weights": {"prune_ratio": 0.9},
    "95% weights": {"prune_ratio": 0.95},
    "50% neurons": {"prune_ratio": 0.5, "prune_granularity": "neuron"},
}
# candidate recipes compared on validation data: (from_estimator params, the
# changed Recipe fields or None); RETIRED: measured with library switches that
# are gone, kept so that the table of stored rows still lists them
# Every candidate but the default names its criterion: the default's changed
# from 'magnitude' to 'auto' (entropy for weights, magnitude for neurons).
_MAG = {"prune_criterion": "magnitude"}
RETIRED = "retired"
CANDIDATES = {
    "fixed (5 steps x 10 epochs, old default)": (
        {"n_prune_steps": 5, "finetune_iter": 10, **_MAG},
        None,
    ),
    "auto, 10 steps (default)": ({}, None),
    # issue 25: a final re-training until sklearn's stopping rule (up to
    # max_iter) instead of what is left of 2.5 D; re-training rates that decay
    "auto, final re-training up to max_iter": ({}, {"total_factor": 1000.0}),
    "auto, re-training rate x0.8 per step": ({}, {"retrain_rate_decay": 0.8}),
    "auto, 10 steps, magnitude (previous default)": (_MAG, None),
    "auto, 10 steps, magnitude, no step-size rule": (
        _MAG,
        {"max_halvings": 0},
    ),
    "auto, 10 steps, magnitude, 0.25 D per step": (
        _MAG,
        {"step_fraction": 0.25},
    ),
    "auto, 5 steps, magnitude": ({"n_prune_steps": 5, **_MAG}, None),
    "auto, 20 steps x 0.075 D, magnitude": (
        {"n_prune_steps": 20, **_MAG},
        {"step_fraction": 0.075},
    ),
    # the dense model is already trained: learning_rate_init given to
    # from_estimator only sets the re-training rate (dense: sklearn's 0.001).
    "auto, 10 steps, magnitude, re-training at 2x learning rate": (
        {"learning_rate_init": 0.002, **_MAG},
        None,
    ),
    "auto, 10 steps, magnitude, re-training at 3x learning rate": (
        {"learning_rate_init": 0.003, **_MAG},
        None,
    ),
    "auto, 10 steps, magnitude, final re-training at 2x learning rate": (
        _MAG,
        RETIRED,
    ),
    "auto, 10 steps, magnitude, ERK allocation": (
        _MAG,
        RETIRED,
    ),
    "auto, 10 steps, magnitude, un-normalised global ranking": (
        _MAG,
        RETIRED,
    ),
    "auto, early stopping in the final re-training": (
        {},
        RETIRED,
    ),
    "auto, early stopping in every re-training": (
        {},
        RETIRED,
    ),
    # the dense model is trained with sklearn's alpha=1e-4: alpha given to
    # from_estimator only sets the re-trainings' L2 penalty
    "auto, re-training with alpha=1e-3": ({"alpha": 1e-3}, None),
    "auto, re-training with alpha=1e-2": ({"alpha": 1e-2}, None),
    "auto, 15 steps": ({"n_prune_steps": 15}, None),
    "auto, 3 steps": ({"n_prune_steps": 3}, None),
    "auto, 1 step (one-shot)": ({"n_prune_steps": 1}, None),
    "auto, up to 5 halvings": ({}, {"max_halvings": 5}),
    "auto, stricter recovery (0.02 + 1.1 L)": (
        {},
        {"abs_slack": 0.02, "rel_slack": 1.1},
    ),
    "auto, 10 steps, entropy": ({"prune_criterion": "entropy"}, None),
    "auto, 10 steps, taylor": ({"prune_criterion": "taylor"}, None),
}


def _part_recipe(args):
    """Candidate recipes on the validation split of the small panel datasets."""
    import _runner

    cells = ["90% weights", "95% weights", "50% neurons"]
    settings = [
        (f"{cand} | {cell}", {**CELLS[cell], **params}, recipe)
        for cand, (params, recipe) in CANDIDATES.items()
        for cell in cells
        if recipe is not RETIRED
        and (args.candidates is None or cand in args.candidates)
    ]
    out = Path(args.out_dir) / "bench_quality_recipe.jsonl"
    jobs = [
        (n, s, "validation", settings, None, args.data_dir)
        for n in args.datasets
        for s in range(args.seeds)
    ]
    if not args.no_run:
        _runner.run(jobs, out, args.n_jobs)
    # the table covers every candidate run so far (the JSON-lines file accumulates)
    rows = [json.loads(line) for line in out.read_text().splitlines() if line]
    return _recipe_table(rows, args.datasets, cells)


def _recipe_table(rows, datasets, cells):
    """Change vs dense per candidate, cell and dataset (validation split).

    "mean, all" averages every dataset a candidate was run on; "mean, common"
    only the datasets every candidate in the table has (a cut run leaves some
    candidates without the slow datasets), so candidates compare like for like.
    """
    present = [
        c for c in CANDIDATES if any(r["setting"].startswith(f"{c} | ") for r in rows)
    ]
    dense = {(r["dataset"], r["seed"]): r for r in rows if r["setting"] == "dense"}
    change = {}  # (candidate, cell, dataset) -> list of changes over seeds
    epochs = {}
    for r in rows:
        if " | " not in r["setting"]:
            continue
        cand, cell = r["setting"].split(" | ")
        ref = dense[(r["dataset"], r["seed"])]
        change.setdefault((cand, cell, r["dataset"]), []).append(
            100 * (r["score"] - ref["score"])
        )
        epochs.setdefault((cand, cell), []).append(r["epochs"] / ref["epochs"])
    common = [
        n
        for n in datasets
        if all((c, cell, n) in change for c in present for cell in cells)
    ]
    lines = [
        "| candidate | cell | " + " | ".join(datasets) + " | mean, all | mean, "
        f"common ({len(common)} datasets) | fit epochs / dense |",
        "|---" * (len(datasets) + 5) + "|",
    ]
    for cand in present:
        for cell in cells:
            cols = [
                f"{np.mean(change[(cand, cell, n)]):+.2f}"
                if (cand, cell, n) in change
                else "-"
                for n in datasets
            ]
            have = [
                np.mean(change[(cand, cell, n)])
                for n in datasets
                if (cand, cell, n) in change
            ]
            com = [np.mean(change[(cand, cell, n)]) for n in common]
            lines.append(
                f"| {cand} | {cell} | "
                + " | ".join(cols)
                + f" | {np.mean(have):+.2f} | "
                f"{np.mean(com) if com else float('nan'):+.2f} | "
                f"{np.median(epochs[(cand, cell)]):.2f} |"
            )
    return lines, [], rows


# panel targets (points; R² x 100 for friedman1): allowed drop vs dense per cell
PANEL_TARGETS = {
    "80% weights": None,
    "90% weights": 1.0,
    "95% weights": 2.0,
    "50% neurons": 1.0,
    "98% weights": None,
}
MNIST_TARGETS = {"95% weights": 0.5, "98% weights": 1.5, "90% weights": 1.0}
MNIST_CELLS = {
    "90% weights": {"prune_ratio": 0.9},
    "95% weights": {"prune_ratio": 0.95},
    "98% weights": {"prune_ratio": 0.98},
}


def _panel_settings(name, args):
    """(setting, params, recipe) of the panel, and the settings with equal-size
    dense."""
    if name == "mnist-10k":
        cells = {c: MNIST_CELLS[c] for c in args.mnist_cells}
        random_cells = [c for c in ("90% weights", "95% weights") if c in cells]
        old_cells = []
    elif args.lean:  # what the targets need: random at 90/95%, no old recipe
        cells, random_cells, old_cells = CELLS, ["90% weights", "95% weights"], []
    else:
        cells, random_cells, old_cells = (
            CELLS,
            list(CELLS),
            ["90% weights", "95% weights"],
        )
    settings = [(f"pruned | {c}", p, None) for c, p in cells.items()]
    settings += [
        (f"random | {c}", {**cells[c], "prune_criterion": "random"}, None)
        for c in random_cells
    ]
    settings += [
        (
            f"old fixed recipe | {c}",
            # the previous defaults, magnitude criterion included
            {
                **cells[c],
                "n_prune_steps": 5,
                "finetune_iter": 10,
                "prune_criterion": "magnitude",
            },
            None,
        )
        for c in old_cells
    ]
    equal = [f"pruned | {c}" for c in cells]  # equal-size dense at every cell
    return settings, equal


def _part_panel(args):
    import _runner

    out = Path(args.out_dir) / (args.panel_name + ".jsonl")
    jobs = []
    for s in args.seed_list if args.seed_list else range(args.seeds):
        for n in args.datasets:
            settings, equal = _panel_settings(n, args)
            jobs.append((n, s, "test", settings, equal, args.data_dir))
    if not args.no_run:
        _runner.run(jobs, out, args.n_jobs)
    rows, seen = [], set()
    for line in out.read_text().splitlines():
        row = json.loads(line)  # a re-started run may have written a row twice
        key = (row["dataset"], row["seed"], row["setting"], row.get("of"))
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return _panel_table(rows)


def _mean_std(values):
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.2f} ± {values.std():.2f}"


def _panel_table(rows):
    """Test-split panel table and target verdicts from the JSON-lines rows."""
    rows = [r for r in rows if r.get("split", "test") == "test"]
    names = [n for n in _panel_names() if any(r["dataset"] == n for r in rows)]
    lines = [
        "| dataset | cell | dense | pruned (change) | random, same recipe (change) "
        "| equal-size dense (change) [hidden] | old fixed recipe (change) "
        "| fit time / dense (thread s) | fit epochs / dense | seeds "
        "| training score: dense / pruned / equal-size | warnings of ours |",
        "|---" * 12 + "|",
    ]
    verdicts = []
    coverage = collections.Counter()  # (short by > 2, warned, shortfall warning)
    coverage = collections.Counter()  # (short by > 2, warned, shortfall warning)
    for n in names:
        dense = {
            r["seed"]: r for r in rows if r["dataset"] == n and r["setting"] == "dense"
        }
        cells = []
        for r in rows:
            if r["dataset"] == n and r["setting"].startswith("pruned | "):
                c = r["setting"].split(" | ")[1]
                if c not in cells:
                    cells.append(c)
        order = [
            "80% weights",
            "90% weights",
            "95% weights",
            "98% weights",
            "50% neurons",
        ]
        cells.sort(key=order.index)
        for c in cells:

            def pick(setting, key="setting"):
                return [
                    r
                    for r in rows
                    if r["dataset"] == n
                    and r.get(key) == setting
                    and r["seed"] in dense
                ]

            pruned = pick(f"pruned | {c}")
            seeds = [r["seed"] for r in pruned]
            d = [100 * dense[s]["score"] for s in seeds]
            p = [100 * r["score"] for r in pruned]
            change = np.mean(p) - np.mean(d)

            def other(sel):
                sel = [r for r in sel if r["seed"] in seeds]
                if not sel:
                    return "-", None
                v = [100 * r["score"] for r in sel]
                # change against the dense models of the same seeds
                ref = np.mean([100 * dense[r["seed"]]["score"] for r in sel])
                n = (
                    f", {len(sel)} seed{'s' if len(sel) > 1 else ''}"
                    if len(sel) < len(seeds)
                    else ""
                )
                return (
                    f"{_mean_std(v)} ({np.mean(v) - ref:+.2f}{n})",
                    {r["seed"]: 100 * r["score"] for r in sel},
                )

            rnd, rnd_mean = other(pick(f"random | {c}"))
            eq_rows = [
                r
                for r in rows
                if r["dataset"] == n
                and r["setting"] == "equal-size dense"
                and r.get("of") == f"pruned | {c}"
            ]
            eq, eq_mean = other(eq_rows)
            if eq_rows:
                eq += f" [{'-'.join(map(str, eq_rows[0]['hidden']))}]"
            old, _ = other(pick(f"old fixed recipe | {c}"))
            t = np.median([r["seconds"] / dense[r["seed"]]["seconds"] for r in pruned])
            e = np.median([r["epochs"] / dense[r["seed"]]["epochs"] for r in pruned])
            train = _train_scores(dense, pruned, eq_rows)
            lines.append(
                f"| {n} | {c} | {_mean_std(d)} | {_mean_std(p)} ({change:+.2f}) | "
                f"{rnd} | {eq} | {old} | {t:.2f} | {e:.2f} | {len(seeds)} | "
                f"{train} | {_warned(pruned)} |"
            )
            targets = MNIST_TARGETS if n == "mnist-10k" else PANEL_TARGETS
            allowed = targets.get(c)
            if allowed is not None:
                verdicts.append(
                    f"{n} {c}: change {change:+.2f}, target >= -{allowed} -> "
                    f"{'met' if change >= -allowed else 'MISSED'}"
                )
            mine = {r["seed"]: 100 * r["score"] for r in pruned}

            def gap_to(other_scores):  # mean over the seeds both have
                return float(np.mean([mine[k] - v for k, v in other_scores.items()]))

            if c in ("90% weights", "95% weights"):
                if eq_mean is not None:
                    gap = gap_to(eq_mean)
                    verdicts.append(
                        f"{n} {c}: pruned - equal-size dense {gap:+.2f}, target "
                        f">= +2 -> {'met' if gap >= 2 else 'MISSED'}"
                    )
                if rnd_mean is not None:
                    gap = gap_to(rnd_mean)
                    verdicts.append(
                        f"{n} {c}: pruned - random {gap:+.2f}, target >= +3 -> "
                        f"{'met' if gap >= 3 else 'MISSED'}"
                    )
            if all("warning_classes" in r for r in pruned):
                # issue 25: a fit more than 2 points short of its dense model
                # (per seed, test) raises a warning of ours; no shortfall
                # warning on the others (false alarms)
                for r in pruned:
                    short = 100 * (dense[r["seed"]]["score"] - r["score"]) > 2
                    ours = bool(r["warning_classes"])
                    alarm = "PruningShortfallWarning" in r["warning_classes"]
                    coverage[(short, ours, alarm)] += 1
                    if short and not ours:
                        verdicts.append(
                            f"{n} {c} seed {r['seed']}: "
                            f"{100 * (r['score'] - dense[r['seed']]['score']):+.2f}"
                            " and no warning of ours -> MISSED"
                        )
            if n == "mnist-10k":
                verdicts.append(
                    f"{n} {c}: fit time {t:.2f}x dense (epochs {e:.2f}x), "
                    f"target <= 4 -> {'met' if t <= 4 else 'MISSED'}"
                )
    if coverage:
        short = sum(v for k, v in coverage.items() if k[0])
        caught = sum(v for k, v in coverage.items() if k[0] and k[1])
        healthy = sum(v for k, v in coverage.items() if not k[0])
        alarms = sum(v for k, v in coverage.items() if not k[0] and k[2])
        verdicts.append(
            f"fits more than 2 points short of dense (per seed): {short}, with a "
            f"warning of ours {caught}; fits within 2 points: {healthy}, with a "
            f"PruningShortfallWarning {alarms} (false-alarm rate "
            f"{alarms / max(healthy, 1):.0%})"
        )
    return lines, verdicts, rows


def _train_scores(dense, pruned, eq_rows):
    """Mean training score x 100 of the dense, pruned and equal-size dense
    models (rows measured before issue 25 have none: '-')."""

    def mean(rows):
        v = [100 * r["train_score"] for r in rows if "train_score" in r]
        return f"{np.mean(v):.1f}" if v else "-"

    seeds = {r["seed"] for r in pruned}
    return " / ".join(
        [
            mean([dense[s] for s in seeds]),
            mean(pruned),
            mean([r for r in eq_rows if r["seed"] in seeds]),
        ]
    )


def _warned(pruned):
    """Which warnings of ours each seed's fit raised: 'S' a
    PruningShortfallWarning, 'C' a PruningConvergenceWarning, '-' none."""
    if not all("warning_classes" in r for r in pruned):
        return "n/a"
    marks = []
    for r in sorted(pruned, key=lambda r: r["seed"]):
        kinds = set(r["warning_classes"])
        mark = ("S" if "PruningShortfallWarning" in kinds else "") + (
            "C" if "PruningConvergenceWarning" in kinds else ""
        )
        marks.append(mark or "-")
    return " ".join(marks)


def _panel_names():
    from _panel import DATASETS

    return list(DATASETS)


def _width_fit(name, hidden, max_iter, seed):
    import warnings

    from _panel import load
    from sklearn.exceptions import ConvergenceWarning

    X_tr, y_tr, X_te, y_te = load(name, "test")
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = MLPClassifier(
            hidden_layer_sizes=hidden, max_iter=max_iter, random_state=seed
        ).fit(X_tr, y_tr)
    return {
        "dataset": name,
        "hidden": list(hidden),
        "max_iter": max_iter,
        "seed": seed,
        "test": float(m.score(X_te, y_te)),
        "train": float(m.score(X_tr, y_tr)),
        "n_iter": int(m.n_iter_),
    }


def _part_width(args):
    """Full and half hidden width, trained for 200 epochs and to convergence."""
    from _panel import DATASETS

    names = ["mc-4class", "mc-10class-flip"]
    tasks = []
    for n in names:
        full = DATASETS[n][0]
        for hidden in (full, tuple(h // 2 for h in full)):
            for max_iter in (200, 2000):
                tasks += [(n, hidden, max_iter, s) for s in range(args.seeds)]
    rows = Parallel(n_jobs=args.n_jobs)(delayed(_width_fit)(*t) for t in tasks)
    lines = [
        "| dataset | hidden | max_iter | test accuracy | change vs full width, "
        "max_iter=200 | train accuracy | epochs run |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in names:
        sel = [r for r in rows if r["dataset"] == n]
        full = sel[0]["hidden"]
        ref = np.mean(
            [r["test"] for r in sel if r["max_iter"] == 200 and r["hidden"] == full]
        )
        for hidden in dict.fromkeys(tuple(r["hidden"]) for r in sel):
            for max_iter in (200, 2000):
                g = [
                    r
                    for r in sel
                    if tuple(r["hidden"]) == hidden and r["max_iter"] == max_iter
                ]
                test = [r["test"] for r in g]
                lines.append(
                    f"| {n} | {'-'.join(map(str, hidden))} | {max_iter} | "
                    f"{_cell(test)} | {100 * (np.mean(test) - ref):+.2f} | "
                    f"{100 * np.mean([r['train'] for r in g]):.2f} | "
                    f"{int(np.median([r['n_iter'] for r in g]))} |"
                )
    return lines, [], rows


# part -> (function of args, JSON header with {seeds}); the other parts use
# the MNIST-10k split and its dense models
_SMALL_PARTS = {
    "panel": (
        _part_panel,
        "Panel on the TEST split: the defaults PrunedMLP*(prune_ratio=r) vs dense "
        "MLP* (sklearn defaults, same hidden sizes), accuracy % (R² x 100 for "
        "friedman1) mean ± std over seeds; change vs dense in points; fit time = "
        "dense + pruning, time.thread_time(), 1 BLAS thread",
    ),
    "width": (
        _part_width,
        "Dense MLPClassifier of the full and of half the hidden width (what 50% "
        "neuron pruning leaves), trained for max_iter=200 (the dense model's "
        "budget) or to convergence (max_iter=2000), TEST split, accuracy % mean "
        "± std over {seeds} seeds",
    ),
    "recipe": (
        _part_recipe,
        "Candidate recipes on the VALIDATION split (20% of each training part), "
        "change vs dense in points (accuracy %, R² x 100 for friedman1), mean "
        "over {seeds} seed(s)",
    ),
    "generality": (
        _part_generality,
        "sklearn digits and make_classification (40 features, 4 classes), 75/25 "
        "split, default PrunedMLPClassifier vs MLPClassifier, test accuracy % "
        "mean ± std over {seeds} seed(s)",
    ),
}

PARTS = (
    "frontier",
    "neuron",
    "defaults",
    "noretrain",
    "generality",
    "recipe",
    "width",
    "panel",
)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", nargs="+", choices=PARTS, default=["frontier"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--criteria", nargs="+", default=CRITERIA)
    parser.add_argument("--sparsities", type=float, nargs="+", default=SPARSITIES)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--datasets", nargs="+", default=SMALL)
    parser.add_argument(
        "--lean",
        action="store_true",
        help="panel part: random pruning only at 90/95%%, no old recipe, "
        "no equal-size dense at 80%%",
    )
    parser.add_argument(
        "--seed-list",
        type=int,
        nargs="+",
        default=None,
        help="panel part: run these seeds (default range(--seeds))",
    )
    parser.add_argument(
        "--no-run",
        action="store_true",
        help="recipe/panel parts: only rebuild the table from the "
        "JSON-lines file of earlier runs",
    )
    parser.add_argument("--mnist-cells", nargs="+", default=list(MNIST_CELLS))
    parser.add_argument(
        "--panel-name",
        default="bench_quality_panel",
        help="panel part: JSON(-lines) file name under --out-dir",
    )
    parser.add_argument(
        "--candidates",
        nargs="+",
        default=None,
        help="recipe part: names of CANDIDATES to run (default all)",
    )
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
        if part in _SMALL_PARTS:  # the parts that bring their own data
            run, header = _SMALL_PARTS[part]
            lines, verdicts, rows = run(args)
            name = args.panel_name if part == "panel" else name.replace("-", "_")
            _write(
                out_dir / f"{name}.json",
                part,
                header.format(seeds=args.seeds),
                lines,
                verdicts,
                {"runs": rows},
            )
            continue
        if data is None:
            X_train, X_test, y_train, y_test = load_mnist_split(args.data_dir)
            data = (X_train, y_train, X_test, y_test)
        header = (
            f"MNIST-10k split (8,000 train / 2,000 test), test accuracy % mean ± "
            f"std over {args.seeds} seed(s) (change vs dense in points)"
        )
        if part == "defaults":
            lines, verdicts, rows = _part_defaults(args, data)
            _write(
                out_dir / f"{name}.json", part, header, lines, verdicts, {"runs": rows}
            )
            continue
        if dense is None:
            dense = Parallel(n_jobs=args.n_jobs)(
                delayed(_dense)(s, X_train, y_train, X_test, y_test)
                for s in range(args.seeds)
            )
        header = header.replace("test accuracy", "LeNet-300-100, test accuracy")
        if part == "frontier":
            lines, verdicts, rows = _part_frontier(args, data, dense)
        else:
            lines, verdicts, rows = _part_variants(args, data, dense, part)
        _write(
            out_dir / f"{name}.json",
            part,
            header,
            lines,
            verdicts,
            {"dense": [d[1] for d in dense], "runs": rows},
        )


if __name__ == "__main__":
    main()
