"""Where a chart writes the labels at its lines' ends (the race's racers, pinned runs), so that no two print
over each other.

A terminal chart draws text in whole character cells: a label at height y lands on the plot area's row
`floor(0.5 + (rows - 1) * f)`, f = (y - low) / (high - low), row 0 at the bottom (plotext's rounding). A line
drawn with a marker of `dots` dots a cell upright (braille 4, half blocks 2) passes through the cell
`floor(0.5 + (dots * rows - 1) * f) // dots`, which can be the row above the text's. Two lines that end a few
dots apart put their labels on one row, and the later label hides the earlier. `place_labels` gives each
label a row of its own, as near the cell its line ends in as the others allow (the least total squared move,
in rows), keeping the lines' order from bottom to top, and returns the y of that row's centre to draw at.
A label whose line ends above or below the chart sits on the edge row with an arrow saying which way the
line went; a label with no finite end (a line that blew up), or one more than the rows can hold, is left
off the chart: the chart's title names every line in its colour, so nothing goes unnamed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

ABOVE, BELOW = "↑", "↓"


@dataclass(frozen=True)
class PlacedLabel:
    index: int  # which of the labels given
    text: str  # as given, with ABOVE or BELOW after it when its line ends off the chart
    row: int  # the plot area's row, 0 at the bottom
    y: float  # the centre of that row, in the chart's y units: drawn at this y, the label lands on `row`


def place_labels(ys: Sequence[float], texts: Sequence[str], ylim: tuple[float, float], rows: int,
                 dots: int = 1) -> list[PlacedLabel]:
    """Rows for labels wanted where lines end at heights `ys` (the chart's y units) on a plot area of `rows`
    rows spanning `ylim`, the lines drawn with `dots` dots a cell upright; in the order of `ys`, without the
    labels left off (see the module's docstring). With more labels than rows, the first ones given keep theirs."""
    low, high = float(ylim[0]), float(ylim[1])
    if rows < 1 or not (math.isfinite(low) and math.isfinite(high) and high > low):
        return []
    dots = max(1, int(dots))
    scale = (rows - 1) / (high - low)
    wanted = []  # (the row it wants, as a fraction; where its line ends, for the order; its index; its text)
    for i, (y, text) in enumerate(zip(ys, texts)):
        y = float(y)
        if not math.isfinite(y):
            continue
        # where the line's last dot is, in rows: rounded half up, the cell it is drawn in (for dots = 1 the
        # text's own rounding, so a label alone lands where plotext would put it)
        f = min(max((y - low) / (high - low), -1.0), 2.0)  # far off the chart is off it (and no inf * 0)
        dot = round(0.5 + (dots * rows - 1) * f, 8)  # rounded as plotext does, so 9.9999999999 is 10
        row = dot / dots - 0.5
        if math.floor(dot) // dots >= rows:  # above the top row
            wanted.append((rows - 1, y, i, f"{text} {ABOVE}"))
        elif dot < 0:
            wanted.append((0, y, i, f"{text} {BELOW}"))
        else:
            wanted.append((row, y, i, text))
    wanted = sorted(wanted[:rows], key=lambda w: (w[1], w[2]))  # by where the lines end (clamping keeps that order)
    placed = [PlacedLabel(i, text, row, low + row / scale if scale else low)
              for (_, _, i, text), row in zip(wanted, _spread([w[0] for w in wanted], rows))]
    return sorted(placed, key=lambda p: p.index)


def _spread(wanted: list[float], rows: int) -> list[int]:
    """Whole rows p_0 < p_1 < ... in [0, rows), for wanted rows in ascending order, moved as little as possible.

    With q_k = p_k - k, the rows are distinct exactly when q is non-decreasing, so the nearest placement is the
    isotonic regression of wanted_k - k (pool adjacent violators: a run that must move together sits at its
    members' mean), clipped to the rows there are (clipping a least-squares isotonic fit to bounds gives the
    bounded one); rounding is monotone, so the rows stay distinct.
    """
    blocks: list[list[float]] = []  # [sum, count] of each pooled run
    for k, w in enumerate(wanted):
        blocks.append([w - k, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    top = rows - len(wanted)  # the highest q the last label may take and still fit
    out = []
    for total, count in blocks:
        q = min(max(total / count, 0.0), float(top))
        out += [math.floor(q + 0.5)] * count
    return [q + k for k, q in enumerate(out)]
