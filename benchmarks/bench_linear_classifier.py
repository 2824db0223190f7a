"""SparseSGDClassifier vs the L1 linear classifiers of scikit-learn.

1. **Synthetic, known support**: ``make_classification(n_samples=6000,
   n_features=200, n_informative=10, n_redundant=0, n_clusters_per_class=1,
   class_sep=1.0, shuffle=False)`` (the informative features are the first
   10), 2 and 5 classes, 3 seeds; standardized, 60/20/20 train/validation/test.
   Support F1 (features with a non-zero coefficient vs the informative ones),
   test accuracy, non-zero coefficients, fit time. Candidates:
   ``SparseSGDClassifier`` (defaults: hinge, and log_loss, each also with
   ``average=True``; it holds out its own validation split from the training
   part), ``SGDClassifier(penalty='l1')``
   and ``LogisticRegression(l1_ratio=1, solver='saga')`` at the alpha / C
   with the best validation accuracy (fit time: the one fit at that value;
   ``grid s``: the whole grid), ``LogisticRegressionCV`` (L1, saga, 3-fold,
   on train + validation).
2. **MNIST-10k** (8,000 train / 2,000 test, ``benchmarks/_data.py``,
   standardized): test accuracy vs non-zero coefficients (of 7,840) for
   ``SparseSGDClassifier`` at several ``prune_ratio`` and 'auto',
   ``SGDClassifier(penalty='l1')`` over alpha (both ``max_iter=20``: the
   default tol rule runs 1,000 epochs there), L1 logistic regression (saga,
   50 epochs) over C.

Fit times: ``time.thread_time()``, one BLAS thread, all candidates in one
process, interleaved within each round (one round per seed); medians with
min-max. (``penalty='l1'`` of LogisticRegression is spelled ``l1_ratio=1``
since scikit-learn 1.8.)

    python benchmarks/bench_linear_classifier.py           # ~15 min on 2 cores
    python benchmarks/bench_linear_classifier.py --quick   # 1 seed, fewer points
    python benchmarks/bench_linear_classifier.py --parts mnist  # re-run one part

Writes ``benchmarks/results/linear_classifier.json`` and prints markdown tables.
"""

import argparse
import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV, SGDClassifier
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import load_mnist_split  # noqa: E402

import skprune  # noqa: E402
from skprune import SparseSGDClassifier  # noqa: E402

CASE = dict(
    n_samples=6000,
    n_features=200,
    n_informative=10,
    n_redundant=0,
    n_clusters_per_class=1,
    class_sep=1.0,
    shuffle=False,
)
ALPHAS = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1]
CS = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
MNIST_RATIOS = ["auto", 0.8, 0.9, 0.95, 0.98]
# on standardized MNIST, SGDClassifier's tol rule does not stop it before 1,000
# epochs (48 s per fit here): every SGD fit (ours and the baseline) gets the
# same 20-epoch budget; saga 50 epochs
MNIST_SGD = dict(max_iter=20)
MNIST_ALPHAS = [1e-5, 1e-4, 3e-4, 1e-3, 3e-3]
MNIST_CS = [0.003, 0.01, 0.03, 0.1]


def _timed(make, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = make()
        t0 = time.thread_time()
        est.fit(X, y)
        return est, time.thread_time() - t0


def _coef(est):
    return np.atleast_2d(est.coef_)


def _row(est, seconds, X_test, y_test, informative=None, **extra):
    coef = _coef(est)
    row = dict(
        accuracy=float(est.score(X_test, y_test)),
        n_nonzero=int(np.count_nonzero(coef)),
        fit_s=seconds,
        **extra,
    )
    if informative is not None:
        row["support_f1"] = float(f1_score(informative, (coef != 0).any(axis=0)))
        row["n_features"] = int((coef != 0).any(axis=0).sum())
    return row


def _best_on_validation(makes, values, X_tr, y_tr, X_val, y_val):
    """Fit every value; the one with the best validation accuracy (ties: the
    sparser), its fit time and the whole grid's."""
    fits = [_timed(lambda v=v: makes(v), X_tr, y_tr) for v in values]
    scores = [(e.score(X_val, y_val), -np.count_nonzero(_coef(e))) for e, _ in fits]
    best = max(range(len(values)), key=lambda i: scores[i])
    return fits[best][0], fits[best][1], values[best], sum(s for _, s in fits)


def synthetic(seeds, class_counts):
    rows = []
    for n_classes in class_counts:
        for seed in seeds:
            X, y = make_classification(n_classes=n_classes, random_state=seed, **CASE)
            informative = np.arange(X.shape[1]) < CASE["n_informative"]
            X_tr, X_te, y_tr, y_te = train_test_split(
                X, y, test_size=0.2, random_state=seed, stratify=y
            )
            X_fit, X_val, y_fit, y_val = train_test_split(
                X_tr, y_tr, test_size=0.25, random_state=seed, stratify=y_tr
            )
            scaler = StandardScaler().fit(X_tr)
            X_tr, X_fit, X_val, X_te = map(scaler.transform, (X_tr, X_fit, X_val, X_te))
            common = dict(n_classes=n_classes, seed=seed)

            def _ours(**params):
                return lambda: _row(
                    *_timed(
                        lambda: SparseSGDClassifier(random_state=seed, **params),
                        X_tr,
                        y_tr,
                    ),
                    X_te,
                    y_te,
                    informative,
                )

            candidates = [
                ("SparseSGDClassifier (hinge)", _ours()),
                ("SparseSGDClassifier (log_loss)", _ours(loss="log_loss")),
                ("SparseSGDClassifier (hinge, average=True)", _ours(average=True)),
                (
                    "SparseSGDClassifier (log_loss, average=True)",
                    _ours(loss="log_loss", average=True),
                ),
                (
                    "SGDClassifier l1, best alpha",
                    lambda: _select(
                        lambda a: SGDClassifier(
                            penalty="l1", alpha=a, random_state=seed
                        ),
                        ALPHAS,
                        "alpha",
                    ),
                ),
                (
                    "LogisticRegression l1 saga, best C",
                    lambda: _select(
                        lambda c: LogisticRegression(
                            l1_ratio=1.0,
                            C=c,
                            solver="saga",
                            max_iter=200,
                            random_state=seed,
                        ),
                        CS,
                        "C",
                    ),
                ),
                (
                    "LogisticRegressionCV l1 saga",
                    lambda: _row(
                        *_timed(
                            lambda: LogisticRegressionCV(
                                Cs=CS,
                                l1_ratios=[1.0],
                                solver="saga",
                                cv=3,
                                max_iter=200,
                                scoring="accuracy",
                                use_legacy_attributes=False,
                                random_state=seed,
                            ),
                            X_tr,
                            y_tr,
                        ),
                        X_te,
                        y_te,
                        informative,
                    ),
                ),
            ]

            def _select(make, values, name):
                est, s, value, grid = _best_on_validation(
                    make, values, X_fit, y_fit, X_val, y_val
                )
                return _row(
                    est, s, X_te, y_te, informative, **{name: value}, grid_s=grid
                )

            # interleaved: the order rotates with the seed
            shift = seed % len(candidates)
            for name, run in candidates[shift:] + candidates[:shift]:
                row = dict(method=name, **common, **run())
                rows.append(row)
                print(
                    f"  {n_classes} classes seed {seed} {name}: acc "
                    f"{row['accuracy']:.3f} F1 {row['support_f1']:.2f} nnz "
                    f"{row['n_nonzero']} {row['fit_s']:.2f} s",
                    flush=True,
                )
    return rows


def mnist(ratios, alphas, cs):
    X_tr, X_te, y_tr, y_te = load_mnist_split()
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
    X_fit, X_val, y_fit, y_val = train_test_split(
        X_tr, y_tr, test_size=0.25, random_state=0, stratify=y_tr
    )
    rows = []
    jobs = [
        (
            f"SparseSGDClassifier (hinge{', average=True' if avg else ''})",
            "prune_ratio",
            r,
            lambda r=r, avg=avg: SparseSGDClassifier(
                prune_ratio=r, average=avg, random_state=0, **MNIST_SGD
            ),
        )
        for avg in (False, True)
        for r in ratios
    ]
    jobs += [
        (
            "SGDClassifier l1",
            "alpha",
            a,
            lambda a=a: SGDClassifier(
                penalty="l1", alpha=a, random_state=0, **MNIST_SGD
            ),
        )
        for a in alphas
    ]
    jobs += [
        (
            "LogisticRegression l1 saga",
            "C",
            c,
            lambda c=c: LogisticRegression(
                l1_ratio=1.0, C=c, solver="saga", max_iter=50, random_state=0
            ),
        )
        for c in cs
    ]
    for method, param, value, make in jobs:
        est, seconds = _timed(make, X_tr, y_tr)
        # the baselines' validation accuracy (refit on the fit part) picks
        # their best value
        val = None
        if not method.startswith("SparseSGDClassifier"):
            val = float(_timed(make, X_fit, y_fit)[0].score(X_val, y_val))
        row = _row(
            est,
            seconds,
            X_te,
            y_te,
            method=method,
            param=param,
            value=value,
            validation_accuracy=val,
        )
        rows.append(row)
        print(
            f"  MNIST {method} {param}={value}: acc {row['accuracy']:.4f} nnz "
            f"{row['n_nonzero']} {seconds:.1f} s",
            flush=True,
        )
    return rows


def _median(values):
    values = np.asarray(values, dtype=float)
    return f"{np.median(values):.3g} [{values.min():.3g}-{values.max():.3g}]"


def print_tables(result):
    if result.get("synthetic"):
        _print_synthetic(result)
    if result.get("mnist"):
        _print_mnist(result)


def _print_synthetic(result):
    print("\n### Synthetic, known support (median [min-max] over seeds)\n")
    print(
        "| classes | method | support F1 | test accuracy | non-zeros | "
        "features kept | fit s | grid s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    rows = result["synthetic"]
    for n_classes in sorted({r["n_classes"] for r in rows}):
        for method in dict.fromkeys(r["method"] for r in rows):
            sel = [
                r for r in rows if r["n_classes"] == n_classes and r["method"] == method
            ]
            if not sel:
                continue
            grid = _median([r["grid_s"] for r in sel]) if "grid_s" in sel[0] else ""
            print(
                f"| {n_classes} | {method} | "
                f"{_median([r['support_f1'] for r in sel])} | "
                f"{_median([r['accuracy'] for r in sel])} | "
                f"{_median([r['n_nonzero'] for r in sel])} | "
                f"{_median([r['n_features'] for r in sel])} | "
                f"{_median([r['fit_s'] for r in sel])} | {grid} |"
            )


def _print_mnist(result):
    print("\n### MNIST-10k: test accuracy vs non-zero coefficients (of 7,840)\n")
    print(
        "| method | setting | non-zeros | test accuracy | validation accuracy | fit s |"
    )
    print("|---|---|---|---|---|---|")
    for r in result["mnist"]:
        val = (
            ""
            if r["validation_accuracy"] is None
            else f"{r['validation_accuracy']:.4f}"
        )
        print(
            f"| {r['method']} | {r['param']}={r['value']} | {r['n_nonzero']} "
            f"| {r['accuracy']:.4f} | {val} | {r['fit_s']:.1f} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--parts", default="synthetic,mnist")
    parser.add_argument(
        "--out",
        default=str(Path(__file__).parent / "results" / "linear_classifier.json"),
    )
    args = parser.parse_args()
    parts = args.parts.split(",")
    out = Path(args.out)
    previous = json.loads(out.read_text()) if out.exists() else {}
    result = dict(previous)  # the parts not re-run are kept
    result.update(
        versions=dict(
            skprune=skprune.__version__,
            sklearn=sklearn.__version__,
            numpy=np.__version__,
            python=platform.python_version(),
        ),
        case=CASE,
        alphas=ALPHAS,
        Cs=CS,
        quick=args.quick,
    )
    with threadpool_limits(1):
        if "synthetic" in parts:
            result["synthetic"] = synthetic([0] if args.quick else [0, 1, 2], [2, 5])
        if "mnist" in parts:
            result["mnist"] = (
                mnist(["auto", 0.9], [1e-4], [0.03])
                if args.quick
                else mnist(MNIST_RATIOS, MNIST_ALPHAS, MNIST_CS)
            )
    out.write_text(json.dumps(result, indent=1))
    print_tables(result)


if __name__ == "__main__":
    main()
