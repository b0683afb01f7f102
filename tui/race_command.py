"""`nudge race ID [flags] [--sgd-lr F --momentum-lr F --adam-lr F] [--reach L] [--format text|jsonl]`: SGD, SGD
with momentum and Adam trained from the same data and initial weights (engine/race.py), each racer's final
loss and the epoch it first reached L (default: 1% of the starting loss), or "never".

Exit 0 (a racer that diverged is a result), 3 when every racer diverged, 2 for bad input, 130 after Ctrl-C
(the racers so far; the one interrupted says stopped, later ones did not start), 141 when the reader went away.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Callable

from engine import RACERS, ConfigError, RaceResult, RunConfig, RunState, format_number, json_safe, quoted, run_race

from .streams import write, writing
from .exit_codes import EXIT_DIVERGED, EXIT_INTERRUPTED, EXIT_OK
from .interruptible import run_interruptible


def add_race_parser(sub, add_hyperparameters: Callable[..., None], example_help: str) -> None:
    table = "; ".join(f"{r.name}: {r.optimizer}{f' momentum {r.momentum:g}' if r.momentum else ''} lr {r.lr:g}"
                      for r in RACERS.values())
    race = sub.add_parser(
        "race", help="train SGD, momentum and Adam from the same start and compare them",
        description=f"Train each racer ({table}) on the same data from the same initial weights, and print "
                    "each one's final loss and the epoch at which it first reached the target loss. Every "
                    "hyperparameter flag of `nudge run` applies except --lr, --momentum and --optimizer (the "
                    "racers set them). Exit codes: 0 done, 2 invalid input, 3 every racer diverged, "
                    "130 interrupted, 141 the reader of the output went away.",
        epilog="example: nudge race parabola-relu --adam-lr 0.01 --reach 1")
    race.add_argument("example", nargs="?", metavar="ID", help=example_help)
    group = race.add_argument_group("the race")
    for r in RACERS.values():
        group.add_argument(f"--{r.name}-lr", dest=f"{r.name}_lr", default=None, metavar="F",
                           help=f"{r.name}'s learning rate (default {r.lr:g}: {r.why})")
    group.add_argument("--reach", default=None, metavar="L",
                       help="the target loss whose first epoch is reported (default: 1%% of the starting loss)")
    race.add_argument("--format", choices=("text", "jsonl"), default="text",
                      help="text: a table; jsonl: one JSON object per racer, then a done line")
    add_hyperparameters(race, default=argparse.SUPPRESS, exclude=("lr", "momentum", "optimizer"))


def race_settings(args: argparse.Namespace) -> tuple[dict, float | None]:
    """(the racers' learning rates given, the reach given), checked: ConfigError names the flag."""
    for name, why in (("lr", "each racer has its own: --sgd-lr, --momentum-lr, --adam-lr"),
                      ("momentum", "the racers set it (sgd 0, momentum 0.9, adam none)"),
                      ("optimizer", "the racers are the optimizers")):
        if getattr(args, f"refused_{name}", None) is not None:
            raise ConfigError(name, f"not a race flag: {why}")
    lrs = {name: getattr(args, f"{name}_lr") for name in RACERS if getattr(args, f"{name}_lr", None) is not None}
    reach = None
    if args.reach is not None:
        try:
            reach = float(args.reach) if len(args.reach) <= 40 else math.nan
        except ValueError:
            reach = math.nan
        if not (math.isfinite(reach) and reach >= 0):
            raise ConfigError("reach", f"{quoted(args.reach)} is not allowed; expected a loss >= 0")
    return lrs, reach


def _optimizer(name: str) -> str:
    r = RACERS[name]
    return f"{r.optimizer}{f' momentum {r.momentum:g}' if r.momentum else ''}"


def text(config: RunConfig, result: RaceResult) -> str:
    reached = f"reached {format_number(result.reach)} at epoch"
    rows = [("racer", "optimizer", "lr", "epochs", "final loss", reached, "status")]
    for name, r in result.racers.items():
        started = r.run is not None
        rows.append((name, _optimizer(name), f"{r.config.lr:g}", f"{r.epochs:,}" if started else "–",
                     format_number(r.loss) if started else "–",
                     str(r.reached) if r.reached is not None else "never" if started else "–", str(r.status)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"{config.example_id}: {config.epochs:,} epochs, seed {config.seed}, from a starting loss of "
             f"{format_number(result.start_loss)}"]
    lines += ["  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
              .rstrip() for row in rows]
    lines.append(f"{result.seconds:.3f} s of training")
    if result.status == RunState.STOPPED:
        lines.append("stopped (Ctrl-C): the racer interrupted ends at its last finished epoch; later ones did not start")
    return "\n".join(lines) + "\n"


def jsonl(result: RaceResult) -> str:
    lines = []
    for name, r in result.racers.items():
        lines.append(json.dumps(json_safe({
            "racer": name, "optimizer": r.config.optimizer, "momentum": r.config.momentum, "lr": r.config.lr,
            "status": str(r.status), "loss": float(r.loss), "epochs": r.epochs, "reached": r.reached,
            "seconds": round(r.seconds, 6)})))
    lines.append(json.dumps(json_safe({"event": "done", "status": str(result.status),
                                       "start_loss": result.start_loss, "reach": result.reach,
                                       "seconds": round(result.seconds, 6)})))
    return "\n".join(lines) + "\n"


def cmd_race(config: RunConfig, lrs: dict, reach: float | None, fmt: str) -> int:
    """Run the race and write it. ConfigError (nudge-3x, a bad learning rate) goes to the caller."""
    def race() -> int:
        result, interrupted = run_interruptible(lambda stop: run_race(config, lrs, reach, stop))
        write(jsonl(result) if fmt == "jsonl" else text(config, result))
        if interrupted and result.status == RunState.STOPPED:
            return EXIT_INTERRUPTED
        return EXIT_DIVERGED if all(r.status == RunState.DIVERGED for r in result.racers.values()) else EXIT_OK

    return writing(race)
