"""The MNIST-10k benchmark split shared by every MNIST benchmark.

MNIST-10k is the official MNIST *test* set (10,000 images), split 8,000 train /
2,000 test (stratified, ``random_state=0``). It is found, in this order:

1. ``--data-dir DIR`` (or the environment variable ``SKPRUNE_MNIST_DIR``): a
   folder holding the two idx files ``t10k-images-idx3-ubyte.gz`` and
   ``t10k-labels-idx1-ubyte.gz`` (as distributed with MNIST);
2. ``../shared/data/mnist-10k/`` next to the repository, if present (the
   project's development machines keep a copy there);
3. :func:`sklearn.datasets.fetch_openml` (``mnist_784``, OpenML id 554; its
   last 10,000 rows are the same test set): read from sklearn's cache in its data
   home (``~/scikit_learn_data``, or ``$SCIKIT_LEARN_DATA``), downloaded there
   once (~55 MB) if absent.

When none of them works, the benchmark stops with a message that says what to
do. The data is never committed to the repository.
"""

import gzip
import os
import sys
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

ENV_VAR = "SKPRUNE_MNIST_DIR"
IMAGES, LABELS = "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"
SIBLING_DIR = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist-10k"
)
OPENML_ID = 554  # mnist_784: 60,000 training images then the 10,000 test images
N_TEST = 10_000


class MNISTUnavailable(RuntimeError):
    """Neither the idx files nor OpenML (cache or network) gave MNIST."""


def _idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _has_idx(folder):
    return (Path(folder) / IMAGES).exists() and (Path(folder) / LABELS).exists()


def _from_idx(folder):
    folder = Path(folder)
    X = _idx(folder / IMAGES).reshape(-1, 784).astype(np.float64)
    y = _idx(folder / LABELS).astype(np.int64)
    return X, y


def _from_openml(data_home=None):
    from sklearn.datasets import fetch_openml

    X, y = fetch_openml(
        data_id=OPENML_ID,
        data_home=data_home,
        as_frame=False,
        return_X_y=True,
        parser="liac-arff",
    )
    return np.asarray(X[-N_TEST:], dtype=np.float64), np.asarray(y[-N_TEST:]).astype(
        np.int64
    )


def _message(explicit, error):
    from sklearn.datasets import get_data_home

    lines = ["MNIST is not available to this benchmark."]
    if explicit is not None:
        lines.append(f"  The folder {explicit} does not hold {IMAGES} and {LABELS}.")
    else:
        lines.append(
            f"  sklearn.datasets.fetch_openml(data_id={OPENML_ID}) failed "
            f"({type(error).__name__}: {error})."
        )
    lines += [
        "Do one of:",
        "  * run once with network access: the benchmark downloads MNIST (~55 MB)",
        f"    with sklearn.datasets.fetch_openml into {get_data_home()}",
        "    (set SCIKIT_LEARN_DATA to use another folder) and reads it from there",
        "    afterwards, offline;",
        f"  * or put {IMAGES} and {LABELS} (the MNIST",
        "    test set, as distributed with MNIST) in a folder and pass",
        f"    --data-dir FOLDER, or set {ENV_VAR}=FOLDER.",
    ]
    return "\n".join(lines)


def load_mnist(data_dir=None, *, fetch=None):
    """The 10,000 MNIST test images (float64 pixels in [0, 255]) and labels.

    ``data_dir`` (or ``$SKPRUNE_MNIST_DIR``) names a folder with the idx files;
    without one, the sibling ``shared/data/mnist-10k`` folder, then OpenML
    (``fetch``, default :func:`sklearn.datasets.fetch_openml` via its cache) are
    tried. Raises :class:`MNISTUnavailable` with what to do.
    """
    explicit = data_dir if data_dir is not None else os.environ.get(ENV_VAR) or None
    if explicit is not None:
        if not _has_idx(explicit):
            raise MNISTUnavailable(_message(explicit, None))
        return _from_idx(explicit)
    if _has_idx(SIBLING_DIR):
        return _from_idx(SIBLING_DIR)
    try:
        return (fetch or _from_openml)()
    except Exception as exc:  # network, HTTP and cache errors alike
        raise MNISTUnavailable(_message(None, exc)) from exc


def load_mnist_split(data_dir=None):
    """8,000 train / 2,000 test, pixels in [0, 1]: X_train, X_test, y_train, y_test.

    Exits with the message of :class:`MNISTUnavailable` when MNIST is not available.
    """
    try:
        X, y = load_mnist(data_dir)
    except MNISTUnavailable as exc:
        sys.exit(str(exc))
    return train_test_split(X / 255.0, y, test_size=0.2, random_state=0, stratify=y)


def add_data_dir_argument(parser):
    """The ``--data-dir`` option every MNIST benchmark takes."""
    parser.add_argument(
        "--data-dir",
        default=None,
        help=f"folder with {IMAGES} and {LABELS} (default: ${ENV_VAR}, then "
        "../shared/data/mnist-10k, then sklearn's fetch_openml cache/download)",
    )
