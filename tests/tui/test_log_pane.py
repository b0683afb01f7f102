"""The log shows every character of every line, however the lines wrap, and re-wraps when the terminal
changes size (RichLog alone lost the last column of lines written before its scrollbar appeared, and kept
rows wrapped at the old width)."""

from __future__ import annotations

import pytest

from tui_helpers import make_app

LINES = [f"iteration {i:4d}  weight {0.8 + i / 20:.3f}  error {-6.4 + i / 7:.3f}  -> nudge up to {0.9 + i / 20:.3f}"
         f"  at x=6" for i in range(1, 40)]


async def screen_rows(app, pilot, log) -> list[str]:
    """Every row of the log as the screen shows it (scrolling through it), without the scrollbar column."""
    rows, y = {}, 0
    while True:
        log.scroll_to(y=y, animate=False, immediate=True)
        await pilot.pause()
        area = log.scrollable_content_region
        strips = app.screen._compositor.render_strips()
        top = round(log.scroll_offset.y)
        for i in range(area.height):
            if top + i < log.virtual_size.height:
                rows[top + i] = strips[area.y + i].crop(area.x, area.right).text
        if top + area.height >= log.virtual_size.height:
            return [rows[k] for k in sorted(rows)]
        y = top + area.height


def characters(texts: list[str]) -> str:
    return "".join(texts).replace(" ", "")


@pytest.mark.parametrize("size", [(80, 24), (100, 34)])  # sizes at which these lines wrap
async def test_every_character_shows_when_lines_wrap_and_after_a_resize(size):
    app = make_app("nudge-3x")
    async with app.run_test(size=size) as pilot:
        log = app.log_pane
        for k in range(0, len(LINES), 3):  # three lines a tick, as a run writes them
            log.write_lines(LINES[k:k + 3])
            await pilot.pause(0.02)
        narrow = await screen_rows(app, pilot, log)
        assert characters(narrow) == characters(LINES)
        await pilot.resize_terminal(size[0] + 40, size[1])
        await pilot.pause(0.2)
        wide = await screen_rows(app, pilot, log)
        assert characters(wide) == characters(LINES)
        assert len(wide) < len(narrow), "rows wrapped at the old width were kept"
