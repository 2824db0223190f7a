"""Criteria against hand-computed values and finite differences."""

import numpy as np
import pytest
from scipy import sparse

from skprune._pruning.criteria import (
    _stats,
    activation_entropy,
    compute_scores,
    entropy_from_counts,
    feature_entropy,
    forward,
    linear_importance,
    linear_magnitude,
    mlp_input_gradient,
    mlp_input_importance,
)


def test_entropy_of_known_histograms():
    A = np.array([[0.0, 0.0, 7.0], [1.0, 1.0, 7.0], [2.0, 1.0, 7.0], [3.0, 1.0, 7.0]])
    # column 0: one sample per bin of 4 -> log 4; column 1: 1/4 and 3/4 in the
    # lowest and highest bins; column 2: constant -> 0
    expected = [np.log(4), -(0.25 * np.log(0.25) + 0.75 * np.log(0.75)), 0.0]
    np.testing.assert_allclose(activation_entropy(A, n_bins=4), expected)


def test_entropy_binning_edges():
    # 10 equal-width bins on [0, 1]: 0.05 and 0.09 share bin 0, 1.0 falls in bin 9
    A = np.array([[0.0], [0.05], [0.09], [0.5], [1.0]])
    p = np.array([3, 1, 1]) / 5
    np.testing.assert_allclose(
        activation_entropy(A, n_bins=10), [-(p * np.log(p)).sum()]
    )


def test_entropy_sample_weight_equals_repetition():
    A = np.array([[0.0], [1.0], [2.0]])
    repeated = np.array([[0.0], [0.0], [0.0], [1.0], [2.0]])
    np.testing.assert_allclose(
        activation_entropy(A, sample_weight=np.array([3.0, 1.0, 1.0]), n_bins=3),
        activation_entropy(repeated, n_bins=3),
    )
    assert entropy_from_counts([[0, 0]])[0] == 0.0


def _toy_identity_net():
    # 1 input -> 2 hidden (identity) -> 1 output; hidden 0 = x, hidden 1 = 0
    coefs = [np.array([[1.0, 0.0]]), np.array([[2.0], [-3.0]])]
    intercepts = [np.zeros(2), np.zeros(1)]
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    return coefs, intercepts, X


def test_entropy_scores_on_a_tiny_network():
    coefs, intercepts, X = _toy_identity_net()
    kw = dict(activation="identity", out_activation="identity", n_bins=4)
    neuron = compute_scores("entropy", "neuron", coefs, intercepts, X, **kw)
    np.testing.assert_allclose(neuron[0], [np.log(4), 0.0])
    weight = compute_scores("entropy", "weight", coefs, intercepts, X, **kw)
    # |w| times the entropy of the source: input x has entropy log 4
    np.testing.assert_allclose(weight[0], [[np.log(4), 0.0]])
    np.testing.assert_allclose(weight[1], [[2 * np.log(4)], [0.0]])


def test_entropy_is_chunk_size_independent():
    rng = np.random.RandomState(0)
    coefs = [rng.randn(5, 4), rng.randn(4, 3)]
    intercepts = [rng.randn(4), rng.randn(3)]
    X = rng.randn(50, 5)
    a = compute_scores("entropy", "weight", coefs, intercepts, X, chunk_size=7)
    b = compute_scores("entropy", "weight", coefs, intercepts, X, chunk_size=1000)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y)


def _tiny_net(rng, n_samples=6):
    coefs = [rng.randn(3, 4) * 0.7, rng.randn(4, 3) * 0.7]
    intercepts = [rng.randn(4) * 0.1, rng.randn(3) * 0.1]
    X = rng.randn(n_samples, 3)
    Y = np.eye(3)[rng.randint(0, 3, n_samples)]
    return coefs, intercepts, X, Y


def _log_loss(coefs, intercepts, X, Y, sw=None):
    p = forward(X, coefs, intercepts, "tanh", "softmax")[-1]
    per_sample = -(Y * np.log(p)).sum(axis=1)
    sw = np.ones(len(X)) if sw is None else sw
    return (sw * per_sample).sum() / sw.sum()


def _finite_difference_grads(coefs, intercepts, X, Y, sw=None, eps=1e-6):
    grads = []
    for layer, coef in enumerate(coefs):
        g = np.zeros_like(coef)
        for idx in np.ndindex(coef.shape):
            plus = [c.copy() for c in coefs]
            minus = [c.copy() for c in coefs]
            plus[layer][idx] += eps
            minus[layer][idx] -= eps
            g[idx] = (
                _log_loss(plus, intercepts, X, Y, sw)
                - _log_loss(minus, intercepts, X, Y, sw)
            ) / (2 * eps)
        grads.append(g)
    return grads


def test_taylor_matches_finite_differences():
    rng = np.random.RandomState(0)
    coefs, intercepts, X, Y = _tiny_net(rng)
    sw = rng.uniform(0.5, 2.0, len(X))
    fd = _finite_difference_grads(coefs, intercepts, X, Y, sw)
    kw = dict(activation="tanh", out_activation="softmax", sample_weight=sw)
    taylor = compute_scores("taylor", "weight", coefs, intercepts, X, Y, **kw)
    for score, coef, g in zip(taylor, coefs, fd):
        np.testing.assert_allclose(score, np.abs(coef * g), rtol=1e-5, atol=1e-9)
    # neuron j: |sum_k w_jk g_jk| over the outgoing weights
    neuron = compute_scores("taylor", "neuron", coefs, intercepts, X, Y, **kw)
    np.testing.assert_allclose(
        neuron[0], np.abs((coefs[1] * fd[1]).sum(axis=1)), rtol=1e-5
    )


def test_gradient_accumulates_absolute_per_sample_gradients():
    rng = np.random.RandomState(1)
    coefs, intercepts, X, Y = _tiny_net(rng, n_samples=4)
    kw = dict(activation="tanh", out_activation="softmax")
    G = compute_scores("gradient", "weight", coefs, intercepts, X, Y, **kw)
    # G = (1/N) sum_n |g_n| with g_n the finite-difference gradient of sample n
    expected = [np.zeros_like(c) for c in coefs]
    for n in range(len(X)):
        fd = _finite_difference_grads(coefs, intercepts, X[n : n + 1], Y[n : n + 1])
        for e, g in zip(expected, fd):
            e += np.abs(g) / len(X)
    for got, exp in zip(G, expected):
        np.testing.assert_allclose(got, exp, rtol=1e-5, atol=1e-9)
    neuron = compute_scores("gradient", "neuron", coefs, intercepts, X, Y, **kw)
    np.testing.assert_allclose(neuron[0], expected[1].sum(axis=1), rtol=1e-5)


def test_gradient_on_sparse_input_equals_dense():
    rng = np.random.RandomState(2)
    coefs, intercepts, X, Y = _tiny_net(rng)
    X[X < 0] = 0
    dense = compute_scores("gradient", "weight", coefs, intercepts, X, Y)
    for matrix in (sparse.csr_matrix, sparse.csc_matrix):
        for a, b in zip(
            dense, compute_scores("gradient", "weight", coefs, intercepts, matrix(X), Y)
        ):
            np.testing.assert_allclose(a, b)


def test_magnitude_and_random():
    coefs = [np.array([[1.0, -2.0], [3.0, 0.5]]), np.array([[-4.0], [1.0]])]
    intercepts = [np.zeros(2), np.zeros(1)]
    w = compute_scores("magnitude", "weight", coefs, intercepts)
    np.testing.assert_array_equal(w[1], [[4.0], [1.0]])
    # a hidden neuron's importance: sum of |w| over its outgoing weights
    np.testing.assert_array_equal(
        compute_scores("magnitude", "neuron", coefs, intercepts)[0], [4.0, 1.0]
    )
    r1 = compute_scores(
        "random", "weight", coefs, intercepts, random_state=np.random.RandomState(0)
    )
    r2 = compute_scores(
        "random", "weight", coefs, intercepts, random_state=np.random.RandomState(0)
    )
    assert [r.shape for r in r1] == [(2, 2), (2, 1)]
    for a, b in zip(r1, r2):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(criterion="size", granularity="weight"), "criterion"),
        (dict(criterion="magnitude", granularity="layer"), "granularity"),
    ],
)
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        compute_scores(coefs=[np.ones((2, 2))], intercepts=[np.zeros(2)], **kwargs)


def test_zero_weight_samples_do_not_set_the_entropy_bins():
    rng = np.random.RandomState(0)
    coefs = [rng.randn(3, 4), rng.randn(4, 2)]
    intercepts = [rng.randn(4), rng.randn(2)]
    X = rng.randn(200, 3)
    X[0, 0] = 1e3  # an outlier that carries no weight
    sw = np.ones(200)
    sw[0] = 0.0
    weighted = compute_scores(
        "entropy", "weight", coefs, intercepts, X, sample_weight=sw
    )
    dropped = compute_scores("entropy", "weight", coefs, intercepts, X[1:])
    for a, b in zip(weighted, dropped):
        np.testing.assert_allclose(a, b)


def test_entropy_memory_is_bounded_on_wide_sparse_input():
    import tracemalloc

    rng = np.random.RandomState(0)
    X = sparse.random(2048, 8000, density=0.001, format="csr", random_state=0)
    coefs = [rng.randn(8000, 4) * 0.01, rng.randn(4, 2)]
    intercepts = [np.zeros(4), np.zeros(2)]
    tracemalloc.start()
    compute_scores("entropy", "weight", coefs, intercepts, X)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # a dense 2048 x 8000 chunk alone would take 131 MB
    assert peak < 80e6


# -- input-feature scores ------------------------------------------------------


def test_feature_entropy_equals_activation_entropy_dense_sparse_chunked():
    rng = np.random.RandomState(0)
    X = rng.randn(300, 6)
    X[X < 0.3] = 0
    X[:, 2] = 4.0  # constant column
    sw = rng.uniform(0, 2, 300)
    sw[:7] = 0
    for weights in (None, sw):
        expected = activation_entropy(X, sample_weight=weights)
        assert expected[2] == 0.0
        for data in (X, sparse.csr_matrix(X), sparse.csc_matrix(X)):
            for values in (7, 1 << 20):  # one row per chunk, or all rows
                with pytest.MonkeyPatch.context() as mp:
                    mp.setattr(_stats, "CHUNK_VALUES", values)
                    got = feature_entropy(data, weights)
                np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_mlp_input_importance_sums_outgoing_magnitudes():
    coefs = [np.array([[1.0, -2.0], [0.0, 0.0], [0.5, 0.5]]), np.ones((2, 1))]
    np.testing.assert_array_equal(mlp_input_importance(coefs), [3.0, 0.0, 1.0])


def _input_fd(coefs, intercepts, X, Y, eps=1e-6):
    """Per-sample finite-difference gradient of the log-loss w.r.t. x."""
    G = np.zeros_like(X)
    for n in range(X.shape[0]):
        for j in range(X.shape[1]):
            plus, minus = X[n : n + 1].copy(), X[n : n + 1].copy()
            plus[0, j] += eps
            minus[0, j] -= eps
            G[n, j] = (
                _log_loss(coefs, intercepts, plus, Y[n : n + 1])
                - _log_loss(coefs, intercepts, minus, Y[n : n + 1])
            ) / (2 * eps)
    return G


def test_mlp_input_gradient_matches_finite_differences():
    rng = np.random.RandomState(3)
    coefs, intercepts, X, Y = _tiny_net(rng, n_samples=5)
    sw = rng.uniform(0.5, 2.0, len(X))
    G = np.abs(_input_fd(coefs, intercepts, X, Y))
    kw = dict(activation="tanh", out_activation="softmax")
    np.testing.assert_allclose(
        mlp_input_gradient(X, Y, coefs, intercepts, **kw), G.mean(axis=0), rtol=1e-5
    )
    np.testing.assert_allclose(
        mlp_input_gradient(
            X, Y, coefs, intercepts, sample_weight=sw, chunk_size=2, **kw
        ),
        (sw[:, None] * G).sum(axis=0) / sw.sum(),
        rtol=1e-5,
    )
    X[X < 0] = 0
    np.testing.assert_allclose(
        mlp_input_gradient(sparse.csr_matrix(X), Y, coefs, intercepts, **kw),
        mlp_input_gradient(X, Y, coefs, intercepts, **kw),
    )


def test_mlp_input_gradient_by_hand():
    # identity network: a = 3 (2 x0 - x1); half squared error against y = 0:
    # dL/dx = a * (6, -3); samples (1, 0) and (0, 1) give a = 6 and -3, so
    # |dL/dx| = (36, 18) and (18, 9), whose mean is (27, 13.5)
    coefs = [np.array([[2.0], [-1.0]]), np.array([[3.0]])]
    intercepts = [np.zeros(1), np.zeros(1)]
    X = np.eye(2)
    Y = np.zeros((2, 1))
    got = mlp_input_gradient(X, Y, coefs, intercepts, "identity", "identity")
    np.testing.assert_allclose(got, [27.0, 13.5])


def test_linear_scores():
    coef = np.array([[2.0, 0.0, -3.0], [0.0, 1.0, 1.0]])
    np.testing.assert_array_equal(linear_importance(coef), [2.0, 1.0, 4.0])
    np.testing.assert_array_equal(linear_importance(coef[0]), [2.0, 0.0, 3.0])
    np.testing.assert_array_equal(
        linear_importance(sparse.csr_matrix(coef[:1])), [2.0, 0.0, 3.0]
    )
    # std of (0, 2) is 1, of (1, 1) is 0, of (0, 4) is 2 (population std)
    X = np.array([[0.0, 1.0, 0.0], [2.0, 1.0, 4.0]])
    np.testing.assert_allclose(linear_magnitude(coef, X), [2.0, 0.0, 8.0])
    np.testing.assert_allclose(
        linear_magnitude(coef, sparse.csr_matrix(X)), [2.0, 0.0, 8.0]
    )
    # sample weights act as repetitions
    X3 = np.array([[0.0, 1.0, 0.0], [2.0, 1.0, 4.0], [2.0, 1.0, 4.0]])
    for data in (X, sparse.csr_matrix(X)):
        np.testing.assert_allclose(
            linear_magnitude(coef, data, np.array([1.0, 2.0])),
            linear_magnitude(coef, X3),
        )


# -- the registries feed the estimators -----------------------------------------


@pytest.mark.parametrize(
    "cls, param, registry",
    [
        ("PrunedMLPClassifier", "prune_criterion", "MLP_CRITERIA"),
        ("PrunedMLPRegressor", "prune_criterion", "MLP_CRITERIA"),
        ("SparseSGDRegressor", "prune_criterion", "LINEAR_CRITERIA"),
        ("SparseSGDClassifier", "prune_criterion", "LINEAR_CRITERIA"),
        ("PruneSparsifyTransformer", "criterion", "FEATURE_CRITERIA"),
    ],
)
def test_constraints_and_docs_come_from_the_registry(cls, param, registry):
    import skprune
    from skprune._pruning import criteria

    est, reg = getattr(skprune, cls), getattr(criteria, registry)
    (options,) = est._parameter_constraints[param]
    # the MLPs also accept 'auto' (skprune._pruning._recipe.criterion picks one)
    extra = {"auto"} if registry == "MLP_CRITERIA" else set()
    assert options.options == set(reg) | extra
    doc = " ".join(est.__doc__.split())
    for criterion in reg.values():  # every name with its formula, once
        assert f"- '{criterion.name}': {' '.join(criterion.formula.split())}" in doc
        assert criterion.needs <= set(criteria.NEEDS)
    baseline = criteria.baseline(reg)
    assert baseline == ("random" if registry != "FEATURE_CRITERIA" else None)
