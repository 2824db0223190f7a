"""Feature scores of linear models against hand values and their definitions."""

import numpy as np
import pytest
from scipy import sparse

from skprune._pruning import criteria as lc
from skprune._pruning.criteria import _stats

# the data-driven criteria (the 'random' baseline is tested with the MLP ones)
DATA_CRITERIA = [c for c in lc.LINEAR_CRITERIA if c != lc.BASELINE]


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5)) * [1.0, 10.0, 0.1, 1.0, 1.0]
    X[:, 3] = 2.0  # constant
    X[:, 4] = (rng.uniform(size=60) < 0.1).astype(float)  # rare indicator
    coef = np.array([[1.0, -0.2, 5.0, 0.5, 3.0]])
    y = X @ coef[0] + 0.3 + rng.normal(scale=0.5, size=60)
    return X, y.reshape(-1, 1), coef, np.array([0.3])


def test_magnitude_is_scale_free(data):
    X, Y, coef, b = data
    scaled = X * [1.0, 1e3, 1.0, 1.0, 1.0]
    coef_scaled = coef / [1.0, 1e3, 1.0, 1.0, 1.0]
    a = lc.linear_scores("magnitude", X, Y, coef, b)
    s = lc.linear_scores("magnitude", scaled, Y, coef_scaled, b)
    np.testing.assert_allclose(a, s, rtol=1e-12)
    np.testing.assert_allclose(a, np.abs(coef) * X.std(axis=0), rtol=1e-12)
    assert a[0, 3] == 0.0  # a constant feature changes nothing


def test_gradient_matches_its_definition(data):
    X, Y, coef, b = data
    w = np.linspace(0.5, 2.0, X.shape[0])
    for loss in [
        "squared_error",
        "huber",
        "epsilon_insensitive",
        "squared_epsilon_insensitive",
    ]:
        got = lc.linear_scores(
            "gradient", X, Y, coef, b, loss=loss, sample_weight=w, epsilon=0.2
        )
        expected = np.zeros(X.shape[1])
        for j in range(X.shape[1]):
            f_without_j = X @ coef[0] + b[0] - coef[0, j] * X[:, j]
            d = lc.loss_derivative(loss, f_without_j, Y[:, 0], epsilon=0.2)
            expected[j] = np.sum(w * np.abs(X[:, j] * d)) / w.sum()
        np.testing.assert_allclose(got[0], expected, rtol=1e-12)


def test_squared_error_gradient_finds_the_informative_features():
    # at the least-squares fit, the gradient with the feature kept is the same
    # for every standardized feature; with it removed it ranks them correctly
    rng = np.random.RandomState(0)
    X = rng.normal(size=(5000, 6))
    coef = np.array([3.0, 0.0, 1.0, 0.0, 0.0, 0.5])
    y = X @ coef + rng.normal(size=5000)
    w_hat = np.linalg.lstsq(X, y, rcond=None)[0]
    g = lc.linear_scores("gradient", X, y[:, None], w_hat[None], np.zeros(1))[0]
    assert set(np.argsort(g)[:3]) == {1, 3, 4}
    assert np.argmax(g) == 0


@pytest.mark.parametrize("loss", lc.LOSSES)
def test_loss_derivatives_by_finite_differences(loss):
    f = np.array([-2.3, -0.6, -0.05, 0.4, 1.6, 3.1, 0.9])
    y = np.array([1.0, -1.0, 1.0, 1.0, -1.0, 1.0, 1.05])
    h = 1e-6
    eps = 0.3

    def value(f):
        r = f - y
        return {
            "squared_error": 0.5 * r**2,
            "huber": np.where(
                np.abs(r) <= eps, 0.5 * r**2, eps * np.abs(r) - 0.5 * eps**2
            ),
            "epsilon_insensitive": np.maximum(0, np.abs(r) - eps),
            "squared_epsilon_insensitive": np.maximum(0, np.abs(r) - eps) ** 2,
        }[loss]

    numeric = (value(f + h) - value(f - h)) / (2 * h)
    np.testing.assert_allclose(lc.loss_derivative(loss, f, y, eps), numeric, atol=1e-5)


def test_unknown_loss_and_criterion_raise(data):
    X, Y, coef, b = data
    with pytest.raises(ValueError, match="loss must be one of"):
        lc.loss_derivative("absolute", np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="criterion must be one of"):
        lc.linear_scores("taylor", X, Y, coef, b)


def test_entropy_hand_values():
    X = np.array([[0.0, 1.0, 0.0], [1.0, 1.0, 0.0], [2.0, 1.0, 0.0], [3.0, 1.0, 9.0]])
    h = lc.feature_entropy(X, n_bins=4)
    np.testing.assert_allclose(
        h, [np.log(4), 0.0, -(0.75 * np.log(0.75) + 0.25 * np.log(0.25))]
    )
    scores = lc.linear_scores("entropy", X, None, np.ones((1, 3)), np.zeros(1))
    np.testing.assert_allclose(
        scores[0], lc.feature_entropy(X) * X.std(axis=0), rtol=1e-12
    )


def test_entropy_ranks_a_rare_indicator_low(data):
    X, Y, coef, b = data
    h = lc.feature_entropy(X)
    assert h[3] == 0.0
    assert h[4] < 0.5 < h[0]


@pytest.mark.parametrize("criterion", DATA_CRITERIA)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gives_the_dense_scores(data, criterion, fmt):
    X, Y, coef, b = data
    X = X.copy()
    X[np.abs(X) < 0.8] = 0.0  # genuinely sparse columns, some with no zeros
    X[:, 1] = np.abs(X[:, 1]) + 1.0
    w = np.linspace(0.0, 2.0, X.shape[0])  # zero weight on the first row
    dense = lc.linear_scores(criterion, X, Y, coef, b, sample_weight=w)
    sp = lc.linear_scores(
        criterion, sparse.csr_matrix(X).asformat(fmt), Y, coef, b, sample_weight=w
    )
    np.testing.assert_allclose(sp, dense, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("criterion", DATA_CRITERIA)
def test_integer_weights_equal_repeated_rows(data, criterion):
    X, Y, coef, b = data
    reps = np.arange(X.shape[0]) % 3  # 0, 1 or 2 copies
    weighted = lc.linear_scores(criterion, X, Y, coef, b, sample_weight=reps)
    repeated = lc.linear_scores(
        criterion, np.repeat(X, reps, axis=0), np.repeat(Y, reps, axis=0), coef, b
    )
    np.testing.assert_allclose(weighted, repeated, rtol=1e-10, atol=1e-12)


def test_chunked_passes_equal_one_pass(data, monkeypatch):
    X, Y, coef, b = data
    full = {c: lc.linear_scores(c, X, Y, coef, b) for c in DATA_CRITERIA}
    monkeypatch.setattr(_stats, "CHUNK_VALUES", 7)  # one row per chunk
    for c in DATA_CRITERIA:
        np.testing.assert_allclose(
            lc.linear_scores(c, X, Y, coef, b), full[c], rtol=1e-12
        )


def test_several_outputs_are_scored_per_row(data):
    X, Y, coef, b = data
    coef2 = np.vstack([coef, 2 * coef])
    Y2 = np.hstack([Y, 2 * Y])
    g = lc.linear_scores("gradient", X, Y2, coef2, np.array([0.3, 0.6]))
    np.testing.assert_allclose(g[1], 2 * g[0], rtol=1e-12)


def test_precomputed_statistics_give_the_same_scores(data):
    X, Y, coef, b = data
    _, std = lc.weighted_mean_std(X)
    h = lc.feature_entropy(X)
    for c in ["magnitude", "entropy"]:
        np.testing.assert_array_equal(
            lc.linear_scores(c, None, Y, coef, b, std=std, entropy=h),
            lc.linear_scores(c, X, Y, coef, b),
        )


@pytest.mark.parametrize("loss", lc.CLASSIFICATION_LOSSES)
def test_margin_loss_derivatives_by_finite_differences(loss):
    # margins z = y f away from the kinks (z = 1, 0, -1)
    f = np.array([-2.3, -0.6, -0.05, 0.4, 1.6, 3.1, 0.9, -1.7])
    y = np.array([1.0, -1.0, 1.0, 1.0, -1.0, 1.0, -1.0, -1.0])
    h = 1e-6
    numeric = (lc.loss_value(loss, f + h, y) - lc.loss_value(loss, f - h, y)) / (2 * h)
    np.testing.assert_allclose(lc.loss_derivative(loss, f, y), numeric, atol=1e-5)


def test_margin_losses_by_hand():
    z = np.array([2.0, 1.0, 0.5, 0.0, -0.5, -2.0])  # margins, y = +1
    y = np.ones_like(z)
    expected = {
        "hinge": [0.0, 0.0, 0.5, 1.0, 1.5, 3.0],
        "squared_hinge": [0.0, 0.0, 0.25, 1.0, 2.25, 9.0],
        "perceptron": [0.0, 0.0, 0.0, 0.0, 0.5, 2.0],
        "log_loss": np.log1p(np.exp(-z)),
        "modified_huber": [0.0, 0.0, 0.25, 1.0, 2.25, 8.0],
    }
    for loss, values in expected.items():
        np.testing.assert_allclose(lc.loss_value(loss, z, y), values, err_msg=loss)
        # the sign of y flips with the prediction's
        np.testing.assert_allclose(lc.loss_value(loss, -z, -y), values, err_msg=loss)
