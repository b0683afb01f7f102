"""Hidden units as curves: their contributions plus the output bias are the prediction, and each unit of a
one-hidden-layer net has a place on the x axis."""

import math

import numpy as np
import pytest

from engine import RunConfig, RunController
from engine.layout import param_count
from engine.models import predict
from engine.teaching.units import unit_curves, unit_shape

U64 = np.finfo(np.float64).eps / 2  # unit roundoff of float64


def assert_sum_is_prediction(curves):
    # Both sides evaluate the float32 weights in float64 and differ only in the order of the output sum
    # (np.sum here, a matmul in models.predict). Summing n terms in any order is within (n - 1)·u·sum|terms|
    # of the exact sum, so two orders differ by at most 2(n - 1)·u·sum|terms| (n terms: the units and b).
    terms = np.stack([u.values for u in curves.units] + [np.full_like(curves.xs, curves.bias)])
    n = len(terms)
    bound = 2 * (n - 1) * U64 * np.abs(terms).sum(axis=0)
    assert np.all(np.abs(terms.sum(axis=0) - curves.prediction) <= bound)


@pytest.mark.parametrize("example", ["parabola-sigmoid", "parabola-relu", "parabola-noisy"])
def test_the_unit_curves_plus_the_bias_sum_to_the_trained_nets_prediction(example):
    config = RunConfig.for_example(example, epochs=300)
    controller = RunController(config)
    controller.run()
    flat = controller.learner.flat_params()[0]
    xs = np.linspace(config.eval_min, config.eval_max, 97)
    curves = unit_curves(flat, config.layer_sizes, config.activations, xs)
    np.testing.assert_array_equal(curves.prediction, predict(flat, config.layer_sizes, config.activations, xs))
    assert len(curves.units) == config.hidden[-1]
    assert_sum_is_prediction(curves)


@pytest.mark.parametrize("acts", [("relu",), ("sigmoid",), ("tanh",), ("leaky_relu",), ("identity",),
                                  ("sigmoid", "relu"), ("relu", "relu", "tanh")])
def test_the_sum_holds_for_every_activation_and_depth(acts):
    sizes = (1, *([7] * len(acts)), 1)
    flat = np.random.default_rng(1).normal(0, 2, param_count(sizes)).astype(np.float32)
    curves = unit_curves(flat, sizes, acts, np.linspace(-10, 10, 201))
    assert_sum_is_prediction(curves)
    assert all((u.shape is None) == (len(acts) > 1) for u in curves.units)  # shapes only with one hidden layer


def test_a_relu_unit_is_a_hinge_that_turns_on_where_its_weighted_sum_crosses_zero():
    # h1 = relu(2x - 3) enters the output with weight 0.5; h2 = relu(-x - 1) with weight -1; output bias 0.25
    flat = np.array([2.0, -1.0, -3.0, -1.0, 0.5, -1.0, 0.25], np.float32)
    xs = np.linspace(-4, 4, 81)
    curves = unit_curves(flat, (1, 2, 1), ("relu",), xs)
    h1, h2 = curves.units
    assert (h1.shape.kind, h1.shape.at, h1.shape.on_side) == ("hinge", 1.5, "right")
    assert (h2.shape.kind, h2.shape.at, h2.shape.on_side) == ("hinge", -1.0, "left")
    assert h1.shape.label == "hinge at x = 1.5, on to the right"
    np.testing.assert_array_equal(h1.values[xs <= 1.5], 0.0)
    np.testing.assert_allclose(h1.values[xs > 1.5], 0.5 * (2 * xs[xs > 1.5] - 3))
    np.testing.assert_allclose(h2.values[xs < -1], -(-xs[xs < -1] - 1))
    assert curves.bias == 0.25


def test_a_sigmoid_unit_is_a_step_centred_where_its_sum_is_zero_and_as_wide_as_one_over_its_weight():
    shape = unit_shape("sigmoid", 2.0, -4.0)  # sigmoid(2x - 4): centre x = 2
    assert (shape.kind, shape.at) == ("step", 2.0)
    sig = lambda x: 1 / (1 + math.exp(-(2 * x - 4)))
    assert sig(shape.at - shape.width / 2) == pytest.approx(0.1) and sig(shape.at + shape.width / 2) == pytest.approx(0.9)
    tanh_shape = unit_shape("tanh", -0.5, 1.0)  # tanh(-0.5x + 1): centre x = 2, falling
    assert tanh_shape.at == 2.0 and "falling" in tanh_shape.label
    assert math.tanh(-0.5 * (2 + tanh_shape.width / 2) + 1) == pytest.approx(-0.8)  # 10%..90% of -1..1


def test_a_unit_whose_input_weight_is_zero_has_no_place_on_the_axis():
    assert unit_shape("relu", 0.0, 1.0).kind == "flat"
    assert unit_shape("identity", 1.5, 1.0).kind == "line"


def test_a_net_without_a_hidden_layer_has_no_units():
    with pytest.raises(ValueError, match="hidden layer"):
        unit_curves(np.zeros(2, np.float32), (1, 1), (), np.zeros(3))
