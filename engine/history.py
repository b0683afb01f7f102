"""A run's history, bounded: however long the run, memory stays flat.

When the store fills up, it halves itself: every other row goes, except the first, the last and the rows
holding the lowest and highest loss (so a spike or the best epoch never vanishes from the chart).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .metrics import MetricChunk


@dataclass(frozen=True)
class Change:
    """A hyperparameter changed mid-run: it applies from `epoch` + 1 on, or, when `fraction` > 0 (a large
    net trained a slice of an epoch at a time), from that far into epoch `epoch` + 1."""

    epoch: int
    name: str
    old: float
    new: float
    fraction: float = 0.0


@dataclass
class History:
    capacity: int = 4096
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    epochs_seen: int = 0

    def __post_init__(self) -> None:
        if self.capacity < 16:
            raise ValueError("history capacity must be at least 16")

    def __len__(self) -> int:
        return len(self.columns.get("epoch", ()))

    def append(self, chunk: MetricChunk, extra: dict[str, np.ndarray] | None = None) -> None:
        """Add a chunk's columns, and `extra` columns of the same length (a many-seed run's band)."""
        if not len(chunk):
            return
        new = chunk.columns()
        if extra:
            new = {**new, **extra}
        if self.columns:
            self.columns = {k: np.concatenate([self.columns[k], new[k]]) for k in self.columns if k in new}
        else:
            self.columns = {k: np.array(v, copy=True) for k, v in new.items()}
        self.epochs_seen = int(chunk.epoch[-1])
        while len(self) > self.capacity:
            self._halve()

    def compacted(self, rows: int) -> "History":
        """A copy of at most about `rows` rows, thinned as a full store thins itself (first, last, lowest and
        highest loss kept): what a finished run keeps for a chart of past runs."""
        copy = History(max(16, rows), {k: v.copy() for k, v in self.columns.items()}, list(self.changes),
                       self.epochs_seen)
        while len(copy) > copy.capacity:
            copy._halve()
        return copy

    def record_change(self, change: Change) -> None:
        self.changes.append(change)

    def _halve(self) -> None:
        n = len(self)
        loss = self.columns["loss"]
        keep = np.zeros(n, dtype=bool)
        keep[::2] = True
        keep[[0, n - 1]] = True
        if np.isfinite(loss).any():
            keep[[int(np.nanargmin(loss)), int(np.nanargmax(loss))]] = True
        self.columns = {k: v[keep] for k, v in self.columns.items()}

    def column(self, name: str) -> np.ndarray:
        return self.columns.get(name, np.empty(0))

    @property
    def epoch(self) -> np.ndarray:
        return self.column("epoch")

    @property
    def loss(self) -> np.ndarray:
        return self.column("loss")

    def last(self, name: str = "loss") -> float | None:
        col = self.column(name)
        return float(col[-1]) if len(col) else None
