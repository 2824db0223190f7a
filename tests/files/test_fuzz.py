"""Mutated model files, loaded and used in child processes (issue 24).

The harness is ``benchmarks/fuzz_files.py`` (its docstring says what is
mutated and what fails); here it runs on a budget of a few hundred files, a
fresh seed per run of the suite being no better than a fixed one for finding
regressions in review. The 10,000-file run is the benchmark script.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "fuzz_files.py"


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("fuzz_files", _PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mutated_files_never_crash_or_answer_wrongly(fuzz):
    records = fuzz.run(n_files=264, seed=24)
    assert len(records) == 264
    models = {r["model"] for r in records}
    formats = {r["format"] for r in records}
    assert len(models) == 11 and formats == {"joblib", "skops"}
    failures = [r for r in records if r["outcome"] in fuzz.FAILURES]
    assert failures == [], "\n".join(
        f"{r['model']} {r['format']} [{r['mutation']}]: {r['outcome']} {r['detail']}"
        for r in failures
    )
    outcomes = {r["outcome"] for r in records}
    # the mutations reach both sides of the check: refused and consistent files
    assert {"refused", "answered"} <= outcomes


def test_the_harness_sees_a_crash_and_a_lie(fuzz, tmp_path, monkeypatch):
    """A child that dies by a signal, and an answer that changes between two
    calls, are failures of the file they happened on (the harness has teeth)."""
    import joblib

    (tmp_path / "fuzz_doubles.py").write_text(_DOUBLES)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    import fuzz_doubles

    joblib.dump(fuzz_doubles.Unstable(), tmp_path / "unstable.joblib")
    joblib.dump(fuzz_doubles.Abort(), tmp_path / "abort.joblib")
    np.save(tmp_path / "X.npy", np.zeros((4, 2)))
    tasks = [
        dict(path=str(tmp_path / name), format="joblib", X=str(tmp_path / "X.npy"))
        for name in ("unstable.joblib", "abort.joblib", "unstable.joblib")
    ]
    results = fuzz.run_tasks(tasks, tmp_path, timeout=60)
    assert results[0] == ("unstable", "predict differs between two calls")
    assert results[1] == ("crash", "signal 6")
    assert results[2] == results[0]  # a new child went on after the crash


_DOUBLES = """
import os
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin


class Unstable(RegressorMixin, BaseEstimator):
    # a regressor whose answers differ between calls
    calls = 0

    def predict(self, X):
        type(self).calls += 1
        return np.full(X.shape[0], float(type(self).calls))


class Abort:
    # loading it kills the process with SIGABRT
    def __reduce__(self):
        return os.abort, ()
"""


def test_the_crash_of_issue_24_is_a_clear_error_at_load(fuzz, tmp_path):
    """PrunedMLPRegressor((12, 6)) on 60 x 6, 5,000,000 rows added to the
    packed first layer with one weight in the last: it read X far out of
    bounds (segfault). Now both files are refused at load, in a child."""
    from skprune import PrunedMLPRegressor

    X, _, rng = fuzz._data(0)
    y = X @ rng.normal(size=6)
    est = PrunedMLPRegressor(
        hidden_layer_sizes=(12, 6),
        prune_ratio=0.5,
        n_prune_steps=2,
        finetune_iter=5,
        random_state=0,
    ).fit(X, y)
    state = est.__getstate__()
    layer = state["coefs_"][0]
    nnz = int(layer["indptr"][-1])
    tail = np.full(5_000_000, nnz, dtype=np.int64)
    tail[-1] = nnz + 1
    layer["indptr"] = np.concatenate([layer["indptr"], tail]).astype(np.uint32)
    layer["indices"] = np.append(layer["indices"], 0).astype(np.uint16)
    layer["data"] = np.append(layer["data"], 0.5)
    layer["shape"] = (layer["shape"][0] + 5_000_000, layer["shape"][1])
    np.save(tmp_path / "X.npy", X)
    for fmt in ("joblib", "skops"):
        path = tmp_path / f"crafted.{fmt}"
        assert fuzz.write(est, state, path, fmt)
        child = subprocess.run(
            [sys.executable, "-c", _LOAD_AND_PREDICT, str(path), fmt],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert child.returncode == 0, (child.returncode, child.stderr[-2000:])
        outcome = json.loads(child.stdout)
        assert outcome == [
            "ValueError",
            "Cannot load PrunedMLPRegressor: the file's fitted state is invalid "
            "(corrupted or edited?): the first layer has 5000006 inputs but "
            "n_features_in_ is 6.",
        ]


_LOAD_AND_PREDICT = """
import json, sys
import numpy as np
path, fmt = sys.argv[1:]
try:
    if fmt == "joblib":
        import joblib
        est = joblib.load(path)
    else:
        from skprune import io
        est = io.load(path)
    est.predict(np.load(path.rsplit("/", 1)[0] + "/X.npy"))
    print(json.dumps(["answered", ""]))
except ValueError as exc:
    print(json.dumps([type(exc).__name__, str(exc)]))
"""
