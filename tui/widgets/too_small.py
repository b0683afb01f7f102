"""What the app shows instead of its panels when the terminal is too small to draw them."""

from __future__ import annotations

from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 70, 20


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmall(Static):
    def show_size(self, width: int, height: int) -> None:
        self.update(f"nudge needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT};\n"
                    f"this one is {width}×{height}.\n\nMake the window larger, or press q to quit.")
