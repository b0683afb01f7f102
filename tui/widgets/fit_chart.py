"""The fit chart: the training points, the model's curve over the evaluation range (wider than the
data, so extrapolation shows), the true function where there is one, the training range marked."""

from __future__ import annotations

from typing import Callable

import numpy as np

from engine import RunConfig, eval_grid, held_out, make_data

from ..series import clip_curve, downsample, fit_limits
from . import palette
from .chart import Chart

Predict = Callable[[np.ndarray], "np.ndarray | None"]


class FitChart(Chart):
    def __init__(self, config: RunConfig, **kwargs) -> None:
        super().__init__(**kwargs)
        self.predict: Predict | None = None
        self.show(config)

    def show(self, config: RunConfig, predict: Predict | None = None) -> None:
        """Draw this config's data and truth, and the model behind `predict` (latest parameters)."""
        self.config = config
        self.data = make_data(config)
        self.held_out = held_out(config)  # the points the run does not train on
        self.predict = predict
        self.dirty = True
        self._update_title()

    def _update_title(self) -> None:
        example = self.config.example
        legend = [f"[{palette.hex_(palette.DATA)}]• data[/]", f"[{palette.hex_(palette.MODEL)}]─ model[/]"]
        if example.truth_text:
            legend.append(f"[{palette.hex_(palette.TRUTH)}]─ y={example.truth_text}[/]")
        if self.held_out.any():
            legend.append(f"[{palette.hex_(palette.HELD_OUT)}]• held out[/]")
        legend.append(f"[{palette.hex_(palette.RANGE)}]│ data range[/]")
        self.title = "Fit  " + " ".join(legend)

    def _training_range(self) -> tuple[float, float]:
        c = self.config
        if not c.example.is_torch:
            return (c.sample_x, c.sample_x)
        return (c.x_min, c.x_max)

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
        if len(truth):
            plt.plot(grid.tolist(), truth.tolist(), marker=self.marker, color=palette.TRUTH)
        prediction = self.predict(grid) if self.predict is not None else None
        if prediction is not None and len(prediction):
            curve = prediction[0] if len(prediction) == 1 else np.nanmedian(prediction, axis=0)
            x, y = grid, clip_curve(curve, limits)
            keep = np.isfinite(y)
            if keep.any():
                plt.plot(x[keep].tolist(), y[keep].tolist(), marker=self.marker, color=palette.MODEL)
        held = self.held_out
        for keep, colour in ((~held, palette.DATA), (held, palette.HELD_OUT)):  # training points, then held out
            dx, dy = downsample(self.data.x[keep], self.data.y[keep], self.budget * 2)
            if len(dx):
                plt.scatter(dx.tolist(), dy.tolist(), marker="dot", color=colour)
