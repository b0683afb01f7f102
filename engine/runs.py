"""The runs of a session: what the runs table lists, which runs are pinned, and what a pinned run keeps.

Every run the app starts gets a `RunRecord`. While it trains, the app reads it from the live run; when it
ends (or another run replaces it), the record keeps a thinned copy of its loss history (`SERIES_ROWS` rows)
and, for nets small enough, its final parameters, so a pinned run can still be drawn on the loss chart and
in the fit chart's overlay. The table keeps the latest `MAX_RUNS` runs (pinned ones are never dropped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .config import FIELDS, RunConfig, SEEDS_FIELD
from .history import History
from .models import predict
from .report import format_number
from .spread import member_median

if TYPE_CHECKING:
    from .controller import RunController

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
    controller: RunController | None = None  # while it trains: its state and training time so far (run_row)

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
    """A run's training time, at most 5 characters so the table fits 80 columns: 12ms, 3.4s, 42.1s, 2m05s,
    1h02m; – before it has trained at all."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    if seconds < 0.9995:
        return f"{max(seconds, 0) * 1000:.0f}ms"
    if seconds < 59.95:
        return f"{seconds:.1f}s"
    if seconds < 3600 - 0.5:
        minutes, rest = divmod(int(round(seconds)), 60)
        return f"{minutes}m{rest:02d}s"
    hours, minutes = divmod(int(round(seconds / 60)), 60)
    return f"{hours}h{minutes:02d}m"


TABLE_COLUMNS = ("run", "example", "differs from defaults", "final loss", "epochs", "time", "status")
SHORT_COLUMNS = ("run", "example", "differs", "loss", "epochs", "time", "status")  # headers when space is short
DIFF_COLUMN, EXAMPLE_COLUMN = 2, 1  # the columns a narrow table cuts, in this order (words, never numbers)
MIN_CUT = 8  # a cut column keeps this many characters, its ellipsis included


def live_numbers(record: RunRecord) -> tuple[int, float | None, float | None, str]:
    """(epochs, loss, seconds, status) of a run: its final numbers once it has ended; while it trains, the
    epochs and loss so far from its live history (which the UI thread fills) and the state and training time
    from its controller."""
    controller, history = record.controller, record.history
    if record.status != "running" or controller is None:
        if record.status == "running" and history is not None:
            return history.epochs_seen, history.last("loss"), None, record.status
        return record.epochs, record.loss, record.seconds, record.status
    learner = controller.learner  # None while the model is being built
    epochs, loss = (history.epochs_seen, history.last("loss")) if history is not None else (0, None)
    return epochs, loss, learner.seconds if learner is not None else None, str(controller.state)


def run_row(record: RunRecord) -> tuple[str, ...]:
    """The runs table's row for a run, in TABLE_COLUMNS order (full texts: `TableLayout.fit` cuts them); a
    pinned run's number has a dot. The epochs are right-aligned to the run's total, so a running row keeps its
    width as it counts."""
    epochs, loss, seconds, status = live_numbers(record)
    total = record.config.epochs
    return (f"{'●' if record.pinned else ' '} {record.label}", record.config.example_id, settings_diff(record.config),
            format_number(loss), f"{epochs}/{total}".rjust(2 * len(str(total)) + 1), format_seconds(seconds),
            status)


def row_detail(record: RunRecord) -> str:
    """The line under the table for the run at the cursor: its example and everything that differs, uncut."""
    return f"{record.label} {record.config.example_id}: {settings_diff(record.config)}"


def ellipsize(text: str, width: int) -> str:
    """`text` cut to `width` characters, its last one an ellipsis when anything was cut."""
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


@dataclass(frozen=True)
class TableLayout:
    headers: tuple[str, ...]
    widths: tuple[int, ...]  # each column's text width (the table adds its cell padding on both sides)

    def fit(self, row: Sequence[str]) -> tuple[str, ...]:
        return tuple(ellipsize(cell, width) for cell, width in zip(row, self.widths))


def table_layout(rows: Sequence[Sequence[str]], width: int, padding: int = 1) -> TableLayout:
    """Headers and column widths that show `rows` in `width` terminal columns, each column taking `padding` on
    both sides besides its text. Everything at its full width while that fits; else the short headers; then
    the diff column, and after it the example column, are cut (to no fewer than MIN_CUT characters). Numbers
    and status words are never cut: below about 60 columns the table is wider than `width`."""
    def natural(headers: Sequence[str]) -> list[int]:
        return [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    room = width - 2 * padding * len(TABLE_COLUMNS)
    for headers in (TABLE_COLUMNS, SHORT_COLUMNS):
        widths = natural(headers)
        if sum(widths) <= room:
            return TableLayout(headers, tuple(widths))
    for column in (DIFF_COLUMN, EXAMPLE_COLUMN):
        over = sum(widths) - room
        if over <= 0:
            break
        floor = min(widths[column], max(MIN_CUT, len(SHORT_COLUMNS[column])))
        widths[column] = max(floor, widths[column] - over)
    return TableLayout(SHORT_COLUMNS, tuple(widths))


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
    record.controller = None  # its learner (and model) can go
