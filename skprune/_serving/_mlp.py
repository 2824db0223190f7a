"""How a pruned MLP estimator serves ``predict``: its compressed network.

:class:`ServedMLPMixin` sits between skprune's MLP estimators and sklearn's
MLPs. After a fit (and after a load) the estimator holds ``compressed_``, a
:class:`~skprune._serving._compressed.CompressedMLP` built for the current
``inference_format``/``inference_dtype`` (rebuilt at the next ``predict``
when one of them changed), and sklearn's ``_forward_pass_fast`` -- through
which ``predict``, ``predict_proba`` and ``score`` all pass -- runs that
network chunk by chunk. While training there is no compressed network and
the full masked weights are used, in batches of the same size.
"""

import numpy as np
from sklearn.utils import assert_all_finite
from sklearn.utils.validation import validate_data

from .. import _sklearn_compat as compat
from ._compressed import CompressedMLP, NonFiniteInputError, batch_rows


def label_decoder(binarizer):
    """``(decode, dtype, n_columns)`` for a fitted classifier's
    ``LabelBinarizer``: ``decode(outputs)`` gives the labels that sklearn's
    ``MLPClassifier.predict`` gives for these network outputs
    (``binarizer.inverse_transform``), computed directly: the class of the
    largest output (multiclass), the outputs above the binarizer's threshold
    (multilabel, as ``intp`` 0/1 columns), or the class of the one output
    above or below it (binary). ``n_columns`` is None for 1-D labels.
    None when the binarizer's target type is another one.

    >>> from sklearn.preprocessing import LabelBinarizer
    >>> decode, dtype, _ = label_decoder(LabelBinarizer().fit(["a", "b", "c"]))
    >>> decode(np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])).tolist()
    ['b', 'a']
    """
    classes = np.asarray(binarizer.classes_)
    kind = binarizer.y_type_
    threshold = (binarizer.pos_label + binarizer.neg_label) / 2.0
    if kind == "multiclass":
        return (lambda y: classes.take(y.argmax(axis=1))), classes.dtype, None
    if kind == "multilabel-indicator":
        return (lambda y: (y > threshold).astype(np.intp)), np.intp, classes.size
    if kind != "binary":
        return None
    if classes.size == 1:
        return (lambda y: np.repeat(classes[0], y.shape[0])), classes.dtype, None
    return (
        (lambda y: classes.take((y[:, 0] > threshold).astype(np.intp))),
        classes.dtype,
        None,
    )


class ServedMLPMixin:
    """The serving half of a pruned MLP estimator (see the module docstring).

    Reads the estimator's ``coefs_``, ``intercepts_``, ``masks_``,
    ``activation``, ``out_activation_`` and the ``inference_*`` parameters;
    writes ``compressed_`` and ``_network_activation``.
    """

    def _compress(self, rebuild=False):
        """The compressed network of the fitted weights.

        At the end of a fit (``rebuild=False``) it records the activation the
        network was trained with (``_network_activation``, written to files);
        a rebuild (after a load, or when an ``inference_*`` setting changed)
        uses the recorded one, so ``set_params(activation=...)`` takes effect
        at the next fit only, in memory and after a load alike.
        """
        if not rebuild or "_network_activation" not in self.__dict__:
            self._network_activation = self.activation
        net = CompressedMLP(
            self.coefs_,
            self.intercepts_,
            self.masks_,
            self._network_activation,
            self.out_activation_,
            inference_format=self.inference_format,
            inference_dtype=self._inference_dtype(),
        )
        net.settings = (self.inference_format, self.inference_dtype)
        return net

    def _inference_dtype(self):
        """``inference_dtype`` resolved: 'auto' is the dtype of ``coefs_``."""
        if isinstance(self.inference_dtype, str) and self.inference_dtype == "auto":
            return np.dtype(self.coefs_[0].dtype).name
        return self.inference_dtype

    def _network(self):
        """The compressed network for the current ``inference_*`` settings
        (rebuilt here when they changed since it was built), or None while
        training."""
        net = self.__dict__.get("compressed_")
        if net is not None and net.settings != (
            self.inference_format,
            self.inference_dtype,
        ):
            net = self.compressed_ = self._compress(rebuild=True)
        return net

    def _batch_rows(self):
        """Rows per inference batch (``inference_batch_size`` resolved by
        :func:`~skprune._serving._compressed.batch_rows`): for the compressed
        network, or while training for the full weights."""
        net = self.__dict__.get("compressed_")
        if net is not None:
            return batch_rows(self.inference_batch_size, net.sizes_read())
        sizes = [c.shape[0] for c in self.coefs_] + [self.coefs_[-1].shape[1]]
        return batch_rows(self.inference_batch_size, sizes, self.coefs_[0].dtype)

    def _serving_input(self, X):
        """X checked as sklearn's ``validate_data(reset=False)`` would, except
        for NaN/inf, which the compiled pass checks while it reads X.

        A plain 2-D float32/float64 ndarray with the fitted width (the fitted
        estimator having seen no feature names) needs no conversion and no
        pass over its values here; anything else (lists, DataFrames, sparse,
        other dtypes, a wrong width) goes through ``validate_data``, which
        raises sklearn's errors and warnings.
        """
        if (
            type(X) in (np.ndarray, np.memmap)
            and X.ndim == 2
            and X.dtype in (np.float32, np.float64)
            and X.shape[0] > 0
            and X.shape[1] == self.n_features_in_
            and not hasattr(self, "feature_names_in_")
        ):
            return X
        return validate_data(
            self, X, accept_sparse=["csr", "csc"], reset=False, ensure_all_finite=False
        )

    def _served_map(self, X, net, function):
        """``function(rows, outputs)`` for every piece of the compressed
        network's outputs (:meth:`CompressedMLP.map`: in the thread that
        computed it); non-finite X raises sklearn's own error."""
        try:
            net.map(X, function, self._batch_rows())
        except NonFiniteInputError:
            self._raise_non_finite(X)
            raise

    def _served_labels(self, X, net):
        """A classifier's labels of the (checked) X: :func:`label_decoder`
        per piece, in the thread that computed it (no ``LabelBinarizer``
        round trip), into one array."""
        binarizer = compat.label_binarizer(self)
        decoder = label_decoder(binarizer)
        if decoder is None:  # (a target type sklearn's MLPs do not produce)
            y_pred = self._serve(X, net)
            return binarizer.inverse_transform(
                y_pred.ravel() if self.n_outputs_ == 1 else y_pred
            )
        decode, dtype, n_columns = decoder
        shape = (X.shape[0],) if n_columns is None else (X.shape[0], n_columns)
        labels = np.empty(shape, dtype=dtype)

        def to_labels(rows, y_pred):
            labels[rows] = decode(y_pred)

        self._served_map(X, net, to_labels)
        return labels

    def _served_binary_proba(self, X, net):
        """A binary classifier's two probability columns (sklearn stacks
        ``1 - p`` and ``p``), filled piece by piece."""
        proba = np.empty((X.shape[0], 2), dtype=net.output_dtype(X))

        def both_columns(rows, p):
            proba[rows, 1] = p[:, 0]
            np.subtract(1, p[:, 0], out=proba[rows, 0])

        self._served_map(X, net, both_columns)
        return proba

    def _serve(self, X, net):
        """Network outputs of the whole (checked) X, one array, written in
        place piece by piece (on several threads for a large X, see
        :mod:`skprune._serving._threads`)."""
        try:
            return net.forward(X, self._batch_rows())
        except NonFiniteInputError:
            self._raise_non_finite(X)
            raise

    def _raise_non_finite(self, X):
        """sklearn's own error for NaN/inf in X (it names which, and the
        estimator): the kernel only knows that some value is not finite."""
        assert_all_finite(X, input_name="X", estimator_name=type(self).__name__)

    def _forward_pass_fast(self, X, check_input=True):
        # predict, predict_proba and score all come through here, in batches
        net = self._network()
        if net is not None:
            return self._serve(self._serving_input(X) if check_input else X, net)
        # during training (validation scores): the full masked weights
        rows = self._batch_rows()
        if check_input:
            X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False)
        n_samples = X.shape[0]
        if n_samples <= rows:
            return super()._forward_pass_fast(X, check_input=False)
        out = np.empty((n_samples, self.n_outputs_), dtype=self.coefs_[0].dtype)
        for start in range(0, n_samples, rows):
            part = slice(start, min(start + rows, n_samples))
            out[part] = super()._forward_pass_fast(X[part], check_input=False)
        return out
