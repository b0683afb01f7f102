"""The loss chart: training loss per epoch (log scale or linear, raw or EMA-smoothed), and a marker
where a hyperparameter changed mid-run."""

from __future__ import annotations

from engine import Change, History

from ..series import EMA_WEIGHT, format_count, int_ticks, loss_view
from . import palette
from .chart import Chart


class LossChart(Chart):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history: History | None = None
        self.total = 1
        self.unit = "epoch"
        self.log_scale = True
        self.smooth = False
        self._update_title()

    def show(self, history: History | None, total: int, unit: str = "epoch") -> None:
        """Draw this history (the app's own copy) against a run of `total` epochs."""
        self.history, self.total, self.unit = history, max(1, total), unit
        self.dirty = True

    def set_log_scale(self, on: bool) -> None:
        self.log_scale = on
        self.dirty = True
        self._update_title()

    def set_smooth(self, on: bool) -> None:
        self.smooth = on
        self.dirty = True
        self._update_title()

    def _update_title(self) -> None:
        parts = ["log scale" if self.log_scale else "linear"]
        if self.smooth:
            parts.append(f"EMA {EMA_WEIGHT:g}")
        title = f"Loss [dim]({', '.join(parts)})[/dim]"
        if self.changes:
            last = self.changes[-1]
            title += (f"  [{palette.hex_(palette.CHANGE)}]│ {last.name} {last.old:g}→{last.new:g} "
                      f"at {self.unit} {last.epoch}[/]")
        self.title = title

    @property
    def changes(self) -> list[Change]:
        return self.history.changes if self.history is not None else []

    def draw(self, plt) -> None:
        plt.xlim(0, self.total)
        ticks = int_ticks(0, self.total, max(2, self.columns // 12))
        plt.xticks(ticks, [format_count(t) for t in ticks])
        history = self.history
        if history is None or not len(history):
            plt.ylim(0, 1)
            plt.yticks([], [])
            plt.text("training loss appears here", self.total / 2, 0.5, alignment="center",
                     color=palette.NOTE, background=self.canvas_rgb)
            self._update_title()
            return
        view = loss_view(history.epoch, history.loss, self.budget, log=self.log_scale, smooth=self.smooth,
                         rows=self.rows)
        if view.raw_x is not None and len(view.raw_x):
            plt.plot(view.raw_x.tolist(), view.raw_y.tolist(), marker=self.marker, color=palette.LOSS_RAW)
        if not view.empty:
            plt.plot(view.x.tolist(), view.y.tolist(), marker=self.marker, color=palette.LOSS)
        if view.ylim is not None:
            plt.ylim(*view.ylim)
        if view.yticks:
            plt.yticks(view.yticks, view.ylabels)
        for change in self.changes:
            plt.vline(change.epoch, color=palette.CHANGE)
        self._update_title()
