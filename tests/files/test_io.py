"""Persistence: skops round trips and refused tampered files; joblib files
that load in a fresh process and predict identically."""

import io as _bytes_io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skprune
from skprune import PrunedMLPClassifier, PrunedMLPRegressor, io

pytest.importorskip("skops")


class Gadget:
    """A type no one trusts."""

    def __init__(self, payload=1):
        self.payload = payload


@pytest.fixture(scope="module")
def fitted():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    est = make_pipeline(
        StandardScaler(),
        PrunedMLPClassifier(
            hidden_layer_sizes=(24,), max_iter=40, prune_ratio=0.9, random_state=0
        ),
    )
    return est.fit(X, y), X, y


def test_round_trip_of_a_pipeline(fitted, tmp_path):
    est, X, y = fitted
    path = tmp_path / "model.skops"
    io.dump(est, path)
    loaded = io.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    for a, b in zip(loaded[-1].masks_, est[-1].masks_):
        np.testing.assert_array_equal(a, b)


def test_round_trip_regressor(tmp_path):
    rng = np.random.RandomState(0)
    X, y = rng.randn(80, 4), rng.randn(80)
    est = PrunedMLPRegressor(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    est.fit(X, y)
    io.dump(est, tmp_path / "r.skops")
    np.testing.assert_array_equal(
        io.load(tmp_path / "r.skops").predict(X), est.predict(X)
    )


def test_round_trip_sparse_sgd_classifier(tmp_path):
    from skprune import SparseSGDClassifier

    X, y = load_digits(return_X_y=True)
    est = make_pipeline(
        StandardScaler(),
        SparseSGDClassifier(loss="log_loss", prune_ratio=0.5, random_state=0),
    ).fit(X, y)
    io.dump(est, tmp_path / "c.skops")
    loaded = io.load(tmp_path / "c.skops")
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    np.testing.assert_array_equal(loaded[-1].support_, est[-1].support_)
    assert loaded[-1].coef_sparse_.nnz == est[-1].n_nonzero_


def test_refuses_a_file_with_an_untrusted_object(fitted, tmp_path):
    est, X, y = fitted
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    clf.fit(X, y)
    clf.gadget_ = Gadget()
    path = tmp_path / "gadget.skops"
    io.dump(clf, path)
    with pytest.raises(io.UntrustedTypesError, match="Gadget"):
        io.load(path)


def test_refuses_a_tampered_file(fitted, tmp_path):
    est, _, _ = fitted
    path = tmp_path / "model.skops"
    io.dump(est[-1], path)
    tampered = tmp_path / "tampered.skops"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "schema.json":
                schema = json.loads(data)
                assert schema["__class__"] == "PrunedMLPClassifier"
                schema["__module__"], schema["__class__"] = "subprocess", "Popen"
                data = json.dumps(schema).encode()
            dst.writestr(item, data)
    with pytest.raises(io.UntrustedTypesError, match="subprocess.Popen"):
        io.load(tampered)


# -- tampered files: refused before anything in them is constructed ----------

EVENTS = []


class Recorder:
    """Records every attempt to build it: a tampered file must cause none."""

    def __new__(cls, *args, **kwargs):
        EVENTS.append("new")
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        EVENTS.append("init")

    def __setstate__(self, state):
        EVENTS.append("setstate")


def _explode(marker):
    Path(marker).write_text("unpickled")  # what a hostile payload would run


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return _explode, (self.marker,)


def _tamper(src, dst, edit_schema=None, replace=None):
    """Copy a .skops zip, editing its schema.json and/or replacing members."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "schema.json" and edit_schema is not None:
                schema = json.loads(data)
                edit_schema(schema)
                data = json.dumps(schema).encode()
            if replace and item.filename in replace:
                data = replace[item.filename]
            zout.writestr(item, data)
    return dst


@pytest.fixture
def skops_file(fitted, tmp_path):
    est, _, _ = fitted
    path = tmp_path / "model.skops"
    io.dump(est[-1], path)
    return path


def test_refuses_a_nested_os_system(skops_file, tmp_path):
    def edit(schema):
        state = schema["content"]["content"]
        state["activation"] = {
            "__class__": "system",
            "__module__": "os",
            "__loader__": "FunctionNode",
            "__id__": 1,
        }

    tampered = _tamper(skops_file, tmp_path / "system.skops", edit)
    with pytest.raises(io.UntrustedTypesError, match=r"os\.system"):
        io.load(tampered)


def test_refuses_a_custom_class_without_building_it(skops_file, tmp_path):
    def edit(schema):
        node = schema["content"]["content"]["_label_binarizer"]
        node["__module__"], node["__class__"] = (
            Recorder.__module__,
            Recorder.__qualname__,
        )

    tampered = _tamper(skops_file, tmp_path / "recorder.skops", edit)
    EVENTS.clear()
    with pytest.raises(
        io.UntrustedTypesError, match=rf"{Recorder.__module__}\.Recorder"
    ):
        io.load(tampered)
    assert EVENTS == []
    # the check has teeth: the tampered file does build Recorder when trusted
    # (and the loaded state's validation then refuses the foreign object)
    import skops.io as sio

    with pytest.raises(ValueError, match="_label_binarizer is a Recorder"):
        sio.load(tampered, trusted=sio.get_untrusted_types(file=tampered))
    assert "setstate" in EVENTS or "init" in EVENTS or "new" in EVENTS
    EVENTS.clear()


def test_refuses_a_pickled_array_payload(skops_file, tmp_path):
    schema = json.loads(zipfile.ZipFile(skops_file).read("schema.json"))
    member = schema["content"]["content"]["intercepts_"]["content"][0]["file"]
    marker = tmp_path / "marker.txt"
    hostile = _bytes_io.BytesIO()
    np.save(hostile, np.array([Payload(str(marker))], dtype=object), allow_pickle=True)
    tampered = _tamper(
        skops_file, tmp_path / "payload.skops", replace={member: hostile.getvalue()}
    )
    with pytest.raises(ValueError, match="allow_pickle=False"):
        io.load(tampered)
    assert not marker.exists()
    # the payload is live: unpickling it would have run _explode
    hostile.seek(0)
    np.load(hostile, allow_pickle=True)
    assert marker.exists()


# -- joblib files load in a fresh process ------------------------------------

ROOT = Path(__file__).resolve().parents[2]

FRESH_PROCESS = """
import sys
from pathlib import Path

import joblib
import numpy as np
import skprune

print(skprune.__file__)
folder = Path(sys.argv[1])
for path in sorted(folder.glob("*.joblib")):
    model = joblib.load(path)
    X = np.load(folder / (path.stem + ".X.npy"))
    np.save(folder / (path.stem + ".predict.npy"), model.predict(X))
    if hasattr(model, "predict_proba"):
        np.save(folder / (path.stem + ".proba.npy"), model.predict_proba(X))
"""


def test_joblib_files_load_in_a_fresh_process(tmp_path):
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    rng = np.random.RandomState(0)
    Xr = rng.randn(120, 6)
    Yr = np.column_stack([Xr[:, 0] - Xr[:, 1], np.tanh(Xr[:, 2])])
    small = dict(max_iter=30, n_prune_steps=2, finetune_iter=2, random_state=0)
    models = {
        "pipeline_weight_sparse": (
            make_pipeline(
                StandardScaler(),
                PrunedMLPClassifier(
                    hidden_layer_sizes=(32,),
                    prune_ratio=0.95,
                    inference_format="sparse",
                    **small,
                ),
            ),
            X,
            y,
        ),
        "neuron_float32": (
            PrunedMLPClassifier(
                hidden_layer_sizes=(24, 12),
                prune_granularity="neuron",
                prune_ratio=0.5,
                inference_dtype="float32",
                **small,
            ),
            X,
            y,
        ),
        "regressor_two_outputs": (
            PrunedMLPRegressor(
                hidden_layer_sizes=(16,),
                solver="lbfgs",
                prune_ratio=0.8,
                sparsity_threshold=1e-3,
                **small,
            ),
            Xr,
            Yr,
        ),
    }
    expected = {}
    for name, (model, X_fit, y_fit) in models.items():
        model.fit(X_fit, y_fit)
        joblib.dump(model, tmp_path / f"{name}.joblib")
        np.save(tmp_path / f"{name}.X.npy", X_fit)
        expected[name] = {"predict": model.predict(X_fit)}
        if hasattr(model, "predict_proba"):
            expected[name]["proba"] = model.predict_proba(X_fit)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    # the fresh process imported the skprune under test (a checkout's, or
    # the installed wheel's in CI's installed-copy run)
    assert (
        Path(result.stdout.splitlines()[0]).resolve()
        == Path(skprune.__file__).resolve()
    )
    for name, outputs in expected.items():
        for kind, out in outputs.items():
            np.testing.assert_array_equal(
                np.load(tmp_path / f"{name}.{kind}.npy"), out, strict=True, err_msg=name
            )


def _size_cases():
    """Every skprune estimator, and a Pipeline of them, fitted small."""
    from skprune import PruneSparsifyTransformer, SparseSGDRegressor

    X, y = load_digits(return_X_y=True)
    X, y = X[:500] / 16.0, y[:500]
    rng = np.random.RandomState(0)
    Xr = rng.randn(300, 12)
    yr = Xr[:, :3] @ np.array([2.0, -1.0, 0.5]) + 0.1 * rng.randn(300)
    mlp = dict(hidden_layer_sizes=(32,), max_iter=60, random_state=0)
    return {
        "PrunedMLPClassifier": (
            PrunedMLPClassifier(prune_ratio=0.95, early_stopping=True, **mlp),
            X,
            y,
        ),
        "PrunedMLPRegressor": (PrunedMLPRegressor(prune_ratio=0.9, **mlp), Xr, yr),
        "SparseSGDRegressor": (SparseSGDRegressor(random_state=0), Xr, yr),
        "PruneSparsifyTransformer": (
            PruneSparsifyTransformer(
                "gradient", PrunedMLPClassifier(**mlp), prune_ratio=0.5
            ),
            X,
            y,
        ),
        "Pipeline": (
            make_pipeline(
                PruneSparsifyTransformer(
                    "importance", PrunedMLPClassifier(**mlp), prune_ratio=0.5
                ),
                PrunedMLPClassifier(prune_ratio=0.95, **mlp),
            ),
            X,
            y,
        ),
    }


@pytest.fixture(scope="module")
def size_cases():
    return {name: (est.fit(X, y), X) for name, (est, X, y) in _size_cases().items()}


@pytest.mark.parametrize("name", list(_size_cases()))
def test_skops_file_is_at_most_1_5x_joblib(size_cases, name, tmp_path):
    est, X = size_cases[name]
    buffer = _bytes_io.BytesIO()
    joblib.dump(est, buffer)
    io.dump(est, tmp_path / "m.skops")
    ratio = (tmp_path / "m.skops").stat().st_size / buffer.getbuffer().nbytes
    assert ratio <= 1.5, f"{name}: skops file {ratio:.2f}x the joblib file"
    # the safe loader still trusts exactly skprune's types on top of skops'
    loaded = io.load(tmp_path / "m.skops")
    out = "transform" if name == "PruneSparsifyTransformer" else "predict"
    np.testing.assert_array_equal(getattr(loaded, out)(X), getattr(est, out)(X))


@pytest.mark.parametrize("name", list(_size_cases()))
def test_histories_come_back_with_the_types_users_saw(size_cases, name, tmp_path):
    est, _ = size_cases[name]
    io.dump(est, tmp_path / "m.skops")
    loaded = io.load(tmp_path / "m.skops")
    from_joblib = joblib.load(_dump_joblib(est, tmp_path / "m.joblib"))
    steps = lambda e: [s for _, s in e.steps] if hasattr(e, "steps") else [e]  # noqa: E731
    for before, after_skops, after_joblib in zip(
        steps(est), steps(loaded), steps(from_joblib)
    ):
        for attr in ("loss_curve_", "validation_scores_", "pruning_history_"):
            if getattr(before, attr, None) is None:
                continue
            for after in (after_skops, after_joblib):
                value = getattr(after, attr)
                assert type(value) is type(getattr(before, attr))
                assert value == getattr(before, attr)
                assert [type(v) for v in value] == [
                    type(v) for v in getattr(before, attr)
                ]
                if value and isinstance(value[0], dict):
                    assert [[type(x) for x in r.values()] for r in value] == [
                        [type(x) for x in r.values()] for r in getattr(before, attr)
                    ]


def _dump_joblib(est, path):
    joblib.dump(est, path)
    return path
