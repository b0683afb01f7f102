"""The run controller: one run, driven from any thread, streaming its metrics as it goes.

`run()` is the training loop; it blocks, so call it from a thread (a Textual thread worker, or
`await run_async()`). Every other method is safe from any thread: pause, resume, step, stop, set_lr,
set_momentum, set_pace. Commands take effect between chunks of epochs, and chunks are sized to last a few
milliseconds, so a stop lands within one epoch or a few milliseconds.

Metrics leave the training thread in three ways, pick one:
- `drain()`: the events since the last call (for a UI timer that polls);
- `subscribe(callback)`: called on the training thread with each event (keep it short and thread-safe);
- `async for event in events()` / `async for row in metrics()`: on an asyncio loop.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable

import numpy as np

from .config import FIELDS_BY_NAME, ConfigError, RunConfig
from .history import Change, History
from .learners import Learner, divergence_hint, make_learner
from .metrics import MetricChunk, json_safe
from .states import FINAL_STATES, MemberStatus, RunState

CHUNK_SECONDS = 0.008  # work per chunk between looks at the command flags
PACE_TICK = 0.05  # a paced run delivers at least this often
MAX_CHUNK_VALUES = 1 << 18  # per-member epochs in one chunk, summed over members


@dataclass(frozen=True)
class Progress:
    """Epochs finished: a chunk of metrics."""

    chunk: MetricChunk


@dataclass(frozen=True)
class StateChanged:
    state: RunState
    epoch: int
    hint: str = ""


@dataclass(frozen=True)
class HyperChanged:
    change: Change


Event = Progress | StateChanged | HyperChanged


@dataclass
class RunResult:
    status: RunState
    epochs: int
    loss: float
    params: list[list[float]]
    seconds: float  # training alone: no imports, no model building, no waiting
    backend: str
    hint: str = ""
    runs: list[dict[str, Any]] = field(default_factory=list)  # one per member of a many-seed run

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "event": "done", "status": str(self.status), "epochs": self.epochs, "loss": self.loss,
            "params": self.params, "seconds": round(self.seconds, 6), "backend": self.backend,
        }
        if self.hint:
            out["hint"] = self.hint
        if self.runs:
            out["runs"] = self.runs
        return json_safe(out)


def _median(values: list[float]) -> float:
    """The median of the members' final losses; a blown-up (NaN) member counts as the worst."""
    return float(np.median([v if not math.isnan(v) else math.inf for v in values]))


class RunController:
    def __init__(self, config: RunConfig, *, pace: float | None = None, start_paused: bool = False,
                 history_capacity: int = 4096):
        config.validate()
        self.config = config
        self.history = History(history_capacity)
        self.learner: Learner | None = None
        self.result: RunResult | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()  # set when run() has returned, however it ended
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._state = RunState.READY
        self._paused = start_paused
        self._step_budget = 0
        self._pending: dict[str, float] = {}
        self._pace = pace
        self._pace_origin: tuple[float, int] | None = None
        self._events: deque[Event] = deque()
        self._subscribers: list[Callable[[Event], None]] = []
        self._flat: np.ndarray | None = None  # the latest parameters, swapped whole after each chunk
        self._started = False

    # -- commands, from any thread -------------------------------------------------------------------

    @property
    def state(self) -> RunState:
        return self._state

    @property
    def epoch(self) -> int:
        return self.learner.epoch if self.learner is not None else 0

    @property
    def is_final(self) -> bool:
        return self._state in FINAL_STATES

    @property
    def pace(self) -> float | None:
        """Epochs a second the run is held to, or None for as fast as it goes."""
        return self._pace

    @property
    def paused(self) -> bool:
        """Whether a pause was asked for (the state follows at the next chunk boundary)."""
        return self._paused

    def pause(self) -> None:
        with self._cond:
            self._paused = True
            self._step_budget = 0
            self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._pace_origin = None
            self._cond.notify_all()

    def step(self, epochs: int = 1) -> None:
        """While paused (or before starting paused): train `epochs` more, then pause again."""
        with self._cond:
            self._paused = True
            self._step_budget += max(1, int(epochs))
            self._cond.notify_all()

    def stop(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()

    def set_lr(self, value: Any) -> float:
        return self._set_hyper("lr", value)

    def set_momentum(self, value: Any) -> float:
        return self._set_hyper("momentum", value)

    def _set_hyper(self, name: str, value: Any) -> float:
        clean = FIELDS_BY_NAME[name].parse(value)  # ConfigError names the field and the allowed range
        if name == "momentum" and self.config.optimizer == "adam":
            raise ConfigError("momentum", "momentum: Adam does not use it (its averages have fixed betas); "
                                          "choose the sgd optimizer to train with momentum")
        with self._cond:
            self._pending[name] = clean
            self._cond.notify_all()
        return clean

    def set_pace(self, epochs_per_second: float | None) -> None:
        """Pace the run for watching: at most this many epochs a second. None: as fast as possible."""
        with self._cond:
            self._pace = epochs_per_second if epochs_per_second and epochs_per_second > 0 else None
            self._pace_origin = None
            self._cond.notify_all()

    # -- the metric road --------------------------------------------------------------------------------

    def drain(self) -> list[Event]:
        out = []
        while True:
            try:
                out.append(self._events.popleft())
            except IndexError:
                return out

    def subscribe(self, callback: Callable[[Event], None]) -> None:
        self._subscribers.append(callback)

    def unsubscribe(self, callback: Callable[[Event], None]) -> None:
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def _publish(self, event: Event) -> None:
        self._events.append(event)
        for callback in list(self._subscribers):
            callback(event)

    def latest_params(self) -> np.ndarray | None:
        """Every member's parameters after the last finished chunk, [K, P] (a snapshot: the training thread
        swaps in a new array, never writes into this one), or None before the model exists."""
        return self._flat

    def predict(self, xs: np.ndarray) -> np.ndarray | None:
        """Each member's predictions at xs from the latest parameters, or None before the model exists."""
        flat, learner = self._flat, self.learner
        if flat is None or learner is None:
            return None
        return learner.predict(np.asarray(xs, dtype=np.float64), flat)

    async def events(self) -> AsyncIterator[Event]:
        """Every event from now until the run ends."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Event] = asyncio.Queue()

        def push(event: Event) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, event)

        self.subscribe(push)
        try:
            if self.is_final:
                return
            while True:
                event = await queue.get()
                yield event
                if isinstance(event, StateChanged) and event.state in FINAL_STATES:
                    return
        finally:
            self.unsubscribe(push)

    async def metrics(self) -> AsyncIterator[dict[str, Any]]:
        """One dict per epoch, as the epochs finish."""
        async for event in self.events():
            if isinstance(event, Progress):
                for row in event.chunk.rows():
                    yield row

    async def run_async(self) -> RunResult:
        return await asyncio.to_thread(self.run)

    # -- the loop ----------------------------------------------------------------------------------------

    def _set_state(self, state: RunState, hint: str = "") -> None:
        if state != self._state:
            self._state = state
            self._publish(StateChanged(state, self.epoch, hint))

    def run(self) -> RunResult:
        """Build the model (this imports torch) and train until done, stopped or diverged. Blocks. An error
        is recorded on `error`, ends the run as FAILED, and is raised again."""
        with self._cond:
            if self._started:
                raise RuntimeError("a RunController runs once; make a new one for a new run")
            self._started = True
        try:
            self._set_state(RunState.LOADING)
            self.learner = make_learner(self.config)
            self._flat = self.learner.flat_params()
            self._loop(self.learner)
            return self._finish(self.learner)
        except BaseException as exc:
            self.error = exc
            self._set_state(RunState.FAILED, f"{type(exc).__name__}: {exc}")
            raise
        finally:
            self.done.set()

    def run_to_end(self) -> RunResult | None:
        """`run()` for a thread of its own (the CLI's, the app's worker): it never raises; the outcome is on
        `result`, or on `error` with the state FAILED, and `done` is set when it returns."""
        try:
            return self.run()
        except BaseException:  # noqa: BLE001 - recorded on self.error and reported by whoever reads it
            return None

    def _loop(self, learner: Learner) -> None:
        chunk_size = 1
        # A chunk's metrics take K x epochs floats: keep them to a few MB however many members.
        max_chunk = max(1, MAX_CHUNK_VALUES // learner.members)
        total = self.config.epochs
        while learner.epoch < total and not learner.finished:
            with self._cond:
                while self._paused and self._step_budget == 0 and not self._stop.is_set():
                    self._set_state(RunState.PAUSED)
                    self._cond.wait()
                if self._stop.is_set():
                    return
                self._apply_pending(learner)
                budget = self._step_budget if self._paused else total
                allowance = self._pace_allowance(learner.epoch)
                if allowance < 1:
                    self._cond.wait(self._pace_wait())
                    continue
            self._set_state(RunState.RUNNING)
            n = int(min(total - learner.epoch, chunk_size, budget, allowance))
            started = time.perf_counter()
            chunk = learner.train(n, self._stop)
            spent = time.perf_counter() - started
            # Grow or shrink the chunk so each lasts about CHUNK_SECONDS: only a chunk that ran at full
            # size says anything about speed (a step or a paced trickle is short because it was asked to be).
            if spent < CHUNK_SECONDS / 2 and len(chunk) == n == chunk_size:
                chunk_size = min(chunk_size * 2, max_chunk)
            elif spent > CHUNK_SECONDS * 2 and chunk_size > 1:
                chunk_size = max(1, chunk_size // 2)
            with self._cond:
                if self._paused:
                    self._step_budget = max(0, self._step_budget - len(chunk))
            self._flat = learner.flat_params()
            self.history.append(chunk)
            self._publish(Progress(chunk))

    def _pace_allowance(self, epoch: int) -> float:
        if self._pace is None:
            return math.inf
        now = time.perf_counter()
        if self._pace_origin is None:
            self._pace_origin = (now, epoch)
            return 1  # the first epoch at once, so a paced run shows movement immediately
        t0, e0 = self._pace_origin
        return math.floor(self._pace * (now - t0) + 1) - (epoch - e0)

    def _pace_wait(self) -> float:
        return min(PACE_TICK, 1.0 / self._pace) if self._pace else PACE_TICK

    def _apply_pending(self, learner: Learner) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        for name, value in pending.items():
            old = getattr(learner, name)
            if value == old:
                continue
            learner.set_hyper(**{name: value})
            self.config = self.config.with_values(**{name: value})
            change = Change(learner.epoch, name, old, value)
            self.history.record_change(change)
            self._publish(HyperChanged(change))

    def _finish(self, learner: Learner) -> RunResult:
        statuses = learner.status
        if self._stop.is_set() and learner.epoch < self.config.epochs and not learner.finished:
            status = RunState.STOPPED
        elif all(s == MemberStatus.DIVERGED for s in statuses):
            status = RunState.DIVERGED
        elif all(s == MemberStatus.CONVERGED for s in statuses):
            status = RunState.CONVERGED
        else:
            status = RunState.COMPLETED
        hint = ""
        if status == RunState.DIVERGED:
            epoch = learner.stopped_at[0] or learner.epoch
            hint = divergence_hint(self.config, epoch, float(learner.last_loss[0]))
        final = [learner.final_loss(k) for k in range(learner.members)]
        loss = final[0] if learner.members == 1 else _median(final)
        runs = []
        if learner.members > 1:
            # A member that neither converged nor diverged ended as the run did (completed, or stopped).
            unfinished = RunState.STOPPED if status == RunState.STOPPED else RunState.COMPLETED
            for k, seed in enumerate(learner.seeds):
                member = {MemberStatus.DIVERGED: RunState.DIVERGED,
                          MemberStatus.CONVERGED: RunState.CONVERGED}.get(statuses[k], unfinished)
                runs.append({"seed": seed, "status": str(member), "loss": json_safe(final[k]),
                             "epochs": learner.stopped_at[k] or learner.epoch, "params": learner.params(k)})
        self.result = RunResult(status=status, epochs=learner.epoch, loss=float(loss), params=learner.params(0),
                                seconds=learner.seconds, backend=learner.backend, hint=hint, runs=runs)
        self._set_state(status, hint)
        return self.result
