"""Activation functions as a beginner meets them: each one's value and slope over a grid, and one sentence on
what it does to a node's weighted sum.

Values come from `models.activate`, the function the app's forward pass uses, so the curve drawn here is the
one the network applies. Derivatives follow torch's autograd at the kinks: relu'(0) = 0 (torch passes the
gradient only where the output is > 0) and leaky_relu'(0) = 0.01 (torch takes the slope side at 0).

The "no non-linearity" experiment needs nothing here: `config.with_values(activation="identity")` makes every
hidden layer the identity, and the net collapses to one straight line (a chain of matrix products and sums
is still one multiply and one add), whatever its size. The identity's sentence below says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..models import activate

LEAKY_SLOPE = 0.01  # nn.LeakyReLU's default negative_slope, the one the models use


@dataclass(frozen=True)
class Activation:
    name: str
    formula: str  # how it is written: "max(0, z)"
    sentence: str  # what it does to a weighted sum z, in plain words


@dataclass(frozen=True)
class ActivationCurve:
    """One activation over a grid of weighted sums, ready to draw: value and slope at each z."""

    name: str
    z: np.ndarray  # float64 [N], increasing
    value: np.ndarray  # act(z)
    slope: np.ndarray  # act'(z), torch's convention at kinks
    formula: str
    sentence: str


ABOUT: dict[str, Activation] = {
    a.name: a for a in (
        Activation("sigmoid", "1 / (1 + e^(−z))",
                   "Squashes any sum into a value between 0 and 1: large negative sums give about 0, large "
                   "positive ones about 1, and only sums near 0 land in between, so a node acts like a soft "
                   "switch that says how strongly it recognises its input."),
        Activation("relu", "max(0, z)",
                   "Passes a positive sum through unchanged and turns a negative one into 0, so a node is "
                   "either off or rising in a straight line: a hinge. Networks build bends out of many hinges."),
        Activation("tanh", "(e^z − e^(−z)) / (e^z + e^(−z))",
                   "Squashes any sum into a value between −1 and 1, centred on 0: like the sigmoid's soft "
                   "switch, but it can say 'no' (−1) as firmly as 'yes' (+1)."),
        Activation("leaky_relu", "z if z > 0 else 0.01·z",
                   "Like the ReLU hinge, but a negative sum is shrunk to a hundredth instead of cut to 0, so "
                   "a node that is off still lets a little slope through and can learn its way back on."),
        Activation("identity", "z",
                   "Leaves the sum as it is: no bend at all. A network whose layers all use it is one straight "
                   "line however many nodes it has, because sums of weighted sums are again a weighted sum."),
    )
}


def value(name: str, z: np.ndarray) -> np.ndarray:
    """act(z), exactly as the models apply it."""
    _check(name)
    return activate(name, np.asarray(z, dtype=np.float64))


def slope(name: str, z: np.ndarray) -> np.ndarray:
    """act'(z), with torch's choices at the kinks (relu'(0) = 0, leaky_relu'(0) = 0.01)."""
    _check(name)
    z = np.asarray(z, dtype=np.float64)
    if name == "sigmoid":
        s = activate("sigmoid", z)
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(np.float64)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, LEAKY_SLOPE)
    return np.ones_like(z)


def activation_curve(name: str, z_min: float = -6.0, z_max: float = 6.0, points: int = 121) -> ActivationCurve:
    """The activation and its slope over [z_min, z_max]. The default grid has a point at exactly 0, where the
    ReLUs bend, and reaches far enough (±6) for the sigmoid to look flat at both ends."""
    _check(name)
    if not z_max > z_min or points < 2:
        raise ValueError("activation_curve needs z_max > z_min and at least 2 points")
    z = np.linspace(z_min, z_max, points)
    about = ABOUT[name]
    return ActivationCurve(name, z, value(name, z), slope(name, z), about.formula, about.sentence)


def _check(name: str) -> None:
    if name not in ABOUT:
        raise ValueError(f"unknown activation {name!r}; expected one of {', '.join(ABOUT)}")
