"""skops persistence: trusted round trips, refused tampered files."""

import json
import zipfile

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

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
    est = make_pipeline(StandardScaler(), PrunedMLPClassifier(
        hidden_layer_sizes=(24,), max_iter=40, prune_ratio=0.9, random_state=0))
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
    np.testing.assert_array_equal(io.load(tmp_path / "r.skops").predict(X),
                                  est.predict(X))


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
