"""What a person sees, pinned as SVG snapshots at 80x24 and 120x40: the idle screen, a finished run and
the help. Fixed seeds and the autograd backend make the curves reproducible; no timing appears on these
screens (epochs per second show only while running).

Update after an intended change with: pytest tests/tui --snapshot-update (then look at the SVGs).
"""

from __future__ import annotations

import pytest

from engine import EXAMPLES
from tui.app import NudgeApp
from tui_helpers import finish_run, make_app, wait_for

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


# Each teaching view after a short finished run, on an example it applies to. Short runs of small nets keep
# every drawn number far from a rounding edge, so the pictures are the same on every CPU.
VIEW_SHOTS = [pytest.param("2", "linear-3x", 60, id="loss-curve"), pytest.param("3", "parabola-sigmoid", 80, id="network"),
              pytest.param("4", "parabola-sigmoid", 80, id="activations"),
              pytest.param("5", "parabola-sigmoid", 80, id="hidden-units"),
              pytest.param("2", "parabola-relu", 10, id="not-applicable")]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("key, example, epochs", VIEW_SHOTS)
def test_a_view_after_a_run(snap_compare, size, key, example, epochs):
    async def run_then_view(pilot):
        await pilot.press("space")
        await finish_run(pilot)
        await pilot.press(key)
        await pilot.pause()

    assert snap_compare(app_for(example, epochs=epochs), terminal_size=size, run_before=run_then_view)


@pytest.mark.parametrize("size", SIZES)
def test_many_seeds_draw_a_band_and_faint_curves(snap_compare, size):
    async def run_to_the_end(pilot):
        await pilot.press("space")
        await finish_run(pilot)

    assert snap_compare(app_for("parabola-sigmoid", epochs=40, seeds=10), terminal_size=size,
                        run_before=run_to_the_end)


@pytest.mark.parametrize("size", SIZES)
def test_the_runs_table_after_three_runs_one_pinned(snap_compare, size):
    async def three_runs(pilot):
        for keys in (["space"], ["p", "g"], ["g"]):
            await pilot.press(*keys)
            await finish_run(pilot)
        for record in pilot.app.runs.records:  # training times differ from run to run: fix them for the picture
            record.seconds = 0.25
        await pilot.press("t")
        # A loaded machine lays the new screen out a few turns later: wait for its rows, then for idle.
        await wait_for(pilot, lambda: len(pilot.app.screen.query("#runs-table")) == 1
                       and pilot.app.screen.query_one("#runs-table").row_count == 3, what="the runs table")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app_for("parabola-sigmoid", epochs=30), terminal_size=size, run_before=three_runs)


@pytest.mark.parametrize("size", SIZES)
def test_the_sweep_heatmap(snap_compare, size):
    from tui.widgets.views.heatmap import Heatmap

    async def sweep(pilot):
        await pilot.press("w")
        await wait_for(pilot, lambda: pilot.app.screen.query_one(Heatmap).result is not None, what="the sweep")
        await pilot.press("down", "right")
        await pilot.pause()

    # The sweep trains on the kernel (autograd would take 144 runs one by one). After 30 epochs of the tiny net
    # (330 steps: CPU-dependent float32 rounding moves a loss by at most ~2e-5 relative, tests/engine/
    # test_numerics.py) the nearest cell sits 1.9e-4 (relative) from a bin edge (measured), and the scale's ends,
    # the lowest loss and the 90th percentile (lr 1e-4, momentum 0.41: autograd and the kernel agree to 1e-7),
    # are calm cells, so no colour changes on another CPU.
    assert snap_compare(make_app("parabola-sigmoid", epochs=30), terminal_size=size, run_before=sweep)


@pytest.mark.parametrize("size", SIZES)
def test_the_optimizer_race(snap_compare, size):
    from tui.widgets import RaceScreen

    async def race(pilot):
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, RaceScreen) and pilot.app.screen.settled,
                       what="the race")
        await pilot.pause()

    # linear-noisy's sgd and momentum end 1% apart (0.5375 and 0.5308): one row, so their names need a row each.
    # A Linear(1, 1) trained 600 steps: a few float32 operations a step. Measured: torch's generic code path
    # (ATEN_CPU_CAPABILITY=default) gives these very losses, and the kernel, another implementation, is within
    # 1e-7 (relative) of them; the nearest shown number sits 3e-5 (relative) from its rounding edge (adam's
    # 6.8397 as 6.84), so the words and lines are the same on every CPU.
    assert snap_compare(app_for("linear-noisy", epochs=60), terminal_size=size, run_before=race)


@pytest.mark.parametrize("size", SIZES)
def test_the_custom_entry_with_a_mistake_typed(snap_compare, size):
    async def type_a_mistake(pilot):
        pilot.app.query_one("#in-target").value = "sin(x) * 2x"
        await pilot.pause()

    assert snap_compare(app_for("custom"), terminal_size=size, run_before=type_a_mistake)


@pytest.mark.parametrize("size", SIZES)
def test_the_custom_entry_with_a_data_file_typed(snap_compare, size, tmp_path, monkeypatch):
    # x from, x to and points show the file's range and rows, marked as the file's; the fit draws its points.
    (tmp_path / "points.csv").write_text("x,y\n-2,4\n-1,1\n0,0\n1,1\n2,4\n3,9\n")
    monkeypatch.chdir(tmp_path)  # the form shows the path as typed: relative, the same on every machine

    async def type_a_file(pilot):
        for name, text in (("target", ""), ("data", "points.csv")):
            field = pilot.app.query_one(f"#in-{name}")
            field.value = text
            field.focus()
            await pilot.press("enter")
        await wait_for(pilot, lambda: not pilot.app.form.reading, what="the data file to be read")
        await pilot.press("escape")
        await pilot.pause()

    assert snap_compare(app_for("custom"), terminal_size=size, run_before=type_a_file)
