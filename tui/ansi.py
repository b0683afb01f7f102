"""Fewer colour changes in plotext's output, so each chart repaint sends fewer bytes.

plotext wraps every token (each tick label, each run of spaces, each curve piece) in its own colour codes
and a reset. Textual turns each into a segment and sends a full style for each one, so a chart line of
a few tick labels costs several times its width. `compact_ansi` re-emits the same picture with a colour
change only where the visible colour changes: blanks take whatever foreground is current, since a space
shows only its background.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\x1b\[([0-9;]*)m|([^\x1b]+)")


def compact_ansi(text: str) -> str:
    out: list[str] = []
    fg = bg = attrs = ""  # the state the codes so far asked for
    shown: tuple[str, str, str] | None = None  # the state last written out
    for match in _TOKEN.finditer(text):
        codes, chunk = match.group(1), match.group(2)
        if codes is not None:
            fg, bg, attrs = _apply(codes, fg, bg, attrs)
            continue
        if not chunk:
            continue
        blank = chunk.strip(" \n") == ""
        wanted = (fg, bg, attrs)
        if shown is not None and (wanted == shown or (blank and bg == shown[1] and not attrs and not shown[2])):
            out.append(chunk)
            continue
        out.append("\x1b[0m" + "".join(f"\x1b[{c}m" for c in (fg, bg, attrs) if c))
        out.append(chunk)
        shown = wanted
    if shown is not None:
        out.append("\x1b[0m")
    return "".join(out)


def _apply(codes: str, fg: str, bg: str, attrs: str) -> tuple[str, str, str]:
    if codes in ("", "0"):
        return "", "", ""
    if codes.startswith("38;"):
        return codes, bg, attrs
    if codes.startswith("48;"):
        return fg, codes, attrs
    if codes in ("39",):
        return "", bg, attrs
    if codes in ("49",):
        return fg, "", attrs
    return fg, bg, ";".join(filter(None, (attrs, codes)))
