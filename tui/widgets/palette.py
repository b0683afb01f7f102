"""Chart colours, as RGB for plotext and hex for titles; Textual maps them down on 256- and 16-colour
terminals."""

from __future__ import annotations

LOSS = (80, 170, 255)
LOSS_RAW = (95, 105, 125)
CHANGE = (255, 165, 0)
DATA = (255, 215, 0)
MODEL = (80, 170, 255)
TRUTH = (150, 150, 150)
RANGE = (100, 100, 100)
NOTE = (150, 150, 150)
BAND = (40, 70, 110)  # the spread of a many-seed run's members, under the median (a dark shade of LOSS)
FAINT = (45, 85, 130)  # one member's curve among many, under the median
HELD_OUT = (255, 120, 200)
#: Pinned runs, one colour each (engine.MAX_PINS of them): apart from the current run's blue and each other.
PINS = ((255, 140, 60), (120, 220, 120), (230, 100, 230), (240, 220, 90), (90, 220, 220), (255, 100, 100),
        (170, 150, 255), (200, 200, 200))  # held-out points, and the test loss


def hex_(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def pin(slot: int) -> tuple[int, int, int]:
    """The colour of the pinned run in this slot."""
    return PINS[slot % len(PINS)]
