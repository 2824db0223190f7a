"""The compact codec of a pruned network: what a file holds, and refuses.

A file holds the pruned weights in a compact form only (no optimizer state,
no dense copies, no compressed network); a loaded model predicts identically
and keeps training.

A corrupted or hand-edited file (skops' schema, or a crafted pickle state)
is refused by :func:`skprune._files.check_mlp_state` with one ValueError
naming the problem, before anything is rebuilt.
"""

import copy
import io
import json
import pickle
import warnings
import zipfile

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.neural_network import MLPClassifier
from sklearn.neural_network._multilayer_perceptron import BaseMultilayerPerceptron

from skprune import PrunedMLPClassifier
from skprune._files._codec import pack_layer

FAST = dict(
    hidden_layer_sizes=(32,),
    max_iter=40,
    n_prune_steps=2,
    finetune_iter=2,
    random_state=0,
)


# -- what a file holds ---------------------------------------------------------

TRAIN = dict(FAST, max_iter=60, n_prune_steps=3, finetune_iter=3)


def _dumped(est):
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    return buffer.getvalue()


def test_file_holds_the_compact_form_only(digits):
    X, y = digits
    params = dict(TRAIN, hidden_layer_sizes=(128,))
    est = PrunedMLPClassifier(**params, prune_ratio=0.95).fit(X, y)
    state = est.__getstate__()
    for key in (
        "compressed_",
        "_optimizer",
        "_best_coefs",
        "_best_intercepts",
        "_random_state",
        "masks_",
    ):
        assert key not in state
    assert all(isinstance(c, dict) for c in state["coefs_"])
    nnz = sum(m.sum() for m in est.masks_)
    assert sum(c["data"].size for c in state["coefs_"]) == nnz
    plain = MLPClassifier(
        **{k: v for k, v in params.items() if k in MLPClassifier().get_params()}
    ).fit(X, y)
    assert len(_dumped(est)) * 20 < len(_dumped(plain))
    # the live fitted estimator was not modified by writing it
    assert hasattr(est, "_optimizer") and isinstance(est.coefs_[0], np.ndarray)


def test_loaded_model_predicts_identically_and_keeps_training(digits):
    X, y = digits
    est = PrunedMLPClassifier(**TRAIN, prune_ratio=0.9).fit(X, y)
    loaded = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    for a, b in zip(loaded.masks_, est.masks_):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(loaded.coefs_, est.coefs_):
        np.testing.assert_array_equal(a, b)
    before = [c.copy() for c in loaded.coefs_]
    loaded.partial_fit(X, y)  # the optimizer is rebuilt on demand
    assert any(not np.array_equal(a, b) for a, b in zip(before, loaded.coefs_))
    for coef, mask in zip(loaded.coefs_, loaded.masks_):
        assert np.all(coef[~mask] == 0.0)
    np.testing.assert_allclose(
        loaded.predict_proba(X),
        BaseMultilayerPerceptron._forward_pass_fast(loaded, X),
        rtol=1e-10,
    )


def test_loaded_model_warm_start_with_early_stopping(digits):
    X, y = digits
    est = PrunedMLPClassifier(
        **TRAIN, prune_ratio=0.8, early_stopping=True, warm_start=True
    ).fit(X, y)
    loaded = pickle.loads(pickle.dumps(est))
    loaded.fit(X, y)
    for coef, mask in zip(loaded.coefs_, loaded.masks_):
        assert np.all(coef[~mask] == 0.0)
    assert loaded.score(X, y) > 0.8


@pytest.fixture(scope="module")
def fitted():
    X, y = load_digits(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return PrunedMLPClassifier(**FAST, prune_ratio=0.9).fit(X[:500] / 16.0, y[:500])


# -- a bad file gives one clear error ----------------------------------------


def _edit_skops(path, edit):
    """Rewrite schema.json of a skops file (only trusted, builtin types)."""
    with zipfile.ZipFile(path) as z:
        files = {name: z.read(name) for name in z.namelist()}
    schema = json.loads(files["schema.json"])
    edit(schema["content"]["content"])
    files["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)


def _json(value, node_id=1):
    return {
        "__class__": "str",
        "__module__": "builtins",
        "__loader__": "JsonNode",
        "content": json.dumps(value),
        "is_json": True,
        "__id__": node_id,
    }


# skops shares one node per Python object id (e.g. the int 64 or the string
# 'relu' wherever they occur), so an edited node gets a fresh id


def _set_activation(content):
    content["activation"] = _json("bogus", 11)


def _set_network_activation(content):
    content["_network_activation"] = _json("bogus", 12)


def _set_out_activation(content):
    content["out_activation_"] = _json("bogus", 13)


def _shrink_shape(content):
    shape = content["coefs_"]["content"][0]["content"]["shape"]["content"]
    shape[0] = _json(json.loads(shape[0]["content"]) - 1, 14)


def _not_a_dict(content):
    content["coefs_"]["content"][1] = _json("oops", 15)


@pytest.mark.parametrize(
    "edit, message",
    [
        (_set_activation, "activation='bogus' is not one of"),
        (_set_network_activation, "_network_activation='bogus' is not one of"),
        (_set_out_activation, "out_activation_='bogus' is not one of"),
        (
            _shrink_shape,
            r"coefs_\[0\] of shape \(63, 32\) has 65 indptr entries, expected 64",
        ),
        (_not_a_dict, r"coefs_\[1\] is a str, not a packed layer"),
    ],
)
def test_edited_skops_file_raises_one_clear_error(fitted, tmp_path, edit, message):
    pytest.importorskip("skops")
    from skprune.io import dump, load

    path = tmp_path / "model.skops"
    dump(fitted, path)
    load(path)  # the unedited file loads
    _edit_skops(path, edit)
    with pytest.raises(
        ValueError,
        match="Cannot load PrunedMLPClassifier: the file's fitted state is invalid",
    ) as exc:
        load(path)
    assert exc.match(message)


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (
            lambda s: s["coefs_"][0].update(indices=s["coefs_"][0]["indices"] + 1000),
            r"coefs_\[0\] has column indices from 1000 to 1031, outside \[0, 32\)",
        ),
        (
            lambda s: s["coefs_"][0].pop("data"),
            r"coefs_\[0\] has the parts \['indices', 'indptr', 'shape'\]",
        ),
        (
            lambda s: s["coefs_"].__setitem__(
                1, pack_layer(np.ones((7, 10)), np.ones((7, 10), bool))
            ),
            "has 32 outputs but coefs_",
        ),
        (
            lambda s: s.update(intercepts_=s["intercepts_"][:1]),
            "intercepts_ is not a list of 2 arrays",
        ),
        (
            lambda s: s["coefs_"][0].update(data=s["coefs_"][0]["data"].astype(str)),
            "not float",
        ),
        (lambda s: s.update(coefs_=None), "not a non-empty list"),
    ],
)
def test_crafted_state_raises_one_clear_error(fitted, corrupt, message):
    state = copy.deepcopy(fitted.__getstate__())
    corrupt(state)
    est = PrunedMLPClassifier.__new__(PrunedMLPClassifier)
    with pytest.raises(ValueError, match=message):
        est.__setstate__(state)
