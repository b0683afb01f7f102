"""Seed-style text: the log line every few epochs and the closing summary (CLI text output, TUI log pane)."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from .config import RunConfig
from .metrics import MetricChunk


def log_interval(epochs: int) -> int:
    """Log about ten lines a run, at round epochs (90 -> 10, 201 -> 20, 2000 -> 200), as the seed does."""
    raw = max(1, epochs // 10)
    magnitude = 10 ** int(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * magnitude:
            return step * magnitude
    return raw


def log_due(config: RunConfig, epochs: np.ndarray, every: int) -> np.ndarray:
    """Which of these epochs get a log line: the first, every `every`-th, the last."""
    return (epochs == 1) | (epochs % every == 0) | (epochs == config.epochs)


def log_lines(config: RunConfig, chunk: MetricChunk, every: int) -> list[str]:
    """The seed-style lines of the chunk's epochs that are due."""
    return [format_row(config, chunk.row(i)) for i in np.flatnonzero(log_due(config, chunk.epoch, every)).tolist()]


def format_number(value: float | None, missing: str = "–") -> str:
    """A loss or a parameter, four significant digits, as the log, the summary and the status line all
    write it: 0.01235, 1234, 1.5e-05, nan, inf; `missing` for no value yet."""
    if value is None:
        return missing
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4g}"


def format_row(config: RunConfig, row: dict[str, Any]) -> str:
    """One epoch as the seed would log it (with labels that match their values)."""
    epoch = row["epoch"]
    if not config.example.is_torch:
        parts = [f"iteration {epoch:>4}"]
        if "weight" in row:
            parts += [f"weight {row['weight']:.3f}", f"error {row['error']:+.3f}"]
    else:
        parts = [f"epoch {epoch:>{len(str(config.epochs))}}"]
    if "grad" in row:
        last_x = config.x_max if config.points > 1 else config.x_min
        parts += [f"weight {row['weight']:.3f}", f"bias {row['bias']:+.3f}", f"grad {row['grad']:+.3f}",
                  f"prediction {row['prediction']:.3f} at x={last_x:g}"]
    if config.example.is_torch or "weight" not in row:
        parts.append(f"loss {format_number(row['loss'], 'nan')}")
    if "losses" in row:
        finite = [v for v in row["losses"] if v is not None and math.isfinite(v)]
        if finite:
            parts.append(f"(seeds {format_number(min(finite))}..{format_number(max(finite))})")
    return "  ".join(parts)


def format_summary(config: RunConfig, result: Any, timing: bool = True) -> str:
    """The closing lines: how the run ended and what it learned. `timing=False` leaves out the seconds
    (a screen that must look the same every time)."""
    lines = []
    status = result.status
    word = {"completed": "finished"}.get(status, status)
    if not config.example.is_torch:
        w = result.params[0][0]
        if status == "converged":
            lines.append(f"converged after {result.epochs} iterations: |error| <= {config.tolerance:g}")
        else:
            lines.append(f"{word} after {result.epochs} iterations without reaching |error| <= {config.tolerance:g}")
        lines.append(f"y = weight * x:  {w * config.sample_x:.4f} = {w:.4f} x {config.sample_x:g}")
    else:
        took = f" ({result.seconds:.3f} s training, {result.backend})" if timing else ""
        lines.append(f"{word} after {result.epochs} epochs: loss {format_number(result.loss, 'nan')}{took}")
        if not config.hidden and status != "diverged":
            lines.append(f"learned y = {result.params[0][0]:.4f} x {result.params[1][0]:+.4f}")
    if result.hint:
        lines.append(f"hint: {result.hint}")
    if result.runs:
        counts = Counter(r["status"] for r in result.runs)
        lines.append(f"{len(result.runs)} seeds: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    return "\n".join(lines)
