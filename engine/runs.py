"""The runs of a session: what the runs table lists, which runs are pinned, and what a pinned run keeps.

Every run the app starts gets a `RunRecord`. While it trains, the app reads it from the live run; when it
ends (or another run replaces it), the record keeps a thinned copy of its loss history (`SERIES_ROWS` rows)
and, for nets small enough, its final parameters, so a pinned run can still be drawn on the loss chart and
in the fit chart's overlay. The table keeps the latest `MAX_RUNS` runs (pinned ones are never dropped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .config import FIELDS, RunConfig, SEEDS_FIELD
from .history import History
from .models import predict
from .report import format_number
from .spread import member_median

MAX_PINS = 8  # pinned runs on the charts at once (as many distinct colours)
MAX_RUNS = 200  # runs the table remembers; the oldest unpinned one goes first
SERIES_ROWS = 512  # loss rows a finished run keeps (about four times a wide chart's columns)
MAX_KEPT_PARAMS = 200_000  # a finished run keeps its parameters for the fit overlay up to this many floats


@dataclass
class RunRecord:
    number: int  # 1, 2, ... in the order the runs started
    config: RunConfig
    status: str = "ready"
    loss: float | None = None
    epochs: int = 0
    seconds: float | None = None  # training time, once finished
    pinned: bool = False
    history: History | None = None  # the loss history: the live one while training, a thinned copy after
    params: np.ndarray | None = None  # [K, P] final parameters (small nets only), for the fit overlay

    @property
    def label(self) -> str:
        """How charts and messages name the run: `#3`."""
        return f"#{self.number}"


def settings_diff(config: RunConfig) -> str:
    """What differs from the example's own settings, as `lr 0.1, hidden 16,16, seeds 8` (or `defaults`)."""
    base = RunConfig.for_example(config.example_id)
    parts = [f"{f.name} {f.format(getattr(config, f.name))}" for f in (*FIELDS, SEEDS_FIELD)
             if f.applies_to(config.example) and getattr(config, f.name) != getattr(base, f.name)]
    return ", ".join(parts) if parts else "defaults"


def format_seconds(seconds: float | None) -> str:
    """A run's training time for the table: 0.012 s, 3.4 s, 2 min 5 s; – before it ends."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    if seconds < 60:
        return f"{seconds:.2g} s" if seconds < 1 else f"{seconds:.1f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest} s"


TABLE_COLUMNS = ("run", "example", "differs from defaults", "final loss", "epochs", "time", "status")


def run_row(record: RunRecord) -> tuple[str, ...]:
    """The runs table's row for a run, in TABLE_COLUMNS order; a pinned run's number has a dot."""
    return (f"{'●' if record.pinned else ' '} {record.label}", record.config.example_id, settings_diff(record.config),
            format_number(record.loss), f"{record.epochs}/{record.config.epochs}", format_seconds(record.seconds),
            record.status)


@dataclass
class PinnedLine:
    slot: int  # its place among the pinned runs (0..MAX_PINS-1): the same colour on every chart
    label: str  # `#3 lr 0.1`
    epoch: np.ndarray
    loss: np.ndarray


def pinned_lines(records: list[RunRecord], example_id: str, skip: RunRecord | None = None) -> list[PinnedLine]:
    """The pinned runs of this example as loss lines, in pin order (`skip`: the run the chart draws already)."""
    out = []
    for slot, r in enumerate(r for r in records if r.pinned):
        if r is not skip and r.config.example_id == example_id and r.history is not None and len(r.history):
            diff = settings_diff(r.config)
            out.append(PinnedLine(slot, f"{r.label} {diff}" if diff != "defaults" else r.label, r.history.epoch,
                                  r.history.loss))
    return out


def pinned_curves(records: list[RunRecord], config: RunConfig, grid: np.ndarray,
                  skip: RunRecord | None = None) -> list[tuple[int, str, np.ndarray]]:
    """(slot, label, median prediction over `grid`) for each pinned run of this example whose parameters were
    kept (slot: as in `pinned_lines`, so a run has one colour on both charts)."""
    out = []
    for slot, r in enumerate(r for r in records if r.pinned):
        if r is skip or r.params is None or r.config.example_id != config.example_id or not r.config.example.is_torch:
            continue
        c = r.config
        members = np.stack([predict(p, c.layer_sizes, c.activations, grid) for p in r.params])
        out.append((slot, r.label, member_median(members)))
    return out


@dataclass
class RunLog:
    """Every run of the session, in order; survives switching examples."""

    records: list[RunRecord] = field(default_factory=list)
    started: int = 0

    def add(self, config: RunConfig) -> RunRecord:
        self.started += 1
        record = RunRecord(self.started, config, status="running")
        self.records.append(record)
        while len(self.records) > MAX_RUNS:
            oldest = next((r for r in self.records if not r.pinned), None)
            if oldest is None:
                break
            self.records.remove(oldest)
        return record

    def find(self, number: int) -> RunRecord | None:
        return next((r for r in self.records if r.number == number), None)

    @property
    def pinned(self) -> list[RunRecord]:
        return [r for r in self.records if r.pinned]

    def toggle_pin(self, record: RunRecord) -> str:
        """Pin or unpin a run; returns what happened, in words (a ninth pin is refused and says why)."""
        if record.pinned:
            record.pinned = False
            return f"run {record.label} unpinned"
        if len(self.pinned) >= MAX_PINS:
            return (f"{MAX_PINS} runs are pinned already (one colour each): unpin one in the runs table (t) "
                    f"before pinning {record.label}")
        record.pinned = True
        return f"run {record.label} pinned: it stays on the loss chart as a labelled line"

    def delete(self, record: RunRecord) -> None:
        if record in self.records:
            self.records.remove(record)


def finish_record(record: RunRecord, *, status: str, history: History, seconds: float | None,
                  params: np.ndarray | None) -> None:
    """The run has ended (or was replaced): keep its final numbers, a thinned copy of its loss history and,
    for small nets, its parameters."""
    record.status = status
    record.loss = history.last("loss")
    record.epochs = history.epochs_seen
    record.seconds = seconds
    record.history = history.compacted(SERIES_ROWS)
    record.params = None if params is None or params.size > MAX_KEPT_PARAMS else np.array(params, copy=True)
