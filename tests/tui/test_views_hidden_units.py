"""The hidden units view: the last hidden layer's units as curves that, with the output bias, sum to the
prediction; at most eight of them; the seed's verdict on whether the net found the curve."""

from __future__ import annotations

import re

import pytest

from engine import RunConfig, eval_grid, teaching
from tui.widgets.views import HiddenUnitsView, ViewSource
from tui.widgets.views.hidden_units import MAX_UNITS

from test_views_base import SIZES, ViewHost, finished_run, settle, source_for


def plain_build(view) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", view.chart.plt.build())


@pytest.mark.parametrize("size", SIZES)
async def test_a_net_that_found_the_parabola_says_so(size):
    config, controller = finished_run("parabola-sigmoid")  # seed 0, 2000 epochs: found
    check = teaching.found_curve(config, controller.latest_params()[0])
    assert check.verdict == "found"
    view = HiddenUnitsView()
    app = ViewHost(view, config, source_for(controller), SIZES[size])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        first = view.caption_text.splitlines()[0]
        assert first == check.sentence[0].upper() + check.sentence[1:]


async def test_a_net_stuck_on_a_straight_line_says_try_another_seed_with_g():
    config, controller = finished_run("parabola-sigmoid", seed=2)
    assert teaching.found_curve(config, controller.latest_params()[0]).verdict == "line"
    view = HiddenUnitsView()
    app = ViewHost(view, config, source_for(controller), SIZES["80x24"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        first = view.caption_text.splitlines()[0]
        assert first.startswith("Stuck near a straight line: try another seed") and first.endswith("(g)")


async def test_while_training_the_verdict_says_so_far():
    config, controller = finished_run("parabola-sigmoid", seed=2, epochs=100)
    source = ViewSource(params=controller.latest_params, history=controller.history, finished=lambda: False)
    view = HiddenUnitsView()
    app = ViewHost(view, config, source, SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert "so far" in view.caption_text.splitlines()[0]


async def test_the_units_sum_to_the_prediction_and_each_is_labelled_by_its_shape():
    config, controller = finished_run("parabola-sigmoid")
    flat = controller.latest_params()[0]
    view = HiddenUnitsView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        curves = teaching.unit_curves(flat, config.layer_sizes, config.activations,
                                      eval_grid(config, view.chart.budget))
        assert "y = h1 + h2 + bias" in view.caption_text
        for unit in curves.units:  # e.g. "h1: step centred at x = −3.6, falling, 2.4 wide, ×21.9"
            assert f"{unit.name}: {unit.shape.label}, ×{teaching.short_number(unit.out_weight)}" in view.caption_text
        assert f"bias {teaching.short_number(curves.bias)}" in view.title


async def test_a_wide_layer_draws_the_eight_that_add_most_and_says_how_many_are_left_out():
    config, controller = finished_run("parabola-relu", hidden="10,20", epochs=50)
    view = HiddenUnitsView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert f"{20 - MAX_UNITS} units that add least not drawn" in view.caption_text
        colours = {m for m in re.findall(r"\x1b\[38;[0-9;]+m", view.chart.plt.build())}
        assert len(colours) <= MAX_UNITS + 6  # units, sum, bias, data, axes: bounded


@pytest.mark.parametrize("size", SIZES)
async def test_before_a_run_the_data_is_drawn_with_a_note(size):
    view = HiddenUnitsView()
    app = ViewHost(view, RunConfig.for_example("parabola-relu"), None, SIZES[size])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert "press space to start" in plain_build(view)
        assert "units of layer 2" in view.caption_text


def test_models_without_hidden_units_do_not_apply():
    assert "no hidden layer" in HiddenUnitsView.applies(RunConfig.for_example("linear-noisy"))
    assert HiddenUnitsView.applies(RunConfig.for_example("parabola-noisy")) is None
