"""Hidden units: the prediction is a sum of curves, one per unit of the last hidden layer, plus a bias.

The output node computes y = w1·h1(x) + w2·h2(x) + … + b. Each unit's part, w_j·h_j(x), is drawn as a curve
over the evaluation range (ReLU units add hinges, sigmoid units soft steps), the output bias as a flat line,
and their sum, the prediction, in the fit chart's blue over the training points: the fit is seen being built
out of its pieces. At most MAX_UNITS curves are drawn (the ones that add the most); the caption says how
many are left out, and gives the seed's verdict: did the net find the curve, or stay on a straight line?
"""

from __future__ import annotations

import re

import numpy as np

from engine import RunConfig, eval_grid, make_data, teaching

from ...series import clip_curve, downsample, fit_limits
from .. import palette
from ..chart import Chart
from .base import PATH, UNIT_COLOURS, VERDICT_COLOURS, PlotView, coloured, fit_title

short = teaching.short_number
MAX_UNITS = 8  # unit curves drawn at most: the ones whose contribution reaches furthest from 0
REACH = 1.0  # the y axis holds the data and the prediction, and units up to this many data spans beyond


class HiddenUnitsView(PlotView):
    view_id = "units"
    view_title = "Hidden units"

    @staticmethod
    def applies(config: RunConfig) -> str | None:
        if not config.example.is_torch:
            return "it has no network: one weight, nudged by hand, and its prediction is w·x, not a sum of units"
        if not config.hidden:
            return ("this model has no hidden layer: its prediction is one straight line, y = w·x + b, not a sum "
                    "of unit curves (give it hidden layers, e.g. hidden = 4, to see some)")
        return None

    _data = None

    def on_show(self, config_changed: bool) -> None:
        if config_changed and self.config is not None and self.config.example.is_torch:
            self._data = make_data(self.config)

    # -- drawing -------------------------------------------------------------------------------------------

    def _axes(self, plt, chart: Chart, limits: tuple[float, float]) -> None:
        c = self.config
        chart.range_axes(plt, c.eval_min, c.eval_max, limits)

    def _data_points(self, plt, chart: Chart) -> None:
        dx, dy = downsample(self._data.x, self._data.y, chart.budget * 2)
        if len(dx):
            plt.scatter(dx.tolist(), dy.tolist(), marker="dot", color=palette.DATA)

    def draw_plot(self, plt, chart: Chart) -> None:
        config = self.config
        if config is None or self.applies(config) is not None:
            plt.xlim(0, 1)
            plt.ylim(0, 1)
            self.note(plt, chart, self.applies(config) if config is not None else "no example loaded")
            self.set_caption([])
            return
        data = self._data
        flat = self._params()
        layer = len(config.hidden)
        act = config.activations[-1]
        head = f"Hidden units [dim](layer {layer}, {act})[/]"
        if flat is None or not np.isfinite(flat).all():
            limits = fit_limits([data.y])
            self._axes(plt, chart, limits)
            self._data_points(plt, chart)
            mid = (config.eval_min + config.eval_max) / 2
            if flat is None:
                self.note(plt, chart, "press space to start", x=mid, y=sum(limits) / 2)
                self.title = head
                self.set_caption([f"Each of the {config.hidden[-1]} units of layer {layer} adds a curve; with the "
                                  "output bias they sum to the prediction. They appear once the model exists."])
            else:
                self.note(plt, chart, "the run blew up: nothing finite to draw", x=mid, y=sum(limits) / 2)
                self.title = head
                self.set_caption(["The weights are not numbers any more. Press r and lower the learning rate (-)."])
            return

        grid = eval_grid(config, chart.budget)
        curves = teaching.unit_curves(flat, config.layer_sizes, config.activations, grid)
        reach = [float(np.nanmax(np.abs(u.values))) if np.isfinite(u.values).any() else 0.0 for u in curves.units]
        order = sorted(range(len(curves.units)), key=lambda j: -reach[j])
        chosen = sorted(order[:MAX_UNITS])
        left_out = len(curves.units) - len(chosen)

        limits = fit_limits([data.y, curves.prediction])
        span = limits[1] - limits[0]
        shown = [curves.units[j].values for j in chosen] + [np.array([curves.bias])]
        finite = np.concatenate([v[np.isfinite(v)] for v in shown]) if shown else np.empty(0)
        if finite.size:
            lo = max(limits[0] - REACH * span, min(limits[0], float(finite.min()) - 0.05 * span))
            hi = min(limits[1] + REACH * span, max(limits[1], float(finite.max()) + 0.05 * span))
            limits = (lo, hi)
        self._axes(plt, chart, limits)
        # plotext's cost is in its points: with several unit curves, each gets a half or a third of the grid
        # (lines join the points, so a curve keeps its shape)
        step = 1 if len(chosen) <= 2 or len(grid) < 40 else (2 if len(chosen) <= 5 else 3)
        if limits[0] <= curves.bias <= limits[1]:
            plt.hline(curves.bias, color=PATH)
        for k, j in enumerate(chosen):
            y = clip_curve(curves.units[j].values, limits)
            keep = np.isfinite(y)
            xs, ys = grid[keep][::step], y[keep][::step]
            if len(xs):
                plt.plot(xs.tolist(), ys.tolist(), marker=chart.marker, color=UNIT_COLOURS[k % len(UNIT_COLOURS)])
        prediction = clip_curve(curves.prediction, limits)
        keep = np.isfinite(prediction)
        if keep.any():
            plt.plot(grid[keep].tolist(), prediction[keep].tolist(), marker=chart.marker, color=palette.MODEL)
        self._data_points(plt, chart)  # last, as the fit chart draws them: on top

        items = [coloured("─ sum", palette.MODEL), coloured("─ units", UNIT_COLOURS[0]),
                 coloured(f"─ bias {short(curves.bias)}", PATH), coloured("• data", palette.DATA)]
        self.title, legend = fit_title(head, items, self.view_width)
        self.set_caption(self._caption(config, flat, curves, chosen, left_out, legend))

    def _caption(self, config: RunConfig, flat: np.ndarray, curves, chosen: list[int], left_out: int,
                 legend: str) -> list:
        finished = self.source.is_finished() if self.source is not None else True
        check = teaching.found_curve(config, flat, self._data, finished=finished)
        lines: list = []
        if check.applies:
            colour = VERDICT_COLOURS.get(check.verdict, palette.NOTE)
            sentence = check.sentence[0].upper() + check.sentence[1:]
            brief = re.sub(r" \([^)]*\)", "", sentence)  # without the asides in brackets
            if check.verdict in ("line", "partial"):
                sentence, brief = sentence + " (g: new seed)", brief + " (g)"
            lines.append((coloured(sentence, colour), coloured(brief, colour)))
        if legend:
            lines.append(legend)
        names = [curves.units[j].name for j in chosen]
        terms = " + ".join(names[:4]) + (" + …" if len(names) > 4 or left_out else "")
        more = (f"; {left_out} unit{'s' if left_out != 1 else ''} that add least not drawn" if left_out else "")
        lines.append((f"The prediction is y = {terms} + bias: each unit's output times its weight into y, "
                      f"summed{more}.", f"y = {terms} + bias{more}."))
        parts, names_only = [], []
        for k, j in enumerate(chosen):
            unit = curves.units[j]
            colour = UNIT_COLOURS[k % len(UNIT_COLOURS)]
            shape = f": {unit.shape.label}," if unit.shape is not None else ""
            parts.append(coloured(f"─ {unit.name}{shape} ×{short(unit.out_weight)}", colour))
            names_only.append(coloured(f"─ {unit.name}", colour))
        if parts:
            lines.append(("  ".join(parts), "  ".join(names_only)))
        if not check.applies:
            lines.append(f"[dim]The straight-line check {check.sentence}.[/]")
        return lines
