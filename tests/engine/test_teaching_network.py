"""The network view: every node is a dot product plus a bias, through an activation, and the text says so."""

import numpy as np
import pytest

from engine import RunConfig
from engine.layout import param_count
from engine.models import predict
from engine.teaching.network import (NodeTerms, explain_lines, format_node, forward_trace, layer_params,
                                     network_view, node_terms, unit_names)
from engine.teaching.numfmt import MINUS, factor, short


def random_flat(sizes, seed=0):
    return np.random.default_rng(seed).normal(0, 1, param_count(sizes)).astype(np.float32)


NETS = [((1, 1), ()), ((1, 2, 1), ("sigmoid",)), ((1, 10, 10, 1), ("relu", "relu")),
        ((1, 5, 5, 1), ("sigmoid", "relu")), ((1, 3, 4, 2, 1), ("tanh", "leaky_relu", "identity"))]


@pytest.mark.parametrize("sizes,acts", NETS)
def test_the_traced_forward_pass_ends_exactly_on_models_predict(sizes, acts):
    flat, xs = random_flat(sizes), np.linspace(-5, 5, 23)
    trace = forward_trace(flat, sizes, acts, xs)
    np.testing.assert_array_equal(trace[-1].a[:, 0], predict(flat, sizes, acts, xs))
    assert [t.activation for t in trace] == [*acts, "identity"]


@pytest.mark.parametrize("sizes,acts", NETS)
def test_each_nodes_terms_sum_to_its_layers_matmul_plus_bias(sizes, acts):
    flat, x = random_flat(sizes, seed=3), 1.7
    trace = forward_trace(flat, sizes, acts, np.array([x]))
    for layer, (w, b) in enumerate(layer_params(flat, sizes)):
        for unit in range(sizes[layer + 1]):
            t = node_terms(flat, sizes, acts, x, layer, unit)
            np.testing.assert_array_equal(t.inputs, trace[layer].inputs[0])
            np.testing.assert_array_equal(t.products, w[unit] * t.inputs)
            # the terms, summed, are the layer's matmul + bias (up to float64 summation order)
            assert t.products.sum() + t.bias == pytest.approx(t.z, rel=1e-12, abs=1e-12)
            assert t.z == trace[layer].z[0, unit]
            assert t.a == trace[layer].a[0, unit]


def test_a_hand_made_two_input_relu_node_reads_like_the_seed():
    terms = NodeTerms(layer=1, unit=0, name="h", input_names=("h1", "h2"), inputs=np.array([-1.3, 2.0]),
                      weights=np.array([0.82, 0.11]), products=np.array([0.82 * -1.3, 0.11 * 2.0]), bias=0.4,
                      z=0.82 * -1.3 + 0.11 * 2.0 + 0.4, activation="relu", a=0.0)
    assert format_node(terms) == [
        "h = 0.82·(−1.3) + 0.11·(2.0) + b(0.40) = −0.45",
        "relu(−0.45) = 0",
    ]


def test_negative_weights_are_parenthesised_and_the_output_node_has_no_activation_line():
    sizes, acts = (1, 1), ()
    flat = np.array([-2.5, 0.5], np.float32)  # y = -2.5 x + 0.5
    lines = format_node(node_terms(flat, sizes, acts, 2.0, 0, 0))
    assert lines == ["y = (−2.5)·(2.0) + b(0.50) = −4.5"]


def test_numbers_have_two_or_three_significant_digits_and_a_true_minus():
    assert [short(v) for v in (0, 0.82, 0.4, -1.3, 2, -0.45, 12.345, 140.4, 0.0456, 12345, -3e-7)] == [
        "0", "0.82", "0.40", "−1.3", "2.0", "−0.45", "12.3", "140", "0.046", "1.2e4", "−3.0e−7"]
    assert factor(-0.82) == f"({MINUS}0.82)" and factor(0.82) == "0.82"


def test_units_are_named_from_one_and_per_layer_when_there_are_several_hidden_layers():
    assert unit_names((1, 2, 1)) == [("h1", "h2"), ("y",)]
    assert unit_names((1, 2, 3, 1)) == [("h1_1", "h1_2"), ("h2_1", "h2_2", "h2_3"), ("y",)]


def test_network_view_holds_weights_values_and_a_shading_scale_per_layer():
    sizes, acts = (1, 10, 10, 1), ("relu", "relu")
    flat = random_flat(sizes, seed=5)
    view = network_view(flat, sizes, acts, -0.5)
    assert [layer.weight.shape for layer in view.layers] == [(10, 1), (10, 10), (1, 10)]
    for layer, (w, b) in zip(view.layers, layer_params(flat, sizes)):
        assert layer.max_abs_weight == np.abs(w).max()
        np.testing.assert_array_equal(layer.bias, b)
    assert view.max_abs_weight == max(layer.max_abs_weight for layer in view.layers)
    assert view.output == predict(flat, sizes, acts, np.array([-0.5]))[0]
    assert np.all(view.layers[0].a >= 0) and view.layers[-1].names == ("y",)


def test_explain_lines_walks_every_node_of_the_seeds_sigmoid_net():
    config = RunConfig.for_example("parabola-sigmoid")
    flat = np.array([0.5, -1.0, 0.0, 2.0, 3.0, 1.0, 0.25], np.float32)  # W1 = [.5, -1], b1 = [0, 2], W2, b2
    lines = explain_lines(flat, config.layer_sizes, config.activations, 2.0)
    assert lines == [
        "x = 2.0",
        "layer 1 (sigmoid)",
        "  h1 = 0.50·(2.0) + b(0) = 1.0",
        "  sigmoid(1.0) = 0.73",
        "  h2 = (−1.0)·(2.0) + b(2.0) = 0",
        "  sigmoid(0) = 0.50",
        "output",
        "  y = 3.0·(0.73) + 1.0·(0.50) + b(0.25) = 2.9",
    ]


def test_a_flat_vector_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="expected 7 parameters"):
        node_terms(np.zeros(5, np.float32), (1, 2, 1), ("relu",), 0.0, 0, 0)
