"""The network view: each layer's units as rows of incoming weights (colour by sign, height by size), with
biases and outputs, and the selected node written out as the seed's dot product with the current weights."""

from __future__ import annotations

import numpy as np
import pytest
from rich.cells import cell_len

from engine import RunConfig, teaching
from tui.widgets.views import NetworkView, ViewSource

from test_views_base import SIZES, ViewHost, finished_run, settle, source_for


def formula(config, controller, x, layer, unit) -> list[str]:
    terms = teaching.node_terms(controller.latest_params()[0], config.layer_sizes, config.activations, x, layer, unit)
    return teaching.format_node(terms)


def joined(text: str) -> str:
    """The view's text with wrapped formula lines joined back (a wrapped line ends with " +")."""
    return text.replace(" +\n    ", " + ").replace(" +\n      ", " + ")


@pytest.mark.parametrize("size", SIZES)
async def test_the_selected_node_is_written_as_the_seeds_dot_product(size):
    config, controller = finished_run("parabola-sigmoid", epochs=200)
    view = NetworkView()
    app = ViewHost(view, config, source_for(controller), SIZES[size])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert (view.layer, view.unit) == (0, 0)
        for line in formula(config, controller, view.x, 0, 0):  # h1 = (−1.4)·(2.0) + b(−3.9) = −6.7 ...
            assert line in joined(view.text)
        assert view.text.startswith(f"x = {teaching.short_number(view.x)}: ")


async def test_keys_move_the_selection_and_the_formula_follows():
    config, controller = finished_run("parabola-relu", epochs=100)
    view = NetworkView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        x0 = view.x
        await pilot.press("right", "down", "down")
        assert (view.layer, view.unit) == (1, 2)
        assert formula(config, controller, x0, 1, 2)[0].split(" = ")[0] == "h2_3"
        for line in formula(config, controller, x0, 1, 2):
            assert line in joined(view.text)
        await pilot.press("right_square_bracket")
        assert view.x > x0
        for line in formula(config, controller, view.x, 1, 2):
            assert line in joined(view.text)
        await pilot.press("comma", "comma")
        assert view.x < x0
        await pilot.press("right", "right", "right", "down")  # held at the output's one unit
        assert (view.layer, view.unit) == (2, 0)
        assert joined(view.text).count("y = ") >= 1
        await pilot.press("left", "left", "left", "up")
        assert (view.layer, view.unit) == (0, 0)


async def test_the_input_steps_over_the_training_datas_x_values():
    config, controller = finished_run("linear-3x", epochs=20)
    view = NetworkView()
    app = ViewHost(view, config, source_for(controller), SIZES["80x24"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        np.testing.assert_array_equal(view.x_stops, np.unique(controller.config.x_min + np.arange(6)))
        seen = set()
        for _ in range(8):
            await pilot.press("full_stop")
            seen.add(view.x)
        assert max(seen) == 6.0  # held at the last point
        assert "(data: " in view.text or ", data " in view.text


async def test_linear_3x_is_one_node_y_equals_w_x_plus_b():
    config, controller = finished_run("linear-3x", epochs=20)
    w, b = controller.latest_params()[0]
    view = NetworkView()
    app = ViewHost(view, config, source_for(controller), SIZES["80x24"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        short = teaching.short_number
        expected = f"y = {short(w)}·({short(view.x)}) + b({short(b)}) = {short(w * view.x + b)}"
        assert expected in view.text


@pytest.mark.parametrize("size", SIZES)
async def test_a_wide_layer_is_bounded_and_says_how_many_units_are_not_shown(size):
    config, controller = finished_run("parabola-relu", hidden="300,40", epochs=2)
    view = NetworkView()
    app = ViewHost(view, config, source_for(controller), SIZES[size])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        width, height = SIZES[size]
        lines = view.text.splitlines()
        assert len(lines) <= height
        assert all(cell_len(line) <= width - 2 for line in lines)
        assert " more" in view.text
        await pilot.press("right")  # h2_1 has 300 inputs: the largest terms, the rest summed
        assert "more terms:" in view.text


async def test_small_nets_show_every_nodes_arithmetic_with_the_selected_one_in_bold():
    config, controller = finished_run("parabola-sigmoid", epochs=200)
    view = NetworkView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        for unit in (0, 1):
            for line in formula(config, controller, view.x, 0, unit):
                assert line in view.text
        assert formula(config, controller, view.x, 1, 0)[0] in view.text


async def test_before_a_run_the_layers_show_without_weights():
    view = NetworkView()
    app = ViewHost(view, RunConfig.for_example("parabola-noisy"), None, SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert "layer 1 sigmoid" in view.text and "layer 2 relu" in view.text and "output" in view.text
        assert "press space to start" in view.text


async def test_blown_up_weights_are_said_not_drawn():
    config = RunConfig.for_example("parabola-sigmoid")
    source = ViewSource(params=lambda: np.full((1, 7), np.nan, np.float32), history=None)
    view = NetworkView()
    app = ViewHost(view, config, source, SIZES["80x24"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert view.text.startswith("The run blew up")


async def test_nudge_3x_has_no_network():
    view = NetworkView()
    config = RunConfig.for_example("nudge-3x")
    assert NetworkView.applies(config).startswith("it has no network")
    app = ViewHost(view, config, None, SIZES["80x24"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert "no network" in view.text
