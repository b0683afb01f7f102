"""Activations: what a node does to its weighted sum z before passing it on.

One activation at a time, large enough to read: its value and its slope (the derivative, which is what the
gradient is multiplied by on its way back through the node) over z from −6 to 6, its formula and the one
sentence that says what it does. A strip names all five; the ones the loaded net uses are marked, and the
view opens on the first of them. Live, for a net that uses the shown activation: its hidden units' weighted
sums at every training point, as dots on the curve, and how many of them sit where the slope is (nearly) 0,
where almost no gradient gets through (a saturated sigmoid, a ReLU that is off).

Keys while the view has focus: left / right the activation.
"""

from __future__ import annotations

import numpy as np
from textual.binding import Binding

from engine import ACTIVATIONS, RunConfig, make_data, teaching

from ...series import format_tick, nice_ticks
from .. import palette
from ..chart import Chart
from .base import SLOPE, VALUE, PlotView, coloured, fit_title

short = teaching.short_number
Z_RANGE = (-6.0, 6.0)  # the z axis, widened (up to Z_MAX) to hold the net's own sums
Z_MAX = 30.0
FLAT_SLOPE = 0.05  # below this slope a unit passes back less than a twentieth of the gradient
UNIT_DOTS = palette.DATA
NAMES = {"sigmoid": "sigmoid", "relu": "ReLU", "tanh": "tanh", "leaky_relu": "leaky ReLU", "identity": "identity"}


def used_by(config: RunConfig) -> list[str]:
    """The activations the config's hidden layers use, in order, each once (none for a model without any)."""
    if not config.example.is_torch:
        return []
    return list(dict.fromkeys(config.activations))


def short_sentence(sentence: str) -> str:
    """The sentence's first clause, for a narrow view."""
    cut = min((i for i in (sentence.find(": "), sentence.find(", so ")) if i > 0), default=len(sentence))
    return sentence[:cut].rstrip(",") + "."


class ActivationsView(PlotView):
    view_id = "activations"
    view_title = "Activations"

    BINDINGS = [
        Binding("left", "cycle(-1)", "Previous activation", show=False),
        Binding("right", "cycle(1)", "Next activation", show=False),
    ]

    selected = "sigmoid"

    @staticmethod
    def applies(config: RunConfig) -> str | None:
        return None  # every example: a model without activations still shows what it lacks

    def on_show(self, config_changed: bool) -> None:
        if not config_changed or self.config is None:
            return
        used = used_by(self.config)
        self.selected = used[0] if used else "identity"
        self._data = make_data(self.config) if self.config.example.is_torch else None

    def select(self, name: str) -> None:
        if name not in ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}")
        self.selected = name
        self.mark_dirty()
        self.redraw()  # at once: a finished run has no timer to do it

    def action_cycle(self, step: int) -> None:
        i = ACTIVATIONS.index(self.selected)
        self.select(ACTIVATIONS[(i + step) % len(ACTIVATIONS)])

    # -- the net's units on the curve ----------------------------------------------------------------------------

    def _unit_sums(self) -> np.ndarray | None:
        """The weighted sums z of every hidden unit whose layer uses the shown activation, at each training
        point (None when the net does not use it or has no parameters yet)."""
        config = self.config
        if config is None or self.selected not in used_by(config):
            return None
        flat = self._params()
        if flat is None or not np.isfinite(flat).all():
            return None
        trace = teaching.forward_trace(flat, config.layer_sizes, config.activations, self._data.x)
        sums = [step.z.reshape(-1) for step, act in zip(trace, config.activations) if act == self.selected]
        return np.concatenate(sums) if sums else None

    # -- drawing ---------------------------------------------------------------------------------------------------

    def draw_plot(self, plt, chart: Chart) -> None:
        name = self.selected
        sums = self._unit_sums()
        reach = Z_RANGE[1]
        if sums is not None and len(sums):
            finite = np.abs(sums[np.isfinite(sums)])
            if finite.size:
                reach = float(min(Z_MAX, max(reach, np.ceil(finite.max() * 1.05))))
        curve = teaching.activation_curve(name, -reach, reach, points=max(25, chart.budget) | 1)
        lo = float(min(curve.value.min(), curve.slope.min()))
        hi = float(max(curve.value.max(), curve.slope.max()))
        pad = 0.06 * (hi - lo)
        lo, hi = lo - pad, hi + pad
        plt.xlim(-reach, reach)
        plt.ylim(lo, hi)
        xticks = nice_ticks(-reach, reach, max(2, chart.columns // 10))
        plt.xticks(xticks, [format_tick(t) for t in xticks])
        yticks = nice_ticks(lo, hi, max(2, chart.rows // 3))
        plt.yticks(yticks, [format_tick(t) for t in yticks])
        plt.vline(0, color=palette.RANGE)
        plt.hline(0, color=palette.RANGE)
        plt.plot(curve.z.tolist(), curve.slope.tolist(), marker=chart.marker, color=SLOPE)
        plt.plot(curve.z.tolist(), curve.value.tolist(), marker=chart.marker, color=VALUE)

        live = None
        if sums is not None and len(sums):
            inside = sums[np.isfinite(sums) & (np.abs(sums) <= reach)]
            shown = inside
            if len(shown) > chart.budget:  # at most about one dot a column
                shown = shown[np.linspace(0, len(shown) - 1, chart.budget).astype(int)]
            if len(shown):
                plt.scatter(shown.tolist(), teaching.activation_value(name, shown).tolist(), marker="•",
                            color=UNIT_DOTS)
            live = self._live_line(name, sums, len(sums) - len(inside))

        config = self.config
        used = used_by(config) if config is not None else []
        items = [coloured("─ value", VALUE), coloured("─ slope", SLOPE)]
        if live is not None:
            items.append(coloured("• this net's units", UNIT_DOTS))
        self.title, legend = fit_title(f"{NAMES[name]}(z) = {curve.formula}", items, self.view_width)
        if self.view_width < 60:
            self.title, legend = f"{NAMES[name]}(z) = {curve.formula}", ""  # the strip carries the legend
        self.set_caption(self._caption(name, curve, used, live, legend))

    def _strip(self, used: list[str], narrow: bool) -> str:
        parts = []
        for act in ACTIVATIONS:
            label = NAMES[act] + ("•" if act in used else "")
            if act == self.selected:
                parts.append(f"[b reverse]{label}[/]")
            elif act in used:
                parts.append(coloured(label, UNIT_DOTS))
            else:
                parts.append(label)
        strip = " · ".join(parts)
        if narrow:
            i = ACTIVATIONS.index(self.selected)
            mark = "•" if self.selected in used else ""
            return (f"◀ [b reverse]{NAMES[self.selected]}{mark}[/] ▶ [dim]{i + 1}/{len(ACTIVATIONS)}[/]  "
                    + coloured("─ value", VALUE) + " " + coloured("─ slope", SLOPE))
        return strip + ("  [dim]• used here  ←/→[/]" if used else "  [dim]←/→[/]")

    def _live_line(self, name: str, sums: np.ndarray, outside: int) -> tuple[str, str]:
        """How many of the net's sums sit where this activation passes (almost) no gradient back (a long and
        a short line)."""
        n = len(sums)
        if name in ("relu", "leaky_relu"):
            share = float(np.mean(sums <= 0))
            tail = ("below 0: off, passing no gradient back" if name == "relu"
                    else "below 0, where the slope is only 0.01")
            short_tail = "below 0 (off)" if name == "relu" else "below 0 (slope 0.01)"
        elif name in ("sigmoid", "tanh"):
            share = float(np.mean(teaching.activation_slope(name, sums) < FLAT_SLOPE))
            tail = f"where the slope is under {FLAT_SLOPE:g}: saturated, passing little gradient back"
            short_tail = "saturated (flat)"
        else:
            share, tail, short_tail = 1.0, "on slope 1: every gradient passes back unchanged", "on slope 1"
        long = f"• {share:.0%} of the {n} sums (each unit at each training point) are {tail}"
        if outside:
            long += f"; {outside} lie beyond the chart"
        return coloured(long, UNIT_DOTS), coloured(f"• {share:.0%} of the units' sums are {short_tail}", UNIT_DOTS)

    def _caption(self, name: str, curve, used: list[str], live: tuple[str, str] | None, legend: str) -> list:
        config = self.config
        narrow = self.view_width < 60
        lines: list = [self._strip(used, narrow)]
        if legend:
            lines.append(legend)
        if config is not None and not used:
            what = "nudge-3x's w·x" if not config.example.is_torch else "y = w·x + b"
            lines.append((f"This model has no activation: it is a straight line ({what}), as if it used the "
                          "identity. The others are what a hidden layer adds.",
                          f"No activation here: a straight line, {what}."))
        lines.append((curve.sentence, short_sentence(curve.sentence)))
        if live is not None:
            lines.append(live)
        elif used and name not in used:
            lines.append(f"[dim]This net uses {', '.join(NAMES[u] for u in used)}, not {NAMES[name]}.[/]")
        if used and any(u != "identity" for u in used):
            lines.append(("[dim]Press a to train this net with no non-linearity (every activation the identity).[/]",
                          "[dim]a: train it with no non-linearity[/]"))
        return lines
