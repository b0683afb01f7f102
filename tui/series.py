"""Numbers for the charts, with no Textual and no plotext: downsampling, smoothing, log scale, limits.

A plotext chart costs time in proportion to its points, so every series is cut to about as many points
as the chart has columns before it is drawn. The functions here decide what a chart shows; the chart
widgets only hand the result to plotext.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

LOG_FLOOR = 1e-12  # losses at or below this draw at the floor of a log-scale chart
EMA_WEIGHT = 0.9  # the smoothing weight of a plain per-point EMA
SMOOTH_FRACTION = 0.02  # the loss chart smooths over about this share of the run's epochs


def finite_xy(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs whose x and y are both finite numbers."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def downsample(x: np.ndarray, y: np.ndarray, budget: int) -> tuple[np.ndarray, np.ndarray]:
    """At most `budget` points of the finite pairs, in order, keeping each stretch's lowest and highest y
    (so a spike or the best loss never vanishes) and the first and last point."""
    x, y = finite_xy(x, y)
    n = len(x)
    budget = max(2, int(budget))
    if n <= budget:
        return x, y
    buckets = max(1, (budget - 2) // 2)
    edges = np.linspace(1, n - 1, buckets + 1).astype(int)
    keep = [0]
    for lo, hi in zip(edges[:-1], edges[1:]):
        if hi <= lo:
            continue
        part = y[lo:hi]
        a, b = lo + int(np.argmin(part)), lo + int(np.argmax(part))
        keep.extend(sorted({a, b}))
    keep.append(n - 1)
    idx = np.unique(np.asarray(keep))
    return x[idx], y[idx]


def ema(values: np.ndarray, weight: float = EMA_WEIGHT) -> np.ndarray:
    """Exponential moving average, started at the first finite value; non-finite values stay NaN and do
    not move the average."""
    if not 0.0 <= weight < 1.0:
        raise ValueError(f"EMA weight must be in [0, 1), got {weight}")
    out = np.full(len(values), np.nan)
    state = math.nan
    for i, v in enumerate(np.asarray(values, dtype=np.float64).tolist()):
        if not math.isfinite(v):
            continue
        state = v if math.isnan(state) else weight * state + (1.0 - weight) * v
        out[i] = state
    return out


def ema_over(epochs: np.ndarray, values: np.ndarray, span: float) -> np.ndarray:
    """An EMA whose memory is `span` epochs, whatever the spacing of the rows (the history thins itself
    out on long runs) and debiased at the start as TensorBoard's is, so the smoothed line starts on the
    data instead of lagging up from it. Non-finite values stay NaN and do not move the average."""
    x = np.asarray(epochs, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    out = np.full(len(v), np.nan)
    span = max(float(span), 1e-9)
    num = den = 0.0
    last = None
    for i in range(len(v)):
        if not math.isfinite(v[i]):
            continue
        keep = 0.0 if last is None else math.exp(-(x[i] - last) / span)
        num = keep * num + (1.0 - keep) * v[i]
        den = keep * den + (1.0 - keep)
        out[i] = num / den
        last = x[i]
    return out


def smoothing_span(total_epochs: int) -> float:
    """How many epochs the loss chart's EMA remembers for a run of this length (at least one)."""
    return max(1.0, SMOOTH_FRACTION * total_epochs)


def safe_log10(values: np.ndarray, floor: float = LOG_FLOOR) -> np.ndarray:
    """log10 of each value, with values at or below `floor` drawn at the floor and non-finite ones NaN."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        out = np.log10(np.maximum(v, floor))
    out[~np.isfinite(v)] = np.nan
    return out


def format_power(exponent: float) -> str:
    """The number 10**exponent, written short: 0.01, 1, 1000, 1e-05, 1e+06."""
    value = 10.0 ** exponent
    if -3 <= exponent <= 4 and abs(exponent - round(exponent)) < 1e-9:
        return f"{value:g}" if exponent >= 0 else f"{value:.{int(round(-exponent))}f}"
    return f"{value:.2g}"


def log_ticks(lo: float, hi: float, max_ticks: int = 5) -> tuple[list[float], list[str]]:
    """Tick positions (in log10 units) and labels (in loss units) for a log-scale axis from lo to hi."""
    max_ticks = max(2, int(max_ticks))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [], []
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    for mantissas in ((1, 2, 5), (1,)):
        ticks = [k + math.log10(m) for k in range(math.floor(lo), math.ceil(hi) + 1) for m in mantissas]
        ticks = [t for t in ticks if lo - 1e-9 <= t <= hi + 1e-9]
        if 2 <= len(ticks) <= max_ticks:
            return ticks, [format_power(t) for t in ticks]
        if len(ticks) > max_ticks and mantissas == (1,):
            stride = math.ceil(len(ticks) / max_ticks)
            ticks = ticks[::stride]
            return ticks, [format_power(t) for t in ticks]
    count = min(max_ticks, 4)
    ticks = [lo + (hi - lo) * i / (count - 1) for i in range(count)]
    return ticks, [f"{10.0 ** t:.3g}" for t in ticks]


@dataclass
class LossView:
    """What the loss chart draws: a main line, optionally the raw line under a smoothed one, the y axis."""

    x: np.ndarray
    y: np.ndarray
    raw_x: np.ndarray | None = None  # the unsmoothed loss, drawn faint under the EMA
    raw_y: np.ndarray | None = None
    ylim: tuple[float, float] | None = None
    yticks: list[float] = field(default_factory=list)
    ylabels: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return len(self.x) == 0


def loss_view(epochs: np.ndarray, loss: np.ndarray, budget: int, *, log: bool, smooth: bool,
              rows: int = 10, span: float | None = None) -> LossView:
    """The loss chart's series: log10 of the loss when `log`, its EMA over `span` epochs when `smooth`
    (default: 2% of the epochs shown), each cut to `budget` points; y limits, and round ticks labelled in
    loss units."""
    epochs = np.asarray(epochs, dtype=np.float64)
    values = safe_log10(loss) if log else np.asarray(loss, dtype=np.float64)
    raw_x = raw_y = None
    if smooth:
        raw_x, raw_y = downsample(epochs, values, budget)
        if span is None:
            span = smoothing_span(int(epochs[-1] - epochs[0]) if len(epochs) else 1)
        x, y = downsample(epochs, ema_over(epochs, values, span), budget)
    else:
        x, y = downsample(epochs, values, budget)
    view = LossView(x, y, raw_x, raw_y)
    view.ylim, view.yticks, view.ylabels = loss_axis(y if raw_y is None else np.concatenate([y, raw_y]),
                                                     log=log, rows=rows)
    return view


def loss_axis(shown: np.ndarray, *, log: bool, rows: int = 10) -> tuple[tuple[float, float] | None, list[float],
                                                                         list[str]]:
    """The loss chart's y axis for the values it shows (log10 units when `log`): limits, ticks, labels in
    loss units. A linear axis starts at zero."""
    shown = np.asarray(shown, dtype=np.float64)
    shown = shown[np.isfinite(shown)]
    if not len(shown):
        return None, [], []
    lo, hi = float(np.min(shown)), float(np.max(shown))
    if hi - lo < 1e-12:
        pad = 0.5 if log else max(abs(hi) * 0.1, 1e-6)
        lo, hi = lo - pad, hi + pad
    if not log:
        lo = min(lo, 0.0) if lo >= 0 else lo  # a linear loss axis starts at zero
    if log:
        ticks, labels = log_ticks(lo, hi, max_ticks=max(2, rows // 2))
    else:
        ticks = nice_ticks(lo, hi, max_ticks=max(2, rows // 2))
        labels = [format_tick(t) for t in ticks]
    return (lo, hi), ticks, labels


def fit_limits(ys: list[np.ndarray], margin: float = 0.1) -> tuple[float, float]:
    """y limits that hold every finite value of `ys` (data and the true function), with a margin."""
    finite = [np.asarray(y, dtype=np.float64)[np.isfinite(y)] for y in ys if len(y)]
    finite = [f for f in finite if len(f)]
    if not finite:
        return (-1.0, 1.0)
    lo = min(float(f.min()) for f in finite)
    hi = max(float(f.max()) for f in finite)
    span = hi - lo
    if span < 1e-9:
        span = max(abs(hi), 1.0)
    return (lo - margin * span, hi + margin * span)


def clip_curve(y: np.ndarray, limits: tuple[float, float], overshoot: float = 0.05) -> np.ndarray:
    """The model's curve held just outside the chart's limits, so a wild fit runs off the edge instead
    of rescaling the chart; non-finite values become NaN."""
    lo, hi = limits
    pad = (hi - lo) * overshoot
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(all="ignore"):
        out = np.clip(y, lo - pad, hi + pad)
    out[~np.isfinite(y)] = np.nan
    return out


def int_ticks(lo: float, hi: float, max_ticks: int = 5) -> list[int]:
    """Round whole-number ticks (1, 2 or 5 times a power of ten apart) from lo to hi, at most max_ticks."""
    lo, hi = math.ceil(lo), math.floor(hi)
    if hi <= lo:
        return [int(lo)]
    max_ticks = max(2, int(max_ticks))
    span = hi - lo
    magnitude = 10 ** max(0, math.floor(math.log10(span / max_ticks))) if span >= max_ticks else 1
    for factor in (1, 2, 5, 10, 20, 50, 100):
        step = factor * magnitude
        first = math.ceil(lo / step) * step
        ticks = list(range(int(first), int(hi) + 1, int(step)))
        if len(ticks) <= max_ticks:
            return ticks
    return [int(lo), int(hi)]


def format_count(n: int) -> str:
    """An epoch count for an axis: 1500, 20k, 1.5M."""
    if abs(n) < 10_000:
        return str(n)
    if abs(n) < 1_000_000:
        return f"{n / 1000:g}k"
    return f"{n / 1_000_000:g}M"


def nice_ticks(lo: float, hi: float, max_ticks: int = 5) -> list[float]:
    """Round ticks (1, 2 or 5 times a power of ten apart) between lo and hi, at most max_ticks."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return []
    max_ticks = max(2, int(max_ticks))
    raw = (hi - lo) / max_ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10, 20, 50):
        step = factor * magnitude
        first = math.ceil(lo / step - 1e-9)
        last = math.floor(hi / step + 1e-9)
        if last - first + 1 <= max_ticks:
            return [round(k * step, 12) for k in range(first, last + 1)]
    return [lo, hi]


def format_tick(value: float) -> str:
    """A tick label: 0, 2.5, -10, 1e+04."""
    if value == 0:
        return "0"
    return f"{value:.4g}"


def band_series(x: np.ndarray, low: np.ndarray, high: np.ndarray, budget: int, *,
                log: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A band's edges cut to at most `budget` columns: each column keeps its stretch's lowest low and highest
    high (so the band never looks narrower than it was); log10 when `log`; columns with no finite edge go."""
    x = np.asarray(x, dtype=np.float64)
    low = safe_log10(low) if log else np.asarray(low, dtype=np.float64)
    high = safe_log10(high) if log else np.asarray(high, dtype=np.float64)
    keep = np.isfinite(x) & np.isfinite(low) & np.isfinite(high)
    x, low, high = x[keep], low[keep], high[keep]
    budget = max(2, int(budget))
    if len(x) <= budget:
        return x, low, high
    edges = np.linspace(0, len(x), budget + 1).astype(int)
    starts = edges[:-1][edges[1:] > edges[:-1]]
    return x[starts], np.minimum.reduceat(low, starts), np.maximum.reduceat(high, starts)


def band_columns(x: np.ndarray, low: np.ndarray, high: np.ndarray, x_min: float, x_max: float,
                 columns: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A band's edges at `columns` evenly spaced x positions from x_min to x_max, so that drawn on a chart at
    most `columns` wide every character column in the band's stretch gets its own up-and-down stroke (a band
    with fewer points than the chart has columns left blank columns in it). Each position keeps the lowest
    low and highest high of the points nearest it; a position no point falls on takes the straight line
    between its neighbours. Positions outside the points' x range, and points outside x_min..x_max, go."""
    x, low, high = (np.asarray(a, dtype=np.float64) for a in (x, low, high))
    keep = np.isfinite(x) & np.isfinite(low) & np.isfinite(high) & (x >= x_min) & (x <= x_max)
    x, low, high = x[keep], low[keep], high[keep]
    if not len(x) or columns < 2 or not x_max > x_min:
        return x, low, high
    step = (x_max - x_min) / (columns - 1)
    at = np.rint((x - x_min) / step).astype(np.int64)
    order = np.argsort(at, kind="stable")
    at, low, high = at[order], low[order], high[order]
    starts = np.flatnonzero(np.r_[True, at[1:] != at[:-1]])
    taken = at[starts]
    positions = np.arange(taken[0], taken[-1] + 1)
    lo = np.interp(positions, taken, np.minimum.reduceat(low, starts))
    hi = np.interp(positions, taken, np.maximum.reduceat(high, starts))
    return x_min + positions * step, lo, hi


def zigzag(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One line that runs up and down between `low` and `high` at each x: drawn with a block marker it fills
    the band at the cost of a single line (plotext's own fill costs ~40x more)."""
    x, low, high = (np.asarray(a, dtype=np.float64) for a in (x, low, high))
    zx = np.repeat(x, 2)
    pairs = np.stack([low, high], axis=1)
    pairs[1::2] = pairs[1::2, ::-1]  # up at one x, down at the next: no diagonal jumps across the band
    return zx, pairs.reshape(-1)
