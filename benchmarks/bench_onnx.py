"""ONNX export of trained pruned MLPs: parity, file size and onnxruntime speed.

A dense LeNet-300-100 ``MLPClassifier`` is trained on the MNIST-10k split
(8,000 train / 2,000 test) and pruned with ``PrunedMLPClassifier.from_estimator``
(by neurons and by weights). Every model, the dense one included, is exported
with ``skprune.onnx.to_onnx`` (float32) and run with onnxruntime on one thread.

Reported per model: test accuracy in sklearn and in onnxruntime, the largest
probability difference and the share of equal labels (parity), the exported
size in bytes, and the median ``thread_time`` of one ``InferenceSession.run``
on batches of 1 and 1,000 test rows (rounds interleaved across the models in
one process; spread = 10th-90th percentile), speed-up = dense / pruned.

    python benchmarks/bench_onnx.py [--data-dir DIR] [--quick]

``--quick`` uses sklearn's digits and a (100,) network instead (seconds).
Writes benchmarks/results/onnx.json and prints a table.
"""

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import onnxruntime as rt  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import add_data_dir_argument, load_mnist_split  # noqa: E402

from skprune import PrunedMLPClassifier  # noqa: E402
from skprune.onnx import to_onnx  # noqa: E402

CASES = [
    ("dense", None),
    ("50% neurons", dict(prune_ratio=0.5, prune_granularity="neuron")),
    ("75% neurons", dict(prune_ratio=0.75, prune_granularity="neuron")),
    ("95% weights", dict(prune_ratio=0.95)),
]


def _session(onx):
    options = rt.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return rt.InferenceSession(
        onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )


def _time(session, X, inner):
    start = time.thread_time()
    for _ in range(inner):
        session.run(None, {"X": X})
    return (time.thread_time() - start) / inner


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="digits and a (100,) network instead of MNIST LeNet",
    )
    parser.add_argument(
        "--rounds", type=int, default=15, help="interleaved timing rounds (default 15)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random_state of the fits")
    parser.add_argument(
        "--out",
        default=str(Path(__file__).parent / "results" / "onnx.json"),
        help="JSON output path",
    )
    add_data_dir_argument(parser)
    args = parser.parse_args(argv)

    if args.quick:
        X, y = load_digits(return_X_y=True)
        X_train, X_test, y_train, y_test = train_test_split(
            X / 16.0, y, test_size=0.25, random_state=0, stratify=y
        )
        hidden, data = (100,), "digits"
    else:
        X_train, X_test, y_train, y_test = load_mnist_split(args.data_dir)
        hidden, data = (300, 100), "MNIST-10k"
    X_test32 = X_test.astype(np.float32)

    print(f"{data}: training the dense {hidden} MLPClassifier ...", flush=True)
    dense = MLPClassifier(hidden_layer_sizes=hidden, random_state=args.seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dense.fit(X_train, y_train)
    models = {}
    for name, params in CASES:
        if params is None:
            models[name] = dense
            continue
        print(f"pruning: {name} ...", flush=True)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            models[name] = PrunedMLPClassifier.from_estimator(
                dense, X_train, y_train, random_state=args.seed, **params
            )
        print(f"  {time.perf_counter() - start:.0f} s", flush=True)

    rows, sessions = [], {}
    for name, model in models.items():
        onx = to_onnx(model, X_test32[:1], options={"zipmap": False})
        session = _session(onx)
        sessions[name] = session
        label, proba = session.run(None, {"X": X_test32})
        ref = model.predict_proba(X_test32)
        hidden_sizes = getattr(model, "hidden_layer_sizes_", hidden)
        inputs = [
            list(i.dims)
            for i in onx.graph.initializer
            if i.name.startswith("coefficient")
        ][0][0]
        n_read = getattr(getattr(model, "compressed_", None), "layer_sizes", [inputs])[
            0
        ]
        rows.append(
            dict(
                model=name,
                hidden=list(hidden_sizes),
                inputs_read=int(n_read),
                first_matrix_rows=int(inputs),
                accuracy_sklearn=float(model.score(X_test32, y_test)),
                accuracy_onnx=float((label == y_test).mean()),
                max_abs_proba_diff=float(np.abs(proba - ref).max()),
                labels_equal=float((label == model.predict(X_test32)).mean()),
                onnx_bytes=len(onx.SerializeToString()),
            )
        )

    batches = {1: X_test32[:1], 1000: X_test32[:1000]}
    inner = {1: 200, 1000: 3}
    times = {(n, b): [] for n in models for b in batches}
    for name in models:  # warm-up
        for Xb in batches.values():
            _time(sessions[name], Xb, 2)
    for _ in range(args.rounds):
        for b, Xb in batches.items():
            for name in models:
                times[name, b].append(_time(sessions[name], Xb, inner[b]))
    for row in rows:
        for b in batches:
            t = np.asarray(times[row["model"], b])
            d = np.asarray(times["dense", b])
            row[f"batch{b}_us_median"] = float(np.median(t) * 1e6)
            row[f"batch{b}_us_p10_p90"] = [
                float(np.percentile(t, 10) * 1e6),
                float(np.percentile(t, 90) * 1e6),
            ]
            row[f"batch{b}_speedup"] = float(np.median(d) / np.median(t))

    header = (
        "model",
        "hidden",
        "inputs",
        "acc sklearn",
        "acc onnx",
        "max |dp|",
        "labels =",
        "ONNX KiB",
        "batch 1 us (p10-p90)",
        "x",
        "batch 1000 us (p10-p90)",
        "x",
    )
    table = [header]
    for r in rows:
        table.append(
            (
                r["model"],
                "-".join(map(str, r["hidden"])),
                str(r["inputs_read"]),
                f"{100 * r['accuracy_sklearn']:.2f}",
                f"{100 * r['accuracy_onnx']:.2f}",
                f"{r['max_abs_proba_diff']:.1e}",
                f"{100 * r['labels_equal']:.2f}%",
                f"{r['onnx_bytes'] / 1024:.1f}",
                "{:.1f} ({:.1f}-{:.1f})".format(
                    r["batch1_us_median"], *r["batch1_us_p10_p90"]
                ),
                f"{r['batch1_speedup']:.2f}",
                "{:.0f} ({:.0f}-{:.0f})".format(
                    r["batch1000_us_median"], *r["batch1000_us_p10_p90"]
                ),
                f"{r['batch1000_speedup']:.2f}",
            )
        )
    print("| " + " | ".join(table[0]) + " |")
    print("|" + "---|" * len(header))
    for line in table[1:]:
        print("| " + " | ".join(line) + " |")

    result = dict(
        data=data,
        hidden_layer_sizes=list(hidden),
        seed=args.seed,
        rounds=args.rounds,
        onnxruntime=rt.__version__,
        threads=1,
        timer="time.thread_time",
        dtype="float32",
        rows=rows,
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
