"""``python -m skprune``: a dense and a pruned MLP on digits, side by side."""

import argparse
import io
import time
import warnings

import joblib
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

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


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m skprune",
        description="Train a dense and a pruned MLP on sklearn's digits and "
        "compare accuracy, sparsity, non-zeros, joblib size and predict time.",
    )
    parser.add_argument(
        "--prune-ratio",
        type=float,
        default=0.9,
        metavar="R",
        help="fraction of the connection weights the pruned model removes, in "
        "[0, 1) (default: %(default)s)",
    )
    parser.add_argument(
        "--hidden",
        type=int,
        nargs="+",
        default=[100],
        metavar="N",
        help="hidden layer sizes of both networks, e.g. --hidden 300 100 "
        "(default: 100)",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the train/test split and of both fits (default: %(default)s)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=20,
        metavar="K",
        help="predict calls timed per model; the median is shown "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--max-iter",
        type=int,
        default=300,
        metavar="EPOCHS",
        help="training epochs of the dense model and the pruned model's final "
        "re-training (default: %(default)s)",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        metavar="T",
        help="BLAS threads for training and predicting (default: %(default)s; "
        "networks this small only lose time to more threads, up to 60x on a "
        "busy machine)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the result table, no progress lines",
    )
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    with threadpool_limits(limits=args.blas_threads):
        _run(args)


def _run(args):

    def say(message):
        if not args.quiet:
            print(message, flush=True)

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, random_state=args.random_state, stratify=y
    )
    common = dict(
        hidden_layer_sizes=tuple(args.hidden),
        max_iter=args.max_iter,
        random_state=args.random_state,
    )
    say(
        f"digits: {len(X_train)} train / {len(X_test)} test samples, 64 pixels, "
        f"10 classes; hidden layers {tuple(args.hidden)}"
    )
    models = {
        "dense MLPClassifier": MLPClassifier(**common),
        f"PrunedMLPClassifier({args.prune_ratio})": PrunedMLPClassifier(
            prune_ratio=args.prune_ratio, **common
        ),
    }
    what = {
        "dense MLPClassifier": "training the dense MLPClassifier",
        f"PrunedMLPClassifier({args.prune_ratio})": (
            f"training PrunedMLPClassifier: dense training, then pruning to "
            f"{args.prune_ratio:.0%} sparsity in steps, each followed by masked "
            "re-training"
        ),
    }
    rows = []
    unconverged = []
    for k, (name, model) in enumerate(models.items(), start=1):
        say(f"[{k}/{len(models)}] {what[name]} ...")
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            model.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        if any(issubclass(w.category, ConvergenceWarning) for w in caught):
            unconverged.append(name)
        say(f"      done in {fit_s:.1f} s; timing predict ({args.repeats} runs) ...")
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
    header = (
        "model",
        "accuracy",
        "sparsity",
        "non-zeros",
        "joblib KiB",
        "predict ms",
        "fit s",
    )
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    print(
        f"digits: {len(X_train)} train / {len(X_test)} test samples, "
        f"predict time = median of {args.repeats} runs on the test set"
    )
    for row in [header] + rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
    if unconverged:
        # sklearn's ConvergenceWarning, said once and plainly
        print(
            f"note: {', '.join(unconverged)} stopped at --max-iter {args.max_iter} "
            "epochs before sklearn's convergence criterion was met (raise "
            "--max-iter to train longer); the scores above are of those models."
        )


if __name__ == "__main__":
    main()
