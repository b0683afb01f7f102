"""`nudge sweep ID --lr A:B:N --momentum A:B:N [--seed-range S:N] [flags] [--format text|jsonl|csv]`: every cell
of a learning rate x momentum grid (or either x seed) trained at once (engine/sweep.py), then written out.

text: a table of final losses (rows the first axis, columns the second; diverged and stopped cells say so)
and a summary. jsonl: one object per cell, numbers written exactly (`nudge run ID --lr <lr> --momentum
<momentum> --seed <seed>` reruns the cell), then a `done` line with the training time alone. csv: a header
and a row per cell, numbers exact. Exit 0 (diverged cells are results), 2 for bad input, 130 after Ctrl-C
(the cells as they stood, marked stopped), 141 when the reader went away.
"""

from __future__ import annotations

import argparse
import json
import threading
from typing import Callable

from engine import (MAX_CELLS, ConfigError, RunConfig, RunState, SweepResult, format_number, json_safe, parse_axis,
                    parse_seed_range, run_sweep)

from .streams import write, writing
from .exit_codes import EXIT_INTERRUPTED, EXIT_OK
from .interruptible import run_interruptible

FORMATS = ("text", "jsonl", "csv")
CELL_WIDTH = 10  # a table cell: format_number's four significant digits, or "diverged"


def add_sweep_parser(sub, add_hyperparameters: Callable[..., None], example_help: str) -> None:
    sweep = sub.add_parser(
        "sweep", help="train a grid of learning rates x momenta (or x seeds) at once and print each cell",
        description="Train every cell of a grid at once: learning rate x momentum, or either x seed. Every "
                    "hyperparameter flag of `nudge run` applies except --lr, --momentum and --seeds (the axes "
                    f"set them). At most {MAX_CELLS:,} cells. Exit codes: 0 done (diverged cells are results), "
                    "2 invalid input, 130 interrupted (the cells so far, marked stopped), 141 the reader "
                    "of the output went away.",
        epilog="example: nudge sweep parabola-relu --lr 1e-4:1e-1:12 --momentum 0:0.9:12")
    sweep.add_argument("example", nargs="?", metavar="ID", help=example_help)
    axes = sweep.add_argument_group("axes (two at most; A:B:N is N values from A to B, both ends included)")
    axes.add_argument("--lr", dest="lr_axis", default=None, metavar="A:B:N",
                      help="learning rates, log-spaced (A > 0), e.g. 1e-4:1e-1:12")
    axes.add_argument("--momentum", dest="momentum_axis", default=None, metavar="A:B:N",
                      help="momenta, evenly spaced, e.g. 0:0.9:12 (SGD only)")
    axes.add_argument("--seed-range", dest="seed_range", default=None, metavar="S:N",
                      help="N seeds from S, in place of either axis")
    sweep.add_argument("--format", choices=FORMATS, default="text",
                       help="text: a table of final losses; jsonl: one JSON object per cell, then a done line; "
                            "csv: a header and a row per cell")
    add_hyperparameters(sweep, default=argparse.SUPPRESS, exclude=("lr", "momentum", "seeds"))


def sweep_axes(args: argparse.Namespace) -> dict:
    """The axes the flags give, parsed (ConfigError names the flag)."""
    if getattr(args, "refused_seeds", None) is not None:
        raise ConfigError("seeds", "not a sweep flag: a cell is one seed; sweep seeds with --seed-range S:N")
    return {"lrs": parse_axis(args.lr_axis, log=True, name="lr") if args.lr_axis is not None else None,
            "momenta": (parse_axis(args.momentum_axis, log=False, name="momentum")
                        if args.momentum_axis is not None else None),
            "seeds": parse_seed_range(args.seed_range) if args.seed_range is not None else None}


def _axis_text(name: str, value) -> str:
    return str(value) if name == "seed" else f"{value:.4g}"


def table(result: SweepResult) -> str:
    """The grid as text: a row per value of the first axis, a column per value of the second, each cell its
    final loss ("diverged", "stopped" where it did not finish)."""
    def word(cell) -> str:
        if cell.status == RunState.DIVERGED:
            return "diverged"
        if cell.status == RunState.STOPPED and cell.epochs == 0:
            return "stopped"
        return format_number(cell.loss)

    (row_name, rows), *rest = result.axes
    col_name, cols = rest[0] if rest else ("loss", ("",))
    head = f"{row_name} \\ {col_name}" if rest else row_name
    width = max(len(head), *(len(_axis_text(row_name, v)) for v in rows))
    lines = [f"{head:<{width}}" + "".join(f"{_axis_text(col_name, c) if rest else 'loss':>{CELL_WIDTH}}"
                                          for c in cols)]
    for i, value in enumerate(rows):
        cells = "".join(f"{word(result.cell(i, j)):>{CELL_WIDTH}}" for j in range(len(cols)))
        lines.append(f"{_axis_text(row_name, value):<{width}}{cells}")
    return "\n".join(lines) + "\n"


def summary(result: SweepResult) -> str:
    counts = ", ".join(f"{result.count(s)} {s}" for s in (RunState.COMPLETED, RunState.DIVERGED, RunState.STOPPED)
                       if result.count(s))
    line = f"{len(result.cells)} cells in {result.seconds:.3f} s of training ({result.backend}): {counts}"
    finished = [c for c in result.cells if c.status != RunState.DIVERGED and c.loss == c.loss]
    if finished:
        best = min(finished, key=lambda c: c.loss)
        line += (f"\nlowest loss {format_number(best.loss)}: nudge run {result.config.example_id} --lr {best.lr!r} "
                 f"--momentum {best.momentum!r} --seed {best.seed}")
    if result.status == RunState.STOPPED:
        epochs = max((c.epochs for c in result.cells), default=0)
        line += f"\nstopped after {epochs} of {result.config.epochs} epochs (Ctrl-C)"
    return line + "\n"


def cmd_sweep(config: RunConfig, axes: dict, fmt: str) -> int:
    """Run the sweep and write it. ConfigError (bad axes, nudge-3x, too many cells) goes to the caller."""
    started = threading.Event()
    given = [(name, len(axes[key])) for key, name in (("lrs", "lr"), ("momenta", "momentum"), ("seeds", "seed"))
             if axes.get(key) is not None]
    cells = 1
    for _, n in given:
        cells *= n
    header = (f"{config.example_id}: {' x '.join(f'{n} {name}' for name, n in given)} = {cells:,} cells, "
              f"{config.epochs:,} epochs each (Ctrl-C stops with the cells as they stand)\n")

    def progress(_done: int, _total: int) -> None:  # on the worker: training is under way
        if not started.is_set():
            started.set()
            if fmt == "text":
                write(header)

    def sweep() -> int:
        result, interrupted = run_interruptible(lambda stop: run_sweep(config, **axes, stop=stop, progress=progress))
        if fmt == "jsonl":
            lines = [json.dumps(c.to_json()) for c in result.cells]
            done = {"event": "done", "cells": len(result.cells), "seconds": result.seconds,
                    "status": str(result.status), "backend": result.backend,
                    "axes": {name: list(values) for name, values in result.axes},
                    "counts": {str(s): result.count(s) for s in RunState if result.count(s)}}
            write("\n".join(lines + [json.dumps(json_safe(done))]) + "\n")
        elif fmt == "csv":
            rows = ["lr,momentum,seed,status,loss,epochs"]
            rows += [f"{c.lr!r},{c.momentum!r},{c.seed},{c.status},{c.loss!r},{c.epochs}" for c in result.cells]
            write("\n".join(rows) + "\n")
        else:
            write(("" if started.is_set() else header) + table(result) + summary(result))
        return EXIT_INTERRUPTED if interrupted and result.status == RunState.STOPPED else EXIT_OK

    return writing(sweep)  # the header written from the worker fails there too: run_interruptible re-raises
