"""The run controller: one run, driven from any thread, streaming its metrics as it goes.

`run()` is the training loop; it blocks, so call it from a thread (a Textual thread worker, or
`await run_async()`). Every other method is safe from any thread: pause, resume, step, stop, set_lr,
set_momentum, set_pace. Commands take effect between chunks, and a chunk is a budget of work sized to last
a few milliseconds, not a number of epochs: a net whose epoch takes minutes is trained a slice of an epoch
at a time, so pause, step and stop land within milliseconds at any size. `epoch_fraction` says how far the
epoch in progress is. A run that is stopped inside an epoch drops that epoch's unfinished work and ends on
its last finished epoch, so its epochs, loss and params describe the same model. (lr and momentum changes
apply from the next optimizer step, which for such a net may be inside an epoch.)

Metrics leave the training thread in three ways, pick one:
- `drain()`: the events since the last call (for a UI timer that polls, or a writer: `drain(timeout=)`);
- `subscribe(callback)`: called on the training thread with each event (keep it short and thread-safe);
- `async for event in events()` / `async for row in metrics()`: on an asyncio loop.

Back-pressure: the metrics waiting for a reader are bounded (`buffer_limit`, in numbers carried). Once
anyone has called `drain()`, training waits while the undrained metrics are over the bound, until the next
drain or a stop, so a slow reader slows the run instead of growing memory; `events()` does the same for
its consumer. A run nobody drains (`run()` from a script) never waits: it keeps only its newest progress
(UNDRAINED_VALUES numbers) for a drain after the fact; the bounded `history` keeps the record.
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
from .layout import param_count
from .learners import Learner, LoadingStopped, divergence_hint, make_learner
from .metrics import MetricChunk, json_safe
from .states import FINAL_STATES, MemberStatus, RunState

CHUNK_SECONDS = 0.008  # work per chunk between looks at the command flags
PACE_TICK = 0.05  # a paced run delivers at least this often
MAX_CHUNK_VALUES = 1 << 18  # per-member epochs in one chunk, summed over members
MAX_WORK = 1 << 40  # a chunk's work budget never grows past this (units: engine.kernel.WORK_SAMPLE)
FLAT_SECONDS = 0.05  # how often the parameters `predict()` draws from are refreshed while running
# Metrics waiting for a reader, in numbers carried (MetricChunk.values()): about 8 MB. The app drains ten
# times a second; at its fastest (~150,000 epochs/s of one-weight rows, 6 numbers each) that is ~90,000
# numbers a drain, so the bound leaves ten times that before training would wait.
BUFFER_VALUES = 1 << 20
# A run nobody drains (a script calling run()) keeps only its newest progress, up to this many numbers
# (~1 MB), for a drain after the fact; its history holds the whole run, bounded.
UNDRAINED_VALUES = 1 << 17
# The final JSON carries each member's parameters only while all members' together stay under this many
# numbers (~20 MB of JSON); above it they are left out and each member says "params_omitted": true.
MEMBER_PARAMS_LIMIT = 1 << 20


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
    loss: float  # the last epoch's loss (the median over members for many seeds): the last row's
    params: list[np.ndarray]  # member 0's, one flat array per tensor in `model.parameters()` order
    seconds: float  # training alone: no imports, no model building, no waiting
    backend: str
    hint: str = ""
    runs: list[dict[str, Any]] = field(default_factory=list)  # one per member of a many-seed run
    last: dict[str, Any] = field(default_factory=dict)  # the last epoch's row (what the summary quotes)
    curve: dict[str, Any] | None = None  # member 0's "found the curve?" (engine.teaching.found_curve), or None
    notes: list[str] = field(default_factory=list)  # what the run's end should say besides the hint
    # With held-out points (test_fraction > 0): the last epoch's MSE over them (the median over members, a
    # stopped member's last, as `loss`); None without.
    test_loss: float | None = None
    # Member 0's mean squared error against the noise-free target on an even grid (ERROR_GRID points) inside
    # the training range, and outside it within the evaluation range (None when that has no outside part);
    # None for nudge-3x. How the fit extrapolates, held-out points or not.
    error_inside: float | None = None
    error_outside: float | None = None

    def to_json(self, member_params_limit: int = MEMBER_PARAMS_LIMIT) -> dict[str, Any]:
        """The closing JSON object. Parameters become lists here, and only here; members' parameters only
        while all of them together stay within `member_params_limit` numbers (else "params_omitted")."""
        out: dict[str, Any] = {
            "event": "done", "status": str(self.status), "epochs": self.epochs, "loss": self.loss,
            "params": [np.asarray(p).tolist() for p in self.params], "seconds": round(self.seconds, 6),
            "backend": self.backend,
        }
        if self.test_loss is not None:
            out["test_loss"] = self.test_loss
        if self.error_inside is not None:
            out["error_inside"] = self.error_inside
            out["error_outside"] = self.error_outside
        if self.hint:
            out["hint"] = self.hint
        if self.curve is not None:
            out["found_curve"] = self.curve
        if self.notes:
            out["notes"] = self.notes
        if self.runs:
            total = sum(int(np.asarray(p).size) for r in self.runs for p in r.get("params", ()))
            keep = total <= member_params_limit
            runs = []
            for r in self.runs:
                r = dict(r)
                params = r.pop("params", None)
                if params is not None and keep:
                    r["params"] = [np.asarray(p).tolist() for p in params]
                elif params is not None:
                    r["params_omitted"] = True
                runs.append(r)
            out["runs"] = runs
        return json_safe(out)


# Judging a member's curve evaluates its net on the training points; past this many multiply-adds for the
# whole run (a few hundred milliseconds of numpy) the run ends without the verdict rather than wait for it.
CURVE_CHECK_WORK = 50_000_000


def _curve_checks(config: RunConfig, learner: Learner, flat: np.ndarray, finished: bool) -> list[dict[str, Any]]:
    """Each member's "did it find the curve, or stay near a straight line?" (the notebook's "run it again"),
    as plain values; [] where the rule does not apply or would cost too much to apply."""
    if not config.example.is_torch or not config.hidden:
        return []
    if flat.shape[0] * flat.shape[1] * config.points > CURVE_CHECK_WORK:
        return []
    from .teaching import found_curve

    out = []
    for k in range(learner.members):
        check = found_curve(config, flat[k], learner.data[k], finished=finished)
        if not check.applies:
            return []
        out.append({"verdict": check.verdict, "ratio": json_safe(float(check.ratio)), "sentence": check.sentence})
    return out


ERROR_GRID = 200  # points inside the training range, and as many outside it, for error_inside / error_outside


def _true_errors(config: RunConfig, flat: np.ndarray) -> tuple[float | None, float | None]:
    """(inside, outside): the MSE of the net `flat` against the example's noise-free target on ERROR_GRID
    evenly spaced points over the training range [x_min, x_max], and as many over the parts of the evaluation
    range [eval_min, eval_max] outside it (shared in proportion to their lengths; None when there are none).
    (None, None) for nudge-3x."""
    from .models import predict

    if not config.example.is_torch or not config.example.truth_text:  # nudge-3x; a data file (no true function)
        return None, None
    sizes, acts, truth = config.layer_sizes, config.activations, config.example.truth

    def mse(xs: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            return float(np.mean((predict(flat, sizes, acts, xs) - np.asarray(truth(xs), np.float64)) ** 2))

    inside = np.linspace(config.x_min, config.x_max, ERROR_GRID if config.x_max > config.x_min else 1)
    parts = [(config.eval_min, min(config.x_min, config.eval_max)), (max(config.x_max, config.eval_min), config.eval_max)]
    parts = [(a, b) for a, b in parts if b > a]
    if not parts:
        return mse(inside), None
    total = sum(b - a for a, b in parts)
    outside = np.concatenate([np.linspace(a, b, max(2, round(ERROR_GRID * (b - a) / total))) for a, b in parts])
    return mse(inside), mse(outside)


def _piled_gradient_note(config: RunConfig, learner: Learner) -> list[str]:
    """With zero-grad off, say that gradients piled up and by how much (member 0)."""
    if config.zero_grad or not config.example.is_torch or learner.epoch == 0:
        return []
    size = learner.piled_gradient(0)
    if size is None:
        return []
    steps = learner.epoch * -(-config.train_points // config.effective_batch)
    return [f"zero grad was off: each step's gradient was added to all the ones before and never cleared, so "
            f"after {steps:,} steps the optimizer was stepping with a gradient of size {size:.3g}, the sum of "
            f"every step's (turn zero grad on to step with each batch's own gradient)"]


def _median(values: list[float]) -> float:
    """The median of the members' final losses; a blown-up (NaN) member counts as the worst."""
    return float(np.median([v if not math.isnan(v) else math.inf for v in values]))


class RunController:
    def __init__(self, config: RunConfig, *, pace: float | None = None, start_paused: bool = False,
                 history_capacity: int = 4096, buffer_limit: int = BUFFER_VALUES,
                 initial_params: np.ndarray | None = None):
        """`buffer_limit`: numbers of undrained metrics before training waits for a reader (see above).
        `initial_params`: start every member from these parameters (flat, `parameters()` order: loaded weights,
        engine/weights.py) instead of its seed's; the optimizer starts fresh either way."""
        config.validate()
        self.config = config
        if initial_params is not None:
            initial_params = np.asarray(initial_params, np.float32).reshape(-1)
            if not config.example.is_torch or len(initial_params) != param_count(config.layer_sizes):
                raise ValueError(f"initial_params: {len(initial_params)} numbers for {config.describe()}")
        self.initial_params = initial_params
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
        self._buffer = threading.Condition()  # guards _events and _buffered; signalled on publish and drain
        self._buffered = 0  # numbers carried by the undrained events
        self._buffer_limit = max(1, int(buffer_limit))
        self._drained = False  # someone reads the buffer: publishing waits for them when it is full
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
    def epoch_fraction(self) -> float:
        """How far the epoch in progress is, 0 <= f < 1 (0 between epochs). A large net's epoch can take
        minutes: `epoch + epoch_fraction` is the progress to show meanwhile. Updated after every chunk."""
        learner = self.learner
        return float(learner.epoch_fraction) if learner is not None else 0.0

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
        with self._buffer:  # a publish waiting for a reader gives up
            self._buffer.notify_all()

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

    def drain(self, timeout: float | None = None) -> list[Event]:
        """The events since the last drain, oldest first. With `timeout`, wait up to that long for one when
        there are none yet (a writer's loop). Calling it makes the run wait for its reader when the buffer
        is full (back-pressure), so a reader must keep draining until `done` is set or it calls stop()."""
        with self._buffer:
            self._drained = True
            if timeout and not self._events and not self.done.is_set():
                self._buffer.wait(timeout)
            out = list(self._events)
            self._events.clear()
            self._buffered = 0
            self._buffer.notify_all()
        return out

    def subscribe(self, callback: Callable[[Event], None]) -> None:
        self._subscribers.append(callback)

    def unsubscribe(self, callback: Callable[[Event], None]) -> None:
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def _publish(self, event: Event) -> None:
        size = event.chunk.values() if isinstance(event, Progress) else 0
        with self._buffer:
            self._events.append(event)
            self._buffered += size
            self._buffer.notify_all()
        for callback in list(self._subscribers):
            callback(event)
        if size:
            self._wait_for_room()

    def _wait_for_room(self) -> None:
        """Back-pressure: while the undrained metrics are over the bound, wait for the reader (or a stop);
        a buffer nobody has ever drained forgets its oldest progress instead."""
        with self._buffer:
            if not self._drained and self._buffered > min(self._buffer_limit, UNDRAINED_VALUES):
                # nobody reads: drop the oldest progress, never the newest, never a state change
                limit = min(self._buffer_limit, UNDRAINED_VALUES)
                newest = next(e for e in reversed(self._events) if isinstance(e, Progress))
                kept: deque[Event] = deque()
                for event in self._events:
                    if isinstance(event, Progress) and event is not newest and self._buffered > limit:
                        self._buffered -= event.chunk.values()
                    else:
                        kept.append(event)
                self._events = kept
                return
            while self._buffered > self._buffer_limit and not self._stop.is_set():  # a reader: wait for it
                self._buffer.wait(0.1)

    def latest_params(self) -> np.ndarray | None:
        """Every member's parameters, [K, P], at most FLAT_SECONDS old while running and exact when paused or
        finished (a snapshot: the training thread swaps in a new array, never writes into this one), or None
        before the model exists."""
        return self._flat

    def predict(self, xs: np.ndarray) -> np.ndarray | None:
        """Each member's predictions at xs from the latest parameters, or None before the model exists."""
        flat, learner = self._flat, self.learner
        if flat is None or learner is None:
            return None
        return learner.predict(np.asarray(xs, dtype=np.float64), flat)

    async def events(self) -> AsyncIterator[Event]:
        """Every event from now until the run ends. Training waits while this consumer is more than
        `buffer_limit` numbers behind (back-pressure), and goes on once it stops iterating."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[Event, int]] = asyncio.Queue()
        room = threading.Condition()
        behind = [0]  # numbers pushed and not yet consumed
        closed = threading.Event()

        def push(event: Event) -> None:  # on the training thread
            size = event.chunk.values() if isinstance(event, Progress) else 0
            with room:
                while size and behind[0] > self._buffer_limit and not closed.is_set() and not self._stop.is_set():
                    room.wait(0.1)
                behind[0] += size
            try:
                loop.call_soon_threadsafe(queue.put_nowait, (event, size))
            except RuntimeError:  # the loop has closed: nobody is listening any more
                closed.set()

        self.subscribe(push)
        try:
            if self.is_final:
                return
            while True:
                event, size = await queue.get()
                with room:
                    behind[0] -= size
                    room.notify_all()
                yield event
                if isinstance(event, StateChanged) and event.state in FINAL_STATES:
                    return
        finally:
            closed.set()
            with room:
                room.notify_all()
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
        (anywhere, the closing summary included) is recorded on `error`, ends the run as FAILED, and is
        raised again. When `done` is set, exactly one of `result` and `error` is set."""
        with self._cond:
            if self._started:
                raise RuntimeError("a RunController runs once; make a new one for a new run")
            self._started = True
        try:
            self._set_state(RunState.LOADING)
            try:
                self.learner = make_learner(self.config, stop=self._stop, initial=self.initial_params)
            except LoadingStopped:  # stopped before the model was built: nothing trained, nothing to show
                self.result = RunResult(status=RunState.STOPPED, epochs=0, loss=math.nan, params=[], seconds=0.0,
                                        backend="")
                self._set_state(RunState.STOPPED)
                return self.result
            self._flat = self.learner.flat_params()
            self._loop(self.learner)
            return self._finish(self.learner)
        except BaseException as exc:
            self.error = exc
            self.result = None
            try:
                self._set_state(RunState.FAILED, f"{type(exc).__name__}: {exc}")
            except BaseException:  # noqa: BLE001 - e.g. out of memory again: the error is recorded already
                self._state = RunState.FAILED
            raise
        finally:
            if self.result is None and self.error is None:  # cannot happen; never leave a reader guessing
                self.error = RuntimeError("the run ended without a result")
                self._state = RunState.FAILED
            self.done.set()
            with self._buffer:
                self._buffer.notify_all()

    def run_to_end(self) -> RunResult | None:
        """`run()` for a thread of its own (the CLI's, the app's worker): it never raises; the outcome is on
        `result`, or on `error` with the state FAILED, and `done` is set when it returns."""
        try:
            return self.run()
        except BaseException:  # noqa: BLE001 - recorded on self.error and reported by whoever reads it
            return None

    def _loop(self, learner: Learner) -> None:
        # A chunk is a budget of work (units: forward passes of one sample), not of epochs: it starts at one
        # unit and doubles while chunks are quick and were cut short by their budget, halves when slow, so
        # each lasts about CHUNK_SECONDS whether that is a thousand epochs or a sliver of one.
        work = 1
        # A chunk's metrics take K x epochs floats: keep them to a few MB however many members.
        max_chunk = max(1, MAX_CHUNK_VALUES // learner.members)
        total = self.config.epochs
        refreshed = time.perf_counter()
        while learner.epoch < total and not learner.finished:
            with self._cond:
                if self._paused and self._step_budget == 0 and not self._stop.is_set():
                    self._flat = learner.flat_params()  # idle now: what a paused chart draws is exact
                while self._paused and self._step_budget == 0 and not self._stop.is_set():
                    self._set_state(RunState.PAUSED)
                    self._cond.wait()
                if self._stop.is_set():
                    return
                self._apply_pending(learner)
                epochs_allowed = self._step_budget if self._paused else total
                allowance = self._pace_allowance(learner.epoch)
                if allowance < 1:
                    self._cond.wait(self._pace_wait())
                    continue
            self._set_state(RunState.RUNNING)
            n = int(min(total - learner.epoch, max_chunk, epochs_allowed, allowance))
            started = time.perf_counter()
            chunk = learner.train(n, self._stop, budget=work)
            now = time.perf_counter()
            spent = now - started
            if spent < CHUNK_SECONDS / 2 and learner.budget_cut:
                work = min(work * 2, MAX_WORK)
            elif spent > CHUNK_SECONDS * 2 and work > 1:
                work = max(1, work // 2)
            with self._cond:
                if self._paused:
                    self._step_budget = max(0, self._step_budget - len(chunk))
            if now - refreshed >= FLAT_SECONDS:
                self._flat = learner.flat_params()
                refreshed = now
            if len(chunk):
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
            change = Change(learner.epoch, name, old, value, fraction=learner.epoch_fraction)
            self.history.record_change(change)
            self._publish(HyperChanged(change))

    def _finish(self, learner: Learner) -> RunResult:
        if learner.epoch_fraction > 0:  # stopped inside an epoch: end on the last finished one
            learner.discard_partial()
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
        elif status == RunState.COMPLETED:
            hint = learner.closing_hint()
        final = [learner.final_loss(k) for k in range(learner.members)]
        loss = final[0] if learner.members == 1 else _median(final)
        test_loss = None
        if learner.has_test:
            tests = [learner.final_test_loss(k) for k in range(learner.members)]
            test_loss = tests[0] if learner.members == 1 else _median(tests)
        flat = learner.flat_params()  # one copy for every member (the kernel's buffer can be large)
        self._flat = flat
        runs = []
        if learner.members > 1:
            # A member that neither converged nor diverged ended as the run did (completed, or stopped).
            unfinished = RunState.STOPPED if status == RunState.STOPPED else RunState.COMPLETED
            for k, seed in enumerate(learner.seeds):
                member = {MemberStatus.DIVERGED: RunState.DIVERGED,
                          MemberStatus.CONVERGED: RunState.CONVERGED}.get(statuses[k], unfinished)
                runs.append({"seed": seed, "status": str(member), "loss": json_safe(final[k]),
                             "epochs": learner.stopped_at[k] or learner.epoch, "params": learner.params(k, flat)})
                if learner.has_test:
                    runs[-1]["test_loss"] = json_safe(float(learner.last_test_loss[k]))
        curves = _curve_checks(self.config, learner, flat, finished=status != RunState.STOPPED)
        for run, check in zip(runs, curves):
            run["found_curve"] = check["verdict"]
        last = {name: col[-1].item() for name, col in self.history.columns.items()} if len(self.history) else {}
        self.result = RunResult(status=status, epochs=learner.epoch, loss=float(loss),
                                params=learner.params(0, flat), seconds=learner.seconds, backend=learner.backend,
                                hint=hint, runs=runs, last=last, curve=curves[0] if curves else None,
                                notes=_piled_gradient_note(self.config, learner), test_loss=test_loss)
        self.result.error_inside, self.result.error_outside = _true_errors(self.config, flat[0])
        self._set_state(status, hint)
        return self.result
