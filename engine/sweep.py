"""A sweep: one example trained at every point of a grid of learning rate x momentum (or either x seed).

    from engine import RunConfig, parse_axis, run_sweep
    config = RunConfig.for_example("parabola-relu")
    result = run_sweep(config, lrs=parse_axis("1e-4:1e-1:12", log=True),
                       momenta=parse_axis("0:0.9:12", log=False))
    result.grid("loss")        # [12, 12] final losses, rows lr, columns momentum
    result.cells[0]            # SweepCell(lr=0.0001, momentum=0.0, seed=0, status=..., loss=..., epochs=2000)

Public names (exported from `engine`):
- `parse_axis(text, log, name=None) -> tuple[float, ...]`: "A:B:N" is N values from A to B, both ends
  included (A itself when N = 1; a bare number is a one-value axis); log-spaced when `log` (the learning
  rate, A > 0), else linear (momentum). Each value must be one its field allows. ConfigError otherwise, named
  for the field (`name`, default "lr" when log else "momentum").
- `parse_seed_range("S:N") -> tuple[int, ...]`: N seeds from S. ConfigError("seed_range", ...) otherwise.
- `MAX_CELLS`: the most cells a sweep may have (4,096: a 64 x 64 grid; the seed's nets take ~1 s per 1,000
  cells of 2,000 epochs on 2 cores), and cells x parameters stay within the many-seed budget
  (config.MAX_SEED_PARAMS).
- `SweepCell(lr, momentum, seed, status, loss, epochs)`: one cell's outcome, in the run vocabulary
  (states.RunState: completed, diverged, stopped); `to_json()` writes numbers exactly (`nudge run ID --lr
  <lr> --momentum <momentum> --seed <seed>` reruns the cell), NaN and infinity as null.
- `SweepResult`: `axes` ((name, values) for the rows, then the columns when there are two), `cells` in grid
  order (row by row), `seconds` (training alone), `status`, `backend`, `flat` (every cell's final
  parameters, [cells, P]); `shape`, `cell(i, j)`, `grid(attr)`.
- `run_sweep(config, lrs=None, momenta=None, seeds=None, stop=None, progress=None) -> SweepResult`: one or
  two axes; what is not swept comes from `config` (its `seeds` must be 1: a seed axis sweeps seeds). `stop`
  (threading.Event) ends it early: cells that had not finished say "stopped" and keep their last finished
  epoch. `progress(done, total)` (epochs summed over the cells) is called on the sweeping thread after each
  chunk (keep it short). Refuses (ConfigError) nudge-3x (no learning rate), a momentum axis with Adam (it has none), too
  many cells. Blocks; imports torch and numba.

How: every cell is a member of one compiled-kernel learner (engine/learners/kernel.py) with its own seed,
learning rate, momentum and divergence limit (the kernel takes them per member), trained in lockstep lanes
spread over every core. A member goes through exactly the float32 operations its single run does, so a
cell equals `nudge run` with the same flags bit for bit (tests/engine/test_sweep.py). Where the kernel cannot
run (backend autograd asked for, or numba missing) each cell is trained as its own run with the autograd
loop, one after another: the same numbers as `nudge run --backend autograd`, about a thousand times slower.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .config import FIELDS_BY_NAME, MAX_SEED_PARAMS, ConfigError, Ref, RunConfig, quoted
from .layout import param_count
from .metrics import json_safe
from .states import MemberStatus, RunState

MAX_CELLS = 4096
CHUNK_SECONDS = 0.05  # training between looks at `stop` and calls to `progress`
MAX_CHUNK_VALUES = 1 << 18  # per-cell epochs in one chunk, summed over cells (the chunk's loss rows)
_SEED_MAX = 2**31 - 1


def _axis_error(name: str, text: Any, why: str) -> ConfigError:
    return ConfigError(name, f"{quoted(text)} is not allowed; {why}")


def parse_axis(text: str, log: bool, name: str | None = None) -> tuple[float, ...]:
    """"A:B:N" -> N values from A to B, both ends included: log-spaced when `log` (A > 0), else linear; "A"
    -> (A,). Every value is checked by the field's own rule (its range). ConfigError names the field."""
    name = name or ("lr" if log else "momentum")
    field = FIELDS_BY_NAME[name]
    form = (f"expected A:B:N, N values from A to B ({'log' if log else 'evenly'} spaced, both ends included), "
            f"N from 1 to {MAX_CELLS:,}, e.g. {'1e-4:1e-1:12' if log else '0:0.9:10'}")
    if not isinstance(text, str):
        raise _axis_error(name, text, form)
    parts = [p.strip() for p in text.strip().split(":", 3)]
    if not text.strip():
        raise ConfigError(name, f"empty; {form}")
    if len(parts) == 1:
        return (field.parse(parts[0]),)
    if len(parts) != 3:
        raise _axis_error(name, text, form)
    try:
        a, b = float(parts[0]), float(parts[1])
    except ValueError:
        raise _axis_error(name, text, form) from None
    if not (math.isfinite(a) and math.isfinite(b)):
        raise _axis_error(name, text, "A and B must be finite numbers")
    n_text = parts[2].replace("_", "")
    if not n_text.isdigit() or len(n_text) > 12:  # no sign, no fraction; isdigit also refuses "nan"
        raise _axis_error(name, text, f"N must be a whole number from 1 to {MAX_CELLS:,}")
    n = int(n_text)
    if not 1 <= n <= MAX_CELLS:
        raise _axis_error(name, text, f"N must be a whole number from 1 to {MAX_CELLS:,} "
                                      f"(a sweep has at most {MAX_CELLS:,} cells)")
    if a > b:
        raise _axis_error(name, text, f"A ({a:g}) must not be greater than B ({b:g})")
    if log and a <= 0:
        raise _axis_error(name, text, f"a log-spaced axis needs A > 0 (got {a:g})")
    if n == 1 and a != b:
        raise _axis_error(name, text, "one value cannot include both ends; give A:A:1 (or just A), or N >= 2")
    if n > 1 and a == b:
        raise _axis_error(name, text, f"A = B gives one value {n:,} times; give N = 1 or B > A")
    field.parse(a)  # the ends in the field's range (its own message names what is allowed)
    field.parse(b)
    values = np.geomspace(a, b, n) if log else np.linspace(a, b, n)
    out = [float(v) for v in values]
    out[0], out[-1] = a, b  # the ends exactly as typed
    return tuple(field.parse(v) for v in out)


def parse_seed_range(text: str) -> tuple[int, ...]:
    """"S:N" -> the N seeds S, S+1, ..., S+N-1. ConfigError("seed_range", ...) otherwise."""
    form = f"expected S:N, N seeds from seed S (S from 0 to {_SEED_MAX:,}, N from 1 to {MAX_CELLS:,}), e.g. 0:16"
    if not isinstance(text, str) or not text.strip():
        raise ConfigError("seed_range", f"empty; {form}" if isinstance(text, str) else f"{quoted(text)}; {form}")
    parts = [p.strip().replace("_", "") for p in text.strip().split(":", 2)]
    if len(parts) != 2 or not all(p.isdigit() and len(p) <= 12 for p in parts):
        raise _axis_error("seed_range", text, form)
    s, n = int(parts[0]), int(parts[1])
    if not 1 <= n <= MAX_CELLS:
        raise _axis_error("seed_range", text, f"N must be from 1 to {MAX_CELLS:,} (a sweep has at most "
                                              f"{MAX_CELLS:,} cells)")
    if s + n - 1 > _SEED_MAX:
        raise _axis_error("seed_range", text, f"the seeds would pass {_SEED_MAX:,}, the largest seed")
    return tuple(range(s, s + n))


@dataclass(frozen=True)
class SweepCell:
    """One cell: the single run with this lr, momentum and seed. `loss` is the loss after its last finished
    epoch (for a diverged cell, the loss that blew up: huge, infinite or NaN); `epochs` how many it finished."""

    lr: float
    momentum: float
    seed: int
    status: RunState
    loss: float
    epochs: int

    def to_json(self) -> dict[str, Any]:
        """The cell as a JSON object: numbers exactly as they are (Python's json writes repr), NaN and
        infinity as null."""
        return json_safe({"lr": self.lr, "momentum": self.momentum, "seed": self.seed, "status": str(self.status),
                          "loss": float(self.loss), "epochs": self.epochs})


@dataclass
class SweepResult:
    config: RunConfig  # what every cell shares (lr, momentum and seed from the cell where swept)
    axes: tuple[tuple[str, tuple], ...]  # ((name, values) of the rows, (name, values) of the columns)
    cells: list[SweepCell]  # row by row: cell (i, j) is cells[i * columns + j]
    seconds: float  # training alone: no imports, no building, no waiting
    status: RunState  # completed, or stopped when `stop` ended it early
    backend: str  # "kernel", or "autograd" (one run per cell)
    flat: np.ndarray  # every cell's final parameters, [cells, P] float32, in `model.parameters()` order

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(values) for _, values in self.axes)

    def cell(self, i: int, j: int = 0) -> SweepCell:
        columns = len(self.axes[1][1]) if len(self.axes) > 1 else 1
        return self.cells[i * columns + j]

    def grid(self, attr: str = "loss") -> np.ndarray:
        """One attribute of every cell ("loss", "epochs", "lr", ...) as an array of the grid's shape
        (a 1-axis sweep: one column)."""
        rows = len(self.axes[0][1])
        values = [float(getattr(c, attr)) if attr != "status" else str(c.status) for c in self.cells]
        return np.array(values).reshape(rows, -1)

    def count(self, status: RunState | str) -> int:
        return sum(1 for c in self.cells if c.status == status)


def _grid(config: RunConfig, lrs, momenta, seeds) -> tuple[tuple[tuple[str, tuple], ...], list[tuple]]:
    """The axes in order (lr, momentum, seed; the first given are the rows) and every cell's (lr, momentum,
    seed), checked."""
    if not config.example.is_torch:
        raise ConfigError("lr", f"{config.example_id} has no learning rate to sweep (it nudges its weight by a "
                                f"fixed step); sweep one of the PyTorch examples")
    if config.seeds != 1:
        raise ConfigError("seeds", "a sweep's cell is one seed; sweep seeds with a seed axis instead")
    given = [(name, tuple(values)) for name, values in (("lr", lrs), ("momentum", momenta), ("seed", seeds))
             if values is not None]
    if not given:
        raise ConfigError(None, ["a sweep needs an axis: ", Ref("lr"), ", ", Ref("momentum"), " or ",
                                 Ref("seed_range")])
    if len(given) > 2:
        raise ConfigError(None, ["a sweep has at most two axes; ", Ref("seed_range"), " replaces ", Ref("lr"),
                                 " or ", Ref("momentum")])
    if momenta is not None and config.optimizer == "adam":
        raise ConfigError("momentum", "Adam does not use it (its averages have fixed betas); choose the sgd "
                                      "optimizer to sweep momentum")
    clean = []
    for name, values in given:
        if not values:
            raise ConfigError(name if name != "seed" else "seed_range", "an axis needs at least one value")
        clean.append((name, tuple(FIELDS_BY_NAME[name].parse(v) for v in values)))
    cells = math.prod(len(values) for _, values in clean)
    if cells > MAX_CELLS:
        raise ConfigError(None, f"a sweep of {' x '.join(f'{len(v)} {name}' for name, v in clean)} = {cells:,} "
                                f"cells is over the limit of {MAX_CELLS:,} cells; use fewer values")
    params = param_count(config.layer_sizes)
    if cells * params > MAX_SEED_PARAMS:
        raise ConfigError("hidden", f"{cells:,} cells x {params:,} parameters is over the limit of "
                                    f"{MAX_SEED_PARAMS:,} cells x parameters; use fewer cells or smaller layers")
    axes = tuple(clean)
    points = [dict()]
    for name, values in axes:
        points = [{**p, name: v} for p in points for v in values]
    base = {"lr": config.lr, "momentum": config.momentum, "seed": config.seed}
    cells = [{**base, **p} for p in points]
    return axes, [(c["lr"], c["momentum"], c["seed"]) for c in cells]


def _kernel_usable(config: RunConfig) -> bool:
    if config.backend == "autograd":
        return False
    from . import kernel

    if kernel.available():
        return True
    if config.backend == "kernel":
        raise RuntimeError("the kernel backend needs numba, which failed to import; use --backend autograd")
    return False


def run_sweep(config: RunConfig, lrs: Sequence[float] | None = None, momenta: Sequence[float] | None = None,
              seeds: Sequence[int] | None = None, stop: threading.Event | None = None,
              progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """Train every cell of the grid (see the module's docstring) and return their outcomes."""
    config.validate()
    axes, points = _grid(config, lrs, momenta, seeds)
    if _kernel_usable(config):
        return _kernel_sweep(config, axes, points, stop, progress)
    return _run_by_run(config, axes, points, stop, progress)


def _kernel_sweep(config, axes, points, stop, progress) -> SweepResult:
    from .learners.kernel import KernelLearner

    stop = stop or threading.Event()
    cell_config = config.with_values(seeds=1)
    # Members in order of momentum, not in grid order: a lockstep block runs at its slowest lane's pace, and
    # the slow lanes are those whose momentum buffer gets stuck on a subnormal float (a dead unit's buffer
    # decays by `momentum` each step; past 0.5 the smallest subnormal times it rounds back to itself, and
    # arithmetic on subnormals is ~100x slower on x86), so grouping them keeps the other blocks fast. Highest
    # momentum first: the threads take blocks in order, so the slowest starts first and the rest fill around it.
    order = sorted(range(len(points)), key=lambda k: (-points[k][1], points[k][2], points[k][0]))
    members = [points[k] for k in order]
    learner = KernelLearner(cell_config, seeds=[s for _, _, s in members], own_limits=True)
    learner.lr = np.array([lr for lr, _, _ in members], np.float64)
    learner.momentum = np.array([m for _, m, _ in members], np.float64)
    total = config.epochs
    # As RunController._loop: a chunk is a budget of work that doubles while chunks are quick and halves when
    # slow, so each lasts about CHUNK_SECONDS (a net whose epoch takes minutes is trained a slice at a time),
    # starting from one epoch's worth.
    work = learner.epoch_work
    max_chunk = max(1, MAX_CHUNK_VALUES // learner.members)
    while learner.epoch < total and not learner.finished and not stop.is_set():
        started = time.perf_counter()
        learner.train(min(total - learner.epoch, max_chunk), stop, budget=work)
        spent = time.perf_counter() - started
        if spent < CHUNK_SECONDS / 2 and learner.budget_cut:
            work *= 2
        elif spent > CHUNK_SECONDS * 2 and work > 1:
            work = max(1, work // 2)
        if progress is not None:
            progress(learner.epoch * len(points), total * len(points))
    if learner.epoch_fraction > 0:  # stopped inside an epoch: end on the last finished one
        learner.discard_partial()
    stopped = learner.epoch < total and not learner.finished
    cells: list[SweepCell | None] = [None] * len(points)
    for k, (lr, momentum, seed) in enumerate(members):
        status = learner.status[k]
        if status == MemberStatus.DIVERGED:
            state, epochs = RunState.DIVERGED, learner.stopped_at[k] or learner.epoch
        else:
            state, epochs = (RunState.STOPPED if stopped else RunState.COMPLETED), learner.epoch
        cells[order[k]] = SweepCell(lr, momentum, seed, state, learner.final_loss(k), int(epochs))
    flat = np.empty_like(learner.params_buf)
    flat[order] = learner.params_buf
    return SweepResult(config, axes, cells, learner.seconds, RunState.STOPPED if stopped else RunState.COMPLETED,
                       "kernel", flat)


def _run_by_run(config, axes, points, stop, progress) -> SweepResult:
    """The fallback: each cell as its own run (the autograd loop), one after another."""
    from .controller import RunController

    stop = stop or threading.Event()
    cells, flats, seconds = [], [], 0.0
    total = config.epochs * len(points)
    P = param_count(config.layer_sizes)
    for k, (lr, momentum, seed) in enumerate(points):
        if stop.is_set():
            cells.append(SweepCell(lr, momentum, seed, RunState.STOPPED, math.nan, 0))
            flats.append(np.full(P, np.nan, np.float32))
            continue
        controller = RunController(config.with_values(lr=lr, momentum=momentum, seed=seed, seeds=1,
                                                      backend="autograd"))
        controller.subscribe(lambda _event, c=controller: c.stop() if stop.is_set() else None)
        result = controller.run()
        seconds += result.seconds
        epochs = result.epochs
        cells.append(SweepCell(lr, momentum, seed, result.status, result.loss, epochs))
        flats.append(np.concatenate([np.ravel(p) for p in result.params]) if result.params
                     else np.full(P, np.nan, np.float32))
        if progress is not None:
            progress(config.epochs * k + epochs, total)
    status = RunState.STOPPED if any(c.status == RunState.STOPPED for c in cells) else RunState.COMPLETED
    return SweepResult(config, axes, cells, seconds, status, "autograd", np.stack(flats).astype(np.float32))
