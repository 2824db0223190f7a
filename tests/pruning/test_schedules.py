import numpy as np
import pytest

from skprune._pruning._schedules import sparsity_schedule


def test_cubic_matches_zhu_gupta_formula():
    n, s_f = 4, 0.8
    expected = [s_f * (1 - (1 - t / n) ** 3) for t in range(1, n + 1)]
    np.testing.assert_allclose(sparsity_schedule(s_f, n, "cubic"), expected)


def test_linear_and_oneshot():
    np.testing.assert_allclose(sparsity_schedule(0.6, 3, "linear"), [0.2, 0.4, 0.6])
    np.testing.assert_allclose(sparsity_schedule(0.6, 3, "oneshot"), [0.6])


@pytest.mark.parametrize("schedule", ["linear", "cubic"])
@pytest.mark.parametrize("n", [1, 2, 7])
def test_non_decreasing_and_ends_at_target(schedule, n):
    targets = sparsity_schedule(0.95, n, schedule)
    assert len(targets) == n
    assert np.all(np.diff(targets) >= 0)
    assert targets[-1] == 0.95


@pytest.mark.parametrize(
    "args, match",
    [
        ((1.0, 3, "cubic"), "final_sparsity"),
        ((0.5, 0, "linear"), "n_steps"),
        ((0.5, 3, "exp"), "schedule"),
    ],
)
def test_invalid_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        sparsity_schedule(*args)
