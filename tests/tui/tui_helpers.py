"""Shared helpers for the app's tests: build the app without the background torch warm-up, and wait on
the training worker properly (a CPU-bound thread makes `pilot.pause()` slow, so tests poll briefly)."""

from __future__ import annotations

import time
from typing import Callable


from engine import RunConfig
from tui.app import NudgeApp


def make_app(example: str = "linear-3x", *, speed: str = "max", **overrides) -> NudgeApp:
    """The app on this example, no background warm-up (so the status is deterministic)."""
    return NudgeApp(RunConfig.for_example(example, **overrides), warm_up=False, speed=speed)


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    """Let the app run until `condition()` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.02)


async def start_run(pilot, epochs: int = 1) -> None:
    """Press space and wait until the run has trained `epochs` epochs."""
    await pilot.press("space")
    await wait_for(pilot, lambda: pilot.app.session.epoch >= epochs, what="the run to start")


async def finish_run(pilot) -> None:
    """Wait until the run has ended and the app has drawn its final state."""
    app = pilot.app
    await wait_for(pilot, lambda: app.session.final, what="the run to finish")
    # The log pane scrolls to its last line after a refresh, which under load can lag the run's end: give it
    # a moment (best effort: a scrollbar appearing can leave max_scroll_y one row beyond a finished scroll).
    log = app.log_pane
    deadline = time.monotonic() + 1.0
    while log.scroll_y < log.max_scroll_y and time.monotonic() < deadline:
        await pilot.pause(0.02)
    await pilot.pause()


def status(app: NudgeApp) -> str:
    from textual.content import Content

    return Content.from_markup(app.query_one("StatusLine").text).plain


