"""An optimizer race: SGD, SGD with momentum and Adam trained on the same data from the same initial weights.

    from engine import RunConfig, run_race
    result = run_race(RunConfig.for_example("parabola-relu"), lrs={"adam": 0.01})
    for name, racer in result.racers.items():
        print(name, racer.loss, racer.reached)   # the final loss; the epoch it first reached result.reach, or None

Public names (exported from `engine`):
- `RACERS`: the stated table, racer name -> `Racer(name, optimizer, momentum, lr, why)`, in race order.
- `race_configs(config, lrs=None) -> dict[str, RunConfig]`: one config per racer: `config` with the racer's
  optimizer, momentum and learning rate (`lrs[name]` where given, else the table's); everything else, the
  seed included, is `config`'s, so every racer starts from the same data and initial weights. Each is an
  ordinary run: the app may train each one as a normal `RunController` (live, on its charts) and gets the
  numbers `run_race` reports, bit for bit (tests/engine/test_race.py). ConfigError for nudge-3x (it has no
  optimizer), an unknown racer, or a learning rate out of range (named `sgd_lr`, `momentum_lr`, `adam_lr`:
  the CLI's --sgd-lr ...).
- `starting_loss(config) -> float`: the loss before training (the median over the members of a many-seed
  run), computed as the divergence rule does (engine/learners/base.py); it is the same for every racer.
- `first_reach(epochs, losses, reach) -> int | None`: the first epoch whose loss is <= reach (NaN never is).
- `ReachWatch(reach)`: a RunController subscriber (it runs on the training thread) that notes in `.epoch` the
  first epoch whose loss is <= reach, from every chunk as it is trained: exact however long the run, where a
  bounded History, thinned past its capacity, has lost most epochs (the app's race reads it so).
- `run_race(config, lrs=None, reach=None, stop=None) -> RaceResult`: trains the racers one after another
  (each a RunController run; blocks, imports torch). `reach` defaults to 1% of the starting loss. A set
  `stop` (threading.Event) stops the racer in progress at its next chunk, and the ones after it do not start
  (status "stopped", 0 epochs). RaceResult: `racers` (name -> RacerResult: the racer, its config, `status`,
  `loss` (final), `epochs`, `reached`, `seconds`, `history` (its bounded loss per epoch, engine.History),
  `run` (its RunResult, None if it never started)), `start_loss`, `reach`, `seconds` (training alone).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .config import FIELDS_BY_NAME, ConfigError, RunConfig, quoted
from .controller import Progress, RunController, RunResult
from .history import History
from .states import RunState


@dataclass(frozen=True)
class Racer:
    name: str
    optimizer: str
    momentum: float
    lr: float
    why: str  # why this learning rate


RACERS: dict[str, Racer] = {r.name: r for r in (
    Racer("sgd", "sgd", 0.0, 0.001,
          "the seed notebook's own learning rate for its nets: per-sample SGD at it is stable on every example"),
    Racer("momentum", "sgd", 0.9, 0.0001,
          "momentum 0.9 adds up about 1 / (1 - 0.9) = 10 past gradients in each step, so a tenth of SGD's rate "
          "takes steps of about SGD's size (at SGD's own rate the seed's ReLU net overshoots and stalls)"),
    Racer("adam", "adam", 0.0, 0.001,
          "torch's default: Adam's steps are about the learning rate in size whatever the gradient's scale, "
          "and 0.001 moves the seed's weights (about 0.3 in size) in a few hundred steps"),
)}


def _racer_lr(name: str, value: Any) -> float:
    try:
        return FIELDS_BY_NAME["lr"].parse(value)
    except ConfigError as exc:
        raise ConfigError(f"{name}_lr", exc.parts) from None


def race_configs(config: RunConfig, lrs: Mapping[str, Any] | None = None) -> dict[str, RunConfig]:
    """One RunConfig per racer, in race order (see the module's docstring)."""
    if not config.example.is_torch:
        raise ConfigError("optimizer", f"{config.example_id} has no optimizer to race (it nudges its weight by a "
                                       f"fixed step); race one of the PyTorch examples")
    lrs = dict(lrs or {})
    for name in lrs:
        if name not in RACERS:
            raise ConfigError("racer", f"{quoted(name)} is not a racer; the racers are {', '.join(RACERS)}")
    return {name: config.with_values(optimizer=r.optimizer, momentum=r.momentum,
                                     lr=_racer_lr(name, lrs[name]) if lrs.get(name) is not None else r.lr)
            for name, r in RACERS.items()}


def starting_loss(config: RunConfig) -> float:
    """The loss of the initial weights on the training points (the median over the members for many seeds)."""
    from .data import held_out, make_data, split
    from .learners import starting_loss as member_loss
    from .models import initial_flat

    mask = held_out(config)
    losses = [member_loss(config, initial_flat(config, seed), split(make_data(config, seed), mask)[0])
              for seed in range(config.seed, config.seed + config.seeds)]
    return float(np.median(losses))


def first_reach(epochs: np.ndarray, losses: np.ndarray, reach: float) -> int | None:
    """The first of `epochs` whose loss is at most `reach`, or None (a NaN loss never reaches)."""
    hit = np.flatnonzero(np.asarray(losses, np.float64) <= reach)
    return int(np.asarray(epochs)[hit[0]]) if len(hit) else None


class ReachWatch:
    """The first epoch a run's loss is <= `reach`, noted from each chunk on the training thread (see above);
    `epoch` is None until then (a plain int written once, so any thread may read it)."""

    def __init__(self, reach: float) -> None:
        self.reach = reach
        self.epoch: int | None = None

    def __call__(self, event) -> None:
        if self.epoch is None and isinstance(event, Progress):
            self.epoch = first_reach(event.chunk.epoch, event.chunk.loss, self.reach)


@dataclass
class RacerResult:
    racer: Racer
    config: RunConfig
    status: RunState
    loss: float  # the final loss (as `nudge run` reports it); NaN when it never started
    epochs: int
    reached: int | None  # the first epoch whose loss was <= the race's reach, or None: never
    seconds: float  # training alone
    history: History  # loss per epoch, bounded (halved past its capacity; first, last, best and worst kept)
    run: RunResult | None  # the whole outcome, None when it never started


@dataclass
class RaceResult:
    racers: dict[str, RacerResult]
    start_loss: float
    reach: float
    seconds: float  # training alone, summed over the racers

    @property
    def status(self) -> RunState:
        return RunState.STOPPED if any(r.status == RunState.STOPPED for r in self.racers.values()) \
            else RunState.COMPLETED


def run_race(config: RunConfig, lrs: Mapping[str, Any] | None = None, reach: float | None = None,
             stop: threading.Event | None = None) -> RaceResult:
    """Train every racer (see the module's docstring)."""
    configs = race_configs(config, lrs)
    start = starting_loss(config)
    if reach is None:
        reach = 0.01 * start
    elif not (isinstance(reach, (int, float)) and math.isfinite(reach) and reach >= 0):
        raise ConfigError("reach", f"{quoted(reach)} is not allowed; expected a loss >= 0")
    stop = stop or threading.Event()
    racers: dict[str, RacerResult] = {}
    for name, racer_config in configs.items():
        racer = RACERS[name]
        if stop.is_set():
            racers[name] = RacerResult(racer, racer_config, RunState.STOPPED, math.nan, 0, None, 0.0, History(), None)
            continue
        controller = RunController(racer_config)
        reached = ReachWatch(reach)

        def watch(event, controller=controller) -> None:  # on the training thread
            if stop.is_set():
                controller.stop()

        controller.subscribe(reached)
        controller.subscribe(watch)
        result = controller.run()
        racers[name] = RacerResult(racer, racer_config, result.status, result.loss, result.epochs,
                                   reached.epoch, result.seconds, controller.history, result)
    return RaceResult(racers, start, float(reach), sum(r.seconds for r in racers.values()))
