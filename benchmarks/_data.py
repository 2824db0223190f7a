"""The MNIST-10k benchmark split shared by every benchmark (never committed)."""

import gzip
import sys
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist-10k"


def _idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_mnist_split(data_dir=None):
    """8,000 train / 2,000 test, as in shared/data/mnist-10k/README.md.

    Exits with a clear message when the data is absent.
    """
    data_dir = Path(data_dir) if data_dir else DEFAULT_DIR
    images = data_dir / "t10k-images-idx3-ubyte.gz"
    labels = data_dir / "t10k-labels-idx1-ubyte.gz"
    if not (images.exists() and labels.exists()):
        sys.exit(f"MNIST-10k not found in {data_dir} (expected {images.name} and "
                 f"{labels.name}); pass --data-dir. Skipping this benchmark.")
    X = _idx(images).reshape(-1, 784) / 255.0
    y = _idx(labels).astype(np.int64)
    return train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
