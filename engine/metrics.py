"""What a run reports each epoch, carried in columns: a chunk of epochs at a time.

The fast kernel finishes thousands of epochs in a millisecond, so metrics travel as numpy columns (one
array per quantity) rather than one object per epoch; `rows()` gives per-epoch dicts for those who want them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Iterator

import numpy as np

# Columns that exist only for some runs: runs with held-out points (test_loss), one-weight models (weight, bias, grad) and the nudge learner
# (weight, error, next_weight).
OPTIONAL_COLUMNS = ("test_loss", "weight", "bias", "grad", "prediction", "error", "next_weight")

# Per-member columns, [K, E] (many-seed runs): rows carry them as lists.
_MEMBER_COLUMNS = ("losses", "test_losses")


@dataclass
class MetricChunk:
    epoch: np.ndarray  # int64 [E]: epochs completed, 1-based
    loss: np.ndarray  # float64 [E]: training MSE after the epoch (the median over members of a many-seed run)
    losses: np.ndarray | None = None  # float64 [K, E] for many-seed runs; NaN once a member has stopped
    # With held-out points (config.test_fraction > 0): the MSE over them after each epoch (the median over
    # members), and for many-seed runs each member's [K, E] (NaN once a member has stopped). A net too large
    # to trace every epoch's parameters has it at the chunk's last epoch only, NaN before it
    # (learners/kernel.py TRACE_LIMIT).
    test_loss: np.ndarray | None = None
    test_losses: np.ndarray | None = None
    weight: np.ndarray | None = None
    bias: np.ndarray | None = None
    grad: np.ndarray | None = None  # d(training loss)/d(weight) after the epoch: the slope to nudge down
    prediction: np.ndarray | None = None  # the model's output at the last training x after the epoch
    error: np.ndarray | None = None  # nudge learner: prediction - target, before that iteration's nudge
    next_weight: np.ndarray | None = None  # nudge learner: the weight after that iteration's nudge
    # Events at some epochs of the chunk, by name (not columns): "bounce" marks the nudge learner's
    # iteration whose nudge jumped over the target without landing within the tolerance.
    marks: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.epoch)

    def values(self) -> int:
        """How many numbers the chunk carries (what a buffer of chunks is measured in)."""
        per_epoch = sum(1 for f in fields(self) if isinstance(getattr(self, f.name), np.ndarray)
                        and f.name not in _MEMBER_COLUMNS)
        members = sum(getattr(self, name).shape[0] for name in _MEMBER_COLUMNS if getattr(self, name) is not None)
        return len(self) * (per_epoch + members)

    def slice(self, start: int, stop: int) -> "MetricChunk":
        """Epochs start..stop-1 of the chunk (views, no copies)."""
        cut = {f.name: getattr(self, f.name)[start:stop] for f in fields(self)
               if isinstance(getattr(self, f.name), np.ndarray) and f.name not in _MEMBER_COLUMNS}
        cut.update({name: getattr(self, name)[:, start:stop] for name in _MEMBER_COLUMNS
                    if getattr(self, name) is not None})
        epochs = set(self.epoch[start:stop].tolist()) if self.marks else set()
        return MetricChunk(**cut, marks={e: m for e, m in self.marks.items() if e in epochs})

    def columns(self) -> dict[str, np.ndarray]:
        out = {"epoch": self.epoch, "loss": self.loss}
        for name in OPTIONAL_COLUMNS:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    def rows(self) -> Iterator[dict[str, Any]]:
        cols = {k: v.tolist() for k, v in self.columns().items()}
        members = {name: getattr(self, name).T.tolist() for name in _MEMBER_COLUMNS
                   if getattr(self, name) is not None}
        for i in range(len(self)):
            row = {k: v[i] for k, v in cols.items()}
            for name, values in members.items():
                row[name] = values[i]
            yield row

    def row(self, i: int) -> dict[str, Any]:
        """Epoch i of the chunk as a dict (what `rows()` yields, for one epoch)."""
        row = {k: v[i].item() for k, v in self.columns().items()}
        for name in _MEMBER_COLUMNS:
            value = getattr(self, name)
            if value is not None:
                row[name] = value[:, i].tolist()
        return row

    def last(self) -> dict[str, Any]:
        return self.row(len(self) - 1)


def json_safe(value: Any) -> Any:
    """The value with every non-finite float as None: JSON has no NaN or infinity, and a loss or a
    parameter that blew up is written as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    return value


def median_loss(losses: np.ndarray) -> np.ndarray:
    """Median over the members still training (stopped members hold NaN)."""
    if losses.shape[0] == 1:
        return losses[0].astype(np.float64)
    out = np.full(losses.shape[1], np.nan)
    alive = ~np.all(np.isnan(losses), axis=0)
    if alive.any():
        out[alive] = np.nanmedian(losses[:, alive], axis=0)
    return out
