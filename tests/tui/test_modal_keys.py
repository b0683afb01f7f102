"""The app's quit key works from every screen: over a modal screen Textual does not pass the app's plain keys
on, so each modal screen binds ctrl+c itself (tui/widgets/modal.py), from the key table."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from tui.keys import modal_bindings
from tui.widgets.modal import Modal
from tui_helpers import make_app, wait_for


def test_every_modal_screen_sends_ctrl_c_to_the_apps_quit():
    assert [(b.key, b.action) for b in modal_bindings()] == [("ctrl+c", "app.quit")]
    assert all(isinstance(b, Binding) and not b.show for b in modal_bindings())


@pytest.mark.parametrize("key, screen", [("question_mark", "HelpScreen"), ("i", "ExampleInfoScreen"),
                                         ("c", "CodeScreen"), ("ctrl+s", "FilePrompt"), ("w", "SweepScreen"),
                                         ("t", "RunsScreen"), ("o", "RaceScreen")])
async def test_ctrl_c_quits_from_each_modal_screen(key, screen):
    app = make_app("linear-3x", epochs=20)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(key)
        await wait_for(pilot, lambda: type(app.screen).__name__ == screen, what=f"{screen} to open")
        assert isinstance(app.screen, Modal)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert app.return_code == 0
