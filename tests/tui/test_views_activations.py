"""The activations view: one activation at a time with its slope, formula and sentence; the net's own marked and
shown first; its units' weighted sums as dots on the curve; the 'no non-linearity' experiment mentioned."""

from __future__ import annotations

import numpy as np
import pytest

from engine import ACTIVATIONS, RunConfig, teaching
from tui.widgets.views import ActivationsView

from test_views_base import SIZES, ViewHost, finished_run, settle, source_for


@pytest.mark.parametrize("example, first", [("parabola-sigmoid", "sigmoid"), ("parabola-relu", "relu"),
                                            ("parabola-noisy", "sigmoid"), ("linear-3x", "identity"),
                                            ("nudge-3x", "identity")])
def test_the_view_opens_on_the_activation_the_example_uses(example, first):
    view = ActivationsView(RunConfig.for_example(example))
    assert view.selected == first


@pytest.mark.parametrize("size", SIZES)
async def test_the_used_activation_is_marked_and_its_sentence_shown(size):
    config, controller = finished_run("parabola-relu", epochs=100)
    view = ActivationsView()
    app = ViewHost(view, config, source_for(controller), SIZES[size])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        caption = view.caption_text
        assert "ReLU•" in caption.splitlines()[0]  # marked as used
        sentence = teaching.ACTIVATION_ABOUT["relu"].sentence
        assert sentence in caption or sentence.split(", so ")[0] in caption
        assert view.title.startswith("ReLU(z) = max(0, z)")


async def test_left_and_right_cycle_through_all_five():
    config, controller = finished_run("parabola-sigmoid", epochs=50)
    view = ActivationsView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        seen = [view.selected]
        for _ in range(len(ACTIVATIONS)):
            draws = view.draws
            await pilot.press("right")
            assert view.draws > draws  # drawn at once, without the app's timer
            seen.append(view.selected)
        assert set(seen) == set(ACTIVATIONS) and seen[-1] == seen[0]
        await pilot.press("left")
        assert view.selected == seen[-2]
        assert f"(z) = {teaching.ACTIVATION_ABOUT[view.selected].formula}" in view.title


async def test_the_units_sums_show_how_many_sigmoids_are_saturated():
    config, controller = finished_run("parabola-sigmoid", epochs=2000)
    flat = controller.latest_params()[0]
    from engine import make_data

    trace = teaching.forward_trace(flat, config.layer_sizes, config.activations, make_data(config).x)
    sums = trace[0].z.reshape(-1)
    share = np.mean(teaching.activation_slope("sigmoid", sums) < 0.05)
    view = ActivationsView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert f"• {share:.0%} of " in view.caption_text
        assert "• this net's units" in view.title


async def test_the_no_non_linearity_experiment_is_mentioned_for_nets():
    config, controller = finished_run("parabola-sigmoid", epochs=50)
    view = ActivationsView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert "Press a to train this net with no non-linearity" in view.caption_text \
            or "a: train it with no non-linearity" in view.caption_text


@pytest.mark.parametrize("size", SIZES)
async def test_a_linear_model_says_it_has_no_activation_and_still_shows_them(size):
    config, controller = finished_run("linear-3x", epochs=20)
    view = ActivationsView()
    app = ViewHost(view, config, source_for(controller), SIZES[size])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert "no activation" in view.caption_text.lower()
        assert "non-linearity" not in view.caption_text
        await pilot.press("left")
        assert view.selected == "leaky_relu"
        assert view.title.startswith("leaky ReLU(z)")


async def test_an_activation_the_net_does_not_use_says_which_it_does():
    config, controller = finished_run("parabola-noisy", epochs=50)
    view = ActivationsView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        view.select("tanh")
        assert "This net uses sigmoid, ReLU, not tanh." in view.caption_text
