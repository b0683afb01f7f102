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
HELD_OUT = (255, 120, 200)  # held-out points, and the test loss


def hex_(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)
