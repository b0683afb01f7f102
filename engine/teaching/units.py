"""Hidden units as curves: the net's prediction is the sum of what each unit of the last hidden layer adds.

The output node computes y = sum_j w_j · a_j(x) + b, so drawing each unit's contribution w_j · a_j(x) over an x
grid, with the output bias b, shows how the curve is built: ReLU units add hinges, sigmoid units add soft
steps. The curves plus the bias sum to the prediction, exactly up to float64 summation order.

For a net with one hidden layer each unit sees x directly (z_j = v_j·x + c_j), so its shape has a place on
the x axis: where a ReLU hinge turns on, where a sigmoid or tanh step is centred (both at x = −c_j / v_j).
With more hidden layers a unit's input is itself a curve and no such single place exists: curves only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .network import forward_trace, layer_params, unit_names
from .numfmt import short


@dataclass(frozen=True)
class UnitShape:
    """Where a one-hidden-layer unit does its work on the x axis (None fields when it has no such place)."""

    kind: str  # "hinge" (relu, leaky_relu), "step" (sigmoid, tanh), "line" (identity), "flat" (v_j = 0)
    at: float | None  # x of the hinge or of the step's centre: −c/v
    width: float | None  # step: x distance from 10% to 90% of the way; None for other kinds
    on_side: str | None  # hinge: "right" when it is on for x > at, "left" when for x < at
    label: str  # in words, e.g. "hinge at x = 1.3, on to the right"


@dataclass(frozen=True)
class UnitCurve:
    unit: int
    name: str  # h1, h2_3 ...
    out_weight: float  # w_j: the unit's weight into the output
    values: np.ndarray  # [N]: w_j · a_j(x) over the grid, what the unit adds to the prediction
    shape: UnitShape | None  # None for deeper nets


@dataclass(frozen=True)
class UnitCurves:
    xs: np.ndarray  # [N] float64
    units: tuple[UnitCurve, ...]
    bias: float  # the output bias b
    prediction: np.ndarray  # [N]: the net's output, which sum(values) + bias equals


def unit_curves(flat: np.ndarray, sizes: Sequence[int], activations: Sequence[str], xs: np.ndarray) -> UnitCurves:
    """Each last-hidden-layer unit's contribution to the prediction over xs, the output bias, the prediction.

    Needs at least one hidden layer and a single output (all of nudge's nets have one).
    """
    if len(sizes) < 3 or sizes[-1] != 1:
        raise ValueError("unit curves need a net with a hidden layer and one output")
    xs = np.asarray(xs, dtype=np.float64).reshape(-1)
    trace = forward_trace(flat, sizes, activations, xs)
    params = layer_params(flat, sizes)
    w_out, b_out = params[-1]
    hidden = trace[-2].a  # [N, units]: what the output node receives
    names = unit_names(sizes)[-2]
    one_layer = len(sizes) == 3
    units = []
    with np.errstate(all="ignore"):
        for j in range(sizes[-2]):
            shape = None
            if one_layer:
                v, c = params[0][0][j, 0], params[0][1][j]
                shape = unit_shape(activations[0], float(v), float(c))
            units.append(UnitCurve(j, names[j], float(w_out[0, j]), w_out[0, j] * hidden[:, j], shape))
    return UnitCurves(xs, tuple(units), float(b_out[0]), trace[-1].a[:, 0].copy())


# A sigmoid goes from 10% to 90% of its way as z goes from −ln 9 to ln 9; tanh is a sigmoid of 2z.
_STEP_SPAN = {"sigmoid": 2.0 * math.log(9.0), "tanh": math.log(9.0)}


def unit_shape(activation: str, v: float, c: float) -> UnitShape:
    """The shape of act(v·x + c) along x, for a unit fed by x directly."""
    if activation == "identity":
        return UnitShape("line", None, None, None, f"a straight line, slope {short(v)}")
    if v == 0.0 or not (math.isfinite(v) and math.isfinite(c)):
        return UnitShape("flat", None, None, None, "flat: its input weight is 0, so x does not move it")
    at = -c / v
    if activation in ("relu", "leaky_relu"):
        side = "right" if v > 0 else "left"
        return UnitShape("hinge", at, None, side, f"hinge at x = {short(at)}, on to the {side}")
    width = _STEP_SPAN[activation] / abs(v)
    rising = "rising" if v > 0 else "falling"
    return UnitShape("step", at, width, None, f"step centred at x = {short(at)}, {rising}, {short(width)} wide")
