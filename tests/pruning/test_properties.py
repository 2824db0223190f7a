"""Property tests (hypothesis) of the pruned MLPs and the mask arithmetic.

Random small problems and settings: ``fit`` succeeds or raises a documented
``ValueError``; masked weights are exactly zero; the number of pruned weights
(neurons) reaches the target (see :mod:`skprune._pruning._masks` for the exact rule);
outputs are finite; the compressed network that ``predict`` runs agrees with
sklearn's dense forward pass over the masked ``coefs_``.

The examples are derandomized and no example database is used, so every run
(and CI) tests the same examples.
"""

import math
import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._pruning._masks import (
    SCOPES,
    connected,
    neuron_alive,
    prune_neurons,
    prune_weights,
)
from skprune._pruning._schedules import SCHEDULES, sparsity_schedule
from skprune._pruning.criteria import MLP_CRITERIA

CRITERIA = tuple(MLP_CRITERIA)

SETTINGS = dict(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# the ValueErrors fit documents for settings hypothesis can draw
DOCUMENTED_ERRORS = ("prune_granularity='neuron' needs at least one hidden layer",)


def n_pruned_at_least(target, total, protected):
    """Entries removed by a prune to ``target``: ``floor(target * total)``,
    except that ``protected`` entries are never removed (see
    skprune._pruning._masks)."""
    return min(math.floor(target * total + 1e-9), total - protected)


@st.composite
def problems(draw):
    """A small random dataset: X (dense or CSR), y, sample weights or None."""
    task = draw(st.sampled_from(["classification", "regression"]))
    n = draw(st.integers(6, 60))
    d = draw(st.integers(1, 6))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    X = rng.randn(n, d) * draw(st.sampled_from([0.1, 1.0, 10.0]))
    if draw(st.booleans()):  # some exact zeros, and CSR half of the time
        X[rng.rand(n, d) < 0.4] = 0.0
        if draw(st.booleans()):
            X = sparse.csr_matrix(X)
    if task == "classification":
        y = rng.randint(draw(st.integers(2, 4)), size=n)
        y[:2] = [0, 1]  # at least two classes
    else:
        n_outputs = draw(st.integers(1, 2))
        y = rng.randn(n, n_outputs)
        y = y.ravel() if n_outputs == 1 else y
    sample_weight = rng.uniform(0.5, 2.0, n) if draw(st.booleans()) else None
    return task, X, y, sample_weight


@st.composite
def pruning_params(draw):
    return dict(
        hidden_layer_sizes=tuple(draw(st.lists(st.integers(1, 10), max_size=3))),
        activation=draw(st.sampled_from(["relu", "tanh", "logistic", "identity"])),
        solver=draw(st.sampled_from(["sgd", "adam", "lbfgs"])),
        max_iter=draw(st.integers(1, 4)),
        prune_ratio=draw(
            st.one_of(st.sampled_from([0.0, 0.5, 0.9, 0.99]), st.floats(0.0, 0.995))
        ),
        prune_criterion=draw(st.sampled_from(CRITERIA)),
        prune_granularity=draw(st.sampled_from(["weight", "neuron"])),
        prune_scope=draw(st.sampled_from(SCOPES)),
        prune_schedule=draw(st.sampled_from(SCHEDULES)),
        n_prune_steps=draw(st.integers(1, 3)),
        finetune_iter=draw(st.integers(0, 2)),
        sparsity_penalty=draw(st.sampled_from([None, "l1", "l2"])),
        sparsity_threshold=draw(st.sampled_from([None, None, 0.05, 0.3])),
        inference_format=draw(st.sampled_from(["auto", "dense", "sparse"])),
        inference_dtype=draw(st.sampled_from(["float64", "float32"])),
        random_state=draw(st.integers(0, 1000)),
    )


def check_pruning_target(est):
    """The pruning rule of skprune._pruning._masks, checked on the fitted masks."""
    target = est.prune_ratio
    masks = est.masks_
    if est.prune_granularity == "weight":
        pruned = [int((~m).sum()) for m in masks]
        sizes = [m.size for m in masks]
        if est.prune_scope == "global":  # one weight per layer is protected
            assert sum(pruned) >= n_pruned_at_least(target, sum(sizes), len(sizes))
            # hence sparsity >= target - 1/total unless the protection binds
            total = sum(sizes)
            assert est.sparsity_ >= min(target - 1 / total, 1 - len(sizes) / total)
        else:
            for p, size in zip(pruned, sizes):
                assert p >= n_pruned_at_least(target, size, 1)
    else:  # the best neuron of every hidden layer is protected
        dead = [int((~a).sum()) for a in neuron_alive(masks)]
        sizes = [a.size for a in neuron_alive(masks)]
        if est.prune_scope == "global":
            assert sum(dead) >= n_pruned_at_least(target, sum(sizes), len(sizes))
        else:
            for n_dead, size in zip(dead, sizes):
                assert n_dead >= n_pruned_at_least(target, size, 1)


def check_compressed_forward(est, parent, X):
    compressed = est._forward_pass_fast(X)
    dense = parent._forward_pass_fast(est, X)
    assert np.all(np.isfinite(compressed)) and np.all(np.isfinite(dense))
    if est.inference_dtype == "float64":
        np.testing.assert_allclose(compressed, dense, rtol=1e-9, atol=1e-12)
    else:
        scale = max(1.0, float(np.abs(dense).max()))
        np.testing.assert_allclose(compressed, dense, rtol=1e-4, atol=1e-4 * scale)


@pytest.mark.slow  # hypothesis: hundreds of small fits
@settings(max_examples=1000, **SETTINGS)
@given(problem=problems(), params=pruning_params())
def test_fit_properties(problem, params):
    task, X, y, sample_weight = problem
    cls = PrunedMLPClassifier if task == "classification" else PrunedMLPRegressor
    parent = MLPClassifier if task == "classification" else MLPRegressor
    est = cls(**params)
    X_given, y_given = X.copy(), y.copy()
    try:
        est.fit(X, y, sample_weight=sample_weight)
    except ValueError as exc:
        assert any(msg in str(exc) for msg in DOCUMENTED_ERRORS), exc
        assert not hasattr(est, "coefs_")
        return
    # fit changes neither the parameters nor the data it was given
    assert est.get_params() == cls(**params).get_params()
    X_cmp = X.toarray() if sparse.issparse(X) else X
    np.testing.assert_array_equal(
        X_cmp, X_given.toarray() if sparse.issparse(X_given) else X_given
    )
    np.testing.assert_array_equal(y, y_given)

    # masked weights are exact zeros; the statistics count them
    for coef, mask in zip(est.coefs_, est.masks_):
        assert mask.shape == coef.shape and mask.dtype == bool
        assert np.all(coef[~mask] == 0.0)
    nnz = sum(np.count_nonzero(c) for c in est.coefs_)
    assert est.n_nonzero_ == nnz
    assert est.sparsity_ == 1 - nnz / sum(c.size for c in est.coefs_)
    check_pruning_target(est)

    # the network never falls apart: a live path from an input to an output,
    # and at least one computed neuron in every hidden layer
    assert connected(est.masks_)
    assert len(est.hidden_layer_sizes_) == len(params["hidden_layer_sizes"])
    assert all(n >= 1 for n in est.hidden_layer_sizes_)

    # finite outputs, from the compressed network, equal to sklearn's dense
    # forward pass over the masked coefs_, on the training data and new data
    X_new = np.random.RandomState(1).randn(7, X.shape[1]) * 3.0
    for data in (X, X_new):
        check_compressed_forward(est, parent, data)
    predicted = est.predict(X)
    assert predicted.shape[0] == X.shape[0]
    if task == "classification":
        proba = est.predict_proba(X)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
        assert set(np.unique(predicted)) <= set(est.classes_)
    else:
        assert np.all(np.isfinite(predicted))


@pytest.mark.slow  # hypothesis: hundreds of small fits
@settings(max_examples=200, **SETTINGS)
@given(
    problem=problems(),
    params=pruning_params(),
    more=st.floats(0.0, 0.5),
    partial=st.integers(0, 2),
)
def test_refit_properties(problem, params, more, partial):
    """warm-start refits prune further and never revive a weight; partial_fit
    keeps the masks; a pickled copy predicts identically."""
    task, X, y, sample_weight = problem
    cls = PrunedMLPClassifier if task == "classification" else PrunedMLPRegressor
    parent = MLPClassifier if task == "classification" else MLPRegressor
    if params["prune_granularity"] == "neuron" and not params["hidden_layer_sizes"]:
        params["prune_granularity"] = "weight"
    est = cls(warm_start=True, **params).fit(X, y, sample_weight=sample_weight)
    first = [m.copy() for m in est.masks_]
    est.set_params(prune_ratio=min(0.995, params["prune_ratio"] + more))
    est.fit(X, y, sample_weight=sample_weight)
    for old, new, coef in zip(first, est.masks_, est.coefs_):
        assert not np.any(new & ~old)
        assert np.all(coef[~new] == 0.0)
    check_pruning_target(est)
    assert connected(est.masks_)
    if params["solver"] != "lbfgs":
        masks = [m.copy() for m in est.masks_]
        for _ in range(partial):
            est.partial_fit(X, y, sample_weight=sample_weight)
        for old, new, coef in zip(masks, est.masks_, est.coefs_):
            np.testing.assert_array_equal(old, new)
            assert np.all(coef[~new] == 0.0)
    check_compressed_forward(est, parent, X)
    copy = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(copy.predict(X), est.predict(X), strict=True)
    for a, b in zip(copy.masks_, est.masks_):
        np.testing.assert_array_equal(a, b)


@st.composite
def layered_scores(draw):
    """Random scores (with ties, zeros, NaN and inf) and partial masks of a
    random network."""
    widths = draw(st.lists(st.integers(1, 7), min_size=2, max_size=5))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    values = st.sampled_from([0.0, 1.0, np.nan, np.inf, -np.inf, -1.0])
    scores, masks = [], []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        s = rng.exponential(size=(fan_in, fan_out))
        if draw(st.booleans()):
            s = np.round(s, 1)  # ties
        if draw(st.booleans()):
            s.flat[rng.randint(s.size)] = draw(values)
        scores.append(s)
        masks.append(np.ones((fan_in, fan_out), dtype=bool))
    return scores, masks, rng


@settings(max_examples=250, **SETTINGS)
@given(
    data=layered_scores(),
    scope=st.sampled_from(SCOPES),
    targets=st.lists(st.floats(0.0, 0.999), min_size=1, max_size=4),
)
def test_mask_rules(data, scope, targets):
    scores, masks, rng = data
    sizes = [m.size for m in masks]
    for target in sorted(targets):
        new = prune_weights(scores, masks, target, scope)
        # monotone: what was pruned stays pruned
        for old, m in zip(masks, new):
            assert not np.any(m & ~old)
        pruned = [int((~m).sum()) for m in new]
        if scope == "global":
            assert sum(pruned) >= n_pruned_at_least(target, sum(sizes), len(sizes))
        else:
            for p, size in zip(pruned, sizes):
                assert p >= n_pruned_at_least(target, size, 1)
        assert all(m.any() for m in new) and connected(new)
        masks = new
        # fresh scores for the next step, as a re-trained network would give
        scores = [rng.exponential(size=s.shape) for s in scores]

    hidden = [m.shape[1] for m in masks[:-1]]
    alive = [np.ones(h, dtype=bool) for h in hidden]
    for target in sorted(targets) if hidden else []:
        neuron_scores = [rng.exponential(size=h) for h in hidden]
        new = prune_neurons(neuron_scores, alive, target, scope)
        assert all(a.any() for a in new)
        assert all(not np.any(a & ~old) for a, old in zip(new, alive))
        dead = [int((~a).sum()) for a in new]
        if scope == "global":
            assert sum(dead) >= n_pruned_at_least(target, sum(hidden), len(hidden))
        else:
            for n_dead, h in zip(dead, hidden):
                assert n_dead >= n_pruned_at_least(target, h, 1)
        alive = new


@settings(max_examples=100, **SETTINGS)
@given(
    final=st.floats(0.0, 0.999),
    n_steps=st.integers(1, 50),
    schedule=st.sampled_from(SCHEDULES),
)
def test_schedule_rules(final, n_steps, schedule):
    targets = sparsity_schedule(final, n_steps, schedule)
    assert len(targets) == (1 if schedule == "oneshot" else n_steps)
    assert targets[-1] == final
    assert np.all(np.diff(targets) >= 0) and np.all(targets >= 0)
    assert np.all(targets <= final)


@pytest.mark.parametrize("scope", SCOPES)
def test_layer_scope_guarantee_is_per_layer(scope):
    # two 3-weight layers at 60%: floor(0.6 * 3) = 1 weight per layer for
    # 'layer' (sparsity 1/3 < 0.6 - 1/6), floor(0.6 * 6) = 3 for 'global'
    scores = [np.array([[1.0, 2.0, 3.0]]), np.array([[1.0], [2.0], [3.0]])]
    masks = [np.ones((1, 3), bool), np.ones((3, 1), bool)]
    new = prune_weights(scores, masks, 0.6, scope)
    assert sum(int((~m).sum()) for m in new) == (2 if scope == "layer" else 3)
