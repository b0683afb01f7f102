"""A sweep's grid as a heatmap of final loss: rows the first axis (the learning rate), columns the second, each
cell coloured by its bin on a log scale (engine.heat_bins), diverged cells marked ×, the example's own setting
in brackets, a cursor on the arrow keys. Enter posts `Heatmap.Opened` with the cell under the cursor.

The numbers (bins, legend, the own cell, a cell's words) come from engine/heatmap.py; this widget only draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from engine import RunConfig, heat_bins, heat_legend, heat_scale, own_cell

#: Bin colours, lowest loss first: a dark-to-bright ramp that stays readable on 256 and 16 colours.
HEAT_COLOURS = ("#1a9850", "#66bd63", "#a6d96a", "#d9ef8b", "#fee08b", "#fdae61", "#f46d43", "#d73027")
DIVERGED = "#555555"
LABEL_WIDTH = 8  # columns for a row's label (`1e-04`)


class Heatmap(Widget, can_focus=True):
    BINDINGS = [
        Binding("up", "move(-1, 0)", "Up", show=False), Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False), Binding("right", "move(0, 1)", "Right", show=False),
        Binding("enter", "open", "Open the cell"),
    ]

    cursor: reactive[tuple[int, int]] = reactive((0, 0))

    @dataclass
    class Opened(Message):
        cell: object  # engine.SweepCell

    @dataclass
    class Moved(Message):
        cell: object

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.result = None
        self.bins = np.zeros((0, 0), dtype=int)
        self.scale = None
        self.own: tuple[int, int] | None = None

    def show(self, result, config: RunConfig) -> None:
        """Draw this sweep (engine.SweepResult); the cursor starts on the example's own setting."""
        self.result = result
        losses = result.grid("loss")
        diverged = result.grid("status") == "diverged"
        self.scale = heat_scale(losses, diverged)
        self.bins = heat_bins(losses, self.scale, diverged)
        self.own = own_cell(result.axes, config)
        self.cursor = self.own or (0, 0)
        self.post_message(self.Moved(self.cell))
        self.refresh()

    @property
    def cell(self):
        if self.result is None:
            return None
        return self.result.cell(*self.cursor)

    def action_move(self, rows: int, columns: int) -> None:
        if self.result is None:
            return
        n, m = self.bins.shape
        i, j = self.cursor
        self.cursor = (min(max(i + rows, 0), n - 1), min(max(j + columns, 0), m - 1))
        self.post_message(self.Moved(self.cell))

    def action_open(self) -> None:
        if self.result is not None:
            self.post_message(self.Opened(self.cell))

    def watch_cursor(self) -> None:
        self.refresh()

    def cell_width(self) -> int:
        columns = max(1, self.bins.shape[1] if self.bins.ndim == 2 else 1)
        return int(min(6, max(2, (self.size.width - LABEL_WIDTH) // columns)))

    def render(self) -> Text:
        if self.result is None:
            return Text("")
        out = Text()
        (row_name, row_values), *rest = self.result.axes
        width = self.cell_width()
        n, m = self.bins.shape
        if rest:
            col_name, col_values = rest[0]
            out.append(f"{row_name} ↓ {col_name} →".ljust(LABEL_WIDTH)[:LABEL_WIDTH] + "\n", style="dim")
            step = max(1, -(-6 // width))  # a label every few columns, so labels never touch
            labels = "\u00a0" * LABEL_WIDTH  # no-break spaces: a line's leading spaces would be dropped
            for j in range(0, m, step):
                labels += f"{col_values[j]:.2g}"[:width * step - 1].ljust(width * step)
            out.append(labels.rstrip() + "\n", style="dim")
        for i in range(n):
            label = f"{row_values[i]:.2g}"
            out.append(label[:LABEL_WIDTH - 1].ljust(LABEL_WIDTH), style="dim")
            for j in range(m):
                out.append_text(self._cell(i, j, width))
            out.append("\n")
        out.append_text(self._legend())
        return out

    def _cell(self, i: int, j: int, width: int) -> Text:
        b = int(self.bins[i, j])
        colour = HEAT_COLOURS[b] if b >= 0 else DIVERGED
        mark = "×" if b < 0 else " "
        body = list(mark.center(width))
        if (i, j) == self.own:
            body[0], body[-1] = "[", "]"
        style = f"on {colour}"
        if (i, j) == self.cursor:
            body[width // 2 - (1 if width > 2 else 0)] = "◆"
            style = f"bold #ffffff on {colour}" if self.has_focus else f"#ffffff on {colour}"
        else:
            style = f"bold #000000 on {colour}"
        return Text("".join(body), style=style)

    def _legend(self) -> Text:
        out = Text("loss ", style="dim")
        for k, low in heat_legend(self.scale):
            out.append("  ", style=f"on {HEAT_COLOURS[k]}")
            out.append(f" {low} ", style="dim")
        out.append("× ", style=f"bold #000000 on {DIVERGED}")
        out.append(" blew up  ", style="dim")
        out.append("[ ]", style="bold")
        out.append(" the example's own setting", style="dim")
        return out
