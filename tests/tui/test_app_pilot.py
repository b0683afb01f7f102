"""The app, driven by keys through Textual's Pilot: runs, the form, run control, examples, quitting."""

from __future__ import annotations

import subprocess
import sys
import threading

import numpy as np
import pytest
from textual.widgets import Input, OptionList

from engine import EXAMPLES
from tui.session import TRAIN_THREAD_NAME
from tui.widgets import HelpScreen, TooSmall
from tui.widgets.help_screen import ExampleInfoScreen
from tui_helpers import finish_run, make_app, start_run, status, wait_for


def training_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == TRAIN_THREAD_NAME and t.is_alive()]


async def test_space_drives_a_short_run_to_finished():
    app = make_app("linear-3x", epochs=30)
    async with app.run_test(size=(120, 40)) as pilot:
        assert status(app).startswith("ready  epoch 0/30  loss –")
        await pilot.press("space")
        await finish_run(pilot)
        words = status(app)
        assert words.startswith("finished  epoch 30/30  loss ")
        assert "epochs/s" not in words
        assert app.loss_chart.draws >= 2 and app.fit_chart.draws >= 2
        log = app.log_pane.lines_written
        assert log[0].startswith("linear-3x:") and any(line.startswith("learned y = ") for line in log[-3:])
        assert log[-1].startswith("error against the true function: inside the training range")


@pytest.mark.parametrize("example", [e.id for e in EXAMPLES])
async def test_every_example_runs_from_the_keyboard(example):
    app = make_app(example, epochs=12)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        assert app.session.state in ("completed", "converged")
        assert app.session.epoch >= 1
        assert app.fit_chart.predict is not None


async def test_the_status_line_counts_epochs_and_epochs_per_second_while_running():
    app = make_app("parabola-relu", speed="slow", epochs=4000)
    async with app.run_test() as pilot:
        await pilot.press("space")
        await wait_for(pilot, lambda: "epochs/s" in status(app), what="the rate to show")
        words = status(app)
        assert words.startswith("running  epoch ") and "/4000" in words and "epochs/s" in words
        await pilot.press("q")


BAD_LEARNING_RATES = {
    # the form names the field as its label does; `nudge run` says --lr, a file lr, with the same explanation
    "abc": "learning rate: 'abc' is not allowed; expected a number > 0 and <= 10",
    "-1": "learning rate: '-1' is not allowed; expected a number > 0 and <= 10",
    "nan": "learning rate: 'nan' is not allowed; expected a number > 0 and <= 10",
    "1e9": "learning rate: '1e9' is not allowed; expected a number > 0 and <= 10",
    "": "learning rate: empty; expected a number > 0 and <= 10",
    "[/]": "learning rate: '[/]' is not allowed; expected a number > 0 and <= 10",  # shown as typed, not as markup
}


async def test_the_form_rejects_letters_negatives_nan_huge_and_empty_with_the_engines_message():
    app = make_app("linear-3x")
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.query_one("#in-lr", Input)
        row = app.query_one("#row-lr")
        for bad, message in BAD_LEARNING_RATES.items():
            field.focus()
            await pilot.pause()  # focusing a field selects its text, so typing replaces it
            await pilot.press(*list(bad) or ["backspace"])
            assert row.has_class("-invalid"), bad
            assert str(row.query_one(".field-error").render()) == message
            assert app.form.config is None
            await pilot.press("escape", "space")  # leave the form, try to start
            assert not app.session.started and app.is_running
            assert app.focused is field  # sent back to the field that is wrong


async def test_fixing_the_field_makes_the_form_valid_again():
    app = make_app("linear-3x")
    async with app.run_test() as pilot:
        field = app.query_one("#in-lr", Input)
        field.value = "zero"
        await pilot.pause()
        assert app.form.config is None
        field.value = "0.05"
        await pilot.pause()
        assert app.form.config is not None and app.form.config.lr == 0.05
        assert not app.query_one("#row-lr").has_class("-invalid")


async def test_a_cross_field_problem_is_shown_on_the_field_it_names():
    app = make_app("linear-3x")
    async with app.run_test() as pilot:
        app.query_one("#in-x_max", Input).value = "-3"
        await pilot.pause()
        assert app.query_one("#row-x_max").has_class("-invalid")
        assert "x to: -3 must be greater than x from (1)" in str(app.query_one("#row-x_max .field-error").render())


async def test_only_the_examples_own_fields_are_shown():
    app = make_app("nudge-3x")
    async with app.run_test() as pilot:
        assert app.query_one("#row-step").display and not app.query_one("#row-lr").display
        app._switch_example("parabola-relu")
        await pilot.pause()
        assert app.query_one("#row-lr").display and not app.query_one("#row-step").display
        assert app.query_one("#in-hidden", Input).value == "10,10"


async def test_editing_the_form_before_a_run_previews_the_data():
    app = make_app("linear-noisy")
    async with app.run_test() as pilot:
        field = app.query_one("#in-points", Input)
        field.focus()
        field.value = "25"
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.fit_chart.data.x) == 25
        assert status(app).startswith("ready  epoch 0/101")


async def test_pause_step_and_reset():
    app = make_app("parabola-relu", speed="slow", epochs=4000)
    async with app.run_test() as pilot:
        await start_run(pilot, epochs=2)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.session.state == "paused", what="the pause")
        paused_at = app.session.epoch
        await pilot.pause(0.3)
        assert app.session.epoch == paused_at
        assert status(app).startswith(f"paused  epoch {paused_at}/4000")

        await pilot.press("n")
        await wait_for(pilot, lambda: app.session.epoch == paused_at + 1, what="one more epoch")
        await pilot.pause(0.2)
        assert app.session.epoch == paused_at + 1 and app.session.state == "paused"

        old = app.session
        await pilot.press("r")
        await wait_for(pilot, old.done.is_set, timeout=0.5 + 1, what="the old worker to return")
        assert app.session is not old and not app.session.started
        assert status(app).startswith("ready  epoch 0/4000  loss –")
        assert len(app.session.history) == 0 and app.log_pane.lines_written == []


async def test_step_from_ready_trains_exactly_one_epoch():
    app = make_app("linear-3x")
    async with app.run_test() as pilot:
        await pilot.press("n")
        await wait_for(pilot, lambda: app.session.epoch == 1 and app.session.state == "paused",
                       what="one epoch")
        await pilot.press("space")  # resume to the end
        await finish_run(pilot)
        assert app.session.epoch == 201


async def test_space_after_a_finished_run_starts_a_fresh_one():
    app = make_app("linear-3x", epochs=20)
    async with app.run_test() as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        first = app.session
        await pilot.press("space")
        await finish_run(pilot)
        assert app.session is not first and app.session.epoch == 20


async def test_a_mid_run_learning_rate_key_reaches_the_engine_and_marks_the_chart():
    app = make_app("parabola-relu", speed="slow", epochs=4000)
    async with app.run_test() as pilot:
        await start_run(pilot, epochs=2)
        controller = app.session.controller
        await pilot.press("plus")
        await wait_for(pilot, lambda: controller.config.lr == 0.003, what="the engine to take lr 0.003")
        await wait_for(pilot, lambda: len(app.session.history.changes) == 1, what="the change to arrive")
        change = app.session.history.changes[0]
        assert (change.name, change.old, change.new) == ("lr", 0.001, 0.003)
        assert app.query_one("#in-lr", Input).value == "0.003"
        assert "lr 0.003" in status(app)
        assert app.loss_chart.changes == [change] and "lr 0.001→0.003" in app.loss_chart.title
        assert app.session.state == "running"  # no reset
        await pilot.press("q")


async def test_a_learning_rate_typed_in_the_form_applies_mid_run_on_enter():
    app = make_app("parabola-relu", speed="slow", epochs=4000)
    async with app.run_test() as pilot:
        await start_run(pilot, epochs=2)
        controller = app.session.controller
        app.query_one("#in-lr", Input).focus()
        await pilot.pause()
        await pilot.press("0", ".", "0", "2", "enter")
        await wait_for(pilot, lambda: controller.config.lr == 0.02, what="the engine to take lr 0.02")
        await wait_for(pilot, lambda: app.session.history.changes, what="the change to arrive")
        assert app.session.history.changes[-1].new == 0.02
        await pilot.press("escape", "q")


async def test_other_fields_changed_mid_run_wait_for_the_next_start():
    app = make_app("parabola-relu", speed="slow", epochs=4000)
    async with app.run_test() as pilot:
        await start_run(pilot, epochs=1)
        app.query_one("#in-epochs", Input).value = "50"
        await pilot.pause()
        assert app.session.config.epochs == 4000 and app.session.active
        assert app.query_one("#row-epochs").has_class("-pending")
        assert "applies when you reset" in str(app.query_one("#form-hint").render())
        await pilot.press("r")
        await pilot.pause()
        assert app.session.config.epochs == 50
        assert not app.query_one("#row-epochs").has_class("-pending")


async def test_the_speed_key_cycles_and_repaces_a_run_in_progress():
    app = make_app("parabola-relu", speed="slow", epochs=4000)
    async with app.run_test() as pilot:
        await start_run(pilot, epochs=1)
        await pilot.press("s")
        assert app.speed.name == "watch" and "speed watch" in status(app)
        assert app.session.controller.pace == pytest.approx(800)
        await pilot.press("q")


async def test_switching_example_mid_run_stops_the_worker_within_half_a_second():
    app = make_app("parabola-relu", speed="slow", epochs=4000)
    async with app.run_test() as pilot:
        await start_run(pilot, epochs=2)
        old = app.session
        app.query_one("#example-list", OptionList).focus()
        await pilot.press("home", "enter")
        assert old.done.wait(0.5), "the old worker was still training half a second later"
        assert old.controller.state == "stopped"
        assert app.session.config.example_id == "nudge-3x" and not app.session.started
        assert status(app).startswith("ready  iteration 0/90")
        await pilot.press("s", "s", "s", "space")  # slow -> watch -> fast -> max, and go
        await finish_run(pilot)
        assert app.session.state == "converged"


async def test_quitting_mid_run_leaves_no_training_thread_behind():
    app = make_app("parabola-relu", speed="slow", epochs=4000)
    async with app.run_test() as pilot:
        await start_run(pilot, epochs=2)
        assert training_threads()
        session = app.session
        await pilot.press("q")
    assert session.done.is_set()
    assert session.controller.state == "stopped"
    assert training_threads() == []


async def test_help_lists_the_keys_and_what_the_example_teaches():
    app = make_app("parabola-sigmoid")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text
        for key in ("space", "n", "r", "+ / -", "s", "l", "e", "m", "q / ctrl+q"):
            assert key in text
        assert "A parabola with a tiny sigmoid net" in text and "run it again" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


def test_every_binding_comes_from_the_key_table_and_has_a_help_line():
    from tui.app import NudgeApp
    from tui.keys import KEYS, help_rows

    helped = " ".join(keys for keys, _ in help_rows())
    names = {"plus": "+", "equals_sign": "+", "minus": "-", "question_mark": "?"}
    table = {(name, key.action) for key in KEYS for name in key.keys.split(",")}
    for binding in NudgeApp.BINDINGS:
        for name in binding.key.split(","):
            assert (name, binding.action) in table, name
            assert names.get(name, name) in helped, name


def test_the_readme_key_table_is_the_key_table():
    from pathlib import Path

    from tui.keys import markdown_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert markdown_table() in readme, "README's key table differs from tui/keys.py: paste keys.markdown_table()"


async def test_i_shows_the_longer_explanation():
    app = make_app("linear-noisy")
    async with app.run_test() as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, ExampleInfoScreen)
        assert "Real data is noisy" in str(app.screen.query_one("#info-text").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, ExampleInfoScreen)


async def test_chart_keys_toggle_log_scale_smoothing_and_the_marker():
    app = make_app("linear-3x", epochs=50)
    async with app.run_test() as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        chart = app.loss_chart
        assert chart.log_scale and not chart.smooth and chart.marker == "braille"
        draws = chart.draws
        await pilot.press("l", "e", "m")
        assert not chart.log_scale and chart.smooth and chart.marker == "hd"
        assert app.fit_chart.marker == "hd"
        assert chart.draws == draws + 3
        assert "linear" in chart.title and "smoothed over" in chart.title and "raw" in chart.title


async def test_a_too_small_terminal_gets_a_notice_instead_of_panels():
    app = make_app()
    async with app.run_test(size=(60, 16)) as pilot:
        notice = app.query_one(TooSmall)
        assert notice.display and not app.query_one("#body").display
        assert "at least 70×20" in str(notice.render()) and "60×16" in str(notice.render())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not notice.display and app.query_one("#body").display


async def test_the_status_says_torch_is_loading_until_the_background_warm_up_is_done(monkeypatch):
    import tui.app
    from engine import RunConfig

    release = threading.Event()
    monkeypatch.setattr(tui.app, "warm_up", lambda: release.wait(10))
    app = tui.app.NudgeApp(RunConfig.for_example("linear-3x"))  # with the background warm-up
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.torch_loading, what="the warm-up to start after the first frame")
        assert status(app).startswith("loading torch…  epoch 0/201")
        release.set()
        await wait_for(pilot, lambda: not app.torch_loading, what="the warm-up to finish")
        assert status(app).startswith("ready  epoch 0/201")


def test_the_first_frame_needs_no_torch():
    """Importing the app and drawing its first screen must not import torch (1.2 s)."""
    script = (
        "import asyncio, sys\n"
        "from engine import RunConfig\n"
        "from tui.app import NudgeApp\n"
        "async def main():\n"
        "    app = NudgeApp(RunConfig.for_example('parabola-relu'), warm_up=False)\n"
        "    async with app.run_test() as pilot:\n"
        "        await pilot.pause()\n"
        "asyncio.run(main())\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


async def test_a_run_with_a_learning_rate_that_blows_up_says_diverged_with_a_hint():
    app = make_app("linear-3x", lr=5.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        words = status(app)
        assert words.startswith("diverged  epoch ")
        assert "learning rate (5) is probably too high; try 0.5" in words


async def test_the_command_palette_offers_every_action():
    from textual.command import CommandPalette

    from tui.commands import commands

    titles = [title for title, _, _ in commands()]
    for title in ("Run / pause", "Step one epoch", "Reset", "Defaults: this example's settings", "Learning rate up",
                  "Learning rate down", "Speed: watch", "Speed: max", "Toggle log scale", "Toggle smoothing",
                  "Cycle chart marker", "Help", "About this example", "Quit"):
        assert title in titles
    assert sum(title.startswith("Example: ") for title in titles) == len(EXAMPLES)
    app = make_app("linear-3x")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"speed max")
        found = app.screen.query_one("CommandList")
        await wait_for(pilot, lambda: found.option_count and "Speed: max" in str(found.get_option_at_index(0).prompt),
                       timeout=5, what="the palette to find the command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.speed.name == "max", timeout=5, what="the palette to run it")


async def test_a_many_seed_run_shows_the_median_and_finishes():
    app = make_app("parabola-sigmoid", epochs=40, seeds=3)
    async with app.run_test() as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        assert status(app).startswith("finished  epoch 40/40")
        assert any("(seeds " in line for line in app.log_pane.lines_written)
        assert app.fit_chart.draws >= 2


async def test_many_seeds_of_the_nudge_learner_run_in_the_app():
    app = make_app("nudge-3x", seeds=3)
    async with app.run_test() as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        assert app.session.state == "converged"
        assert app.log_pane.lines_written[-1] == "3 seeds: 3 converged"


async def test_momentum_typed_in_the_form_applies_mid_run():
    app = make_app("parabola-relu", speed="slow", epochs=4000)
    async with app.run_test() as pilot:
        await start_run(pilot, epochs=2)
        controller = app.session.controller
        app.query_one("#in-momentum", Input).focus()
        await pilot.pause()
        await pilot.press("0", ".", "5", "enter")
        await wait_for(pilot, lambda: controller.config.momentum == 0.5, what="the engine to take momentum 0.5")
        await pilot.press("escape", "q")


async def test_a_run_that_fails_says_so_and_the_app_keeps_going(monkeypatch):
    import tui.session
    from engine import RunController

    class Failing(RunController):
        def _loop(self, learner):
            raise RuntimeError("the kernel fell over")

    monkeypatch.setattr(tui.session, "RunController", Failing)
    app = make_app("linear-3x")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        assert status(app).startswith("failed  epoch 0/201")
        assert "RuntimeError: the kernel fell over" in status(app)
        assert app.log_pane.lines_written[-1] == "failed: RuntimeError: the kernel fell over"
        assert app.is_running


async def test_at_80x24_the_list_opens_only_while_it_has_focus_so_every_field_shows():
    app = make_app("parabola-relu")
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused.id == "loss"
        listing = app.query_one("#example-list")
        assert listing.size.height == 1
        rows = [row for row in app.query(".field-row") if row.display]
        assert len(rows) == 18 and all(row.region.bottom <= 22 for row in rows), "a field is off screen"
        assert app.fit_chart.size.height >= 9
        listing.focus()
        await pilot.pause()
        assert listing.size.height == 7  # every example


async def test_tab_walks_from_the_list_through_the_form_to_the_charts_and_the_log():
    app = make_app("nudge-3x")
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.focused.id == "example-list"
        await pilot.press("tab")
        assert app.focused.id == "in-epochs"  # the first field of this example
        order = []
        for _ in range(12):
            await pilot.press("tab")
            order.append(app.focused.id)
            if app.focused.id == "log":
                break
        assert order[-3:] == ["loss", "fit", "log"]
        assert all(name.startswith("in-") for name in order[:-3])
        await pilot.press("tab")
        assert app.focused.id == "example-list"


async def test_the_fit_chart_follows_settled_values_not_half_typed_ones():
    app = make_app("parabola-relu")
    async with app.run_test(size=(120, 40)) as pilot:
        field = app.query_one("#in-x_min", Input)
        field.focus()
        field.value = ""
        await pilot.press("1", "0")  # on the way to 10, which is past x to (5): invalid
        await pilot.pause()
        assert app.fit_chart.config.x_min == -5.0, "the chart showed a half-typed value"
        await pilot.press("backspace", "enter")  # 1 is a settled, valid value
        await pilot.pause()
        assert app.fit_chart.config.x_min == 1.0


async def test_g_runs_again_from_the_next_seed_and_r_keeps_the_seed():
    app = make_app("parabola-sigmoid", epochs=20)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        def weights():
            return np.concatenate([np.ravel(p) for p in app.session.controller.result.params])

        first = weights()
        await pilot.press("r")
        assert app.session.config.seed == 0 and not app.session.started
        await pilot.press("g")
        await finish_run(pilot)
        assert app.session.config.seed == 1 and app.query_one("#in-seed", Input).value == "1"
        assert not np.array_equal(weights(), first)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_each_view_opens_mid_run_and_follows_it(size):
    from tui.widgets.view_deck import VIEW_TITLES

    app = make_app("parabola-relu", speed="slow", epochs=4000)
    async with app.run_test(size=size) as pilot:
        await start_run(pilot, epochs=2)
        for key, (view_id, _) in zip("12345", VIEW_TITLES):
            await pilot.press(key)
            deck = app.views
            if view_id == "loss-curve":  # a 141-weight net has no single weight to draw the loss over
                assert deck.current_widget() is None
                assert "does not apply" in str(deck.query_one("NotApplicable").render())
                continue
            widget = deck.current_widget()
            assert widget is not None and widget.id == view_id
            draws = widget.draws
            await wait_for(pilot, lambda: widget.draws > draws, timeout=10, what=f"{view_id} to redraw mid-run")
            assert widget.size.height >= 8 and widget.size.width >= 40
        await pilot.press("q")


async def test_the_loss_curve_view_applies_again_when_a_one_weight_example_is_loaded():
    app = make_app("parabola-relu")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        assert app.views.current_widget() is None
        app._switch_example("linear-3x")
        await pilot.pause()
        assert app.views.current_widget().id == "loss-curve"


async def test_a_trains_the_net_without_non_linearity():
    app = make_app("parabola-relu", epochs=50)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await finish_run(pilot)
        assert app.session.config.activations == ("identity", "identity")
        await pilot.press("d")
        assert app.form.config.activation == ("relu",)


async def test_help_and_about_open_uncovered_by_toasts():
    app = make_app("linear-3x")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("m", "m", "m", "m")
        await pilot.pause()
        assert len(app._notifications) == 1  # each toast replaced the one before
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ExampleInfoScreen) and len(app._notifications) == 0


async def test_a_loss_that_blows_up_at_once_is_labelled_on_the_loss_chart():
    app = make_app("linear-3x", lr=10, epochs=5)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        assert app.session.state == "diverged" and app.session.epoch == 1
        await pilot.pause()
        import re

        drawn = re.sub(r"\x1b\[[0-9;]*m", "", app.loss_chart.plt.build())
        assert re.search(r"epoch 1: loss \d\.\d+e\+29", drawn)  # the one point, labelled with its loss (~4e29)


async def test_held_out_points_are_drawn_apart_and_their_loss_beside_the_training_loss():
    app = make_app("parabola-relu", epochs=40, test_fraction=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.fit_chart.held_out.sum() == 2 and "held out" in app.fit_chart.title
        await pilot.press("space")
        await finish_run(pilot)
        assert len(app.session.history.column("test_loss")) and "held out" in app.loss_chart.title
        assert any(line.startswith("held-out loss ") for line in app.log_pane.lines_written)


async def test_stepping_a_one_weight_model_logs_each_steps_weight_gradient_and_loss():
    app = make_app("linear-3x")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await pilot.press("n")
            await pilot.pause(0.2)
        await wait_for(pilot, lambda: app.session.epoch >= 3, what="three steps")
        await pilot.pause(0.3)
        rows = [line for line in app.log_pane.lines_written if line.startswith("epoch")]
        assert [row.split()[1] for row in rows] == ["1", "2", "3"]
        assert all("weight" in row and "grad" in row and "loss" in row for row in rows)
