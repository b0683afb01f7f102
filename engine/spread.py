"""How the members of a many-seed run spread: the band the loss chart shades and the curves the fit chart draws.

A run of K seeds trains K nets at once. The charts show the median member and how far the others lie from
it: with few members the band runs from the best to the worst (every member counts), from K = 10 on from
the 10th to the 90th percentile (one odd seed would otherwise stretch the band over the whole chart). The fit
chart draws up to 16 members' curves faint; beyond that, 16 curves would be a smear, so it shades the same
band. Members that stopped (diverged) hold NaN and are left out of both.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

PERCENTILE_FROM = 10  # from this many members on, the band is the 10th-90th percentile
PERCENTILES = (0.1, 0.9)
MAX_FAINT = 16  # the fit chart draws every member's curve up to this many members


def band_quantiles(members: int) -> tuple[float, float]:
    """The quantiles the band spans for a run of `members` seeds: (0, 1), best to worst, below
    PERCENTILE_FROM members; (0.1, 0.9) from there on."""
    return (0.0, 1.0) if members < PERCENTILE_FROM else PERCENTILES


def band_rule(members: int) -> str:
    """The band in words, for a chart's title: `best to worst` or `10th-90th percentile`."""
    lo, hi = band_quantiles(members)
    return "best to worst" if (lo, hi) == (0.0, 1.0) else f"{lo * 100:.0f}th-{hi * 100:.0f}th percentile"


def member_band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) of `values` [K, N] along the members, per column, over the finite members only (NaN where
    no member is finite). The quantiles follow `band_quantiles(K)`; linear interpolation between members,
    as numpy's default."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"member values must be [members, points], got shape {values.shape}")
    if values.shape[1] == 0:
        return np.empty(0), np.empty(0)
    finite = np.isfinite(values)
    lo_q, hi_q = band_quantiles(values.shape[0])
    if finite.all():  # the usual case, and numpy's NaN-aware versions cost ~10x more: the plain ones
        if (lo_q, hi_q) == (0.0, 1.0):
            return values.min(axis=0), values.max(axis=0)
        lo, hi = np.quantile(values, [lo_q, hi_q], axis=0)
        return lo, hi
    clean = np.where(finite, values, np.nan)
    with warnings.catch_warnings():  # a column where every member stopped is NaN, which is what we want
        warnings.simplefilter("ignore", RuntimeWarning)
        if (lo_q, hi_q) == (0.0, 1.0):
            return np.nanmin(clean, axis=0), np.nanmax(clean, axis=0)
        lo, hi = np.nanquantile(clean, [lo_q, hi_q], axis=0)
    return lo, hi


def member_median(values: np.ndarray) -> np.ndarray:
    """The median along the members of `values` [K, N], over the finite members (NaN where none is)."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    if finite.all():
        return np.median(values, axis=0)
    clean = np.where(finite, values, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(clean, axis=0)


@dataclass(frozen=True)
class CurveSpread:
    """What the fit chart draws for K members' predictions over a grid."""

    median: np.ndarray  # [G]: drawn bold
    faint: np.ndarray  # [F, G], F <= MAX_FAINT: every member's curve, drawn faint (empty beyond MAX_FAINT)
    low: np.ndarray | None  # [G]: the band's edges beyond MAX_FAINT members (None when curves are drawn)
    high: np.ndarray | None
    members: int

    @property
    def banded(self) -> bool:
        return self.low is not None


def curve_spread(predictions: np.ndarray) -> CurveSpread:
    """The fit chart's numbers for predictions [K, G]: one member is its own median; up to MAX_FAINT members
    are drawn as faint curves under the median; more are shaded as the band (`member_band`)."""
    predictions = np.asarray(predictions, dtype=np.float64)
    if predictions.ndim == 1:
        predictions = predictions[None, :]
    k = predictions.shape[0]
    if k == 1:
        return CurveSpread(predictions[0], np.empty((0, predictions.shape[1])), None, None, 1)
    median = member_median(predictions)
    if k <= MAX_FAINT:
        return CurveSpread(median, predictions, None, None, k)
    low, high = member_band(predictions)
    return CurveSpread(median, np.empty((0, predictions.shape[1])), low, high, k)
