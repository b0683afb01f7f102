"""The log pane: the seed-style lines (weight, gradient, loss every k epochs), for those who read."""

from __future__ import annotations

from textual.widgets import RichLog

MAX_LINES = 2000


class LogPane(RichLog):
    def __init__(self, **kwargs) -> None:
        super().__init__(max_lines=MAX_LINES, wrap=True, min_width=20, markup=False, highlight=False, auto_scroll=True,
                         **kwargs)
        self.border_title = "Log"
        self.lines_written: list[str] = []  # plain copies, for tests and export

    def write_lines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)
        self.lines_written += lines
        del self.lines_written[:-MAX_LINES]

    def reset(self) -> None:
        self.clear()
        self.lines_written = []
