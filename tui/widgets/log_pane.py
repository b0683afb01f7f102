"""The log pane: the seed-style lines (weight, gradient, loss every k epochs), for those who read.

RichLog wraps a line once, at the width it has when the line is written, and keeps the wrapped rows. Two
consequences, both handled here: the scrollbar appears only at the next layout, after the write that made
the log overflow, so lines wrapped just before it lost their last column under it (`scrollbar-gutter:
stable` keeps that column reserved from the start); and rows never re-wrap, so after a resize the pane
writes its lines again from their plain copies.
"""

from __future__ import annotations

from textual.events import Resize
from textual.widgets import RichLog

MAX_LINES = 2000


class LogPane(RichLog):
    DEFAULT_CSS = """
    LogPane {
        scrollbar-gutter: stable;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(max_lines=MAX_LINES, wrap=True, min_width=1, markup=False, highlight=False,
                         auto_scroll=True, **kwargs)
        self.border_title = "Log"
        self.lines_written: list[str] = []  # plain copies: for tests and export, and to re-wrap on resize
        self._wrapped_at = 0

    def write_lines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)
        self.lines_written += lines
        del self.lines_written[:-MAX_LINES]
        self._wrapped_at = self.scrollable_content_region.width

    def reset(self) -> None:
        self.clear()
        self.lines_written = []

    def on_resize(self, event: Resize) -> None:
        # (Textual runs RichLog's own on_resize after this one: handlers run for each class in the MRO.)
        width = self.scrollable_content_region.width
        if self.lines_written and width != self._wrapped_at:
            lines, self.lines_written = self.lines_written, []
            self.clear()
            self.write_lines(lines)
