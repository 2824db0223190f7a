"""Sparse linear models on small data vs the L1 cross-validated baselines.

Datasets shipped with scikit-learn (no download): ``breast_cancer`` (binary,
569 x 30), ``wine`` (3 classes, 178 x 13), ``wine`` class 0 vs rest (binary),
``diabetes`` (regression, 442 x 10), ``diabetes`` on a degree-2 polynomial
design (65 features). Per seed: a 25% test split (stratified for
classification), features standardized on the training part; ``--seeds``
seeds (default 3).

Candidates, all fit on the training part only (each holds out or
cross-validates inside its own ``fit``):

- ``SparseSGDClassifier()`` / ``SparseSGDRegressor()`` with default
  parameters (``prune_ratio='auto'``), plus variants named on the command
  line (``--variants``);
- ``LogisticRegressionCV(l1_ratios=[1] (penalty='l1'), solver='saga', Cs=10,
  cv=5)`` / ``LassoCV(cv=5)``.

Reported on the test part: accuracy (or R^2), non-zero coefficients, features
used, fit time (``time.thread_time``, one BLAS thread).

    python benchmarks/bench_linear_small.py            # ~1 min on 2 cores
    python benchmarks/bench_linear_small.py --variants cv1

Writes ``benchmarks/results/linear_small.json`` and prints a markdown table.
"""

import argparse
import json
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LassoCV, LogisticRegressionCV
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from threadpoolctl import threadpool_limits

from skprune import SparseSGDClassifier, SparseSGDRegressor

RESULTS = Path(__file__).resolve().parent / "results"


def _datasets():
    X, y = load_breast_cancer(return_X_y=True)
    yield "breast_cancer", "clf", X, y
    X, y = load_wine(return_X_y=True)
    yield "wine", "clf", X, y
    yield "wine-0-vs-rest", "clf", X, (y == 0).astype(int)
    X, y = load_diabetes(return_X_y=True)
    yield "diabetes", "reg", X, y
    Xp = PolynomialFeatures(2, include_bias=False).fit_transform(X)
    yield "diabetes-poly2", "reg", Xp, y


# variants: extra constructor parameters of the sparse estimators
VARIANTS = {
    "default": {},
    "single-split": {"cv": 1},
    "z2": {"_loss_rise_z": (2.0, 2.0)},
    "cv3": {"cv": 3},
    "cv10": {"cv": 10},
    "rise0": {"max_loss_rise": 0.0},
    "rise0.1": {"max_loss_rise": 0.1},
    "log_loss": {"loss": "log_loss"},
    "dense": {"prune_ratio": 0.0},
    "z1": {"_loss_rise_z": (2.0, 1.0)},
    "z0": {"_loss_rise_z": (2.0, 0.0)},
    "z0-rise0.1": {"_loss_rise_z": (2.0, 0.0), "max_loss_rise": 0.1},
    "z1-rise0.1": {"_loss_rise_z": (2.0, 1.0), "max_loss_rise": 0.1},
    "z0-rise0.05": {"_loss_rise_z": (2.0, 0.0), "max_loss_rise": 0.05},
    "z0.5": {"_loss_rise_z": (2.0, 0.5)},
    "z0-rise0": {"_loss_rise_z": (2.0, 0.0), "max_loss_rise": 0.0},
    "z0.5-norefit": {"_loss_rise_z": (2.0, 0.5), "refit": False},
    "z0.5-cv10": {"_loss_rise_z": (2.0, 0.5), "cv": 10},
    "z0.5-log": {"_loss_rise_z": (2.0, 0.5), "loss": "log_loss"},
}


def _baseline(kind, seed):
    if kind == "clf":
        return LogisticRegressionCV(
            Cs=10,
            cv=5,
            l1_ratios=[1.0],
            solver="saga",
            max_iter=5000,
            random_state=seed,
        )
    return LassoCV(cv=5, random_state=seed, max_iter=10000)


def _sparse(kind, seed, params):
    cls = SparseSGDClassifier if kind == "clf" else SparseSGDRegressor
    params = dict(params)
    if kind == "reg" and params.get("loss") == "log_loss":
        params.pop("loss")  # a classifier's loss: the regressor keeps its own
    private = {k: params.pop(k) for k in list(params) if k.startswith("_")}
    if private:  # a variant of the rule's numbers: a subclass that sets them
        cls = type(cls.__name__, (cls,), private)
    return cls(random_state=seed, **params)


def _fit(model, X, y):
    t = time.thread_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FutureWarning)
        model.fit(X, y)
    return time.thread_time() - t


def _describe(model, X, y):
    coef = np.atleast_2d(model.coef_)
    if hasattr(coef, "toarray"):
        coef = coef.toarray()
    return {
        "score": float(model.score(X, y)),
        "nnz": int(np.count_nonzero(coef)),
        "n_features": int((coef != 0).any(axis=0).sum()),
    }


def run(seeds, variants, select=False):
    rows = []
    for name, kind, X, y in _datasets():
        for seed in range(seeds):
            X_tr, X_te, y_tr, y_te = train_test_split(
                X,
                y,
                test_size=0.25,
                random_state=seed,
                stratify=y if kind == "clf" else None,
            )
            if select:  # choose on validation: an inner split of the training part
                X_tr, X_te, y_tr, y_te = train_test_split(
                    X_tr,
                    y_tr,
                    test_size=0.25,
                    random_state=100 + seed,
                    stratify=y_tr if kind == "clf" else None,
                )
            scaler = StandardScaler().fit(X_tr)
            X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
            models = {"L1 CV": _baseline(kind, seed)}
            for v in variants:
                models[v] = _sparse(kind, seed, VARIANTS[v])
            for label, model in models.items():
                seconds = _fit(model, X_tr, y_tr)
                row = {
                    "dataset": name,
                    "seed": seed,
                    "model": label,
                    "fit_s": seconds,
                    **_describe(model, X_te, y_te),
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
    return rows


def table(rows):
    out = [
        "| dataset | model | score (mean) | per seed | nnz (mean) "
        "| features | fit s | vs L1 CV |",
        "|---" * 8 + "|",
    ]
    keys = list(dict.fromkeys((r["dataset"], r["model"]) for r in rows))
    for ds, model in keys:
        sel = [r for r in rows if r["dataset"] == ds and r["model"] == model]
        base = [r for r in rows if r["dataset"] == ds and r["model"] == "L1 CV"]
        s = np.mean([r["score"] for r in sel])
        d = f"{s - np.mean([r['score'] for r in base]):+.3f}" if base else "-"
        out.append(
            f"| {ds} | {model} | {s:.3f} | "
            + " / ".join(f"{r['score']:.3f}" for r in sel)
            + f" | {np.mean([r['nnz'] for r in sel]):.1f} | "
            + f"{np.mean([r['n_features'] for r in sel]):.1f} | "
            + f"{np.median([r['fit_s'] for r in sel]):.3f} | {d} |"
        )
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--variants", default="default")
    parser.add_argument("--out", default="linear_small.json")
    parser.add_argument(
        "--select",
        action="store_true",
        help="score on an inner validation split of the training part "
        "(to choose defaults) instead of the test part",
    )
    args = parser.parse_args()
    variants = args.variants.split(",")
    with threadpool_limits(1):
        rows = run(args.seeds, variants, select=args.select)
    print(table(rows))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.out).write_text(
        json.dumps(
            {
                "cpu": platform.processor() or platform.machine(),
                "sklearn": sklearn.__version__,
                "seeds": args.seeds,
                "scored_on": "validation" if args.select else "test",
                "variants": {v: VARIANTS[v] for v in variants},
                "rows": rows,
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
