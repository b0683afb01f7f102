"""A sweep's grid as a heatmap of final loss: colour bins on a log scale, the legend, diverged cells, the cell of
the example's own setting, and what a cell's numbers say.

Final losses of a learning-rate sweep span orders of magnitude (0.001 where the net fits, 78 where it stays
flat, 1e30 just before it blows up), so the colour follows log10 of the loss, cut into HEAT_BINS equal steps
between the lowest finite loss of the grid and the highest, but at most a decade above the 90th percentile:
without that cap, a few cells that nearly blew up (2.4e6 beside losses of 48 to 230) stretch the scale so
far that every other cell gets the lowest colour, and the grid shows nothing. Losses above the cap share the
top bin (a legend label is a bin's lowest loss). A cell that diverged (or whose loss is not a finite number)
gets no bin (-1): the view marks it apart instead of colouring it as the worst loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .config import RunConfig
from .report import format_number
from .states import RunState

HEAT_BINS = 8
CAP_QUANTILE = 0.9  # the top of the colour scale: at most CAP_DECADES above this quantile of the finite losses
CAP_DECADES = 1.0


@dataclass(frozen=True)
class HeatScale:
    low: float  # log10 of the lowest finite loss
    high: float  # log10 of the highest
    bins: int = HEAT_BINS

    def edges(self) -> list[float]:
        """The bins' edges as losses (bins + 1 of them, lowest first)."""
        return [10.0 ** (self.low + (self.high - self.low) * k / self.bins) for k in range(self.bins + 1)]


def heat_scale(losses: np.ndarray, diverged: np.ndarray | None = None, bins: int = HEAT_BINS) -> HeatScale | None:
    """The log colour scale for a grid of final losses (diverged cells left out), capped a decade above the 90th
    percentile; None when no cell has a finite positive loss. A grid whose losses are all equal gets a scale one decade wide around them."""
    values = _usable(losses, diverged)
    finite = values[np.isfinite(values)]
    if not len(finite):
        return None
    top = float(np.quantile(finite, CAP_QUANTILE, method="higher"))  # a loss of the grid, not an interpolation
    low = float(np.log10(finite.min()))
    high = min(float(np.log10(finite.max())), float(np.log10(top)) + CAP_DECADES)
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    return HeatScale(low, high, bins)


def heat_bins(losses: np.ndarray, scale: HeatScale | None, diverged: np.ndarray | None = None) -> np.ndarray:
    """Each cell's colour bin, 0 (lowest loss) to scale.bins - 1 (highest), or -1 for a diverged cell or one
    without a finite positive loss; the grid's shape."""
    values = _usable(losses, diverged)
    out = np.full(values.shape, -1, dtype=int)
    if scale is None:
        return out
    keep = np.isfinite(values)
    with np.errstate(all="ignore"):
        position = (np.log10(values[keep]) - scale.low) / (scale.high - scale.low)
    out[keep] = np.clip(np.floor(position * scale.bins), 0, scale.bins - 1).astype(int)
    return out


def legend(scale: HeatScale | None) -> list[tuple[int, str]]:
    """(bin, its lowest loss in two significant digits) for each bin, lowest first: the legend's labels."""
    if scale is None:
        return []
    return [(k, f"{edge:.2g}") for k, edge in enumerate(scale.edges()[:-1])]


def _usable(losses: np.ndarray, diverged: np.ndarray | None) -> np.ndarray:
    values = np.array(losses, dtype=np.float64, copy=True)
    values[~(values > 0)] = np.nan  # zero, negative and NaN have no log: no bin
    values[~np.isfinite(values)] = np.nan
    if diverged is not None:
        values[np.asarray(diverged, dtype=bool)] = np.nan
    return values


def own_cell(axes: tuple[tuple[str, tuple], ...], config: RunConfig) -> tuple[int, int] | None:
    """The cell nearest the example's own setting (its learning rate on a log scale, its momentum, its seed),
    or None when an axis does not come within 10% of its range (or a factor 10**0.1 for the learning rate)."""
    example = RunConfig.for_example(config.example_id)
    found = []
    for name, values in axes:
        own = float(getattr(example, name))
        values = np.asarray(values, dtype=np.float64)
        if name == "lr":
            distance = np.abs(np.log10(values) - math.log10(own))
            close = 0.1
        else:
            distance = np.abs(values - own)
            close = max(0.1 * float(values.max() - values.min()), 1e-12 if name != "seed" else 0.5)
        best = int(np.argmin(distance))
        if distance[best] > close:
            return None
        found.append(best)
    return (found[0], found[1] if len(found) > 1 else 0)


def cell_text(cell, axes: tuple[tuple[str, tuple], ...]) -> str:
    """A cell's numbers in one line: `lr 0.001  momentum 0.5: loss 2.31 after 2000 epochs (completed)`."""
    swept = "  ".join(f"{name} {getattr(cell, name):g}" for name, _ in axes)
    status = RunState(cell.status) if not isinstance(cell.status, RunState) else cell.status
    what = "blew up" if status == RunState.DIVERGED else str(status)
    return f"{swept}: loss {format_number(float(cell.loss))} after {cell.epochs} epochs ({what})"
