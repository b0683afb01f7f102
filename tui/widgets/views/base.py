"""What every teaching view shares: where its numbers come from (`ViewSource`), the interface the app drives
(`TeachingView`), and the two shapes a view takes: a plot with a caption under it (`PlotView`) or text
(`TextView`).

The app drives every view the same way, on the UI thread:

    view.show(config, source)   # a new config or run (source None before a run exists); marks it dirty
    view.mark_dirty()           # new epochs arrived
    view.redraw()               # at the chart rate: rebuild if dirty and displayed; True if it drew

A view reads the run only inside `redraw()`, through its `ViewSource`: the latest parameters (a snapshot the
training thread swaps whole, never writes into), the app's History copy and the live learning rate. Its
numbers come from `engine.teaching`; the widget only draws them. A view whose data did not change draws
nothing, so an idle screen costs nothing.
"""

from __future__ import annotations

import math
import textwrap
from functools import lru_cache
from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.content import Content
from ...markup import escape
from textual.widget import Widget
from textual.widgets import Static

from engine import History, RunConfig

from ..chart import Chart, ChartPanel
from .. import palette

# -- colours (RGB for plotext, hex for markup) -------------------------------------------------------------

POSITIVE = (80, 170, 255)  # a positive weight (the model's blue)
NEGATIVE = (255, 95, 95)  # a negative weight
NOW = (255, 165, 0)  # the current point
NEXT = (120, 220, 120)  # where the next step lands
PATH = (135, 135, 160)  # where the weight has been
TANGENT = (255, 215, 120)  # the slope at the current point
OPTIMUM = (120, 220, 120)  # the best value
BOUNCE = (255, 110, 110)  # the two weights fixed steps bounce between
VALUE = (80, 170, 255)  # an activation's value
SLOPE = (255, 165, 0)  # an activation's slope
UNIT_COLOURS = (  # hidden units' curves: distinct from the prediction's blue and the data's gold
    (240, 110, 110), (110, 200, 120), (200, 140, 235), (240, 160, 80),
    (80, 200, 200), (255, 130, 200), (170, 170, 255), (190, 150, 100),
)
VERDICT_COLOURS = {"found": (120, 220, 120), "partial": (255, 200, 80), "line": (255, 110, 110),
                   "diverged": (255, 110, 110)}

MIN_PLOT_ROWS = 6  # a plot keeps at least this many rows; the caption gets what is left
PLOT_SHARE = 0.6  # and at least this share of the view's height
DEFAULT_SIZE = (75, 16)  # what a view lays itself out for before it knows its size (120x40's view area)


def hex_(rgb: tuple[int, int, int]) -> str:
    return palette.hex_(rgb)


def coloured(text: str, rgb: tuple[int, int, int], style: str = "") -> str:
    """`text` (plain, escaped here) in a colour, as Textual markup."""
    return f"[{style + ' ' if style else ''}{hex_(rgb)}]{escape(text)}[/]"


def plain(markup: str) -> str:
    return Content.from_markup(markup).plain


@lru_cache(maxsize=512)
def wrapped_rows(markup: str, width: int) -> int:
    """How many rows `markup` takes when wrapped at `width` columns."""
    width = max(8, width)
    return sum(max(1, len(textwrap.wrap(line, width, break_long_words=True)) or 1)
               for line in plain(markup).split("\n"))


def fit_title(head: str, items: list[str], width: int) -> tuple[str, str]:
    """(title, legend): `head` with the legend `items` when they all fit in `width` columns (legend ""), else
    `head` alone and the legend joined, for a caption line."""
    legend = "  ".join(items)
    together = f"{head}  {legend}" if items else head
    if len(plain(together)) <= width - 4:
        return together, ""
    return head, legend


# -- the data a view reads ------------------------------------------------------------------------------------

@dataclass
class ViewSource:
    """Where a view reads the run from, on the UI thread, in `redraw()`.

    `params`: the latest [K, P] parameters (`controller.latest_params`), or None before the model exists;
    `history`: the app's History copy (columns epoch, loss; weight, bias, grad for one-weight models;
    weight, error for nudge-3x); `live`: {"lr": ..., "momentum": ...} in effect now (missing keys: the
    config's); `finished`: whether the run has ended (None: treat it as ended), for verdicts that say
    "so far" while training.
    """

    params: Callable[[], np.ndarray | None]
    history: History
    live: Callable[[], dict] = dict
    finished: Callable[[], bool] | None = None

    @classmethod
    def from_controller(cls, controller, history: History | None = None) -> "ViewSource":
        """A source for a `RunController` (tests, scripts): its parameters, its (or the given) history, its
        config's lr and momentum, finished once the controller is in a final state."""
        config = controller.config
        return cls(params=controller.latest_params, history=controller.history if history is None else history,
                   live=lambda: {"lr": config.lr, "momentum": config.momentum},
                   finished=lambda: controller.is_final)

    def member0(self) -> np.ndarray | None:
        """The first member's flat parameters (float64), or None before the model exists."""
        flat = self.params()
        if flat is None:
            return None
        flat = np.asarray(flat)
        if flat.ndim == 2:
            if not len(flat):
                return None
            flat = flat[0]
        return np.asarray(flat, dtype=np.float64).reshape(-1)

    def is_finished(self) -> bool:
        return True if self.finished is None else bool(self.finished())

    def live_value(self, name: str, config: RunConfig) -> float:
        value = (self.live() or {}).get(name)
        return float(getattr(config, name)) if value is None else float(value)


# -- the interface ------------------------------------------------------------------------------------------

class TeachingView:
    """The interface the app drives (mixed into a Widget). Subclasses set `view_id`, `view_title`, `applies`
    and draw in their own way."""

    view_id: ClassVar[str] = ""
    view_title: ClassVar[str] = ""
    config: RunConfig | None
    source: ViewSource | None
    dirty: bool
    draws: int

    @staticmethod
    def applies(config: RunConfig) -> str | None:
        """None when this view applies to `config`, else a one-line reason in plain words."""
        return None

    def show(self, config: RunConfig, source: ViewSource | None) -> None:
        """A new config or run (source None before a run exists); the view redraws at the next redraw()."""
        changed = getattr(self, "config", None) != config
        self.config, self.source = config, source
        self.on_show(changed)
        self.mark_dirty()

    def on_show(self, config_changed: bool) -> None:
        """A hook for views that keep a selection: reset it when the config changed."""

    def mark_dirty(self) -> None:
        self.dirty = True

    def set_marker(self, marker: str) -> None:
        """The app's chart marker (braille, blocks, dots, solid); text views ignore it."""

    def redraw(self) -> bool:  # pragma: no cover - each shape implements it
        raise NotImplementedError

    # -- title: like Chart's, on the ChartPanel around the view when there is one ---------------------------

    @property
    def title(self) -> str:
        return getattr(self, "_view_title_markup", "")

    @title.setter
    def title(self, markup: str) -> None:
        markup += self._member_note()
        self._view_title_markup = markup
        parent = getattr(self, "parent", None)
        target = parent if isinstance(parent, ChartPanel) else self
        if target is not None and target.border_title != markup:
            target.border_title = markup

    def _shown(self) -> bool:
        """Displayed: this widget and every ancestor up to the screen."""
        node = self
        while node is not None and isinstance(node, Widget):
            if not node.display:
                return False
            node = node.parent
        return True

    def _params(self) -> np.ndarray | None:
        return self.source.member0() if self.source is not None else None

    def _member_note(self) -> str:
        """For a many-seed run: which member the view draws (the first)."""
        config = getattr(self, "config", None)
        if config is not None and config.seeds > 1:
            return f" [dim]· seed {config.seed}, the first of {config.seeds}[/]"
        return ""


# -- a plot with a caption ------------------------------------------------------------------------------------

class ViewPlot(Chart):
    """The plotext plot inside a PlotView: its draw asks the view, which owns the title."""

    can_focus = False

    def __init__(self, view: "PlotView", **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view

    @property
    def title(self) -> str:  # the view's panel carries the title
        return ""

    @title.setter
    def title(self, markup: str) -> None:
        pass

    def draw(self, plt) -> None:
        self.view.dirty = False  # a redraw on resize draws the latest data too
        self.view.draw_plot(plt, self)


class PlotView(TeachingView, Widget):
    """A plot (a Chart: cheap redraws, compact ANSI, the app's marker) with a caption of plain sentences
    under it. `draw_plot(plt, chart)` draws and calls `set_caption`."""

    DEFAULT_CSS = """
    PlotView {
        height: 1fr;
        layout: vertical;
    }
    PlotView > ViewPlot {
        height: 1fr;
    }
    PlotView > .view-caption {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    """

    can_focus = True  # like the charts: tab reaches it, and its panel shows the focus

    def __init__(self, config: RunConfig | None = None, source: ViewSource | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.chart = ViewPlot(self)
        self.caption = Static("", classes="view-caption", markup=True)
        self.config, self.source = None, None
        self.dirty = True
        self._caption_lines: list[str] = []
        self._caption_text = ""
        if config is not None:
            self.show(config, source)

    def compose(self) -> ComposeResult:
        yield self.chart
        yield self.caption

    def on_mount(self) -> None:
        self.title = self.title or self.view_title

    @property
    def draws(self) -> int:
        return self.chart.draws

    @property
    def marker(self) -> str:
        return self.chart.marker

    def set_marker(self, marker: str) -> None:
        self.chart.marker = marker
        self.dirty = True

    def redraw(self) -> bool:
        if not self.dirty or not self._shown():
            return False
        self.dirty = False
        self.chart.mark_dirty()
        return self.chart.redraw()

    # -- for subclasses -------------------------------------------------------------------------------------

    @property
    def view_width(self) -> int:
        return self.size.width or DEFAULT_SIZE[0]

    @property
    def view_height(self) -> int:
        return self.size.height or DEFAULT_SIZE[1]

    def set_caption(self, lines: list[str | tuple[str, ...]]) -> None:
        """The caption: markup lines in order of importance; as many as leave the plot MIN_PLOT_ROWS rows and
        at least PLOT_SHARE of the height (the first line always shows). A tuple offers alternatives, longest
        first: the longest that fits is used, unless the shorter ones let more lines show."""
        width = self.view_width - 2
        room = max(1, self.view_height - max(MIN_PLOT_ROWS, math.ceil(PLOT_SHARE * self.view_height)))
        kept = self._fit_lines(lines, width, room)
        text = "\n".join(kept)
        self._caption_lines = kept
        if text != self._caption_text:
            self._caption_text = text
            self.caption.update(text)
            self.caption.display = bool(text)

    @staticmethod
    def _fit_lines(lines: list[str | tuple[str, ...]], width: int, room: int) -> list[str]:
        """Lines in order, each in its longest form that still leaves room for the shortest forms of the
        lines after it (else its shortest form); a line none of whose forms fit is left out (the first is
        always kept)."""
        options = [line if isinstance(line, tuple) else (line,) for line in lines]
        rows = [[wrapped_rows(o, width) for o in opts] for opts in options]
        kept, used = [], 0
        for i, (opts, sizes) in enumerate(zip(options, rows)):
            later = sum(min(r) for r in rows[i + 1:])
            choice = next((o for o, r in zip(opts, sizes) if used + r + later <= room), None)
            if choice is None:  # not everything fits: the shortest form, to leave the most for the rest
                choice = next((o for o, r in zip(opts[::-1], sizes[::-1]) if used + r <= room), None)
            if choice is None and not kept:
                choice = opts[-1]
            if choice is not None:
                kept.append(choice)
                used += wrapped_rows(choice, width)
        return kept

    @property
    def caption_text(self) -> str:
        """The caption as plain text (tests read it)."""
        return plain(self._caption_text)

    def note(self, plt, chart: Chart, text: str, x: float = 0.5, y: float = 0.5) -> None:
        """A grey sentence in the middle of an otherwise empty plot (call after setting limits)."""
        plt.text(text, x, y, alignment="center", color=palette.NOTE, background=chart.canvas_rgb)

    def draw_plot(self, plt, chart: Chart) -> None:  # pragma: no cover - each view draws its own
        raise NotImplementedError


# -- text -----------------------------------------------------------------------------------------------------

class TextView(TeachingView, Static):
    """A view drawn as text: `render_view(width, height)` returns markup or a Rich Text, rebuilt only when
    dirty (or the size changed)."""

    DEFAULT_CSS = """
    TextView {
        height: 1fr;
        padding: 0 1;
    }
    """

    can_focus = True

    def __init__(self, config: RunConfig | None = None, source: ViewSource | None = None, **kwargs) -> None:
        super().__init__("", markup=True, **kwargs)
        self.config, self.source = None, None
        self.dirty = True
        self.draws = 0
        self._text: str | Text = ""
        if config is not None:
            self.show(config, source)

    def on_mount(self) -> None:
        self.title = self.title or self.view_title

    @property
    def text(self) -> str:
        """What the view shows, as plain text (tests read it)."""
        return self._text.plain if isinstance(self._text, Text) else plain(self._text)

    def redraw(self) -> bool:
        if not self.dirty or not self._shown():
            return False
        self.dirty = False
        width = (self.size.width or DEFAULT_SIZE[0])
        height = self.size.height or DEFAULT_SIZE[1]
        text = self.render_view(width, height)
        self.draws += 1
        if text != self._text:
            self._text = text
            self.update(text)
        return True

    def on_resize(self, event: events.Resize) -> None:
        self.dirty = True
        self.redraw()

    def render_view(self, width: int, height: int) -> str | Text:  # pragma: no cover - each view renders its own
        raise NotImplementedError
