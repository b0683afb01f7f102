"""What the app's race view shows while the racers train side by side (engine/race.py defines the race): each
racer's loss as a labelled line in its own slot, and a line of words per racer: its current or final loss and
the epoch it first reached the race's target (by default 1% of the starting loss), not yet, or never."""

from __future__ import annotations

import math

from .history import History
from .race import RACERS
from .report import format_number
from .runs import PinnedLine

_STILL_GOING = ("ready", "loading", "running", "paused")


def racer_lines(racers: dict[str, tuple[float, History]]) -> list[PinnedLine]:
    """name -> (its learning rate, its loss history) as labelled lines; a racer's slot is its place in RACERS,
    so it keeps its colour whichever racers have data yet."""
    order = list(RACERS)
    return [PinnedLine(order.index(name), f"{name} lr {lr:g}", history.epoch, history.loss)
            for name, (lr, history) in racers.items() if len(history)]


def racer_words(name: str, lr: float, history: History, reach: float, reached: int | None, status: str) -> str:
    """`adam (lr 0.001): loss 0.0213, reached 0.78 at epoch 412 (completed)`: `reached`, the first epoch at or
    under `reach` (engine.ReachWatch: the history's own epochs are thinned on long runs), `not yet` while it
    trains, `never` once it ended without; nothing about reaching while the target is not known (NaN)."""
    loss = format_number(history.last("loss"))
    if not math.isfinite(reach):
        return f"{name} (lr {lr:g}): loss {loss} ({status})"
    where = f"at epoch {reached}" if reached is not None else ("not yet" if status in _STILL_GOING else "never")
    return f"{name} (lr {lr:g}): loss {loss}, reached {format_number(reach)} {where} ({status})"
