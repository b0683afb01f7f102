"""The loss chart: training loss per epoch (log scale or linear, raw or EMA-smoothed), and a labelled
marker wherever a hyperparameter changed mid-run."""

from __future__ import annotations

import numpy as np

from engine import Change, History, format_number

from ..series import format_count, int_ticks, loss_view, smoothing_span
from . import palette
from .chart import Chart

SHORT_NAMES = {"lr": "lr", "momentum": "mom"}


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
        self._update_title()

    def set_log_scale(self, on: bool) -> None:
        self.log_scale = on
        self.dirty = True
        self._update_title()

    def set_smooth(self, on: bool) -> None:
        self.smooth = on
        self.dirty = True
        self._update_title()

    @property
    def span(self) -> float:
        return smoothing_span(self.total)

    def _update_title(self) -> None:
        title = f"Loss [dim]({'log scale' if self.log_scale else 'linear'})[/dim]"
        if self.history is not None and len(self.history.column("test_loss")):
            title += (f"  [{palette.hex_(palette.LOSS)}]─ training[/] "
                      f"[{palette.hex_(palette.HELD_OUT)}]─ held out[/]")
        if self.smooth:  # the legend says which line is which
            span = f"{self.span:g} {self.unit}{'' if self.span == 1 else 's'}"
            title += (f"  [{palette.hex_(palette.LOSS)}]─ smoothed over {span}[/] "
                      f"[{palette.hex_(palette.LOSS_RAW)}]─ raw[/]")
        if self.changes:
            last = self.changes[-1]
            title += (f"  [{palette.hex_(palette.CHANGE)}]│ {last.name} {last.old:g}→{last.new:g} "
                      f"at {self.unit} {last.epoch}[/]")
        self.title = title

    @property
    def changes(self) -> list[Change]:
        return self.history.changes if self.history is not None else []

    def _note(self, plt, text: str) -> None:
        plt.ylim(0, 1)
        plt.yticks([], [])
        plt.text(text, self.total / 2, 0.5, alignment="center", color=palette.NOTE, background=self.canvas_rgb)

    def draw(self, plt) -> None:
        plt.xlim(0, self.total)
        ticks = int_ticks(0, self.total, max(2, self.columns // 12))
        plt.xticks(ticks, [format_count(t) for t in ticks])
        self._update_title()
        history = self.history
        if history is None or not len(history):
            self._note(plt, "training loss appears here")
            return
        view = loss_view(history.epoch, history.loss, self.budget, log=self.log_scale, smooth=self.smooth,
                         rows=self.rows, span=self.span)
        if view.empty:  # every loss so far is NaN or infinite: say so rather than draw an empty frame
            first = float(history.loss[0])
            self._note(plt, f"the loss blew up ({format_number(first)}) at {self.unit} {int(history.epoch[0])}: "
                            "nothing finite to draw")
            return
        if view.raw_x is not None and len(view.raw_x):
            plt.plot(view.raw_x.tolist(), view.raw_y.tolist(), marker=self.marker, color=palette.LOSS_RAW)
        plt.plot(view.x.tolist(), view.y.tolist(), marker=self.marker, color=palette.LOSS)
        test = history.column("test_loss")
        if len(test) and np.isfinite(test).any():  # the held-out points' loss, beside the training loss
            test_view = loss_view(history.epoch, test, self.budget, log=self.log_scale, smooth=self.smooth,
                                  rows=self.rows, span=self.span)
            plt.plot(test_view.x.tolist(), test_view.y.tolist(), marker=self.marker, color=palette.HELD_OUT)
            # one y axis for both lines: from the raw values of both (a smoothed line stays within them)
            both = loss_view(np.concatenate([history.epoch, history.epoch]), np.concatenate([history.loss, test]),
                             self.budget, log=self.log_scale, smooth=False, rows=self.rows)
            view.ylim, view.yticks, view.ylabels = both.ylim, both.yticks, both.ylabels
        if len(view.x) == 1:  # one point is one dot: say what it is (a run that blew up at once ends here)
            only = float(history.loss[np.isfinite(history.loss)][-1])
            plt.text(f"{self.unit} {int(view.x[0])}: loss {format_number(only)}", float(view.x[0]), float(view.y[0]),
                     alignment="left", color=palette.NOTE, background=self.canvas_rgb)
        if view.ylim is not None:
            plt.ylim(*view.ylim)
        if view.yticks:
            plt.yticks(view.yticks, view.ylabels)
        top = view.ylim[1] if view.ylim is not None else float(np.nanmax(view.y))
        for change in self.changes:  # every change marked and labelled with its new value
            plt.vline(change.epoch, color=palette.CHANGE)
            label = f"{SHORT_NAMES.get(change.name, change.name)} {change.new:g}"
            plt.text(label, change.epoch, top, alignment="left", color=palette.CHANGE, background=self.canvas_rgb)
