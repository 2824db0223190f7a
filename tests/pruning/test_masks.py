"""Scope and granularity selection on a hand-checked 2-layer toy network."""

import numpy as np
import pytest

from skprune._pruning._masks import (
    connected,
    neuron_alive,
    neuron_masks,
    prune_neurons,
    prune_weights,
    threshold_masks,
)

# layer 0: 2 inputs -> 3 hidden; layer 1: 3 hidden -> 1 output
SCORES = [
    np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    np.array([[10.0], [1.0], [40.0]]),
]
FULL = [np.ones((2, 3), bool), np.ones((3, 1), bool)]


def test_layer_scope_prunes_the_same_fraction_of_each_layer():
    masks = prune_weights(SCORES, FULL, 0.5, "layer")
    # floor(0.5 * 6) = 3 lowest of layer 0; floor(0.5 * 3) = 1 lowest of layer 1
    assert masks[0].tolist() == [[False, False, False], [True, True, True]]
    assert masks[1].ravel().tolist() == [True, False, True]


def test_global_scope_ranks_per_layer_normalised_scores():
    # divided by the layer's L2 norm: layer 0 by sqrt(91) -> [.105 .210 .314
    # .419 .524 .629], layer 1 by sqrt(1701) -> [.242 .024 .970]; the best of
    # each layer (6.0 and 40.0) are protected; floor(0.5 * 9) = 4 lowest overall:
    # .024, .105, .210, .242
    masks = prune_weights(SCORES, FULL, 0.5, "global")
    assert masks[0].tolist() == [[False, False, True], [True, True, True]]
    assert masks[1].ravel().tolist() == [False, False, True]


def test_global_normalisation_makes_layer_scale_irrelevant():
    scaled = [SCORES[0], SCORES[1] * 1e6]
    for a, b in zip(
        prune_weights(SCORES, FULL, 0.5, "global"),
        prune_weights(scaled, FULL, 0.5, "global"),
    ):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("scope", ["global", "layer"])
def test_never_empties_a_layer(scope):
    masks = prune_weights(SCORES, FULL, 0.99, scope)
    assert all(m.sum() == 1 for m in masks)
    assert masks[0][1, 2] and masks[1][2, 0]  # the best-scored survive


@pytest.mark.parametrize("scope", ["global", "layer"])
def test_pruned_weights_stay_pruned(scope):
    current = [np.ones((2, 3), bool), np.ones((3, 1), bool)]
    current[0][1, 1] = False  # pruned earlier although its score is high
    masks = prune_weights(SCORES, current, 0.2, scope)
    assert not masks[0][1, 1]


def test_achieved_sparsity_within_one_weight_of_target():
    rng = np.random.RandomState(0)
    scores = [rng.rand(30, 20), rng.rand(20, 7)]
    full = [np.ones(s.shape, bool) for s in scores]
    total = sum(s.size for s in scores)
    for target in [0.1, 0.33, 0.5, 0.9, 0.97]:
        masks = prune_weights(scores, full, target, "global")
        achieved = 1 - sum(m.sum() for m in masks) / total
        assert target - 1 / total <= achieved <= target + 1e-12


def test_neuron_granularity_removes_whole_neurons():
    # hidden neuron scores of the 3 hidden units: prune the lowest (index 1)
    alive = prune_neurons([np.array([2.0, 0.5, 3.0])], neuron_alive(FULL), 0.34)
    assert alive[0].tolist() == [True, False, True]
    masks = neuron_masks(alive, FULL)
    assert masks[0][:, 1].tolist() == [False, False]  # incoming
    assert masks[1][1].tolist() == [False]  # outgoing
    assert masks[0][:, [0, 2]].all() and masks[1][[0, 2]].all()
    assert neuron_alive(masks)[0].tolist() == [True, False, True]


def test_neuron_pruning_keeps_one_neuron_per_hidden_layer():
    alive = prune_neurons(
        [np.array([2.0, 0.5, 3.0]), np.array([1.0, 2.0])],
        [np.ones(3, bool), np.ones(2, bool)],
        0.99,
        "layer",
    )
    assert [a.sum() for a in alive] == [1, 1]
    assert alive[0][2] and alive[1][1]


def test_threshold_masks_and_layer_protection():
    coefs = [np.array([[0.5, -0.01], [0.02, -2.0]]), np.array([[0.001], [-0.002]])]
    masks = threshold_masks(coefs, [np.ones((2, 2), bool), np.ones((2, 1), bool)], 0.1)
    assert masks[0].tolist() == [[True, False], [False, True]]
    # every weight of layer 1 is below the threshold: the largest one survives
    assert masks[1].ravel().tolist() == [False, True]


def test_invalid_scope():
    with pytest.raises(ValueError, match="scope"):
        prune_weights(SCORES, FULL, 0.5, "everywhere")


@pytest.mark.parametrize("scope", ["global", "layer"])
def test_extreme_pruning_keeps_a_connected_path(scope):
    # the best weights of layer 0 lead to neuron 0, whose outgoing weights are
    # the worst of layer 1: protecting each layer's best weight independently
    # would disconnect the network
    scores = [np.array([[9.0, 1.0], [8.0, 1.0]]), np.array([[0.1], [5.0]])]
    full = [np.ones((2, 2), bool), np.ones((2, 1), bool)]
    masks = prune_weights(scores, full, 0.99, scope)
    assert [m.sum() for m in masks] == [1, 1]
    ((i, j),) = np.argwhere(masks[0])
    assert masks[1][j, 0]  # the kept first-layer weight feeds the kept second one


def test_protected_path_avoids_neurons_that_lead_nowhere():
    scores = [np.array([[9.0, 1.0]]), np.array([[7.0], [2.0]])]
    masks = [np.ones((1, 2), bool), np.array([[False], [True]])]
    new = prune_weights(scores, masks, 0.99, "layer")
    assert new[0].tolist() == [[False, True]] and new[1].tolist() == [[False], [True]]


def test_protected_path_looks_past_the_next_layer():
    # in -> h0 -> h1 -> h2 -> out; the best-scored chain through neuron 1 of
    # each hidden layer dead-ends at h2[1], which has no outgoing weight: a
    # one-layer look-ahead follows it and the network falls apart
    masks = [
        np.ones((1, 2), bool),
        np.eye(2, dtype=bool),
        np.eye(2, dtype=bool),
        np.array([[True], [False]]),
    ]
    scores = [
        np.array([[1.0, 9.0]]),
        np.array([[1.0, 0.0], [0.0, 9.0]]),
        np.array([[1.0, 0.0], [0.0, 9.0]]),
        np.array([[1.0], [0.0]]),
    ]
    new = prune_weights(scores, masks, 0.99, "global")
    assert [int(m.sum()) for m in new] == [1, 1, 1, 1]
    assert connected(new)
    assert new[0][0, 0] and new[1][0, 0] and new[2][0, 0]


def test_neuron_protection_follows_kept_weights():
    # h1[1] scores best but no kept weight feeds it; h0[1] scores best but
    # leads nowhere: the protected neurons are h0[0] -> h1[0]
    masks = [
        np.ones((1, 2), bool),
        np.array([[True, False], [False, False]]),
        np.ones((2, 1), bool),
    ]
    scores = [np.array([1.0, 5.0]), np.array([1.0, 5.0])]
    alive = neuron_alive(masks)
    kept = prune_neurons(scores, alive, 0.99, "layer", masks=masks)
    assert [a.tolist() for a in kept] == [[True, False], [True, False]]
    assert connected(neuron_masks(kept, masks))
    # without the masks, each layer keeps its best-scored neuron
    unchained = prune_neurons(scores, alive, 0.99, "layer")
    assert [a.tolist() for a in unchained] == [[False, True], [False, True]]


def test_threshold_keeps_a_connected_path():
    # every weight of layer 1 is below the threshold, and the one that would
    # survive on its own (largest |w|) leaves from a neuron without input
    coefs = [np.array([[0.9, 0.0]]), np.array([[0.01], [0.02]])]
    masks = [np.array([[True, False]]), np.ones((2, 1), bool)]
    new = threshold_masks(coefs, masks, 0.5)
    assert connected(new)
    assert new[0].tolist() == [[True, False]] and new[1].ravel().tolist() == [
        True,
        False,
    ]
