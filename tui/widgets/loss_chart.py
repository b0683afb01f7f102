"""The loss chart: training loss per epoch (log scale or linear, raw or EMA-smoothed), and a labelled
marker wherever a hyperparameter changed mid-run."""

from __future__ import annotations

import numpy as np

from engine import Change, History, PinnedLine, band_rule, format_number, place_labels

from ..markup import escape
from ..series import (LossView, band_columns, band_series, format_count, int_ticks, loss_axis, loss_view,
                      smoothing_span, zigzag)
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
        self.members = 1
        self.pins: list[PinnedLine] = []
        self._update_title()

    def show(self, history: History | None, total: int, unit: str = "epoch", members: int = 1) -> None:
        """Draw this history (the app's own copy) against a run of `total` epochs; a run of `members` seeds
        draws its median and the band of its members (engine.member_band)."""
        self.history, self.total, self.unit, self.members = history, max(1, total), unit, members
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
        if self.members > 1:
            title += (f"  [{palette.hex_(palette.LOSS)}]─ median of {self.members} seeds[/] "
                      f"[{palette.hex_(palette.BAND)}]█ {band_rule(self.members)}[/]")
        if self.history is not None and len(self.history.column("test_loss")):
            title += (f"  [{palette.hex_(palette.LOSS)}]─ training[/] "
                      f"[{palette.hex_(palette.HELD_OUT)}]─ held out[/]")
        for pin in self.pins:
            title += f"  [{palette.hex_(palette.pin(pin.slot))}]─ {escape(pin.label)}[/]"
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

    def set_pins(self, pins: list[PinnedLine]) -> None:
        """Pinned runs (engine.pinned_lines) to draw under the current run, each in its own colour."""
        self.pins = pins
        self.dirty = True
        self._update_title()

    def _pinned(self) -> list[tuple[LossView, tuple[int, int, int], PinnedLine]]:
        out = []
        for pin in self.pins:
            view = loss_view(pin.epoch, pin.loss, self.budget, log=self.log_scale, smooth=self.smooth, rows=self.rows,
                             span=self.span)
            out.append((view, palette.pin(pin.slot), pin))
        return [p for p in out if not p[0].empty]

    def _label_pins(self, plt, pins, ylim: tuple[float, float] | None) -> None:
        """Each pinned line's name at its end, on a row of its own (engine.place_labels)."""
        if ylim is None:
            return
        placed = place_labels([float(view.y[-1]) for view, _, _ in pins],
                              [pin.label.split(" ")[0] for _, _, pin in pins], ylim, self.canvas_rows,
                              self.marker_dots)
        for label in placed:
            view, colour, _ = pins[label.index]
            plt.text(label.text, float(view.x[-1]), label.y, alignment="right", color=colour,
                     background=self.canvas_rgb)

    def _axis(self, plt, values: np.ndarray, pins) -> None:
        ylim, yticks, ylabels = loss_axis(values, log=self.log_scale, rows=self.rows)
        self._label_pins(plt, pins, ylim)
        if ylim is not None:
            plt.ylim(*ylim)
        if yticks:
            plt.yticks(yticks, ylabels)

    def _band(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        history = self.history
        if history is None or self.members < 2 or not len(history.column("loss_low")):
            return None
        band = band_series(history.epoch, history.column("loss_low"), history.column("loss_high"),
                           4 * self.columns, log=self.log_scale)
        return band if len(band[0]) else None

    def _note(self, plt, text: str) -> None:
        plt.ylim(0, 1)
        plt.yticks([], [])
        plt.text(text, self.total / 2, 0.5, alignment="center", color=palette.NOTE, background=self.canvas_rgb)

    def draw(self, plt) -> None:
        pins = self._pinned()
        right = max([self.total] + [int(p.x[-1]) for p, _, _ in pins])
        plt.xlim(0, right)
        ticks = int_ticks(0, right, max(2, self.columns // 12))
        plt.xticks(ticks, [format_count(t) for t in ticks])
        self._update_title()
        for pin, colour, _ in pins:  # under the current run: pinned runs, each labelled at its end
            plt.plot(pin.x.tolist(), pin.y.tolist(), marker=self.marker, color=colour)
        history = self.history
        if history is None or not len(history):
            if pins:
                self._axis(plt, np.concatenate([p.y for p, _, _ in pins]), pins)
            else:
                self._note(plt, "training loss appears here")
            return
        view = loss_view(history.epoch, history.loss, self.budget, log=self.log_scale, smooth=self.smooth,
                         rows=self.rows, span=self.span)
        if view.empty:  # every loss so far is NaN or infinite: say so rather than draw an empty frame
            first = float(history.loss[0])
            self._note(plt, f"the loss blew up ({format_number(first)}) at {self.unit} {int(history.epoch[0])}: "
                            "nothing finite to draw")
            return
        band = self._band()
        if band is not None:  # under every line: the spread of the members, a stroke for each column
            bx, by = zigzag(*band_columns(*band, 0, right, self.columns))
            plt.plot(bx.tolist(), by.tolist(), marker="sd", color=palette.BAND)
            view.ylim, view.yticks, view.ylabels = loss_axis(np.concatenate([view.y, band[1], band[2]]),
                                                             log=self.log_scale, rows=self.rows)
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
        if pins:  # one y axis for the run and the pinned runs
            view.ylim, view.yticks, view.ylabels = loss_axis(
                np.concatenate([[view.ylim[0], view.ylim[1]] if view.ylim else [], *(p.y for p, _, _ in pins)]),
                log=self.log_scale, rows=self.rows)
        self._label_pins(plt, pins, view.ylim)
        if view.ylim is not None:
            plt.ylim(*view.ylim)
        if view.yticks:
            plt.yticks(view.yticks, view.ylabels)
        top = view.ylim[1] if view.ylim is not None else float(np.nanmax(view.y))
        for change in self.changes:  # every change marked and labelled with its new value
            plt.vline(change.epoch, color=palette.CHANGE)
            label = f"{SHORT_NAMES.get(change.name, change.name)} {change.new:g}"
            plt.text(label, change.epoch, top, alignment="left", color=palette.CHANGE, background=self.canvas_rgb)
