"""Where the fit chart sits: the fit and the teaching views, one at a time, each in its titled panel.

Keys 1-5 pick a view (tui/keys.py). A view that does not apply to the loaded example shows why in its place,
and comes back by itself when an example it applies to is loaded. Only the view on screen redraws.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ContentSwitcher

from engine import RunConfig

from .chart import ChartPanel
from .fit_chart import FitChart
from .views import VIEWS, VIEWS_BY_ID, NotApplicable, ViewSource

FIT = "fit"
#: (view id, title) in key order: 1 is the fit, 2-5 the teaching views.
VIEW_TITLES: tuple[tuple[str, str], ...] = ((FIT, "Fit"),) + tuple((v.view_id, v.view_title) for v in VIEWS)


class ViewDeck(ContentSwitcher):
    def __init__(self, config: RunConfig, **kwargs) -> None:
        super().__init__(initial=f"panel-{FIT}", **kwargs)
        self.config = config
        self.view_id = FIT

    def compose(self) -> ComposeResult:
        yield ChartPanel(FitChart(self.config, id="fit"), id=f"panel-{FIT}", classes="view-panel")
        for view in VIEWS:
            yield ChartPanel(view(id=view.view_id), id=f"panel-{view.view_id}", classes="view-panel")
        with Vertical(id="panel-not-applicable", classes="view-panel"):
            yield NotApplicable(id="not-applicable")

    @property
    def fit_chart(self) -> FitChart:
        return self.query_one(FitChart)

    def views(self) -> list:
        """The fit chart and every teaching view."""
        return [self.fit_chart] + [self.query_one(f"#{view.view_id}") for view in VIEWS]

    def show_view(self, view_id: str) -> str | None:
        """Put this view on screen; returns why it does not apply to the loaded example (None: it does)."""
        self.view_id = view_id
        return self._place()

    def _place(self) -> str | None:
        reason = None
        if self.view_id != FIT:
            view = VIEWS_BY_ID[self.view_id]
            reason = view.applies(self.config)
            if reason is not None:
                notice = self.query_one(NotApplicable)
                notice.explain(view, self.config)
                self.query_one("#panel-not-applicable").border_title = f"{view.view_title} [dim](not here)[/]"
        self.current = "panel-not-applicable" if reason else f"panel-{self.view_id}"
        widget = self.current_widget()
        if widget is not None:
            widget.mark_dirty()
        return reason

    def current_widget(self):
        """The chart or view on screen, or None while a view says it does not apply."""
        if self.current == "panel-not-applicable":
            return None
        return self.fit_chart if self.view_id == FIT else self.query_one(f"#{self.view_id}")

    def show_run(self, config: RunConfig, predict: Callable[[np.ndarray], np.ndarray | None] | None,
                 source: ViewSource | None) -> None:
        """A new config or run: every view follows it; the one on screen stays, or says why it cannot."""
        self.config = config
        self.fit_chart.show(config, predict)
        for view in VIEWS:
            self.query_one(f"#{view.view_id}").show(config, source)
        self._place()

    def mark_dirty(self) -> None:
        for widget in self.views():
            widget.mark_dirty()

    def redraw(self) -> bool:
        widget = self.current_widget()
        return widget.redraw() if widget is not None else False

    def set_marker(self, marker: str) -> None:
        for widget in self.views():
            widget.set_marker(marker)
