"""Safe persistence with skops: load only what skprune itself writes.

pickle and joblib files can run arbitrary code when loaded; skops files cannot,
but skops trusts only scikit-learn's (and numpy's, scipy's) types by default and
offers no way for a third-party library to register its own. This module ships
the list of skprune's types and a :func:`load` that trusts exactly that list (on
top of skops' defaults) and refuses a file holding anything else.

skops is an optional dependency: ``pip install skops`` (or the ``skops``
extra, ``pip install ".[skops]"`` in a clone of the repository).
"""

import zipfile

from ._files import TRUSTED_TYPES
from ._optional import missing

__all__ = ["TRUSTED_TYPES", "UntrustedTypesError", "dump", "load"]


class UntrustedTypesError(ValueError):
    """A file holds types that neither skops nor skprune trusts."""


def _skops_io():
    try:
        import skops.io
    except ImportError as exc:  # pragma: no cover - exercised without skops
        raise missing("skprune.io", "skops") from exc
    return skops.io


def dump(estimator, file, *, compression=zipfile.ZIP_DEFLATED, compresslevel=None):
    """Write ``estimator`` (or a Pipeline holding skprune estimators) to a file.

    skprune estimators are written in their compact form: pruned weights only,
    and their per-epoch and per-step histories as one JSON text each (skops
    would otherwise write one node per float). The zip archive is deflated by
    default, which shrinks skops' per-node JSON schema several-fold; together
    the file is at most about the size of the model's joblib file
    (``tests/files/test_io.py::test_skops_file_is_at_most_1_5x_joblib``).

    Parameters
    ----------
    estimator : object
        The fitted estimator.
    file : str or path-like
        Destination, conventionally ending in ``.skops``.
    compression : int, default=zipfile.ZIP_DEFLATED
        Zip compression of the archive, passed to :func:`skops.io.dump`
        (``zipfile.ZIP_STORED`` writes it uncompressed, as skops does by default).
    compresslevel : int, default=None
        Compression level, passed to :func:`skops.io.dump`.
    """
    _skops_io().dump(
        estimator, file, compression=compression, compresslevel=compresslevel
    )


def load(file):
    """Load a file written by :func:`dump`, trusting only skprune's types.

    Parameters
    ----------
    file : str or path-like
        A skops file.

    Returns
    -------
    estimator : object

    Raises
    ------
    UntrustedTypesError
        If the file holds a type outside skops' defaults and
        :data:`TRUSTED_TYPES`; nothing from the file is constructed then.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn.datasets import load_iris
    >>> from skprune import PrunedMLPClassifier
    >>> from skprune import io
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = PrunedMLPClassifier(hidden_layer_sizes=(8,), max_iter=50,
    ...                           random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.skops")
    >>> io.dump(clf, path)
    >>> bool((io.load(path).predict(X) == clf.predict(X)).all())
    True
    """
    sio = _skops_io()
    unknown = [t for t in sio.get_untrusted_types(file=file) if t not in TRUSTED_TYPES]
    if unknown:
        raise UntrustedTypesError(
            f"Refusing to load {file!s}: it holds types that skprune does not "
            f"trust: {unknown}. Load it with skops.io.load(..., trusted=[...]) only "
            "if you know where the file comes from."
        )
    return sio.load(file, trusted=list(TRUSTED_TYPES))
