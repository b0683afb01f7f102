"""The loss as a function of the weight, for the one-weight models (linear-3x, linear-noisy: y = w·x + b):
the curve the seed describes, whose slope at the current weight (the gradient) says which way to nudge.

    L(w) = mean over the data of (w·x + b − y)²      (the bias b held at its current value)

L is a parabola in w, so everything here is exact: the gradient dL/dw = 2·mean(x·(w·x + b − y)), the tangent
line through the current point, and the optimum for this bias, w* = mean(x·(y − b)) / mean(x²) (least squares
with b fixed). The step previews are those of one plain gradient step on this curve: −lr·grad, and with
momentum −lr·(momentum·v + grad) where v is torch's momentum buffer. The seed's loop takes one such step per
sample (each along its own sample's curve, which on average is this one), so an epoch moves the weight about
`steps_per_epoch` times as far.

The bias moves during training too, so the drawn curve is a slice at today's bias: the path's earlier weights
are placed on this same curve (their loss at the current bias), so they sit on the line being drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..config import RunConfig
from ..data import Dataset, make_data


@dataclass(frozen=True)
class Step:
    """Where one step moves the weight: by `delta`, to `lands_at`, where the curve's loss is `loss`."""

    delta: float
    lands_at: float
    loss: float


@dataclass(frozen=True)
class LossCurve:
    ws: np.ndarray  # [N] weights across the view, increasing
    loss: np.ndarray  # [N] L(w) at the held bias
    weight: float  # the current weight
    bias: float  # the bias the curve is drawn at (the current one)
    current_loss: float  # L(weight)
    grad: float  # dL/dw at the current weight: the tangent's slope
    optimum: float  # the weight with the lowest loss for this bias
    optimum_loss: float
    tangent_ws: np.ndarray  # [2] ends of a tangent segment through the current point
    tangent_loss: np.ndarray  # [2]
    lr: float
    step: Step  # plain gradient descent: −lr·grad (plus weight decay's lr·wd·w when that is on)
    momentum: float
    velocity: float | None  # momentum buffer before the next step (torch's v ← momentum·v + grad)
    velocity_source: str  # "given", "estimated" (from the path's last two weights) or "none"
    momentum_step: Step | None  # −lr·(momentum·v + grad); None without momentum or a velocity
    steps_per_epoch: int  # how many such steps one epoch takes
    path_ws: np.ndarray  # [P] the weights so far (oldest first)
    path_loss: np.ndarray  # [P] their loss on this curve

    def tangent(self, ws: np.ndarray) -> np.ndarray:
        """The tangent line at the current point, evaluated at ws."""
        return self.current_loss + self.grad * (np.asarray(ws, dtype=np.float64) - self.weight)


def mse(x: np.ndarray, y: np.ndarray, ws: np.ndarray, bias: float) -> np.ndarray:
    """mean((w·x + b − y)²) for each w in ws."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    ws = np.asarray(ws, np.float64)
    with np.errstate(all="ignore"):
        residual = ws[..., None] * x + (bias - y)
        return np.mean(residual * residual, axis=-1)


def gradient(x: np.ndarray, y: np.ndarray, weight: float, bias: float) -> float:
    """dL/dw = 2·mean(x·(w·x + b − y)): the slope of the loss curve at the weight."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    return float(2.0 * np.mean(x * (weight * x + bias - y)))


def best_weight(x: np.ndarray, y: np.ndarray, bias: float) -> float:
    """The w minimising the loss for this bias: mean(x·(y − b)) / mean(x²). With every x = 0 the weight does
    not matter; 0 is returned then."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    xx = float(np.mean(x * x))
    return float(np.mean(x * (y - bias)) / xx) if xx > 0 else 0.0


def view_range(values: Sequence[float], centre: float) -> tuple[float, float]:
    """A weight range holding every finite value, with a margin: 15% of their spread each side, and at least
    0.5 + 10% of |centre| each side of the centre, so a curve whose points coincide still shows its bowl."""
    finite = [float(v) for v in values if math.isfinite(v)] or [0.0]
    lo, hi = min(finite), max(finite)
    margin = 0.15 * (hi - lo)
    floor = 0.5 + 0.1 * abs(centre) if math.isfinite(centre) else 0.5
    return min(lo - margin, centre - floor), max(hi + margin, centre + floor)


def loss_curve(x: np.ndarray, y: np.ndarray, weight: float, bias: float = 0.0, *, lr: float,
               momentum: float = 0.0, weight_decay: float = 0.0, path: Sequence[float] | None = None,
               velocity: float | None = None, steps_per_epoch: int = 1, points: int = 101) -> LossCurve:
    """The loss-versus-weight view of y ≈ w·x + b on data (x, y) at the current (weight, bias).

    The range holds the current weight, the optimum, the path so far and where the next plain step lands.
    `velocity` is the optimizer's momentum buffer for the weight when the caller has it (the kernel keeps it
    in `learner.state[k, 0]`; torch in `optimizer.state[weight]["momentum_buffer"]`); without it, and with
    momentum on, it is estimated from the path's last two weights: an epoch of n steps moved the weight by
    about −lr·n·v, so v ≈ −(w_last − w_before) / (lr·n).
    """
    weight, bias, lr = float(weight), float(bias), float(lr)
    path_ws = np.asarray(path if path is not None else [], np.float64).reshape(-1)
    loss_at = lambda w: float(mse(x, y, np.array([w]), bias)[0])
    grad = gradient(x, y, weight, bias)
    current = loss_at(weight)
    optimum = best_weight(x, y, bias)

    push = grad + weight_decay * weight  # what SGD moves against (torch adds weight decay to the gradient)
    delta = -lr * push
    step = Step(delta, weight + delta, loss_at(weight + delta))

    source, momentum_step = "none", None
    if momentum > 0:
        if velocity is not None:
            source = "given"
        elif len(path_ws) >= 2 and lr > 0:
            velocity, source = -(path_ws[-1] - path_ws[-2]) / (lr * max(1, steps_per_epoch)), "estimated"
        if velocity is not None:
            velocity = float(velocity)
            m_delta = -lr * (momentum * velocity + push)
            momentum_step = Step(m_delta, weight + m_delta, loss_at(weight + m_delta))
    else:
        velocity = None

    lo, hi = view_range([weight, optimum, step.lands_at, *path_ws], centre=optimum)
    ws = np.linspace(lo, hi, max(2, points))
    half = (hi - lo) / 8  # a tangent a quarter of the view long reads as a slope, not as a second curve
    tangent_ws = np.array([weight - half, weight + half])
    return LossCurve(
        ws=ws, loss=mse(x, y, ws, bias), weight=weight, bias=bias, current_loss=current, grad=grad,
        optimum=optimum, optimum_loss=loss_at(optimum), tangent_ws=tangent_ws,
        tangent_loss=current + grad * (tangent_ws - weight), lr=lr, step=step, momentum=float(momentum),
        velocity=velocity, velocity_source=source, momentum_step=momentum_step,
        steps_per_epoch=max(1, steps_per_epoch), path_ws=path_ws, path_loss=mse(x, y, path_ws, bias),
    )


def loss_curve_for(config: RunConfig, flat: np.ndarray, *, path: Sequence[float] | None = None,
                   velocity: float | None = None, lr: float | None = None, momentum: float | None = None,
                   data: Dataset | None = None, points: int = 101) -> LossCurve:
    """`loss_curve` for a one-weight PyTorch example (Linear(1,1): flat = [w, b]) on its training data.

    `lr` and `momentum` default to the config's; pass the controller's current ones when they were changed
    mid-run. `path` is typically `controller.history.column("weight")`. With Adam the step shown is still
    the plain gradient step (Adam scales its own).
    """
    if not config.example.is_torch or config.hidden:
        raise ValueError(f"{config.example_id}: the loss curve needs a one-weight model, y = w·x + b "
                         "(nudge-3x has its own view: fixed_step_view_for)")
    flat = np.asarray(flat, np.float64).reshape(-1)
    data = make_data(config) if data is None else data
    momentum = config.momentum if momentum is None else momentum
    if config.optimizer == "adam":
        momentum = 0.0
    return loss_curve(
        data.x, data.y, flat[0], flat[1], lr=config.lr if lr is None else lr, momentum=momentum,
        weight_decay=config.weight_decay, path=path, velocity=velocity,
        steps_per_epoch=math.ceil(len(data) / config.effective_batch), points=points,
    )
