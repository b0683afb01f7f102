"""The loss curve: the loss as a function of the weight, for the one-weight models.

What the seed says in words, drawn: the error grows the further the weight is from the right answer, and
the curve's slope at the current weight (the gradient) says which way to nudge it. The view draws the loss
against the weight (the bias held at its current value), the current weight as a point, the tangent whose
slope is the gradient, where the next step lands and the path the weight took; its caption says which way
the next step goes and how far, and what momentum adds.

nudge-3x has no gradient: it steps by a fixed amount toward y/x. Its view draws the same kind of curve with
the fixed steps on it, so a step too big for the tolerance is seen bouncing around 3, and says why it stops
or never does.
"""

from __future__ import annotations

import math

import numpy as np

from engine import RunConfig, make_data, teaching

from ...series import downsample, format_tick, nice_ticks
from .. import palette
from ..chart import Chart
from .base import BOUNCE, NEXT, NOW, OPTIMUM, PATH, TANGENT, PlotView, coloured, fit_title

short = teaching.short_number


def _g(value: float) -> str:
    """nudge-3x's weights in four significant digits, as its outcome's reason writes them: a bounce between
    2.95 and 3.00 must not read as 3.0 and 3.0."""
    return f"{value:.4g}".replace("-", "\u2212")


def _count(sizes: tuple[int, ...]) -> int:
    return sum(sizes[i] * sizes[i + 1] + sizes[i + 1] for i in range(len(sizes) - 1))


class LossCurveView(PlotView):
    view_id = "loss-curve"
    view_title = "Loss curve"

    @staticmethod
    def applies(config: RunConfig) -> str | None:
        if not config.example.is_torch or not config.hidden:
            return None
        return (f"this net has {_count(config.layer_sizes)} weights and biases, not one, so its loss is a surface "
                "over all of them with no single curve to draw (hidden = none makes it y = w·x + b)")

    _data = None  # the config's training data, made once per config

    def on_show(self, config_changed: bool) -> None:
        if config_changed and self.config is not None:
            self._data = make_data(self.config) if self.config.example.is_torch else None

    # -- what the run says --------------------------------------------------------------------------------

    def _path(self) -> tuple[np.ndarray, np.ndarray]:
        """The weight after each recorded epoch, and those epochs (empty for a many-seed run)."""
        if self.source is None or self.source.history is None:
            return np.empty(0), np.empty(0)
        history = self.source.history
        weights, epochs = history.column("weight"), history.epoch
        n = min(len(weights), len(epochs))
        return np.asarray(weights[:n], np.float64), np.asarray(epochs[:n], np.float64)

    # -- drawing -------------------------------------------------------------------------------------------

    def draw_plot(self, plt, chart: Chart) -> None:
        config = self.config
        if config is None:
            plt.xlim(0, 1)
            plt.ylim(0, 1)
            self.note(plt, chart, "no example loaded")
            self.set_caption([])
            return
        reason = self.applies(config)
        if reason is not None:  # the app shows NotApplicable instead; drawn anyway, it says why
            plt.xlim(0, 1)
            plt.ylim(0, 1)
            self.note(plt, chart, "does not apply to this model")
            self.set_caption([f"The loss curve does not apply to {config.example_id}: {reason}."])
            return
        if config.example.is_torch:
            self._draw_gradient(plt, chart, config)
        else:
            self._draw_fixed(plt, chart, config)

    def _axes(self, plt, chart: Chart, lo: float, hi: float, top: float) -> None:
        plt.xlim(lo, hi)
        plt.ylim(0, top)
        xticks = nice_ticks(lo, hi, max(2, chart.columns // 10))
        plt.xticks(xticks, [format_tick(t) for t in xticks])
        yticks = nice_ticks(0, top, max(2, chart.rows // 3))
        plt.yticks(yticks, [format_tick(t) for t in yticks])

    def _curve(self, plt, chart: Chart, ws: np.ndarray, loss: np.ndarray) -> float:
        """The loss curve in the model's blue; returns the top of the y axis."""
        finite = loss[np.isfinite(loss)]
        top = float(finite.max()) * 1.08 if finite.size and finite.max() > 0 else 1.0
        self._axes(plt, chart, float(ws[0]), float(ws[-1]), top)
        plt.plot(ws.tolist(), loss.tolist(), marker=chart.marker, color=palette.MODEL)
        return top

    def _points(self, plt, xs, ys, marker: str, color, top: float) -> None:
        xs, ys = np.asarray(xs, np.float64), np.asarray(ys, np.float64)
        keep = np.isfinite(xs) & np.isfinite(ys) & (ys <= top * 1.001)
        if keep.any():
            plt.scatter(xs[keep].tolist(), ys[keep].tolist(), marker=marker, color=color)

    def _blown_up(self, plt, chart: Chart, what: str) -> None:
        plt.xlim(0, 1)
        plt.ylim(0, 1)
        plt.xticks([], [])
        plt.yticks([], [])
        self.note(plt, chart, f"the {what} blew up: nothing finite to draw")
        self.set_caption([f"The {what} is not a number any more: the steps grew instead of shrinking. "
                          "Press r and lower the learning rate (-)."])

    # -- linear-3x, linear-noisy: the gradient -------------------------------------------------------------------

    def _velocity(self, path: np.ndarray, epochs: np.ndarray, lr: float, steps: int) -> float | None:
        """Momentum's velocity from the path's last two recorded weights when they are several epochs apart
        (the history thins itself on long runs): per epoch between them. None when they are one epoch apart:
        engine.teaching estimates it then."""
        if len(path) < 2 or lr <= 0:
            return None
        gap = float(epochs[-1] - epochs[-2])
        if gap <= 1:
            return None
        return float(-(path[-1] - path[-2]) / (lr * steps * gap))

    def _draw_gradient(self, plt, chart: Chart, config: RunConfig) -> None:
        flat = self._params()
        lr = self.source.live_value("lr", config) if self.source else config.lr
        momentum = self.source.live_value("momentum", config) if self.source else config.momentum
        data = self._data
        if flat is None:
            curve = teaching.loss_curve_for(config, np.zeros(2), lr=lr, momentum=0.0, data=data,
                                            points=chart.budget)
            top = self._curve(plt, chart, curve.ws, curve.loss)
            plt.vline(curve.optimum, color=palette.RANGE)
            self.title = (f"Loss vs weight [dim](bias 0, before training)[/]  "
                          f"{coloured('│ best w', palette.RANGE)}")
            self.note(plt, chart, "press space to start", x=float(np.mean(curve.ws[[0, -1]])), y=top * 0.6)
            self.set_caption([
                "The loss for each weight: lowest at the bottom of the bowl. Press space and watch the weight "
                "move downhill, each step against the curve's slope (the gradient)."])
            return
        if not np.isfinite(flat[:2]).all():
            self._blown_up(plt, chart, "weight")
            return
        path, epochs = self._path()
        steps = math.ceil(len(data) / config.effective_batch)
        momentum_on = momentum > 0 and config.optimizer != "adam"
        velocity = self._velocity(path, epochs, lr, steps) if momentum_on else None
        curve = teaching.loss_curve_for(config, flat, path=path, velocity=velocity, lr=lr, momentum=momentum,
                                        data=data, points=chart.budget)
        top = self._curve(plt, chart, curve.ws, curve.loss)
        plt.vline(curve.optimum, color=palette.RANGE)
        # the tangent: a short straight line through the current point whose slope is the gradient
        tws = np.linspace(curve.tangent_ws[0], curve.tangent_ws[1], max(8, chart.budget // 4))
        tl = curve.tangent(tws)
        keep = (tl >= 0) & (tl <= top)
        if keep.any():
            plt.plot(tws[keep].tolist(), tl[keep].tolist(), marker=chart.marker, color=TANGENT)
        px, py = downsample(curve.path_ws, curve.path_loss, chart.budget)
        self._points(plt, px[:-1], py[:-1], "•", PATH, top)  # the last one is the current point
        step = curve.momentum_step or curve.step
        self._points(plt, [step.lands_at], [step.loss], "○", NEXT, top)
        self._points(plt, [curve.weight], [curve.current_loss], "●", NOW, top)

        items = [coloured("● now", NOW), coloured("─ slope", TANGENT), coloured("○ next", NEXT),
                 coloured("• path", PATH), coloured("│ best", palette.RANGE)]
        title, legend = fit_title(f"Loss vs weight [dim](bias held at {short(curve.bias)})[/]", items,
                                  self.view_width)
        self.title = title
        self.set_caption(self._gradient_caption(curve, config, legend))

    def _gradient_caption(self, curve, config: RunConfig, legend: str) -> list[str]:
        step = curve.step
        slope = coloured(f"slope {short(curve.grad)}", TANGENT)
        if step.delta == 0:
            first = f"{slope}: the weight is at the bottom for this bias, so the step is 0"
        else:
            way = "right" if step.delta > 0 else "left"
            first = (f"{slope}: the next step moves the weight {way}, by lr × slope = {short(abs(step.delta))}, "
                     + coloured(f"to {short(step.lands_at)}", NEXT))
        lines = [first]
        if curve.momentum_step is not None:
            m = curve.momentum_step
            lines.append(f"Momentum {curve.momentum:g} keeps part of the last steps (velocity {short(curve.velocity)}"
                         f"): the step is {short(m.delta)}, " + coloured(f"to {short(m.lands_at)}", NEXT))
        elif curve.momentum > 0:
            lines.append(f"Momentum {curve.momentum:g} will add part of the last steps once the weight moves.")
        if config.optimizer == "adam":
            lines.append("Adam scales each step by its own running averages: the step drawn is the plain one.")
        if legend:
            lines.append(legend)
        per = "one per sample" if config.effective_batch == 1 else f"batches of {config.effective_batch}"
        lines.append(f"{curve.steps_per_epoch} such steps an epoch ({per}); the lowest loss for this bias is at "
                     f"w = {short(curve.optimum)}.")
        return lines

    # -- nudge-3x: fixed steps ------------------------------------------------------------------------------------

    def _draw_fixed(self, plt, chart: Chart, config: RunConfig) -> None:
        flat = self._params()
        x, y = config.sample_x, config.sample_y
        loss_text = f"(w·{short(x)} − {short(y)})²" if x >= 0 else f"(w·({short(x)}) − {short(y)})²"
        if flat is None:
            view = teaching.fixed_step_view_for(config, np.array([0.5]), points=chart.budget)
            top = self._curve(plt, chart, view.ws, view.loss)
            plt.vline(view.outcome.target, color=OPTIMUM)
            self.title = f"Loss {loss_text} vs w [dim](before the first nudge)[/]"
            self.note(plt, chart, "press space to start", x=float(np.mean(view.ws[[0, -1]])), y=top * 0.6)
            self.set_caption([
                f"The error is smallest at w = y/x = {short(view.outcome.target)} "
                f"({coloured('│', OPTIMUM)}). The learner starts w at random in [0, 1) and nudges it by a "
                f"fixed {config.step:g} toward it until |error| <= {config.tolerance:g}."])
            return
        w = float(flat[0])
        if not math.isfinite(w):
            self._blown_up(plt, chart, "weight")
            return
        path, _ = self._path()
        view = teaching.fixed_step_view_for(config, flat, path=path, points=chart.budget)
        outcome = view.outcome
        top = self._curve(plt, chart, view.ws, view.loss)
        plt.vline(outcome.target, color=OPTIMUM)
        lo, hi = outcome.band
        span = float(view.ws[-1] - view.ws[0])
        if (hi - lo) / span * max(1, chart.budget) >= 3:  # wide enough to show as a band of its own
            plt.vline(lo, color=palette.RANGE)
            plt.vline(hi, color=palette.RANGE)
        px, py = downsample(view.path_ws, view.path_loss, chart.budget)
        self._points(plt, px[:-1], py[:-1], "•", PATH, top)
        # the two weights it will bounce between, unless it is bouncing already (then they are now and next)
        bounce = (outcome.pair is not None and not outcome.lands
                  and not np.allclose(sorted(outcome.pair), sorted((view.weight, view.next_weight))))
        if bounce:
            pair = np.array(outcome.pair)
            self._points(plt, pair, (pair * x - y) ** 2, "◆", BOUNCE, top)
        if view.next_weight != view.weight:
            self._points(plt, [view.next_weight], [view.next_loss], "○", NEXT, top)
        self._points(plt, [view.weight], [view.current_loss], "●", NOW, top)

        items = ([coloured("● now", NOW), coloured("○ next", NEXT), coloured("• path", PATH),
                  coloured(f"│ y/x = {short(outcome.target)}", OPTIMUM)]
                 + ([coloured("◆ bounce", BOUNCE)] if bounce else []))
        self.title, legend = fit_title(f"Loss {loss_text} vs w", items, self.view_width)
        error, tol = view.error, view.tolerance
        narrow = self.view_width < 60
        if abs(error) <= tol and narrow:
            first = f"error {short(error)} is within the tolerance {tol:g}: " + coloured("it stops here", NEXT)
        elif narrow:
            way = "left" if view.next_weight < view.weight else "right"
            first = (f"error {short(error)} > tolerance {tol:g}: nudge w {way} by {view.step:g}, "
                     + coloured(f"to {_g(view.next_weight)}", NEXT))
        elif abs(error) <= tol:
            first = (f"error {short(error)} (w·x − y) is within the tolerance {tol:g}: "
                     + coloured("the learner stops here", NEXT) + ".")
        else:
            way = "left" if view.next_weight < view.weight else "right"
            first = (f"error {short(error)} (w·x − y) is over the tolerance {tol:g}: the next nudge moves w "
                     f"{way} by {view.step:g}, " + coloured(f"to {_g(view.next_weight)}", NEXT) + ".")
        lines = [first]
        if outcome.steps != 0:
            if outcome.pair is not None and not outcome.lands and narrow:
                lo, hi = outcome.pair
                lines.append(f"It bounces between {_g(lo)} and {_g(hi)} for ever: steps over "
                             f"{_g(outcome.max_sure_step)} jump the band.")
            else:
                lines.append("From here " + outcome.reason + ".")
        if legend:
            lines.append(legend)
        lines.append("The step never shrinks, unlike a gradient step: near y/x it is as big as far away.")
        self.set_caption(lines)
