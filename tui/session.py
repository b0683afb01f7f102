"""The UI's side of one run, with no Textual: a controller, the UI's own bounded copy of the history,
the log lines, the state, the epochs-per-second meter.

The metric road: the training thread (a Textual thread worker calling `controller.run()`) produces
chunks; the controller's buffer carries them; the app's timer calls `poll()`, which drains the buffer,
appends whole chunks to `history` and returns what changed, so the app can mark charts dirty. Nothing
here runs per epoch in Python: chunks are appended whole and only the epochs to be logged become rows.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from engine import (FINAL_STATES, Change, History, HyperChanged, MetricChunk, Progress, RunConfig, RunController,
                    RunState, StateChanged, format_row, format_summary, log_epochs, log_interval, log_lines,
                    curve_tally, member_band)

HISTORY_CAPACITY = 4096
TRAIN_THREAD_NAME = "nudge-train"  # the worker thread carries this name while it trains
_NEVER_STARTED = threading.Event()
_NEVER_STARTED.set()


class RateMeter:
    """Epochs per second over the last `window` seconds."""

    def __init__(self, window: float = 1.0):
        self.window = window
        self._marks: deque[tuple[float, int]] = deque()

    def reset(self) -> None:
        self._marks.clear()

    def mark(self, now: float, epoch: int) -> None:
        self._marks.append((now, epoch))
        while len(self._marks) > 2 and now - self._marks[0][0] > self.window:
            self._marks.popleft()

    @property
    def rate(self) -> float | None:
        if len(self._marks) < 2:
            return None
        (t0, e0), (t1, e1) = self._marks[0], self._marks[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else None


@dataclass
class Update:
    """What one poll brought."""

    progress: bool = False  # new epochs: the charts are out of date
    lines: list[str] = field(default_factory=list)  # for the log pane
    changes: list[Change] = field(default_factory=list)  # hyperparameters changed mid-run
    state_changed: bool = False
    finished: bool = False  # the run reached a final state in this poll


class RunSession:
    """One run as the UI sees it. Make a new session for a new run (reset, new example)."""

    def __init__(self, config: RunConfig, capacity: int = HISTORY_CAPACITY):
        self.config = config
        self.controller: RunController | None = None
        self.history = History(capacity)
        self.state = RunState.READY
        self.hint = ""
        self.every = log_interval(config.epochs)
        self.rate = RateMeter()
        self.requested: dict[str, float] = {}  # live changes asked for, until the engine applies them
        self._lines: list[str] = []
        self._last_logged = 0

    # -- what the UI reads ----------------------------------------------------------------------------

    @property
    def done(self) -> threading.Event:
        """Set once the run's worker has returned (at once for a session that never started)."""
        return self.controller.done if self.controller is not None else _NEVER_STARTED

    @property
    def started(self) -> bool:
        return self.controller is not None

    @property
    def active(self) -> bool:
        """Started and not yet final: a worker is (or is about to be) training."""
        return self.controller is not None and self.state not in FINAL_STATES

    @property
    def paused(self) -> bool:
        """Whether a pause was asked for (the engine's state follows within a chunk)."""
        return self.controller is not None and self.controller.paused

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def epoch(self) -> int:
        return self.history.epochs_seen

    @property
    def epoch_fraction(self) -> float:
        """How far the epoch in progress is (0 to 1): a large net's epoch can take minutes."""
        if self.controller is None or self.state not in (RunState.RUNNING, RunState.PAUSED):
            return 0.0
        return self.controller.epoch_fraction

    @property
    def loss(self) -> float | None:
        return self.history.last("loss")

    def live_value(self, name: str) -> float:
        """The learning rate or momentum in effect (or asked for and about to be)."""
        if name in self.requested:
            return self.requested[name]
        config = self.controller.config if self.controller is not None else self.config
        return getattr(config, name)

    @property
    def tally(self) -> str:
        """A finished many-seed run's `19/32 found the curve` (engine.curve_tally), else empty."""
        result = self.controller.result if self.controller is not None else None
        return curve_tally(result.runs) if result is not None and self.final else ""

    @property
    def lr(self) -> float:
        return self.live_value("lr")

    @property
    def eps(self) -> float | None:
        """Epochs per second, while running."""
        return self.rate.rate if self.state == RunState.RUNNING else None

    # -- driving ----------------------------------------------------------------------------------------

    def start(self, pace: float | None, paused: bool = False, initial_params=None) -> RunController:
        """Make the controller; the caller runs `controller.run()` in a thread worker. `initial_params`: loaded
        weights to start from (ValueError when they do not fit the config's net)."""
        if self.controller is not None:
            raise RuntimeError("a session runs once; make a new one for a new run")
        self.controller = RunController(self.config, pace=pace, start_paused=paused, initial_params=initial_params)
        self.state = RunState.LOADING
        self._lines.append(self.config.describe())
        return self.controller

    def pause(self) -> None:
        if self.controller is not None:
            self.controller.pause()

    def resume(self) -> None:
        if self.controller is not None:
            self.controller.resume()

    def step(self, epochs: int = 1) -> None:
        if self.controller is not None:
            self.controller.step(epochs)

    def set_live(self, name: str, value: float) -> float:
        """Change the learning rate or momentum of the run in progress (ConfigError if out of bounds)."""
        if self.controller is None:
            raise RuntimeError("no run to change")
        setter = {"lr": self.controller.set_lr, "momentum": self.controller.set_momentum}[name]
        clean = setter(value)
        self.requested[name] = clean
        return clean

    def set_pace(self, pace: float | None) -> None:
        if self.controller is not None:
            self.controller.set_pace(pace)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def wait(self, timeout: float) -> bool:
        """Wait for the worker to return (True) or for `timeout` seconds (False). Blocks."""
        return self.controller is None or self.controller.done.wait(timeout)

    def poll(self, now: float | None = None) -> Update:
        """Drain the controller's events into the UI's history; say what changed."""
        update = Update(lines=self._lines)
        self._lines = []
        if self.controller is None:
            return update
        for event in self.controller.drain():
            if isinstance(event, Progress):
                self.history.append(event.chunk, band_columns(event.chunk))
                update.lines += self._log_lines(event.chunk)
                update.progress = True
            elif isinstance(event, HyperChanged):
                if self.requested.get(event.change.name) == event.change.new:
                    del self.requested[event.change.name]
                self.history.record_change(event.change)
                update.changes.append(event.change)
                update.lines.append(describe_change(event.change))
            elif isinstance(event, StateChanged):
                self.state, self.hint = event.state, event.hint
                update.state_changed = True
                if event.state == RunState.RUNNING:
                    self.rate.reset()
                if event.state in FINAL_STATES:
                    self.requested.clear()  # asked for too late: the run ended first
                    update.finished = True
                    update.lines += self._closing_lines()
        self.rate.mark(time.monotonic() if now is None else now, self.epoch + self.epoch_fraction)
        return update

    # -- log text ---------------------------------------------------------------------------------------

    def _log_lines(self, chunk: MetricChunk) -> list[str]:
        # Stepping (n) logs every epoch it trains: a one-weight model's row is that step's weight, gradient
        # and loss, which is what a person stepping wants to read.
        every = 1 if self.controller is not None and self.controller.paused else self.every
        logged = log_epochs(self.config, chunk, every)
        if logged:
            self._last_logged = logged[-1]
        return log_lines(self.config, chunk, every)

    def _closing_lines(self) -> list[str]:
        lines = []
        if self.epoch and self._last_logged != self.epoch:  # the run ended between log lines
            lines.append(format_row(self.config, {k: v[-1].item() for k, v in self.history.columns.items()}))
            self._last_logged = self.epoch
        lines += summary_lines(self)
        return lines


def band_columns(chunk: MetricChunk) -> dict[str, np.ndarray] | None:
    """A many-seed chunk's band (engine.member_band) as the history's `loss_low` / `loss_high` columns."""
    if chunk.losses is None or chunk.losses.shape[0] < 2:
        return None
    low, high = member_band(chunk.losses)
    return {"loss_low": low, "loss_high": high}


def describe_change(change: Change) -> str:
    what = {"lr": "learning rate", "momentum": "momentum"}.get(change.name, change.name)
    into = f" ({change.fraction:.0%} into epoch {change.epoch + 1})" if change.fraction > 0 else ""
    return f"epoch {change.epoch}{into}: {what} {change.old:g} -> {change.new:g}"


def summary_lines(session: RunSession) -> list[str]:
    """How the run ended and what it learned, without timings (so a finished screen is reproducible)."""
    controller, config = session.controller, session.config
    if session.state == RunState.FAILED:
        error = controller.error if controller is not None else None
        return [f"failed: {type(error).__name__}: {error}" if error else "failed"]
    result = controller.result if controller is not None else None
    if result is None:
        unit = "epochs" if config.example.is_torch else "iterations"
        return [f"{session.state} after {session.epoch} {unit}"]
    return format_summary(config, result, timing=False).splitlines()
