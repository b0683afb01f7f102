"""What every teaching view shares: a source read on the UI thread, redraws only when dirty and shown, a caption
that keeps its most important lines, and a plain reason wherever a view does not apply.

The helpers here (a host app, real short runs) are used by the other test_views_* files."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
from textual.app import App, ComposeResult

from engine import RunConfig, RunController, example_ids
from tui.widgets.chart import ChartPanel
from tui.widgets.views import (VIEWS, VIEWS_BY_ID, ActivationsView, HiddenUnitsView, LossCurveView, NetworkView,
                               NotApplicable, ViewSource, applies_to)

#: The room a view gets where it stands in for the fit chart: at 120x40 and at 80x24.
SIZES = {"120x40": (75, 16), "80x24": (46, 10)}


@lru_cache(maxsize=None)
def finished_run(example: str, **overrides) -> tuple[RunConfig, RunController]:
    """A real run of the example to its end (cached: each test file reuses it)."""
    config = RunConfig.for_example(example, **overrides)
    controller = RunController(config)
    controller.run()
    return config, controller


def source_for(controller: RunController) -> ViewSource:
    return ViewSource(params=controller.latest_params, history=controller.history,
                      live=lambda: {"lr": controller.config.lr, "momentum": controller.config.momentum},
                      finished=lambda: controller.is_final)


class ViewHost(App):
    """A view alone, in a titled panel of the given size, shown a config and a source, focused."""

    def __init__(self, view, config: RunConfig, source: ViewSource | None, size: tuple[int, int]) -> None:
        super().__init__()
        self.view, self.config, self.source, self.view_size = view, config, source, size

    @property
    def screen_size(self) -> tuple[int, int]:
        return self.view_size[0] + 2, self.view_size[1] + 3

    def compose(self) -> ComposeResult:
        width, height = self.view_size
        panel = ChartPanel(self.view)
        panel.styles.width, panel.styles.height = width, height + 1
        panel.styles.border_top = ("solid", "gray")
        yield panel

    def on_mount(self) -> None:
        self.view.show(self.config, self.source)
        self.view.focus()


async def settle(pilot) -> None:
    """Let layout happen, then redraw what is dirty (as the app's timer would)."""
    await pilot.pause()
    pilot.app.view.redraw()
    await pilot.pause()


# -- the source -------------------------------------------------------------------------------------------------

def test_the_source_gives_the_first_members_parameters_as_float64():
    config, controller = finished_run("linear-3x", epochs=5)
    source = ViewSource.from_controller(controller)
    flat = source.member0()
    assert flat.dtype == np.float64 and flat.shape == (2,)
    np.testing.assert_array_equal(flat, controller.latest_params()[0].astype(np.float64))
    assert source.is_finished()
    assert source.live_value("lr", config) == config.lr


def test_before_a_model_exists_the_source_has_no_parameters_and_live_values_fall_back_to_the_config():
    config = RunConfig.for_example("linear-3x")
    controller = RunController(config)
    source = ViewSource(params=controller.latest_params, history=controller.history)
    assert source.member0() is None
    assert source.live_value("momentum", config) == config.momentum
    assert source.is_finished()  # no finished callable: verdicts speak of a finished run


# -- redrawing ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("view_id, example", [("loss-curve", "linear-3x"), ("network", "parabola-sigmoid"),
                                              ("activations", "parabola-relu"), ("units", "parabola-sigmoid")])
async def test_a_view_draws_when_marked_dirty_and_not_otherwise(view_id, example):
    config, controller = finished_run(example, epochs=40)
    view = VIEWS_BY_ID[view_id]()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        before = view.draws
        assert view.redraw() is False and view.draws == before  # nothing changed: nothing drawn
        view.mark_dirty()
        assert view.redraw() is True and view.draws == before + 1
        assert view.redraw() is False


async def test_a_hidden_view_does_not_draw_until_it_is_shown():
    config, controller = finished_run("linear-3x", epochs=10)
    view = LossCurveView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        view.parent.display = False  # the app hides the panel around it
        view.mark_dirty()
        before = view.draws
        assert view.redraw() is False and view.draws == before
        view.parent.display = True
        await pilot.pause()
        assert view.redraw() is True


@pytest.mark.parametrize("view_cls", VIEWS)
@pytest.mark.parametrize("size", SIZES)
async def test_every_view_draws_before_a_run_without_a_source(view_cls, size):
    config = RunConfig.for_example("parabola-relu" if view_cls.applies(RunConfig.for_example("parabola-relu")) is None
                                   else "linear-3x")
    view = view_cls()
    app = ViewHost(view, config, None, SIZES[size])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert view.draws >= 1
        shown = view.text if isinstance(view, NetworkView) else view.caption_text
        assert shown  # says something useful, not an empty frame


def test_the_views_are_registered_by_id_in_the_order_the_app_offers_them():
    assert [v.view_id for v in VIEWS] == ["loss-curve", "network", "activations", "units"]
    assert [v.view_title for v in VIEWS] == ["Loss curve", "Network", "Activations", "Hidden units"]


# -- where a view does not apply ------------------------------------------------------------------------------------

EXPECTED_APPLIES = {
    "loss-curve": {"nudge-3x", "linear-3x", "linear-noisy"},
    "network": {"linear-3x", "linear-noisy", "parabola-sigmoid", "parabola-relu", "parabola-noisy", "custom"},
    "activations": set(example_ids()),
    "units": {"parabola-sigmoid", "parabola-relu", "parabola-noisy", "custom"},
}


@pytest.mark.parametrize("view_cls", VIEWS)
@pytest.mark.parametrize("example", example_ids())
def test_each_view_applies_or_says_why_not_in_one_plain_line(view_cls, example):
    reason = view_cls.applies(RunConfig.for_example(example))
    if example in EXPECTED_APPLIES[view_cls.view_id]:
        assert reason is None
    else:
        assert isinstance(reason, str) and reason and "\n" not in reason
        assert reason[0].islower() and not reason.endswith(".")  # it reads on after "…: "


def test_the_reasons_name_what_the_model_lacks():
    assert "141 weights and biases" in LossCurveView.applies(RunConfig.for_example("parabola-relu"))
    assert "no network" in NetworkView.applies(RunConfig.for_example("nudge-3x"))
    assert "no hidden layer" in HiddenUnitsView.applies(RunConfig.for_example("linear-3x"))
    assert "no network" in HiddenUnitsView.applies(RunConfig.for_example("nudge-3x"))
    # the settings decide, not the example's name: a parabola net without hidden layers is a line again
    assert LossCurveView.applies(RunConfig.for_example("parabola-relu", hidden="none")) is None
    assert HiddenUnitsView.applies(RunConfig.for_example("linear-3x", hidden="4", activation="relu")) is None


def test_not_applicable_says_why_and_where_the_view_does_apply():
    config = RunConfig.for_example("parabola-relu")
    widget = NotApplicable(LossCurveView, config)
    text = NotApplicable.message(LossCurveView, config, widget.reason)
    assert text.startswith("[b]Loss curve[/b] does not apply to [b]parabola-relu[/b]: this net has 141")
    assert "It applies to nudge-3x, linear-3x, linear-noisy" in text
    assert applies_to(HiddenUnitsView) == ["parabola-sigmoid", "parabola-relu", "parabola-noisy", "custom"]
    assert applies_to(ActivationsView) == list(example_ids())


async def test_not_applicable_shows_its_sentence_in_an_app():
    config = RunConfig.for_example("nudge-3x")

    class Host(App):
        def compose(self) -> ComposeResult:
            yield NotApplicable(NetworkView, config)

    async with Host().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        widget = pilot.app.query_one(NotApplicable)
        assert widget.reason == NetworkView.applies(config)
        assert "Network does not apply to nudge-3x: it has no network" in str(widget.render())


# -- captions ---------------------------------------------------------------------------------------------------

def test_a_caption_keeps_lines_in_order_of_importance_in_the_room_it_has():
    from tui.widgets.views import PlotView

    fit = PlotView._fit_lines
    long, short = "a long form of the first line " * 3, "short first"
    assert fit([(long, short), "second", "third"], 40, 6) == [long, "second", "third"]  # room for all, long
    assert fit([(long, short), "second", "third"], 40, 3) == [short, "second", "third"]  # short lets all show
    assert fit([(long, short), "second", "third"], 40, 1) == [short]  # the first line always shows
    assert fit(["x" * 200, "second"], 40, 2) == ["x" * 200]  # too long for the room, but first


async def test_a_many_seed_run_says_which_member_the_view_draws():
    config, controller = finished_run("linear-3x", seeds=4, epochs=5)
    view = LossCurveView()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert "seed 0, the first of 4" in view.title
        assert view.caption_text.startswith("slope ")  # member 0's weight, without a path to draw


@pytest.mark.parametrize("view_cls", VIEWS)
@pytest.mark.parametrize("example", example_ids())
async def test_a_view_shown_a_model_it_does_not_apply_to_still_draws_without_failing(view_cls, example):
    config = RunConfig.for_example(example)
    view = view_cls()
    app = ViewHost(view, config, None, SIZES["80x24"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        assert view.draws >= 1


@pytest.mark.parametrize("view_id, example", [("loss-curve", "linear-3x"), ("network", "parabola-relu"),
                                              ("activations", "parabola-sigmoid"), ("units", "parabola-noisy")])
async def test_a_view_follows_a_live_run_from_the_ui_thread(view_id, example):
    """As in the app: the engine trains in its own thread; a UI timer marks the view dirty and redraws it."""
    import threading
    import time

    config = RunConfig.for_example(example, epochs=60)
    controller = RunController(config, pace=150)  # about 0.4 s
    view = VIEWS_BY_ID[view_id]()
    app = ViewHost(view, config, source_for(controller), SIZES["120x40"])
    async with app.run_test(size=app.screen_size) as pilot:
        await settle(pilot)
        start = view.draws

        def tick() -> None:
            view.mark_dirty()
            view.redraw()

        app.set_interval(0.05, tick)
        worker = threading.Thread(target=controller.run)
        worker.start()
        deadline = time.monotonic() + 30
        while worker.is_alive() and time.monotonic() < deadline:
            await pilot.pause(0.05)
        worker.join()
        tick()
        assert controller.result.status == "completed"
        assert view.draws >= start + 3
