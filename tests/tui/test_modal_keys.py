"""What modal screens share. The app's quit key works from every screen: over a modal screen Textual does not
pass the app's plain keys on, so each modal screen binds ctrl+c itself (tui/widgets/modal.py), from the key
table. And the main screen under a modal stops repainting its charts and status line: only bytes, unseen."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.screen import ModalScreen

from tui.keys import modal_bindings
from tui.widgets.modal import Modal
from tui_helpers import make_app, start_run, status, wait_for


def test_every_modal_screen_sends_ctrl_c_to_the_apps_quit():
    assert [(b.key, b.action) for b in modal_bindings()] == [("ctrl+c", "app.quit")]
    assert all(isinstance(b, Binding) and not b.show for b in modal_bindings())


def test_every_modal_screen_of_the_app_is_a_modal():
    import tui.widgets as widgets

    screens = [obj for obj in vars(widgets).values() if isinstance(obj, type) and issubclass(obj, ModalScreen)]
    assert len(screens) >= 8 and all(issubclass(screen, Modal) for screen in screens), screens


@pytest.mark.parametrize("key, screen", [("question_mark", "HelpScreen"), ("c", "CodeScreen"), ("t", "RunsScreen")])
async def test_ctrl_c_quits_from_a_modal_screen(key, screen):
    app = make_app("linear-3x", epochs=20)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(key)
        await wait_for(pilot, lambda: type(app.screen).__name__ == screen, what=f"{screen} to open")
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert app.return_code == 0


async def test_the_charts_under_a_modal_screen_wait_and_catch_up_when_it_closes():
    app = make_app("linear-3x", speed="slow", epochs=1_000_000)  # slow: a run takes 20 s, still training here
    async with app.run_test(size=(80, 24)) as pilot:
        await start_run(pilot, epochs=2)
        app.action_runs()  # the action, not the key: Pilot waits up to 2 s after a key for a process that trains
        await wait_for(pilot, lambda: type(app.screen).__name__ == "RunsScreen", what="the runs table")
        await pilot.pause(0.3)  # the table's own first layout settled (on a loaded machine a chart once drew here)
        draws, words = app.loss_chart.draws, status(app)
        epoch = app.session.epoch
        await wait_for(pilot, lambda: app.session.epoch >= epoch + 5, what="more epochs under the table")
        await pilot.pause(0.3)
        assert app.loss_chart.draws == draws and status(app) == words
        app.pop_screen()
        await wait_for(pilot, lambda: app.loss_chart.draws > draws, what="the charts to catch up")
        await wait_for(pilot, lambda: status(app) != words, what="the status line to catch up")
