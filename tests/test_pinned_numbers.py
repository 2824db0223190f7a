"""Scores, masks and fitted models pinned to the values of skprune 0.1.0.

``tests/data/pinned_numbers.json`` was written by this module (``python
tests/test_pinned_numbers.py --write``) on main at 5c526d0, before the pruning
core was shared between the estimator families (issue 16), and re-written at
02421e0 only to add each fitted MLP's training ``score`` (every older number
unchanged to 1e-9). A refactor must not move any of them.

What is pinned, and how tightly, is what holds on *any* CPU of the machine
kinds we run on (issue 22): the numbers were recomputed under six OpenBLAS
kernels (``OPENBLAS_CORETYPE`` = SkylakeX, Haswell, Sandybridge, Prescott,
Zen, Nehalem; with and without numpy's AVX-512 loops) on 2026-12-08, and the
tolerances below are those measurements with a margin:

- exact: masks, supports, selected features, every history's step, sparsity,
  non-zero count, feature count and acceptance (identical under all kernels);
- ``RTOL_STABLE`` (1e-9): criteria scores and the SGD fits (no BLAS call in
  their path; identical under all kernels);
- ``TRAINED_RTOL``/``TRAINED_ATOL`` (1e-4 / 1e-5): weights, outputs and
  histories of trained MLPs (largest difference seen: 3.7e-6 relative,
  4.5e-6 absolute);
- ``CHAOTIC``: two classifiers fitted by 60 unconverged lbfgs iterations
  amplify the last bit of a BLAS sum into weight differences of 0.1-0.2, so
  their weights and probabilities are not pinned; their masks and histories
  are, exactly, and their training accuracy to ``CHAOTIC_SCORE_ATOL`` (seen:
  0.817-0.842, pinned 0.817).

``test_pins_hold_under_other_blas_kernels`` re-checks every pin in child
processes under two other OpenBLAS kernels (Haswell: AVX2, the AMD EPYC Zen 3
machines; Sandybridge: AVX only), with numpy's AVX-512 loops switched off.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import Ridge

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPRegressor,
    PruneSparsifyTransformer,
    SparseSGDRegressor,
)
from skprune.criteria import (
    compute_scores,
    feature_entropy,
    linear_magnitude,
    linear_scores,
    mlp_input_gradient,
    weighted_mean_std,
)

PINNED = Path(__file__).parent / "data" / "pinned_numbers.json"
RTOL_STABLE = 1e-9
TRAINED_RTOL, TRAINED_ATOL = 1e-4, 1e-5
CHAOTIC = {"mlp.clf-lbfgs-magnitude", "mlp.clf-lbfgs-entropy-neuron"}
CHAOTIC_SCORE_ATOL = 0.05  # 6 of 120 training rows; seen spread 3 rows
# the name of the relative validation-loss rule (max_score_drop in 0.1.0)
_TOLERANCE_NAME = "max_loss_rise"


def _bits(mask):
    return np.packbits(np.asarray(mask, dtype=bool).ravel()).tobytes().hex()


def _floats(a):
    return np.asarray(a, dtype=float).ravel().tolist()


def _history(est):
    keys = (
        "step",
        "sparsity",
        "n_nonzero",
        "n_features",
        "target_sparsity",
        "validation_score",
        "validation_loss",
        "accepted",
    )
    return [{k: r[k] for k in keys if k in r} for r in est.pruning_history_]


def _network():
    rng = np.random.RandomState(0)
    coefs = [rng.normal(size=(6, 5)), rng.normal(size=(5, 4)), rng.normal(size=(4, 3))]
    intercepts = [rng.normal(size=5), rng.normal(size=4), rng.normal(size=3)]
    X = rng.normal(size=(40, 6))
    Y = np.eye(3)[rng.randint(3, size=40)]
    sw = rng.uniform(0.5, 2.0, size=40)
    return coefs, intercepts, X, Y, sw


def _criteria_numbers():
    out = {}
    coefs, intercepts, X, Y, sw = _network()
    for criterion in ("magnitude", "entropy", "gradient", "taylor"):
        for granularity in ("weight", "neuron"):
            for weights in (None, sw):
                s = compute_scores(
                    criterion,
                    granularity,
                    coefs,
                    intercepts,
                    X,
                    Y,
                    activation="tanh",
                    out_activation="softmax",
                    sample_weight=weights,
                )
                key = f"mlp-{criterion}-{granularity}-{weights is not None}"
                out[key] = [_floats(a) for a in s]
    s = compute_scores(
        "random", "weight", coefs, intercepts, random_state=np.random.RandomState(3)
    )
    out["mlp-random-weight"] = [_floats(a) for a in s]
    Xs = sparse.csr_matrix(np.where(np.abs(X) > 0.8, X, 0.0))
    for name, data in (("dense", X), ("sparse", Xs)):
        out[f"feature-entropy-{name}"] = _floats(feature_entropy(data, sw))
        out[f"feature-std-{name}"] = _floats(weighted_mean_std(data, sw)[1])
        out[f"linear-magnitude-{name}"] = _floats(
            linear_magnitude(coefs[0].T, data, sw)
        )
        out[f"mlp-input-gradient-{name}"] = _floats(
            mlp_input_gradient(data, Y, coefs, intercepts, "relu", "softmax", sw)
        )
        for criterion in ("magnitude", "gradient", "entropy"):
            for loss in ("squared_error", "huber"):
                s = linear_scores(
                    criterion,
                    data,
                    Y[:, :2],
                    coefs[0][:, :2].T,
                    intercepts[0][:2],
                    loss=loss,
                    sample_weight=sw,
                )
                out[f"linear-{criterion}-{loss}-{name}"] = _floats(s)
    return out


def _mlp_numbers():
    out = {}
    Xc, yc = make_classification(120, 8, n_informative=5, n_classes=3, random_state=0)
    Xr, yr = make_regression(120, 8, noise=1.0, random_state=0)
    yr = yr / 100
    settings = {
        "clf-lbfgs-magnitude": dict(solver="lbfgs"),
        "clf-adam-gradient": dict(solver="adam", prune_criterion="gradient"),
        "clf-lbfgs-entropy-neuron": dict(
            solver="lbfgs",
            prune_criterion="entropy",
            prune_granularity="neuron",
            prune_ratio=0.5,
        ),
        "clf-adam-taylor-layer": dict(
            solver="adam", prune_criterion="taylor", prune_scope="layer"
        ),
        "clf-sgd-random-linear": dict(
            solver="sgd", prune_criterion="random", prune_schedule="linear"
        ),
        "clf-maxdrop": dict(solver="lbfgs", max_score_drop=0.0, prune_ratio=0.95),
        "clf-threshold-l1": dict(
            solver="adam",
            sparsity_penalty="l1",
            sparsity_alpha=1e-3,
            sparsity_threshold=0.05,
            prune_ratio=0.5,
        ),
        "reg-lbfgs-magnitude": dict(solver="lbfgs"),
        "reg-adam-entropy-neuron": dict(
            solver="adam",
            prune_criterion="entropy",
            prune_granularity="neuron",
            prune_ratio=0.5,
            early_stopping=True,
        ),
        "reg-maxdrop": dict(
            solver="lbfgs",
            max_score_drop=0.02,
            prune_ratio=0.95,
            prune_schedule="linear",
        ),
    }
    for name, params in settings.items():
        cls, X, y = (
            (PrunedMLPClassifier, Xc, yc)
            if name.startswith("clf")
            else (PrunedMLPRegressor, Xr, yr)
        )
        params = {
            "hidden_layer_sizes": (12,),
            "max_iter": 60,
            "n_prune_steps": 3,
            "finetune_iter": 5,
            "random_state": 0,
            "prune_ratio": 0.8,
            "prune_criterion": "magnitude",  # the 0.1.0 default
            **params,
        }
        est = cls(**params).fit(X, y)
        out[name] = {
            "masks": [_bits(m) for m in est.masks_],
            "coefs": [_floats(c) for c in est.coefs_],
            "predict": _floats(
                est.predict(X[:20])
                if name.startswith("reg")
                else est.predict_proba(X[:20])
            ),
            "history": _history(est),
            # accuracy or R^2 on the training rows: what a user sees of the fit
            "score": float(est.score(X, y)),
        }
    return out


def _sgd_numbers():
    out = {}
    X, y = make_regression(300, 20, n_informative=5, noise=2.0, random_state=0)
    y = y / 10
    sw = np.random.RandomState(1).uniform(0.5, 2.0, size=300)
    Xs = sparse.csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))
    settings = {
        "auto-magnitude": dict(),
        "auto-gradient": dict(prune_criterion="gradient"),
        "auto-entropy-sw": dict(prune_criterion="entropy", _sw=True),
        "auto-l1-norefit": dict(penalty="l1", alpha=0.01, refit=False),
        "auto-tolerance": dict(tolerance=0.1),
        "auto-sparse": dict(_sparse=True),
        "ratio-magnitude": dict(prune_ratio=0.6),
        "ratio-gradient-huber": dict(
            prune_ratio=0.6, prune_criterion="gradient", loss="huber"
        ),
        "ratio-entropy-threshold": dict(
            prune_ratio=0.3,
            prune_criterion="entropy",
            sparsity_threshold=0.05,
            n_prune_steps=2,
        ),
        "ratio-average-es": dict(prune_ratio=0.5, average=True, early_stopping=True),
    }
    for name, params in settings.items():
        params = dict(params)
        weights = sw if params.pop("_sw", False) else None
        data = Xs if params.pop("_sparse", False) else X
        if "tolerance" in params:  # the relative loss rule of 'auto'
            params[_TOLERANCE_NAME] = params.pop("tolerance")
        if "prune_ratio" not in params:
            # 'auto' judged on one held-out split, as up to skprune 0.4 (the
            # default cv='auto' cross-validates data this small: issue 25)
            params["cv"] = 1
        est = SparseSGDRegressor(random_state=0, **params).fit(
            data, y, sample_weight=weights
        )
        out[name] = {
            "support": _bits(est.support_),
            "coef": _floats(est.coef_),
            "intercept": _floats(est.intercept_),
            "history": _history(est),
        }
    return out


def _transformer_numbers():
    X, y = make_regression(150, 12, n_informative=4, random_state=0)
    out = {}
    mlp = PrunedMLPRegressor(
        hidden_layer_sizes=(8,),
        solver="lbfgs",
        max_iter=50,
        prune_ratio=0.5,
        prune_criterion="magnitude",  # the 0.1.0 default
        n_prune_steps=1,
        finetune_iter=5,
        random_state=0,
    )
    for name, tr in {
        "entropy": PruneSparsifyTransformer(prune_ratio=0.5),
        "ridge-importance-std": PruneSparsifyTransformer(
            criterion="importance", estimator=Ridge(), scale_by_std=True
        ),
        "ridge-gradient": PruneSparsifyTransformer(
            criterion="gradient", estimator=Ridge()
        ),
        "mlp-gradient": PruneSparsifyTransformer(criterion="gradient", estimator=mlp),
    }.items():
        tr.fit(X, y / 100)
        out[name] = {"scores": _floats(tr.scores_), "support": _bits(tr.get_support())}
    return out


def _compute():
    return {
        "criteria": _criteria_numbers(),
        "mlp": _mlp_numbers(),
        "sgd": _sgd_numbers(),
        "transformer": _transformer_numbers(),
    }


def _tolerance(path):
    """(rtol, atol) for the floats under ``path`` (see the module docstring)."""
    if path.startswith(("mlp.", "transformer.mlp-")):
        return TRAINED_RTOL, TRAINED_ATOL
    return RTOL_STABLE, 1e-12


def _compare(got, want, path):
    if isinstance(want, dict):
        assert set(got) >= set(want), path
        for k in want:
            if path in CHAOTIC and k in ("coefs", "predict"):
                continue  # not reproducible across CPUs: see CHAOTIC
            if path in CHAOTIC and k == "score":
                assert abs(got[k] - want[k]) <= CHAOTIC_SCORE_ATOL, (path, got[k])
                continue
            _compare(got[k], want[k], f"{path}.{k}")
    elif (
        isinstance(want, list)
        and want
        and isinstance(want[0], (float, int))
        and not isinstance(want[0], bool)
    ):
        rtol, atol = _tolerance(path)
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=path)
    elif isinstance(want, list):
        assert len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            _compare(g, w, f"{path}[{i}]")
    elif isinstance(want, float) and path.rsplit(".", 1)[-1] in _EXACT_FLOATS:
        assert got == want, path
    elif isinstance(want, float):
        rtol, atol = _tolerance(path)
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=path)
    else:
        assert got == want, path


# history fields that are counts in disguise: identical on every CPU
_EXACT_FLOATS = {"sparsity", "target_sparsity"}


def _check_all():
    want = json.loads(PINNED.read_text())
    got = _compute()
    for part in want:
        _compare(got[part], want[part], part)


def _without_avx512():
    """numpy's AVX-512 loops this CPU runs, by numpy's names (to switch off
    with ``NPY_DISABLE_CPU_FEATURES``): ``AVX512_*`` targets, and numpy 2.4's
    ``X86_V4`` group (AVX-512 F/CD/VL/BW/DQ)."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # numpy 1.x
        from numpy.core import _multiarray_umath as umath
    dispatch = getattr(umath, "__cpu_dispatch__", [])
    return " ".join(
        f
        for f in dispatch
        if (f.startswith("AVX512") or f == "X86_V4") and umath.__cpu_features__.get(f)
    )


@pytest.fixture(scope="module")
def computed():
    return _compute()


@pytest.mark.parametrize("part", ["criteria", "mlp", "sgd", "transformer"])
def test_numbers_are_those_of_skprune_0_1_0(computed, part):
    want = json.loads(PINNED.read_text())[part]
    _compare(computed[part], want, part)


@pytest.mark.parametrize("coretype", ["Haswell", "Sandybridge"])
def test_pins_hold_under_other_blas_kernels(coretype):
    # the same pins in a child process whose BLAS (numpy's and scipy's
    # OpenBLAS) runs another CPU's kernels and whose numpy skips AVX-512
    env = {
        **os.environ,
        "OPENBLAS_CORETYPE": coretype,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }
    if _without_avx512():
        env["NPY_DISABLE_CPU_FEATURES"] = _without_avx512()
    out = subprocess.run(
        [sys.executable, "-W", "ignore", __file__, "--check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "pins hold" in out.stdout


if __name__ == "__main__" and "--write" in sys.argv:
    PINNED.parent.mkdir(exist_ok=True)
    PINNED.write_text(json.dumps(_compute(), indent=0, sort_keys=True))
elif __name__ == "__main__" and "--numpy-avx512" in sys.argv:
    print(_without_avx512())  # for .ci/installed
elif __name__ == "__main__" and "--check" in sys.argv:
    _check_all()
    print(f"pins hold (OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')})")
