"""The first example's learner on its loss curve: nudge-3x steps one weight by a fixed amount toward y/x.

With one sample (x, y) the loss is (w·x − y)², a parabola with its bottom at w* = y/x. The learner never
looks at the slope's size, only its sign: it moves w by `step` toward w* until |w·x − y| <= tolerance. The
weights it can reach are w0 + k·step, so it either lands in the tolerance band around w* or, when the step
jumps over the band, bounces for ever between the two reachable weights on either side of w*.

In weights the band is |w − w*| <= tolerance / |x|, 2·tolerance/|x| wide: a step no wider than that always
lands; a wider one lands only when the starting weight happens to line up. With a negative x the seed's rule
(step down when the error is >= 0) moves w away from w*, so the error only grows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..config import RunConfig
from .loss_curve import mse, view_range


@dataclass(frozen=True)
class FixedStepOutcome:
    """Where fixed steps from the current weight end up."""

    target: float  # w* = y/x: zero error
    band: tuple[float, float]  # the weights within tolerance
    lands: bool  # some nudge brings |error| within the tolerance (then the learner stops)
    steps: int | None  # nudges until it does; 0 when the current weight already is within
    lands_at: float | None
    pair: tuple[float, float] | None  # the two reachable weights either side of w* (low, high): where the walk
    # bounces unless it lands first; None when it stops where it is or walks away (negative x)
    pair_errors: tuple[float, float] | None  # w·x − y at each
    max_sure_step: float  # 2·tolerance/|x|: any step up to this always lands
    reason: str  # why it stops or never does, in plain words


@dataclass(frozen=True)
class FixedStepView:
    ws: np.ndarray  # [N] weights across the view
    loss: np.ndarray  # [N] (w·x − y)²
    weight: float
    error: float  # weight·x − y
    current_loss: float
    next_weight: float  # after this iteration's nudge (the same weight when it is within tolerance)
    next_loss: float
    step: float
    tolerance: float
    path_ws: np.ndarray  # [P] the weights so far
    path_loss: np.ndarray  # [P]
    outcome: FixedStepOutcome


def _g(value: float) -> str:
    # Four significant digits: the bounce pair (2.95 and 3.00) must not round to the same text.
    return f"{value:.4g}"


def fixed_step_outcome(weight: float, x: float, y: float, step: float, tolerance: float) -> FixedStepOutcome:
    """Whether fixed steps of `step` from `weight` ever bring |w·x − y| within `tolerance`, in how many nudges,
    and the pair of weights they bounce between around y/x. Exact up to rounding at the band's edges (the
    learner adds the step k times; this computes w ± k·step)."""
    weight, x, y, step, tolerance = float(weight), float(x), float(y), float(step), float(tolerance)
    if x == 0 or step <= 0 or tolerance <= 0:
        raise ValueError("fixed steps need x != 0, step > 0 and tolerance > 0")
    target = y / x
    half = tolerance / abs(x)
    band = (target - half, target + half)
    sure = 2 * half
    err = lambda w: w * x - y
    error = err(weight)

    if abs(error) <= tolerance:
        return FixedStepOutcome(target, band, True, 0, weight, None, None, sure,
                                f"the error {_g(error)} is within the tolerance {_g(tolerance)}: it stops here")
    if x < 0:
        return FixedStepOutcome(target, band, False, None, None, None, None, sure, (
            f"x is negative, so the rule (step down when the error is positive) moves w away from "
            f"y/x = {_g(target)}: the error grows with every nudge and never comes within the tolerance"))

    distance = abs(weight - target)
    toward = 1.0 if target > weight else -1.0
    # k-th nudge: w + toward·k·step, distance |D| − k·step. The walk crosses w* at k_cross, then bounces
    # between nudges k_cross − 1 and k_cross.
    k_cross = math.floor(distance / step) + 1 if toward < 0 else math.ceil(distance / step)
    near, far = weight + toward * (k_cross - 1) * step, weight + toward * k_cross * step
    pair = (min(near, far), max(near, far))
    pair_errors = (err(pair[0]), err(pair[1]))

    k_first = max(0, math.ceil((distance - half) / step))  # first nudge within the band on the near side
    if k_first < k_cross and distance - k_first * step <= half:
        k_land = k_first
    elif abs(distance - k_cross * step) <= half:
        k_land = k_cross
    else:
        reason = (f"it bounces between w = {_g(pair[0])} and {_g(pair[1])}: their errors ({_g(pair_errors[0])} and "
                  f"{_g(pair_errors[1])}) are both bigger than the tolerance {_g(tolerance)}, so it never stops; "
                  f"a step of at most {_g(sure)} (2 × tolerance / x) always lands")
        return FixedStepOutcome(target, band, False, None, None, pair, pair_errors, sure, reason)
    lands_at = weight + toward * k_land * step
    reason = (f"{k_land} more nudge{'s' if k_land != 1 else ''} of {_g(step)} bring w to {_g(lands_at)}, where the "
              f"error {_g(err(lands_at))} is within the tolerance {_g(tolerance)}, and it stops")
    return FixedStepOutcome(target, band, True, k_land, lands_at, pair, pair_errors, sure, reason)


def fixed_step_view(weight: float, x: float, y: float, step: float, tolerance: float, *,
                    path: Sequence[float] | None = None, points: int = 101) -> FixedStepView:
    """The loss (w·x − y)² around the current weight, y/x, the bounce pair and the path, with the next nudge."""
    outcome = fixed_step_outcome(weight, x, y, step, tolerance)
    xs, ys = np.array([x], np.float64), np.array([y], np.float64)
    path_ws = np.asarray(path if path is not None else [], np.float64).reshape(-1)
    error = weight * x - y
    if abs(error) <= tolerance:
        next_weight = weight
    else:
        next_weight = weight - step if error >= 0 else weight + step  # the learner's rule, as it is written
    lo, hi = view_range([weight, outcome.target, next_weight, *(outcome.pair or ()), *path_ws],
                        centre=outcome.target)
    ws = np.linspace(lo, hi, max(2, points))
    return FixedStepView(
        ws=ws, loss=mse(xs, ys, ws, 0.0), weight=float(weight), error=float(error), current_loss=float(error) ** 2,
        next_weight=float(next_weight), next_loss=float(next_weight * x - y) ** 2, step=float(step),
        tolerance=float(tolerance), path_ws=path_ws, path_loss=mse(xs, ys, path_ws, 0.0), outcome=outcome,
    )


def fixed_step_view_for(config: RunConfig, flat: np.ndarray, *, path: Sequence[float] | None = None,
                        points: int = 101) -> FixedStepView:
    """`fixed_step_view` for nudge-3x: flat = [w] (the learner's `flat_params()[k]`), the config's sample,
    step and tolerance. `path` is typically `controller.history.column("weight")`."""
    if config.example.is_torch:
        raise ValueError(f"{config.example_id}: fixed steps are nudge-3x's learner; use loss_curve_for")
    w = float(np.asarray(flat, np.float64).reshape(-1)[0])
    return fixed_step_view(w, config.sample_x, config.sample_y, config.step, config.tolerance, path=path,
                           points=points)
