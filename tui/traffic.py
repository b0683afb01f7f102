"""How often the charts may repaint, from what a repaint costs on the wire.

Textual resends a refreshed widget's whole region, so the bytes a second are charts x area x repaint
rate. The rate is chosen so the charts stay within a byte budget: small terminals get smooth animation,
large ones fewer frames, and SSH links (SSH_CONNECTION set) a smaller budget. NUDGE_CHART_FPS fixes the
rate instead.

Served to a browser (`nudge serve`), the bytes go over a websocket that Chromium and the server compress
(permessage-deflate, negotiated by default): a run's stream measured 27 KB/s before and 1.2 KB/s after
(22x), so there the budget is larger and the charts reach MAX_FPS at any window size; the SSH_CONNECTION a
server inherits from its own login says nothing about the browser's link.
"""

from __future__ import annotations

import os
from typing import Mapping

#: Bytes one chart cell costs per repaint, measured on nudge's charts (after `ansi_text`):
#: colour codes are longer the more colours the terminal has.
BYTES_PER_CELL = {"truecolor": 4.3, "256": 3.4, "standard": 2.5, "windows": 2.5}
DEFAULT_BYTES_PER_CELL = 3.4

LOCAL_BUDGET = 25_000  # chart bytes a second; with the status line and the log, well under 40 KB/s at 120x40
SSH_BUDGET = 20_000
# MAX_FPS for the charts of a full-HD browser window (about 130x42 chart cells in all); about 7 KB/s on the
# wire once compressed (22x, measured), so 20 sessions are 140 KB/s of a classroom's network
BROWSER_BUDGET = 150_000
MIN_FPS, MAX_FPS = 1.0, 6.0
OVERRIDE_LIMITS = (0.5, 10.0)


def chart_rate(cells: int, color_system: str | None, budget: float = LOCAL_BUDGET,
               low: float = MIN_FPS, high: float = MAX_FPS) -> float:
    """Repaints a second for charts covering `cells` cells in all, within `budget` bytes a second."""
    if cells <= 0:
        return high
    per_cell = BYTES_PER_CELL.get(color_system or "", DEFAULT_BYTES_PER_CELL)
    return max(low, min(high, budget / (cells * per_cell)))


def fixed_rate(environ: Mapping[str, str] = os.environ) -> float | None:
    """NUDGE_CHART_FPS, if set to a number (held to 0.5..10)."""
    try:
        value = float(environ.get("NUDGE_CHART_FPS", ""))
    except ValueError:
        return None
    if not value > 0:
        return None
    lo, hi = OVERRIDE_LIMITS
    return min(hi, max(lo, value))


def in_browser(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the app is served to a web browser: textual-serve runs each session with Textual's web driver."""
    return "web_driver" in environ.get("TEXTUAL_DRIVER", "")


def budget_for(environ: Mapping[str, str] = os.environ) -> float:
    if in_browser(environ):
        return BROWSER_BUDGET
    return SSH_BUDGET if environ.get("SSH_CONNECTION") else LOCAL_BUDGET
