"""benchmarks/_data.py: where the MNIST benchmarks find MNIST (no network used)."""

import gzip
import importlib.util
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "_data.py"


@pytest.fixture
def data(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("bench_data", _PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.delenv(module.ENV_VAR, raising=False)
    monkeypatch.setattr(module, "SIBLING_DIR", tmp_path / "no-sibling")
    return module


def _write_idx(folder, n=50, seed=0):
    rng = np.random.RandomState(seed)
    images = rng.randint(0, 256, size=(n, 28, 28)).astype(np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / "t10k-images-idx3-ubyte.gz", "wb") as f:
        f.write(
            bytes([0, 0, 8, 3])
            + b"".join(d.to_bytes(4, "big") for d in (n, 28, 28))
            + images.tobytes()
        )
    with gzip.open(folder / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + n.to_bytes(4, "big") + labels.tobytes())
    return images.reshape(n, -1), labels


def _no_network():
    raise OSError("[Errno -3] Temporary failure in name resolution")


def test_data_dir_reads_the_idx_files(data, tmp_path):
    images, labels = _write_idx(tmp_path / "mnist")
    X, y = data.load_mnist(tmp_path / "mnist", fetch=_no_network)
    np.testing.assert_array_equal(X, images)
    np.testing.assert_array_equal(y, labels)
    assert X.dtype == np.float64 and y.dtype == np.int64


def test_environment_variable_names_the_folder(data, tmp_path, monkeypatch):
    images, _ = _write_idx(tmp_path / "env")
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "env"))
    X, _ = data.load_mnist(fetch=_no_network)
    np.testing.assert_array_equal(X, images)


def test_explicit_folder_without_files_says_what_to_do(data, tmp_path):
    with pytest.raises(data.MNISTUnavailable) as info:
        data.load_mnist(tmp_path / "empty", fetch=lambda: pytest.fail("no fallback"))
    message = str(info.value)
    assert str(tmp_path / "empty") in message
    assert "t10k-images-idx3-ubyte.gz" in message and "--data-dir" in message


def test_openml_is_used_without_a_folder(data):
    X = np.arange(20.0).reshape(2, 10)
    y = np.array([3, 4])
    assert data.load_mnist(fetch=lambda: (X, y))[0] is X


def test_no_folder_and_no_network_says_what_to_do(data):
    with pytest.raises(data.MNISTUnavailable) as info:
        data.load_mnist(fetch=_no_network)
    message = str(info.value)
    for needed in (
        "fetch_openml",
        "name resolution",
        "--data-dir",
        data.ENV_VAR,
        "SCIKIT_LEARN_DATA",
        "t10k-labels-idx1-ubyte.gz",
    ):
        assert needed in message


def test_openml_rows_are_the_test_set(data, monkeypatch):
    import sklearn.datasets

    full_X = np.repeat(np.arange(70_000.0)[:, None], 784, axis=1)
    full_y = np.array([str(i % 10) for i in range(70_000)], dtype=object)
    calls = {}

    def fake_fetch_openml(**kwargs):
        calls.update(kwargs)
        return full_X, full_y

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", fake_fetch_openml)
    X, y = data.load_mnist()
    assert calls["data_id"] == 554 and calls["as_frame"] is False
    assert X.shape == (10_000, 784) and X[0, 0] == 60_000
    assert y.dtype == np.int64 and y[0] == 0


def test_split_exits_with_the_message(data):
    with pytest.raises(SystemExit) as info:
        data.load_mnist_split(Path("/nonexistent/mnist"))
    assert "--data-dir" in str(info.value)


def test_split_is_the_benchmark_split(data, tmp_path):
    _write_idx(tmp_path / "m", n=200)
    X_train, X_test, y_train, y_test = data.load_mnist_split(tmp_path / "m")
    assert (len(X_train), len(X_test)) == (160, 40)
    assert X_train.max() <= 1.0
