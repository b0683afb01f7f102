"""Seed-style text: the log line every few epochs and the closing summary (CLI text output, TUI log pane)."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from .config import RunConfig
from .data import held_out
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


def log_indices(config: RunConfig, chunk: MetricChunk, every: int) -> list[int]:
    """The rows of the chunk that get a log line: those due, and any the chunk marks (a bounce)."""
    due = set(np.flatnonzero(log_due(config, chunk.epoch, every)).tolist())
    if chunk.marks:
        due |= set(np.flatnonzero(np.isin(chunk.epoch, list(chunk.marks))).tolist())
    return sorted(due)


def log_epochs(config: RunConfig, chunk: MetricChunk, every: int) -> list[int]:
    """The epochs `log_lines` writes a row for (to know which was logged last)."""
    return [int(chunk.epoch[i]) for i in log_indices(config, chunk, every)]


def log_lines(config: RunConfig, chunk: MetricChunk, every: int) -> list[str]:
    """The seed-style lines of the chunk's epochs that are due, and after a marked row what it marks."""
    lines = []
    for i in log_indices(config, chunk, every):
        row = chunk.row(i)
        lines.append(format_row(config, row))
        if chunk.marks.get(row["epoch"]) == "bounce":
            lines.append(bounce_note(config, row))
    return lines


def _decimals(scale: float) -> int:
    """Decimals that show a change of `scale` (at least 3, as the seed prints)."""
    return max(3, -math.floor(math.log10(scale)) + 1) if scale > 0 else 3


def bounce_note(config: RunConfig, row: dict[str, Any]) -> str:
    """Why a nudge-3x run whose nudge jumped over the target without landing will never converge."""
    x, y, step, tol = config.sample_x, config.sample_y, config.step, config.tolerance
    w, w2 = row["weight"], row["next_weight"]
    (lo, e_lo), (hi, e_hi) = sorted([(w, row["error"]), (w2, x * w2 - y)])
    wd, ed = _decimals(step), _decimals(tol)
    return (f"  bouncing: the error changes sign, so from here the weight alternates between {lo:.{wd}f} and "
            f"{hi:.{wd}f} around y/x = {y / x:.4g} (errors {e_lo:+.{ed}f} and {e_hi:+.{ed}f}); neither is within "
            f"the tolerance {tol:g}, so it never converges. A nudge moves the prediction by step x |x| = "
            f"{step * abs(x):.4g}; steps land for sure only when that is at most 2 x tolerance = {2 * tol:.4g}, "
            f"i.e. a step of at most {2 * tol / abs(x):.4g}")


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
            wd, ed = _decimals(config.step), _decimals(config.tolerance)
            parts += [f"weight {row['weight']:.{wd}f}", f"error {row['error']:+.{ed}f}"]
            after = row.get("next_weight")
            if after is not None and abs(row["error"]) <= config.tolerance:
                parts.append(f"within {config.tolerance:g}: stop")
            elif after is not None:
                parts.append(f"-> nudge {'up' if after > row['weight'] else 'down'} to {after:.{wd}f}")
    else:
        parts = [f"epoch {epoch:>{len(str(config.epochs))}}"]
    if "grad" in row:
        last_x = config.x_max if config.points > 1 else config.x_min
        if config.test_fraction > 0:  # the last training point (the last point may be held out)
            kept = np.flatnonzero(~held_out(config))
            last_x = float(np.linspace(config.x_min, config.x_max, config.points)[kept[-1]])
        parts += [f"weight {row['weight']:.3f}", f"bias {row['bias']:+.3f}", f"grad {row['grad']:+.3f}",
                  f"prediction {row['prediction']:.3f} at x={last_x:g}"]
    if config.example.is_torch or "weight" not in row:
        parts.append(f"loss {format_number(row['loss'], 'nan')}")
    if "losses" in row:
        finite = [v for v in row["losses"] if v is not None and math.isfinite(v)]
        if finite:
            parts.append(f"(seeds {format_number(min(finite))}..{format_number(max(finite))})")
    if "test_loss" in row:
        value = row["test_loss"]
        parts.append(f"test loss {format_number(math.nan if value is None else value)}")
    return "  ".join(parts)


def format_summary(config: RunConfig, result: Any, timing: bool = True) -> str:
    """The closing lines: how the run ended and what it learned. `timing=False` leaves out the seconds
    (a screen that must look the same every time)."""
    lines = []
    status = result.status
    word = {"completed": "finished"}.get(status, status)
    if not config.example.is_torch:
        # The last iteration's weight and error (its row), then, unless it met the tolerance, the nudge it
        # made: the weight the run ends with (its params), which no iteration evaluated.
        x = config.sample_x
        end = float(result.params[0][0]) if result.params else math.nan
        last = getattr(result, "last", None) or {}
        if status == "converged":
            lines.append(f"converged after {result.epochs} iterations: |error| <= {config.tolerance:g}")
        else:
            lines.append(f"{word} after {result.epochs} iterations without reaching |error| <= {config.tolerance:g}")
        if "weight" in last and "error" in last:
            w = float(last["weight"])
            line = f"y = weight * x:  {w * x:.4f} = {w:.4f} x {x:g}"
            if status != "converged":
                line += f"  (iteration {last['epoch']}: error {last['error']:+.4f}, loss {format_number(result.loss)})"
            lines.append(line)
            if end != w:
                lines.append(f"then its nudge moved the weight {'up' if end > w else 'down'} to {end:.4f}: the "
                             f"weight the run ends with, not evaluated (the run ended first)")
        else:
            lines.append(f"y = weight * x:  {end * x:.4f} = {end:.4f} x {x:g}")
    else:
        took = f" ({result.seconds:.3f} s training, {result.backend})" if timing else ""
        lines.append(f"{word} after {result.epochs} epochs: loss {format_number(result.loss, 'nan')}{took}")
        if not config.hidden and status != "diverged" and result.params:
            lines.append(f"learned y = {result.params[0][0]:.4f} x {result.params[1][0]:+.4f}")
        test_loss = getattr(result, "test_loss", None)
        if test_loss is not None:
            lines.append(f"held-out loss {format_number(test_loss)} (training loss {format_number(result.loss)})")
        inside = getattr(result, "error_inside", None)
        if inside is not None:
            outside = getattr(result, "error_outside", None)
            line = f"error against the true function: inside the training range {format_number(inside)}"
            lines.append(line + (f", outside it {format_number(outside)}" if outside is not None
                                 else " (the evaluation range has no outside part)"))
    if result.hint:
        lines.append(f"hint: {result.hint}")
    lines += list(getattr(result, "notes", None) or [])
    curve = getattr(result, "curve", None)
    if result.runs:
        counts = Counter(r["status"] for r in result.runs)
        lines.append(f"{len(result.runs)} seeds: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
        verdicts = Counter(r.get("found_curve") for r in result.runs if r.get("found_curve"))
        if verdicts:
            lines.append(curve_counts(verdicts, len(result.runs)))
    elif curve is not None:
        lines.append(curve["sentence"])
    return "\n".join(lines)


def curve_tally(runs: list[dict[str, Any]]) -> str:
    """A many-seed run's verdicts in a few words for a status line, `19/32 found the curve` (the rule of
    engine.teaching.found_curve); empty when the rule does not apply or the run had one seed."""
    verdicts = Counter(r.get("found_curve") for r in runs if r.get("found_curve"))
    if not runs or not verdicts or set(verdicts) == {"not applicable"}:
        return ""
    return f"{verdicts.get('found', 0)}/{len(runs)} found the curve"


def curve_counts(verdicts: Counter, members: int) -> str:
    """`19 of 32 seeds found the curve; 13 stayed near a straight line` (engine.teaching.found_curve's rule)."""
    parts = [f"{verdicts.get('found', 0)} of {members} seeds found the curve"]
    if verdicts.get("partial"):
        parts.append(f"{verdicts['partial']} fitted one side only")
    if verdicts.get("line"):
        parts.append(f"{verdicts['line']} stayed near a straight line")
    if verdicts.get("diverged"):
        parts.append(f"{verdicts['diverged']} blew up")
    return "; ".join(parts)
