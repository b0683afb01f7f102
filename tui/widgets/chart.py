"""What both charts share: a PlotextPlot that redraws only when told its data changed.

The app's timer calls `redraw()` at the chart rate; a chart whose data did not change since its last
draw does nothing, so an idle or paused screen costs nothing and sends nothing.
"""

from __future__ import annotations

import time

from textual import events
from textual.app import ComposeResult, RenderResult
from textual.containers import Vertical
from textual.color import Color
from textual_plotext import PlotextPlot

from ..ansi import ansi_text
from ..presets import MARKERS
from ..series import format_tick, nice_ticks

Y_AXIS_COLUMNS = 9  # room plotext takes for y tick labels and the frame
FRAME_MIN_ROWS = 12  # shorter charts drop plotext's frame: two more rows for the curve


class ChartPanel(Vertical):
    """The titled frame around a chart. The title lives here, outside the chart's own region, so a chart
    repaint does not resend its title line."""

    def __init__(self, chart: "Chart", **kwargs) -> None:
        super().__init__(**kwargs)
        self.chart = chart

    def compose(self) -> ComposeResult:
        yield self.chart


class Chart(PlotextPlot):
    can_focus = True

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.marker = MARKERS[0]
        self.dirty = True
        self.draws = 0  # how many times the plot was rebuilt (tests and benchmarks read it)
        self.build_seconds = 0.0  # how long the last plotext build (the render) took
        self._title = ""

    @property
    def title(self) -> str:
        """The chart's title (markup), shown by its panel."""
        return self._title

    @title.setter
    def title(self, markup: str) -> None:
        self._title = markup
        target = self.parent if isinstance(self.parent, ChartPanel) else self
        if target is not None and target.border_title != markup:
            target.border_title = markup

    def on_mount(self) -> None:  # (Textual calls PlotextPlot's on_mount too)
        self.title = self._title  # now that the panel is there

    @property
    def columns(self) -> int:
        return self.size.width or 80

    @property
    def rows(self) -> int:
        return self.size.height or 20

    @property
    def canvas_rows(self) -> int:
        """The rows plotext plots in (the y a label is drawn at maps onto these): the chart's height less the
        frame's top and bottom lines and the row of x tick labels every chart has."""
        return self.rows - (2 if self.rows >= FRAME_MIN_ROWS else 0) - 1

    @property
    def marker_dots(self) -> int:
        """Dots a cell holds upright in this chart's marker (plotext's marker_factor): where a line's end is."""
        return {"braille": 4, "fhd": 3, "hd": 2}.get(self.marker, 1)

    @property
    def budget(self) -> int:
        """Points per series: about one per column of the plotting area."""
        return max(16, self.columns - Y_AXIS_COLUMNS)

    @property
    def canvas_rgb(self) -> tuple[int, int, int]:
        """The plot's background (the app theme's surface), for text drawn on it."""
        return Color.parse(self.app.theme_variables.get("surface", "#000000")).rgb

    def mark_dirty(self) -> None:
        self.dirty = True

    def set_marker(self, marker: str) -> None:
        self.marker = marker
        self.dirty = True

    def redraw(self) -> bool:
        """Rebuild the plot if its data changed; True if it did."""
        if not self.dirty or not self.display:
            return False
        self.dirty = False
        self.plt.clear_figure()
        self.plt.frame(self.rows >= FRAME_MIN_ROWS)
        self.draw(self.plt)
        self.draws += 1
        self.refresh()
        return True

    def render(self) -> RenderResult:
        # PlotextPlot.render, with plotext's output read by `ansi_text` instead of rich's general decoder.
        plot = self.plt
        plot.plotsize(self.size.width, self.size.height)
        plot._set_size(self.size.width, self.size.height)  # as PlotextPlot does: plotsize alone misses resizes
        plot.theme(self._get_plotext_theme_name(self.app.theme))
        started = time.perf_counter()
        try:
            return ansi_text(plot.build())
        finally:
            self.build_seconds = time.perf_counter() - started

    def range_axes(self, plt, x_min: float, x_max: float, limits: tuple[float, float]) -> None:
        """x from x_min to x_max and y within `limits`, with round ticks for this chart's size."""
        plt.xlim(x_min, x_max)
        plt.ylim(*limits)
        xticks = nice_ticks(x_min, x_max, max(2, self.columns // 10))
        plt.xticks(xticks, [format_tick(t) for t in xticks])
        yticks = nice_ticks(*limits, max(2, self.rows // 3))
        plt.yticks(yticks, [format_tick(t) for t in yticks])

    def draw(self, plt) -> None:  # pragma: no cover - each chart draws its own
        raise NotImplementedError

    def on_resize(self, event: events.Resize) -> None:
        # A new width means a new point budget: rebuild at once (the resize repaints anyway).
        self.dirty = True
        self.redraw()
