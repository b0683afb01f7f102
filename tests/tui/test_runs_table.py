"""The runs table (`t`) while a run trains and in a small terminal: a training run's row counts on in place,
and at 80x24 every column shows without scrolling sideways, the cursor row's diff whole under the table."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from engine import History, RunConfig, finish_record
from tui.widgets import RunsScreen
from tui_helpers import finish_run, make_app, wait_for

LONG_DIFF = dict(lr=0.05, hidden="16,16", momentum=0.5, seeds=3)  # a diff of 46 characters


async def open_table(pilot, rows: int) -> tuple[RunsScreen, DataTable]:
    await pilot.press("t")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RunsScreen)
                   and pilot.app.screen.query_one(DataTable).row_count == rows, what="the runs table")
    await pilot.pause()
    return pilot.app.screen, pilot.app.screen.query_one(DataTable)


async def test_a_training_runs_row_counts_its_epochs_while_the_table_stays_open_and_the_cursor_stays_put():
    # Before, the row showed what it had when the table opened ('0/100000') until the run ended.
    app = make_app("linear-3x", epochs=100_000, speed="slow")
    async with app.run_test(size=(120, 40)) as pilot:
        done = app.runs.add(RunConfig.for_example("linear-3x", epochs=5))  # run #1, over before #2 starts
        finish_record(done, status="completed", history=History(), seconds=0.1, params=None)
        await pilot.press("space")
        app.session.set_pace(50)  # 50 epochs a second: it ends in half an hour, long after the test
        await wait_for(pilot, lambda: app.session.epoch >= 1, what="run #2 to start")
        screen, table = await open_table(pilot, rows=2)
        await pilot.press("down")  # the cursor on the finished run
        fills, repaints = [], []
        original, repaint = screen._fill, table.refresh
        screen._fill = lambda *a, **k: (fills.append(a), original(*a, **k))[1]
        table.refresh = lambda *regions, **k: (table._cell_only or repaints.append(regions), repaint(*regions, **k))[1]
        first = table.get_row_at(0)
        assert first[-1] == "running"
        await wait_for(pilot, lambda: epochs_done(table) > epochs_done_in(first), what="the row to count on")
        await wait_for(pilot, lambda: table.get_row_at(0)[5] != first[5], what="its training time to grow")
        assert app.screen is screen and fills == []  # cells rewritten, the table not laid out anew
        # Only the changed cells are repainted (a cell's region, one line high), never the whole table.
        assert repaints and all(regions and all(r.height == 1 for r in regions) for regions in repaints)
        assert table.cursor_row == 1 and screen._selected().number == 1
        assert table.get_row_at(0)[3] != "–"  # its loss so far
        await pilot.press("up", "delete")  # the training run's row stays: the run is on screen, training on
        await pilot.pause()
        assert [r.number for r in app.runs.records] == [1, 2] and table.row_count == 2


def epochs_done_in(row) -> int:
    return int(str(row[4]).split("/")[0])


def epochs_done(table: DataTable) -> int:
    return epochs_done_in(table.get_row_at(0))


async def test_at_80x24_every_column_fits_without_scrolling_sideways_and_the_diff_shows_whole_below():
    app = make_app("parabola-sigmoid", epochs=5, **LONG_DIFF)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.press("space")
            await finish_run(pilot)
        screen, table = await open_table(pilot, rows=3)
        assert table.virtual_size.width <= table.scrollable_content_region.width and table.max_scroll_x == 0
        row = table.get_row_at(0)
        assert str(row[2]).endswith("…") and [str(c) for c in row[4:]] == ["5/5", row[5], "completed"]
        detail = screen.query_one("#runs-detail", Static).render()
        assert str(detail) == "#3 parabola-sigmoid: lr 0.05, momentum 0.5, epochs 5, hidden 16,16, seeds 3"


async def test_at_120x40_the_same_diff_shows_whole_in_the_table():
    app = make_app("parabola-sigmoid", epochs=5, **LONG_DIFF)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        _, table = await open_table(pilot, rows=1)
        assert str(table.get_row_at(0)[2]) == "lr 0.05, momentum 0.5, epochs 5, hidden 16,16, seeds 3"
        assert table.max_scroll_x == 0
