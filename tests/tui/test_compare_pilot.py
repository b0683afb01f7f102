"""Comparing runs in the app, driven by keys: the seeds field and the band, pins, the runs table."""

from __future__ import annotations

import numpy as np
from textual.widgets import DataTable, Input

from tui.widgets import RunsScreen
from tui_helpers import finish_run, make_app, status, wait_for


async def type_into(pilot, name: str, text: str) -> None:
    field = pilot.app.query_one(f"#in-{name}", Input)
    field.focus()
    await pilot.pause()  # focusing selects the text, so typing replaces it
    await pilot.press(*list(text), "enter", "escape")


async def test_seeds_typed_in_the_form_train_that_many_and_the_chart_shades_their_band():
    app = make_app("parabola-sigmoid", epochs=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, "seeds", "12")
        assert app.form.config is not None and app.form.config.seeds == 12
        await pilot.press("space")
        await finish_run(pilot)
        history = app.session.history
        low, high = history.column("loss_low"), history.column("loss_high")
        assert len(low) == len(history) and np.all(low <= history.loss) and np.all(history.loss <= high)
        assert "median of 12 seeds" in app.loss_chart.title and "10th-90th percentile" in app.loss_chart.title
        assert "median of 12" in app.fit_chart.title and "each seed" in app.fit_chart.title
        assert "/12 found the curve" in status(app)
        assert any("of 12 seeds found the curve" in line for line in app.log_pane.lines_written)


async def test_a_seeds_count_out_of_range_is_refused_with_the_clis_range():
    app = make_app("parabola-sigmoid")
    async with app.run_test() as pilot:
        await type_into(pilot, "seeds", "2000")
        assert app.form.config is None
        assert app.form.errors["seeds"] == "seeds: '2000' is not allowed; expected a whole number from 1 to 1,024"


async def test_p_pins_the_run_and_the_next_run_draws_it_as_a_labelled_line_in_both_charts():
    app = make_app("parabola-sigmoid", epochs=40)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        assert app.runs.pinned == []  # nothing to pin before a run
        await pilot.press("space")
        await finish_run(pilot)
        await pilot.press("p")
        assert [r.label for r in app.runs.pinned] == ["#1"]
        assert app.loss_chart.pins == []  # the run on screen is not drawn twice
        await pilot.press("g")  # the next seed, started at once
        await finish_run(pilot)
        assert [p.label for p in app.loss_chart.pins] == ["#1 epochs 40"]  # with what differs from the defaults
        assert "#1" in app.loss_chart.title and "#1" in app.fit_chart.title
        assert [label for _, label, _ in app.fit_chart.pinned(np.linspace(-5, 5, 7))] == ["#1"]
        await pilot.press("r", "t")  # unpin it from the table
        await pilot.pause()
        await pilot.press("down", "p", "escape")
        await pilot.pause()
        assert app.runs.pinned == [] and app.loss_chart.pins == []


async def test_the_runs_table_lists_every_run_and_enter_loads_a_runs_settings_into_the_form():
    app = make_app("linear-3x", epochs=20)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, "lr", "0.02")
        await pilot.press("space")
        await finish_run(pilot)
        await pilot.press("2")  # another view: the table does not care
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("escape")
        app.action_example("parabola-relu")  # the table survives switching examples
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert isinstance(app.screen, RunsScreen) and table.row_count == 1
        assert table.get_row_at(0)[1:3] == ["linear-3x", "lr 0.02, epochs 20"]
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, RunsScreen)
        assert app.session.config.example_id == "linear-3x" and app.form.config.lr == 0.02
        assert app.form.text("lr") == "0.02" and status(app).startswith("ready")


async def test_an_open_runs_table_shows_a_run_that_ends_meanwhile():
    app = make_app("linear-3x", epochs=20)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")  # a paused run, one epoch in
        await wait_for(pilot, lambda: app.session.controller is not None and app.session.controller.epoch == 1,
                       what="the first epoch")
        await pilot.press("t")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.get_row_at(0)[-1] == "paused"  # the controller's state, live
        app.action_toggle_run()  # resumed from here, while the table stays open
        await wait_for(pilot, lambda: table.get_row_at(0)[-1] == "completed", what="the row to show the run's end")
        assert table.get_row_at(0)[4] == "20/20"


async def test_delete_removes_a_run_from_the_table():
    app = make_app("linear-3x", epochs=10)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(2):
            await pilot.press("space")
            await finish_run(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        assert [r.number for r in app.runs.records] == [1]
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RunsScreen), what="the table to close")


async def test_o_races_sgd_momentum_and_adam_side_by_side_and_a_rate_typed_races_again():
    from tui.widgets import RaceScreen

    app = make_app("parabola-sigmoid", epochs=30)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        race = app.screen
        assert isinstance(race, RaceScreen)
        await wait_for(pilot, lambda: race.settled, what="the racers to finish")
        await pilot.pause(0.2)
        assert [s.config.optimizer for s in race.sessions.values()] == ["sgd", "sgd", "adam"]
        assert [s.config.seed for s in race.sessions.values()] == [0, 0, 0]  # the same start
        chart = race.query_one("#race-loss")
        assert [p.label for p in chart.pins] == ["sgd lr 0.001", "momentum lr 0.0001", "adam lr 0.001"]
        words = str(race.query_one("#race-words").render())
        assert "adam (lr 0.001): loss" in words
        field = race.query_one("#race-lr-adam", Input)
        field.focus()
        await pilot.pause()
        await pilot.press("0", ".", "0", "5", "enter")
        await wait_for(pilot, lambda: race.sessions["adam"].config.lr == 0.05, what="the race to restart")
        field.value = "-1"  # a bad rate is refused with the field's message, named as the field is
        await pilot.press("enter")
        assert "adam lr: '-1' is not allowed" in str(race.query_one("#race-error").render())
        app.set_focus(None)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RaceScreen), what="the race to close")


async def test_the_race_and_the_sweep_refuse_nudge_3x_which_has_no_optimizer():
    app = make_app("nudge-3x")
    async with app.run_test() as pilot:
        await pilot.press("o", "w")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]


async def test_w_sweeps_into_a_heatmap_the_cursor_shows_a_cell_and_enter_opens_it_in_the_form():
    from tui.widgets import SweepScreen
    from tui.widgets.views.heatmap import Heatmap

    app = make_app("parabola-sigmoid", epochs=20)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        sweep = app.screen
        assert isinstance(sweep, SweepScreen)
        await wait_for(pilot, lambda: sweep.query_one(Heatmap).result is not None, what="the sweep to finish")
        heatmap = sweep.query_one(Heatmap)
        assert heatmap.bins.shape == (12, 12) and heatmap.own == heatmap.cursor == (4, 1)
        await pilot.press("down", "right", "right")
        assert heatmap.cursor == (5, 3)
        cell = heatmap.cell
        assert str(sweep.query_one("#sweep-cell").render()).startswith(f"lr {cell.lr:g}  momentum {cell.momentum:g}: loss")
        await pilot.press("up", "up", "up", "up", "up", "up", "left", "left", "left", "left")  # held at the edges
        assert heatmap.cursor == (0, 0)
        await pilot.press("down", "right", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, SweepScreen)
        chosen = sweep._result.cell(1, 1)
        assert app.form.config.lr == chosen.lr and app.form.config.momentum == chosen.momentum
        assert app.session.config == app.form.config and status(app).startswith("ready")


async def test_a_burst_of_closing_keys_closes_each_screen_once_and_main_screen_keys_wait_meanwhile():
    app = make_app("linear-3x", epochs=10)
    async with app.run_test() as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        await pilot.press("t", "enter", "t", "escape")  # enter closes the table; t reopens it, escape closes it
        await pilot.pause()
        assert app.is_running and len(app.screen_stack) == 1
        await pilot.press("o", "space", "r", "escape", "escape")  # space waits under the race
        await pilot.pause()
        assert app.is_running and len(app.screen_stack) == 1 and app.runs.started == 1
