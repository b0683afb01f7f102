"""explain_text: a run's model at one input, as lines of text, for every kind of model in the registry."""

import numpy as np
import pytest

from engine import RunConfig, RunController, example_ids
from engine.models import predict
from engine.teaching.explain import explain_text
from engine.teaching.numfmt import short


def test_nudge_3x_is_one_weight_times_x():
    lines = explain_text(RunConfig.for_example("nudge-3x"), np.array([0.84]), 3.0)
    assert lines == ["nudge-3x: y = w·x, one weight", "x = 3.0", "  y = 0.84·(3.0) = 2.5"]


def test_linear_3x_is_one_node_with_a_bias():
    lines = explain_text(RunConfig.for_example("linear-3x"), np.array([2.9, -0.1], np.float32), 3.0)
    assert lines == ["linear-3x: net 1-1 (no activation)", "x = 3.0", "output", "  y = 2.9·(3.0) + b(−0.10) = 8.6"]


@pytest.mark.parametrize("example", [e for e in example_ids() if e != "nudge-3x"])
def test_every_net_ends_on_its_prediction_with_a_line_per_node_and_activation(example):
    config = RunConfig.for_example(example, epochs=5)
    controller = RunController(config)
    controller.run()
    flat = controller.learner.flat_params()[0]
    lines = explain_text(config, flat, 1.5)
    want = predict(flat, config.layer_sizes, config.activations, np.array([1.5]))[0]
    assert lines[-1].endswith(f"= {short(want)}")
    hidden_units = sum(config.hidden)
    assert len(lines) == 2 + len(config.layer_sizes) - 1 + 2 * hidden_units + 1  # header, x, layer titles, nodes
