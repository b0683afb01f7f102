"""The quick-key presets: learning rates (as TensorFlow Playground's) and the speeds a run can unfold at.

Plain data and small functions, no Textual: the app's keys and the command palette both read from here.
"""

from __future__ import annotations

from dataclasses import dataclass

LR_PRESETS: tuple[float, ...] = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


def lr_step(current: float, direction: int) -> float:
    """The next learning-rate preset above (direction > 0) or below (direction < 0) `current`.

    A value between presets moves to the nearest preset in that direction; at either end it stays put.
    """
    if direction > 0:
        above = [p for p in LR_PRESETS if p > current * (1 + 1e-9)]
        return above[0] if above else current
    below = [p for p in LR_PRESETS if p < current * (1 - 1e-9)]
    return below[-1] if below else current


@dataclass(frozen=True)
class Speed:
    """How fast a run unfolds on screen: over about `seconds` (None: as fast as the engine trains)."""

    name: str
    seconds: float | None
    description: str

    def pace(self, epochs: int) -> float | None:
        """Epochs per second for a run of `epochs` epochs (None: unpaced)."""
        if self.seconds is None:
            return None
        return max(1.0, epochs / self.seconds)


SPEEDS: tuple[Speed, ...] = (
    Speed("slow", 20.0, "a run unfolds over about 20 seconds"),
    Speed("watch", 5.0, "a run unfolds over about 5 seconds"),
    Speed("fast", 1.0, "a run takes about a second"),
    Speed("max", None, "as fast as the engine trains"),
)
SPEEDS_BY_NAME: dict[str, Speed] = {s.name: s for s in SPEEDS}
DEFAULT_SPEED = SPEEDS_BY_NAME["watch"]


def next_speed(speed: Speed, direction: int = 1) -> Speed:
    """The next speed in the cycle slow -> watch -> fast -> max -> slow (or backwards)."""
    i = SPEEDS.index(speed)
    return SPEEDS[(i + (1 if direction >= 0 else -1)) % len(SPEEDS)]


#: Chart markers, cycled by a key: braille is the sharpest, but some SSH clients draw it badly.
MARKERS: tuple[str, ...] = ("braille", "hd", "dot", "sd")
MARKER_NAMES = {"braille": "braille", "hd": "blocks", "dot": "dots", "sd": "solid"}


def next_marker(marker: str) -> str:
    i = MARKERS.index(marker) if marker in MARKERS else -1
    return MARKERS[(i + 1) % len(MARKERS)]
