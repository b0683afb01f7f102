"""What a person sees, pinned as SVG snapshots at 80x24 and 120x40: the idle screen, a finished run and
the help. Fixed seeds and the autograd backend make the curves reproducible; no timing appears on these
screens (epochs per second show only while running).

Update after an intended change with: pytest tests/tui --snapshot-update (then look at the SVGs).
"""

from __future__ import annotations

import pytest

from engine import EXAMPLES
from tui.app import NudgeApp
from tui_helpers import finish_run, make_app

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def app_for(example: str, **overrides) -> NudgeApp:
    return make_app(example, backend="autograd", **overrides)


@pytest.mark.parametrize("size", SIZES)
def test_idle_screen_on_the_first_example(snap_compare, size):
    assert snap_compare(app_for(EXAMPLES[0].id), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_a_finished_run(snap_compare, size):
    async def run_to_the_end(pilot):
        await pilot.press("space")
        await finish_run(pilot)

    assert snap_compare(app_for("parabola-relu", epochs=300), terminal_size=size, run_before=run_to_the_end)


@pytest.mark.parametrize("size", SIZES)
def test_the_help_screen(snap_compare, size):
    assert snap_compare(app_for("parabola-sigmoid"), terminal_size=size, press=["question_mark"])
