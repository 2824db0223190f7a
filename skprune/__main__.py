"""``python -m skprune``: a dense and a pruned MLP on digits, side by side."""

import argparse
import io
import time

import joblib
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from . import PrunedMLPClassifier


def _joblib_bytes(estimator):
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    return buffer.getbuffer().nbytes


def _predict_seconds(estimator, X, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        estimator.predict(X)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skprune",
        description="Train a dense and a pruned MLP on sklearn's digits and "
        "compare accuracy, sparsity, non-zeros, joblib size and predict time.",
    )
    parser.add_argument("--prune-ratio", type=float, default=0.9)
    parser.add_argument("--hidden", type=int, nargs="+", default=[100])
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, random_state=args.random_state, stratify=y
    )
    common = dict(
        hidden_layer_sizes=tuple(args.hidden),
        max_iter=300,
        random_state=args.random_state,
    )
    models = {
        "dense MLPClassifier": MLPClassifier(**common),
        f"PrunedMLPClassifier({args.prune_ratio})": PrunedMLPClassifier(
            prune_ratio=args.prune_ratio, **common
        ),
    }
    rows = []
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        total = sum(c.size for c in model.coefs_)
        nnz = sum(int(np.count_nonzero(c)) for c in model.coefs_)
        rows.append(
            (
                name,
                f"{model.score(X_test, y_test):.4f}",
                f"{1 - nnz / total:.3f}",
                f"{nnz}",
                f"{_joblib_bytes(model) / 1024:.1f}",
                f"{_predict_seconds(model, X_test, args.repeats) * 1e3:.2f}",
                f"{fit_s:.1f}",
            )
        )
    header = ("model", "accuracy", "sparsity", "non-zeros", "joblib KiB",
              "predict ms", "fit s")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    print(f"digits: {len(X_train)} train / {len(X_test)} test samples, "
          f"predict time = median of {args.repeats} runs on the test set")
    for row in [header] + rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))


if __name__ == "__main__":
    main()
