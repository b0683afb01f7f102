"""The loss curve view: the loss against the weight, the current weight on it, the tangent (the gradient), which
way and how far the next step goes, the path so far; and nudge-3x's fixed steps, landing or bouncing."""

from __future__ import annotations

import pytest

from engine import RunConfig, teaching
from tui.widgets.views import LossCurveView, ViewSource

from test_views_base import SIZES, ViewHost, finished_run, settle, source_for

short = teaching.short_number


def expected_curve(config, controller):
    flat = controller.latest_params()[0]
    return teaching.loss_curve_for(config, flat, path=controller.history.column("weight"))


@pytest.mark.parametrize("size", SIZES)
async def test_the_caption_says_which_way_the_next_step_moves_the_weight_and_by_how_much(size):
    config, controller = finished_run("linear-3x", epochs=3)
    curve = expected_curve(config, controller)
    view = LossCurveView()
    app = ViewHost(view, config, source_for(controller), SIZES[size])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        way = "right" if curve.step.delta > 0 else "left"
        first = view.caption_text.splitlines()[0]
        assert first.startswith(f"slope {short(curve.grad)}: the next step moves the weight {way}, "
                                f"by lr × slope = {short(abs(curve.step.delta))}")
        assert f"bias held at {short(curve.bias)}" in view.title


async def test_with_momentum_the_caption_adds_the_velocity_estimated_from_the_path():
    config, controller = finished_run("linear-3x", epochs=3)
    curve = expected_curve(config, controller)
    assert curve.velocity_source == "estimated"
    view = LossCurveView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert (f"Momentum {config.momentum:g} keeps part of the last steps (velocity {short(curve.velocity)}): "
                f"the step is {short(curve.momentum_step.delta)}") in view.caption_text


async def test_a_learning_rate_changed_mid_run_is_the_one_the_step_uses():
    config, controller = finished_run("linear-noisy", epochs=5)
    source = ViewSource(params=controller.latest_params, history=controller.history,
                        live=lambda: {"lr": 0.01, "momentum": 0.0})
    curve = teaching.loss_curve_for(config, controller.latest_params()[0], lr=0.01, momentum=0.0)
    view = LossCurveView()
    app = ViewHost(view, config, source, SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert f"= {short(abs(curve.step.delta))}," in view.caption_text
        assert "Momentum" not in view.caption_text


async def test_new_epochs_redraw_the_point_and_path():
    config = RunConfig.for_example("linear-3x", epochs=4)
    from engine import RunController

    controller = RunController(config, start_paused=True)
    view = LossCurveView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert "press space" in view.caption_text.lower() or "Press space" in view.caption_text
        controller.resume()
        controller.run()
        view.mark_dirty()
        assert view.redraw()
        assert view.caption_text.startswith("slope ")


async def test_nudge_3x_with_a_step_too_big_for_the_tolerance_bounces_and_says_why():
    config, controller = finished_run("nudge-3x", step=0.2)
    flat = controller.latest_params()[0]
    fixed = teaching.fixed_step_view_for(config, flat, path=controller.history.column("weight"))
    assert not fixed.outcome.lands
    view = LossCurveView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        text = view.caption_text
        assert "is over the tolerance 0.1: the next nudge moves w" in text
        assert "From here " + fixed.outcome.reason in text
        assert "◆ bounce" not in view.title  # it is bouncing already: the pair is now and next


async def test_nudge_3x_at_80x24_still_says_it_bounces_for_ever():
    config, controller = finished_run("nudge-3x", step=0.2)
    fixed = teaching.fixed_step_view_for(config, controller.latest_params()[0])
    low, high = fixed.outcome.pair
    view = LossCurveView()
    app = ViewHost(view, config, source_for(controller), SIZES["80x24"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert f"It bounces between {low:.4g} and {high:.4g} for ever" in view.caption_text


async def test_nudge_3x_with_its_own_step_lands_within_the_tolerance_and_stops():
    config, controller = finished_run("nudge-3x")
    view = LossCurveView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert "is within the tolerance 0.1: the learner stops here" in view.caption_text


@pytest.mark.parametrize("example", ["nudge-3x", "linear-3x"])
async def test_before_a_run_the_curve_is_drawn_with_a_note_to_press_space(example):
    view = LossCurveView()
    app = ViewHost(view, RunConfig.for_example(example), None, SIZES["80x24"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert view.draws >= 1
        assert "press space to start" in str(view.chart.plt.build())


async def test_a_diverged_run_shows_how_far_the_next_step_would_throw_the_weight():
    config, controller = finished_run("linear-3x", lr=1.0, epochs=60)
    assert controller.result.status == "diverged"  # stopped at a huge but finite weight
    curve = expected_curve(config, controller)
    view = LossCurveView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert f"by lr × slope = {short(abs(curve.step.delta))}" in view.caption_text


async def test_a_weight_that_is_not_a_number_is_said_not_drawn():
    config, controller = finished_run("linear-3x", epochs=3)
    nan = ViewSource(params=lambda: __import__("numpy").full((1, 2), float("nan"), "float32"),
                     history=controller.history)
    view = LossCurveView()
    app = ViewHost(view, config, nan, SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert view.caption_text.startswith("The weight is not a number any more")
        assert "nothing finite to draw" in str(view.chart.plt.build())
