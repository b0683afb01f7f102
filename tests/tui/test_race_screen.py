"""The race screen (`o`): its charts name every racer at its line's end, each name on a row of its own, at any
chart height (engine.place_labels decides the rows; these tests read what plotext actually printed); its rate
fields are reached with tab, a rate not allowed is named while the race on screen goes on, and escape leaves
a field before it closes the race."""

from __future__ import annotations

import re

import numpy as np
import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from engine import History, MetricChunk, RunConfig, RunState, format_number, racer_lines
from tui.widgets import RaceScreen
from tui.app import NudgeApp
from tui_helpers import make_app, wait_for
from tui.widgets.fit_chart import FitChart
from tui.widgets.loss_chart import LossChart

NAMES = ("sgd", "momentum", "adam")


def history(losses) -> History:
    h = History(256)
    h.append(MetricChunk(epoch=np.arange(1, len(losses) + 1), loss=np.asarray(losses, dtype=float)))
    return h


class Charts(App):
    CSS = "LossChart, FitChart { height: 1fr; }"

    def __init__(self, config: RunConfig) -> None:
        super().__init__()
        self.config = config

    def compose(self) -> ComposeResult:
        yield LossChart()
        yield FitChart(self.config)


def rows_naming(text: str, names=NAMES) -> dict[str, list[int]]:
    """For each name, the rows of the printed chart that hold it whole (a label printed over another loses
    letters: `sgd` under `adam` leaves nothing, `momentum` under `adam` leaves `moadam`)."""
    lines = text.splitlines()
    return {name: [i for i, line in enumerate(lines) if re.search(rf"(?<![a-z]){name}(?![a-z])", line)]
            for name in names}


@pytest.mark.parametrize("size", [(80, 14), (120, 40)], ids=["small-frameless", "large-framed"])
async def test_three_racers_ending_at_the_same_loss_are_each_named_on_a_row_of_their_own(size):
    config = RunConfig.for_example("parabola-sigmoid", epochs=100)
    app = Charts(config)
    async with app.run_test(size=size) as pilot:
        loss, fit = app.query_one(LossChart), app.query_one(FitChart)
        # sgd and adam end at the same loss, momentum a hair above: on one row before each label had its own
        losses = {"sgd": np.geomspace(30, 0.05, 100), "momentum": np.geomspace(30, 0.051, 100),
                  "adam": np.geomspace(30, 0.05, 100)}
        loss.set_pins(racer_lines({name: (0.001, history(losses[name])) for name in NAMES}))
        # three fits that end at the same height on the right edge
        fit.set_pinned(lambda grid: [(slot, name, np.linspace(-5, 20, len(grid))) for slot, name in enumerate(NAMES)],
                       list(enumerate(NAMES)))
        loss.redraw(), fit.redraw()
        await pilot.pause()
        for chart in (loss, fit):
            rows = rows_naming(chart.render().plain)
            assert all(len(found) == 1 for found in rows.values()), (type(chart).__name__, rows)
            assert len({found[0] for found in rows.values()}) == 3


async def test_a_fit_that_runs_off_the_top_is_named_on_the_top_row_with_an_arrow():
    app = Charts(RunConfig.for_example("parabola-sigmoid", epochs=100))
    async with app.run_test(size=(120, 40)) as pilot:
        fit = app.query_one(FitChart)
        fit.set_pinned(lambda grid: [(2, "adam", np.full(len(grid), 1e6)), (0, "sgd", np.full(len(grid), np.nan))],
                       [(2, "adam"), (0, "sgd")])
        fit.redraw()
        await pilot.pause()
        text = fit.render().plain
        assert "adam ↑" in text and "sgd" not in text  # a fit that is not a number has no end to name



async def open_race(pilot) -> RaceScreen:
    await pilot.press("o")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RaceScreen) and pilot.app.screen.sessions,
                   what="the race")
    return pilot.app.screen


async def test_tab_reaches_the_rate_fields_and_escape_leaves_a_field_before_it_closes_the_race():
    app = make_app("linear-3x", epochs=20)
    async with app.run_test(size=(80, 24)) as pilot:
        race = await open_race(pilot)
        await pilot.press("tab", "tab")  # from the loss chart past the fit chart, round to the first field
        assert app.focused is race.query_one("#race-lr-sgd", Input)
        await pilot.press("tab", "shift+tab")
        assert app.focused is race.query_one("#race-lr-sgd", Input)
        await pilot.press("escape")
        assert app.screen is race and app.focused is race.query_one("#race-loss")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RaceScreen), what="the race to close")


async def test_a_rate_not_allowed_is_named_and_the_racers_on_screen_keep_going():
    app = make_app("parabola-relu", epochs=10_000_000)  # racers that are still going when the rates are typed
    async with app.run_test(size=(120, 40)) as pilot:
        race = await open_race(pilot)
        racing = dict(race.sessions)
        for session in racing.values():  # paused, they keep their place without taking the cores from the test
            session.pause()
        field = race.query_one("#race-lr-momentum", Input)
        field.focus()
        for typed, said in (("fast", "'fast' is not allowed"), ("nan", "'nan' is not allowed"),
                            ("1e308", "'1e308' is not allowed"), ("-0.1", "'-0.1' is not allowed"),
                            ("", "empty")):
            field.value = typed
            await pilot.press("enter")
            error = str(race.query_one("#race-error").render())
            assert error.startswith(f"momentum lr: {said}; expected a number > 0 and <= 10"), error
        assert race.sessions == racing and not any(s.controller.state == RunState.STOPPED for s in racing.values())
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RaceScreen), what="the race to close")
        # closing stops them (nothing polls a closed race's sessions: ask their controllers)
        await wait_for(pilot, lambda: all(s.controller.done.is_set() for s in racing.values()), what="the racers to stop")
        assert all(s.controller.state == RunState.STOPPED for s in racing.values())



async def test_the_racers_start_once_the_target_is_known_and_name_the_very_epoch_they_first_reached_it(monkeypatch):
    import threading

    from engine import run_race, starting_loss
    from tui.widgets import race_screen

    known = threading.Event()

    def slow_starting_loss(config):  # the target's worker returns when the test says so
        known.wait(30)
        return starting_loss(config)

    monkeypatch.setattr(race_screen, "starting_loss", slow_starting_loss)
    # 20,000 epochs: the screen's histories keep about one epoch in five by the end, so the first epoch under the
    # target is gone from them (measured: sgd's 2923 reads as 2945 there); the race's watch saw every epoch
    config = RunConfig.for_example("parabola-sigmoid", epochs=20_000)
    app = NudgeApp(config, warm_up=False, speed="max")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, RaceScreen), what="the race")
        race = app.screen
        await pilot.pause(0.3)
        assert race.sessions == {} and not race.settled  # nothing trains before the target is known
        known.set()
        await wait_for(pilot, lambda: race.settled, what="the race to end")
        words = str(race.query_one("#race-words").render()).splitlines()
    exact = run_race(config)  # the engine's race, each racer bit for bit the app's (tests/engine/test_race.py)
    assert race.reach == exact.reach
    for line, (name, racer) in zip(words, exact.racers.items()):
        where = f"at epoch {racer.reached}" if racer.reached is not None else "never"
        assert line.startswith(f"{name} (lr") and f"reached {format_number(exact.reach)} {where} (" in line, line


async def test_q_closes_the_race_as_it_closes_the_other_comparison_screens_and_ctrl_c_quits_from_it():
    app = make_app("linear-3x", epochs=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_race(pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: not isinstance(app.screen, RaceScreen), what="the race to close")
        assert app.is_running
        await open_race(pilot)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert app.return_code == 0
