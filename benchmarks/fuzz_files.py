"""Mutated model files: no crash, no silent answer (issue 24).

Every skprune estimator is fitted small (PrunedMLPClassifier/Regressor at
weight and neuron granularity, float64 and float32, binary, multiclass,
multilabel and two-output; SparseSGDRegressor; SparseSGDClassifier, binary and
multiclass; PruneSparsifyTransformer alone and around an SGD model). Each file
is one of them with its saved state mutated (what ``__getstate__`` returns,
which is what joblib and skops write): array dtypes, shapes, lengths and
values (0, -1, the last valid index, one past it, 5,000,000, NaN, inf),
reversed or shuffled CSR ``indptr``/``indices``, list and tuple lengths,
dropped or added keys and attributes, other numbers, other activation names;
plus structured mutations that keep the CSR arrays consistent so that only a
deeper inconsistency remains (extra input rows with a weight in the last one,
as in issue 24; a dropped output layer; a mismatched ``n_features_in_``,
``classes_``, ``n_outputs_``; an SGD ``intercept_`` of length 5).

Each file is written with joblib and with ``skprune.io.dump`` (skops), then
loaded (``joblib.load`` / ``skprune.io.load``) and used in a child process
(``predict`` and ``predict_proba``/``decision_function``/``transform``, twice)
on finite data of the fitted width. A file passes when it either

- is refused with a ``ValueError`` at load, or
- loads and answers the same twice, with finite outputs of the shape the
  loaded model promises (labels among its ``classes_``).

It fails on a crash (the child dies by a signal), an answer that differs
between two calls, an answer of the wrong shape or with NaN/inf, an error
that is not a ``ValueError`` (at load or after), or a ``ValueError`` only at
predict time (the file was accepted although it is inconsistent).

    python benchmarks/fuzz_files.py --n-files 10000

Prints a table (outcomes per estimator and format) and writes
benchmarks/results/fuzz_files.json. ``tests/files/test_fuzz.py`` runs the same
harness on a small budget.
"""

import argparse
import contextlib
import copy
import json
import os
import platform
import queue
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

HUGE = 5_000_000
# outcomes that fail the run
FAILURES = (
    "crash",
    "timeout",
    "unstable",
    "wrong_shape",
    "nonfinite",
    "unclear_error",
    "late_error",
)


# -- the models -----------------------------------------------------------------


def _data(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(60, 6))
    y3 = np.argmax(X[:, :3], axis=1)
    return X, y3, rng


def models(seed=0):
    """(name, fitted estimator, X to predict) for every estimator kind."""
    from sklearn.exceptions import ConvergenceWarning

    from skprune import (
        PrunedMLPClassifier,
        PrunedMLPRegressor,
        PruneSparsifyTransformer,
        SparseSGDClassifier,
        SparseSGDRegressor,
    )

    X, y3, rng = _data(seed)
    y2 = (X[:, 0] > 0).astype(int)
    yr = X @ rng.normal(size=6)
    Y2 = np.c_[yr, X[:, 1] - X[:, 2]]
    Yml = np.c_[X[:, 0] > 0, X[:, 1] > 0, X[:, 2] > 0].astype(int)
    mlp = dict(
        hidden_layer_sizes=(12, 6),
        prune_ratio=0.5,
        n_prune_steps=2,
        finetune_iter=5,
        max_iter=30,
        random_state=seed,
    )
    neuron = dict(mlp, prune_granularity="neuron")
    sgd = dict(prune_ratio=0.5, n_prune_steps=2, max_iter=20, random_state=seed)
    X32 = X.astype(np.float32)
    cases = [
        ("PrunedMLPRegressor(weight)", PrunedMLPRegressor(**mlp), X, yr),
        ("PrunedMLPRegressor(neuron, 2 outputs)", PrunedMLPRegressor(**neuron), X, Y2),
        ("PrunedMLPClassifier(weight, 3 classes)", PrunedMLPClassifier(**mlp), X, y3),
        ("PrunedMLPClassifier(neuron, binary)", PrunedMLPClassifier(**neuron), X, y2),
        ("PrunedMLPClassifier(weight, multilabel)", PrunedMLPClassifier(**mlp), X, Yml),
        ("PrunedMLPClassifier(weight, float32)", PrunedMLPClassifier(**mlp), X32, y3),
        ("SparseSGDRegressor", SparseSGDRegressor(**sgd), X, yr),
        ("SparseSGDClassifier(3 classes)", SparseSGDClassifier(**sgd), X, y3),
        ("SparseSGDClassifier(binary)", SparseSGDClassifier(**sgd), X, y2),
        ("PruneSparsifyTransformer(entropy)", PruneSparsifyTransformer(), X, None),
        (
            "PruneSparsifyTransformer(importance, SparseSGDRegressor)",
            PruneSparsifyTransformer("importance", SparseSGDRegressor(**sgd)),
            X,
            yr,
        ),
    ]
    fitted = []
    for name, est, Xf, y in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(Xf, y)
        fitted.append((name, est, Xf))
    return fitted


# -- mutations of a state ------------------------------------------------------------


def _paths(value, path=()):
    """Every (path, value) inside a state: dict keys, list/tuple positions."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _paths(item, path + (i,))


def _get(state, path):
    for key in path:
        state = state[key]
    return state


def _set(state, path, value):
    """``state`` with ``value`` at ``path`` (tuples rebuilt; in place otherwise)."""
    if not path:
        return value
    parent = _get(state, path[:-1])
    key = path[-1]
    if isinstance(parent, tuple):
        items = list(parent)
        items[key] = value
        return _set(state, path[:-1], tuple(items))
    parent[key] = value
    return state


def _delete(state, path):
    parent = _get(state, path[:-1])
    key = path[-1]
    if isinstance(parent, tuple):
        return _set(state, path[:-1], parent[:key] + parent[key + 1 :])
    del parent[key]
    return state


_DTYPES = (
    "int8",
    "int32",
    "int64",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "bool",
    "complex128",
    "U3",
)


def _array_mutants(a, rng):
    """Changed copies of the array ``a`` (name, array)."""
    out = []
    for dtype in rng.choice(_DTYPES, size=2, replace=False):
        with contextlib.suppress(Exception):
            out.append((f"dtype {dtype}", a.astype(dtype)))
    out.append(("append", np.append(a.ravel(), a.ravel()[-1:] if a.size else [1])))
    if a.size:
        out.append(("drop last", a.ravel()[:-1]))
        out.append(("drop first", a.ravel()[1:]))
        out.append(("reversed", a.ravel()[::-1].reshape(a.shape)))
        shuffled = a.ravel().copy()
        rng.shuffle(shuffled)
        out.append(("shuffled", shuffled.reshape(a.shape)))
    out.append(("empty", a.ravel()[:0]))
    out.append(("2-D", a.reshape(1, -1) if a.ndim == 1 else a.reshape(-1)))
    out.append(("scalar", a.ravel()[0] if a.size else np.float64(0)))
    if a.ndim == 2 and a.size:
        out.append(("transposed", a.T.copy()))
    if a.size:
        flat = a.ravel()
        pos = int(rng.randint(flat.size))
        if a.dtype.kind in "iub":
            n = int(flat.max()) if flat.size else 0
            values = [0, 1, -1, n, n + 1, n + 2, HUGE, 2**31 - 1, 2**32 + 1]
        elif a.dtype.kind == "f":
            values = [np.nan, np.inf, -np.inf, 0.0, 1e300, -1e300]
        else:
            values = []
        for v in values:
            b = flat.copy()
            with contextlib.suppress(Exception), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                b[pos] = v
                if a.dtype.kind in "iu" and int(b[pos]) != v:  # wrapped: skip
                    continue
                out.append((f"[{pos}]={v}", b.reshape(a.shape)))
    return out


def _scalar_mutants(v):
    if isinstance(v, (bool, np.bool_)):
        return [("not", not v), ("int 2", 2), ("None", None), ("str", "yes")]
    if isinstance(v, (int, np.integer)):
        n = int(v)
        return [
            ("+1", n + 1),
            ("-1", n - 1),
            ("0", 0),
            ("negative", -n - 1),
            ("huge", HUGE),
            ("float", float(n) + 0.5),
            ("None", None),
            ("str", str(n)),
            ("np.int8", np.int8(n % 100)),
        ]
    if isinstance(v, (float, np.floating)):
        return [
            ("nan", float("nan")),
            ("inf", float("inf")),
            ("0", 0.0),
            ("negative", -abs(float(v)) - 1),
            ("None", None),
            ("str", "x"),
        ]
    if isinstance(v, str):
        return [
            (f"'{s}'", s)
            for s in (
                "relu",
                "tanh",
                "logistic",
                "identity",
                "softmax",
                "exp",
                "bogus",
                "",
                "auto",
                "sparse",
                "float16",
            )
        ]
    if v is None:
        return [("0", 0), ("str", "relu"), ("array", np.zeros(3))]
    return []


def _container_mutants(v, rng):
    out = []
    if isinstance(v, (list, tuple)):
        kind = type(v)
        if len(v):
            out += [
                ("drop last", kind(v[:-1])),
                ("drop first", kind(v[1:])),
                ("repeat last", kind(list(v) + [v[-1]])),
                ("empty", kind()),
            ]
        if len(v) > 1:
            out.append(("reversed", kind(list(v)[::-1])))
        out.append(("append None", kind(list(v) + [None])))
        out.append(
            (
                "as " + ("tuple" if kind is list else "list"),
                tuple(v) if kind is list else list(v),
            )
        )
    elif isinstance(v, dict):
        keys = list(v)
        if keys:
            key = keys[rng.randint(len(keys))]
            out.append((f"without {key!r}", {k: x for k, x in v.items() if k != key}))
        out.append(("extra key", dict(v, extra=np.zeros(2))))
    return out


def _structured(state):
    """Mutations that keep the CSR parts consistent (a deeper lie remains)."""
    out = []
    coefs = state.get("coefs_")
    if isinstance(coefs, list) and coefs and isinstance(coefs[0], dict):
        first = coefs[0]
        for extra, weight in ((HUGE, True), (1, True), (3, False)):
            s = copy.deepcopy(state)
            layer = s["coefs_"][0]
            n_rows, n_cols = layer["shape"]
            indptr = np.asarray(layer["indptr"]).astype(np.int64)
            nnz = int(indptr[-1])
            tail = np.full(extra, nnz, dtype=np.int64)
            if weight:
                tail[-1] = nnz + 1
                layer["indices"] = np.append(layer["indices"], 0).astype(
                    np.asarray(first["indices"]).dtype
                )
                layer["data"] = np.append(layer["data"], 0.5).astype(
                    np.asarray(first["data"]).dtype
                )
            layer["indptr"] = np.concatenate([indptr, tail]).astype(
                np.asarray(first["indptr"]).dtype
            )
            layer["shape"] = (n_rows + extra, n_cols)
            out.append((f"first layer +{extra} rows (weight={weight})", s))
        s = copy.deepcopy(state)
        layer = s["coefs_"][0]
        if np.asarray(layer["indices"]).size:
            n_cols = layer["shape"][1]
            idx = np.asarray(layer["indices"]).copy()
            idx[-1] = n_cols  # one past the last column
            layer["indices"] = idx
            out.append(("first layer index = n_cols", s))
        if len(coefs) > 1:
            s = copy.deepcopy(state)
            s["coefs_"] = s["coefs_"][:-1]
            s["intercepts_"] = s["intercepts_"][:-1]
            s["n_layers_"] = s.get("n_layers_", 0) - 1
            out.append(("output layer dropped", s))
    if "intercept_" in state:
        s = copy.deepcopy(state)
        s["intercept_"] = np.resize(np.asarray(s["intercept_"]), 5)
        out.append(("intercept_ of length 5", s))
    if "_support_idx" in state:
        s = copy.deepcopy(state)
        s["_support_idx"] = np.append(s["_support_idx"], HUGE)
        out.append(("_support_idx past n_features", s))
    if "n_features_in_" in state:
        for delta in (1, -1):
            s = copy.deepcopy(state)
            s["n_features_in_"] = state["n_features_in_"] + delta
            out.append((f"n_features_in_ {delta:+d}", s))
    if "classes_" in state:
        s = copy.deepcopy(state)
        s["classes_"] = np.asarray(state["classes_"])[:-1]
        out.append(("classes_ without the last", s))
    return out


def mutants(state, rng, n):
    """``n`` mutated copies of ``state``: (description, state)."""
    paths = [p for p, _ in _paths(state) if p]
    structured = _structured(state)
    out = []
    while len(out) < n:
        if structured and rng.rand() < 0.1:
            out.append(structured[rng.randint(len(structured))])
            continue
        s = copy.deepcopy(state)
        desc = []
        for _ in range(1 if rng.rand() < 0.8 else 2):
            avail = [p for p, _ in _paths(s) if p]
            path = avail[rng.randint(len(avail))] if avail else paths[0]
            value = _get(s, path)
            if rng.rand() < 0.05:
                s = _delete(s, path)
                desc.append(f"{'/'.join(map(str, path))}: deleted")
                continue
            if isinstance(value, np.ndarray):
                options = _array_mutants(value, rng)
            elif isinstance(value, (list, tuple, dict)):
                options = _container_mutants(value, rng)
            else:
                options = _scalar_mutants(value)
            if not options:
                continue
            what, new = options[rng.randint(len(options))]
            s = _set(s, path, new)
            desc.append(f"{'/'.join(map(str, path))}: {what}")
        out.append(("; ".join(desc) or "unchanged", s))
    return out


# -- writing -------------------------------------------------------------------------


@contextlib.contextmanager
def _state_of(estimator, state):
    """While active, ``estimator.__getstate__()`` returns ``state`` (what the
    file writers serialise); any other instance of its class is unaffected."""
    cls = type(estimator)
    original = cls.__getstate__

    def patched(self):
        return state if self is estimator else original(self)

    cls.__getstate__ = patched
    try:
        yield
    finally:
        cls.__getstate__ = original


def write(estimator, state, path, fmt):
    """Write ``estimator`` with its state replaced by ``state``; False if the
    writer refuses that state (e.g. skops and a complex array)."""
    import joblib

    from skprune import io

    with _state_of(estimator, state), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if fmt == "joblib":
                joblib.dump(estimator, path)
            else:
                io.dump(estimator, path)
        except Exception:
            return False
    return True


# -- the child: load and use ----------------------------------------------------------


def _outputs(est, X):
    """Everything the loaded estimator answers, with the shapes it promises."""
    from sklearn.base import is_classifier

    answers = {}
    if hasattr(est, "transform") and not hasattr(est, "predict"):
        Xt = est.transform(X)
        Xt = Xt.toarray() if hasattr(Xt, "toarray") else np.asarray(Xt)
        answers["transform"] = (Xt, (X.shape[0], int(np.sum(est.support_))))
        return answers
    y = np.asarray(est.predict(X))
    n = X.shape[0]
    if is_classifier(est):
        classes = np.asarray(est.classes_)
        multilabel = y.ndim == 2
        if multilabel:
            want = (n, classes.shape[0])
        else:
            want = (n,)
            if not np.isin(y, classes).all():
                raise _Lie("predicted labels outside classes_")
        answers["predict"] = (y, want)
        if hasattr(est, "predict_proba"):
            answers["predict_proba"] = (
                np.asarray(est.predict_proba(X)),
                (n, classes.shape[0]),
            )
        if hasattr(est, "decision_function"):
            rows = 1 if classes.shape[0] == 2 else classes.shape[0]
            answers["decision_function"] = (
                np.asarray(est.decision_function(X)),
                (n,) if rows == 1 else (n, rows),
            )
    else:
        n_outputs = getattr(est, "n_outputs_", 1)
        answers["predict"] = (y, (n,) if n_outputs == 1 else (n, n_outputs))
    return answers


class _Lie(Exception):
    pass


def _one(task):
    """Outcome of one file: (outcome, detail)."""
    import joblib

    from skprune import io

    X = np.load(task["X"])
    try:
        est = (
            joblib.load(task["path"])
            if task["format"] == "joblib"
            else io.load(task["path"])
        )
    except ValueError as exc:
        return "refused", f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - classified, not hidden
        return "unclear_error", f"at load: {type(exc).__name__}: {exc}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first = _outputs(est, X)
            second = _outputs(est, X)
    except _Lie as exc:
        return "wrong_shape", str(exc)
    except ValueError as exc:
        return "late_error", f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001
        return "unclear_error", f"at predict: {type(exc).__name__}: {exc}"
    for method, (value, want) in first.items():
        if value.shape != want:
            return "wrong_shape", f"{method}: {value.shape}, promised {want}"
        if not np.array_equal(
            value, second[method][0], equal_nan=value.dtype.kind in "fc"
        ):
            return "unstable", f"{method} differs between two calls"
        if value.dtype.kind in "fc" and not np.isfinite(value).all():
            return "nonfinite", f"{method} holds NaN/inf"
    return "answered", ""


def worker(task_file):
    """Child process: one line per task on stdout, 'S i' before, 'R i ...' after."""
    import resource

    import joblib  # noqa: F401 - imported before the first task's clock starts

    import skprune.io  # noqa: F401

    limit = 6 << 30  # no mutated file may take the machine's memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    tasks = [json.loads(line) for line in Path(task_file).read_text().splitlines()]
    start = int(os.environ.get("FUZZ_START", "0"))
    for i in range(start, len(tasks)):
        print(f"S {i}", flush=True)
        outcome, detail = _one(tasks[i])
        print("R " + json.dumps([i, outcome, detail[:300]]), flush=True)


def run_tasks(tasks, tmp, timeout=60.0):
    """Outcome of every task, run in child processes: a crash or a hang is
    the outcome of the task it happened on, and a new child goes on after it."""
    task_file = Path(tmp) / "tasks.jsonl"
    task_file.write_text("".join(json.dumps(t) + "\n" for t in tasks))
    results = {}
    start = 0
    while start < len(tasks):
        proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", str(task_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=dict(os.environ, FUZZ_START=str(start)),
        )
        lines = queue.Queue()

        def read(stream=proc.stdout, lines=lines):
            for line in stream:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        current, since, hung = None, time.monotonic(), False
        while True:
            try:
                line = lines.get(timeout=1.0)
            except queue.Empty:
                if current is not None and time.monotonic() - since > timeout:
                    proc.kill()
                    hung = True
                continue
            if line is None:
                break
            if line.startswith("S "):
                current, since = int(line[2:]), time.monotonic()
            elif line.startswith("R "):
                i, outcome, detail = json.loads(line[2:])
                results[i] = (outcome, detail)
                current = None
        rc = proc.wait()
        if current is not None:
            if hung:
                results[current] = ("timeout", f"no answer within {timeout:.0f} s")
            else:
                how = f"signal {-rc}" if rc < 0 else f"exit status {rc}"
                results[current] = ("crash", how)
            start = current + 1
        elif rc != 0:
            raise RuntimeError(f"the fuzz worker failed outside any file (status {rc})")
        else:
            break
    return results


# -- the run ---------------------------------------------------------------------


FORMATS = ("joblib", "skops")


def run(n_files, seed=0, formats=FORMATS, batch=400, timeout=60.0, progress=None):
    """Write and check ``n_files`` mutated files, spread evenly over the
    models and ``formats``. Returns one record per file."""
    rng = np.random.RandomState(seed)
    fitted = models(seed)
    states = [est.__getstate__() for _, est, _ in fitted]
    cells = [(m, fmt) for m in range(len(fitted)) for fmt in formats]
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        X_paths = []
        for m, (_, _, X) in enumerate(fitted):
            X_paths.append(str(Path(tmp) / f"X{m}.npy"))
            np.save(X_paths[m], X[:20])
        for b0 in range(0, n_files, batch):
            tasks, meta = [], []
            for k in range(b0, min(b0 + batch, n_files)):
                m, fmt = cells[k % len(cells)]
                name, est, _ = fitted[m]
                [(desc, mutated)] = mutants(states[m], rng, 1)
                path = str(Path(tmp) / f"f{k}.{fmt}")
                record = dict(model=name, format=fmt, mutation=desc)
                if not write(est, mutated, path, fmt):
                    record.update(outcome="unwritable", detail="")
                    records.append(record)
                    continue
                tasks.append(dict(path=path, format=fmt, X=X_paths[m]))
                meta.append(record)
            for i, (outcome, detail) in run_tasks(tasks, tmp, timeout).items():
                meta[i].update(outcome=outcome, detail=detail)
            records.extend(meta)
            for t in tasks:
                Path(t["path"]).unlink()
            if progress:
                progress(len(records), n_files)
    return records


def _cpu():
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", nargs="+", default=list(FORMATS))
    parser.add_argument(
        "--out",
        default=str(Path(__file__).parent / "results" / "fuzz_files.json"),
        help="JSON output path",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker)
    t0 = time.perf_counter()
    records = run(
        args.n_files,
        args.seed,
        tuple(args.formats),
        progress=lambda done, total: print(
            f"  {done}/{total} files, {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
            flush=True,
        ),
    )
    seconds = time.perf_counter() - t0
    table = defaultdict(Counter)
    for r in records:
        table[(r["model"], r["format"])][r["outcome"]] += 1
    outcomes = ["refused", "answered", "unwritable", *FAILURES]
    print("| model | format | files | " + " | ".join(outcomes) + " |")
    print("|---|---|---|" + "---|" * len(outcomes))
    for (model, fmt), counts in sorted(table.items()):
        print(
            f"| {model} | {fmt} | {sum(counts.values())} | "
            + " | ".join(str(counts[o]) for o in outcomes)
            + " |"
        )
    failures = [r for r in records if r["outcome"] in FAILURES]
    total = Counter(r["outcome"] for r in records)
    print(
        f"{len(records)} mutated files ({total['unwritable']} refused by the "
        f"writer), {seconds:.0f} s: {total['refused']} refused at load, "
        f"{total['answered']} answered consistently, {len(failures)} failures"
    )
    for r in failures[:20]:
        print(
            f"  FAIL {r['model']} {r['format']} [{r['mutation']}]: "
            f"{r['outcome']} {r['detail']}"
        )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(
        json.dumps(
            dict(
                n_files=len(records),
                seconds=seconds,
                cpu=_cpu(),
                python=platform.python_version(),
                outcomes=dict(total),
                per_model={f"{m} | {f}": dict(c) for (m, f), c in table.items()},
                # which attributes were changed in the files that loaded and
                # answered (a consistent model, e.g. other weight values)
                answered_by_attribute=dict(
                    Counter(
                        r["mutation"].split(":")[0].split("/")[0]
                        for r in records
                        if r["outcome"] == "answered"
                    ).most_common()
                ),
                answered=sorted(
                    {
                        f"{r['model']}: {r['mutation']}"
                        for r in records
                        if r["outcome"] == "answered"
                    }
                ),
                failures=failures,
            ),
            indent=1,
        )
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
