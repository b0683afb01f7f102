"""The fit chart: the training points, the model's curve over the evaluation range (wider than the
data, so extrapolation shows), the true function where there is one, the training range marked."""

from __future__ import annotations

from typing import Callable

import numpy as np

from engine import RunConfig, band_rule, curve_spread, eval_grid, held_out, make_data, MAX_FAINT, place_labels

from ..series import band_columns, clip_curve, downsample, fit_limits, zigzag
from . import palette
from .chart import Chart

Predict = Callable[[np.ndarray], "np.ndarray | None"]
#: (slot, label, median curve over the grid) of each pinned run to overlay (engine.pinned_curves)
PinnedCurves = Callable[[np.ndarray], "list[tuple[int, str, np.ndarray]]"]


class FitChart(Chart):
    def __init__(self, config: RunConfig, **kwargs) -> None:
        super().__init__(**kwargs)
        self.predict: Predict | None = None
        self.pinned: PinnedCurves | None = None
        self.pin_labels: list[tuple[int, str]] = []
        self.show(config)

    def show(self, config: RunConfig, predict: Predict | None = None) -> None:
        """Draw this config's data and truth, and the model behind `predict` (latest parameters)."""
        self.config = config
        self.data = make_data(config)
        self.held_out = held_out(config)  # the points the run does not train on
        self.predict = predict
        self.dirty = True
        self._update_title()

    def set_pinned(self, pinned: PinnedCurves | None, labels: list[tuple[int, str]]) -> None:
        """Overlay pinned runs' fits (`pinned(grid)`); `labels` (slot, label) for the title's legend."""
        self.pinned, self.pin_labels = pinned, labels
        self.dirty = True
        self._update_title()

    def _update_title(self) -> None:
        example = self.config.example
        legend = [f"[{palette.hex_(palette.DATA)}]• data[/]", f"[{palette.hex_(palette.MODEL)}]─ model[/]"]
        k = self.config.seeds
        if k > 1:  # the median member, and the others faint or as a band
            legend[1] = f"[{palette.hex_(palette.MODEL)}]─ median of {k}[/]"
            legend.insert(2, f"[{palette.hex_(palette.FAINT)}]─ each seed[/]" if k <= MAX_FAINT
                          else f"[{palette.hex_(palette.BAND)}]█ {band_rule(k)}[/]")
        if example.truth_text:
            legend.append(f"[{palette.hex_(palette.TRUTH)}]─ y={example.truth_text}[/]")
        if self.held_out.any():
            legend.append(f"[{palette.hex_(palette.HELD_OUT)}]• held out[/]")
        legend.append(f"[{palette.hex_(palette.RANGE)}]│ data range[/]")
        legend += [f"[{palette.hex_(palette.pin(slot))}]─ {label}[/]" for slot, label in self.pin_labels]
        self.title = "Fit  " + " ".join(legend)

    def _training_range(self) -> tuple[float, float]:
        c = self.config
        if not c.example.is_torch:
            return (c.sample_x, c.sample_x)
        return (c.x_min, c.x_max)

    def _curve(self, plt, grid: np.ndarray, curve: np.ndarray, limits: tuple[float, float], colour) -> None:
        y = clip_curve(curve, limits)
        keep = np.isfinite(y)
        if keep.any():
            plt.plot(grid[keep].tolist(), y[keep].tolist(), marker=self.marker, color=colour)

    def draw(self, plt) -> None:
        c, example = self.config, self.config.example
        grid = eval_grid(c, self.budget)
        truth = example.truth(grid) if example.truth_text else np.empty(0)
        limits = fit_limits([self.data.y, truth])
        self.range_axes(plt, c.eval_min, c.eval_max, limits)
        lo, hi = self._training_range()
        for x in sorted({lo, hi}):
            if c.eval_min <= x <= c.eval_max:
                plt.vline(x, color=palette.RANGE)
        shown = np.isfinite(truth)  # a custom target may be undefined outside the data (log(x) left of 0)
        if shown.any():
            plt.plot(grid[shown].tolist(), truth[shown].tolist(), marker=self.marker, color=palette.TRUTH)
        overlay = self.pinned(grid) if self.pinned is not None else []
        for slot, label, curve in overlay:  # pinned runs' fits, each in its loss line's colour
            self._curve(plt, grid, curve, limits, palette.pin(slot))
        prediction = self.predict(grid) if self.predict is not None else None
        if prediction is not None and len(prediction):
            spread = curve_spread(prediction)
            if spread.banded:  # many members: their band, shaded under the median
                band = band_columns(grid, clip_curve(spread.low, limits), clip_curve(spread.high, limits),
                                    c.eval_min, c.eval_max, self.columns)
                bx, by = zigzag(*band)  # a stroke for each column
                keep = np.isfinite(by)
                plt.plot(bx[keep].tolist(), by[keep].tolist(), marker="sd", color=palette.BAND)
            for member in spread.faint:  # a few members: each one's curve, faint
                self._curve(plt, grid, member, limits, palette.FAINT)
            self._curve(plt, grid, spread.median, limits, palette.MODEL)
        ends = [float(curve[-1]) for _, _, curve in overlay]  # labelled at the right end, a row each, over everything
        for placed in place_labels(ends, [label for _, label, _ in overlay], limits, self.canvas_rows,
                                   self.marker_dots):
            plt.text(placed.text, float(grid[-1]), placed.y, alignment="right",
                     color=palette.pin(overlay[placed.index][0]), background=self.canvas_rgb)
        held = self.held_out
        for keep, colour in ((~held, palette.DATA), (held, palette.HELD_OUT)):  # training points, then held out
            dx, dy = downsample(self.data.x[keep], self.data.y[keep], self.budget * 2)
            if len(dx):
                plt.scatter(dx.tolist(), dy.tolist(), marker="dot", color=colour)
