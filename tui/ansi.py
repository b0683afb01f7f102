"""plotext's coloured output as a rich Text, with a style change only where the visible colour changes.

plotext wraps every token (each tick label, each run of spaces, each curve piece) in its own colour codes
and a reset. Decoded as it is, each token becomes its own segment with a full style, so a chart line of a
few tick labels costs several times its width on the wire, and rich's general ANSI decoder was a quarter
of a chart frame. `ansi_text` reads plotext's few code shapes itself and merges neighbours that look the
same: blanks take whatever foreground is current, since a space shows only its background.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.style import Style
from rich.text import Span, Text

_TOKEN = re.compile(r"\x1b\[([0-9;]*)m|([^\x1b]+)")

State = tuple[str, str, str]  # the SGR codes in force: foreground, background, other attributes


def ansi_text(text: str) -> Text:
    """The picture `text` draws, as a Text whose spans change only where a visible colour changes."""
    plain: list[str] = []
    spans: list[Span] = []
    offset = 0
    fg = bg = attrs = ""
    shown: State | None = None  # the state of the open span
    start = 0  # where the open span began

    def close(end: int) -> None:
        if shown is not None and end > start and any(shown):
            spans.append(Span(start, end, _style(shown)))

    for match in _TOKEN.finditer(text):
        codes, chunk = match.group(1), match.group(2)
        if codes is not None:
            fg, bg, attrs = _apply(codes, fg, bg, attrs)
            continue
        for i, line in enumerate(chunk.split("\n")):
            if i:  # a line ends every span, as a line-by-line decoder would
                close(offset)
                plain.append("\n")
                offset += 1
                shown = None
            if not line:
                continue
            wanted = (fg, bg, attrs)
            blank = line.strip(" ") == ""
            same = shown is not None and (wanted == shown or (blank and bg == shown[1] and not attrs and not shown[2]))
            if not same:
                close(offset)
                shown, start = wanted, offset
            plain.append(line)
            offset += len(line)
    close(offset)
    return Text("".join(plain), spans=spans)


def _apply(codes: str, fg: str, bg: str, attrs: str) -> State:
    if codes in ("", "0"):
        return "", "", ""
    if codes.startswith("38;"):
        return codes, bg, attrs
    if codes.startswith("48;"):
        return fg, codes, attrs
    if codes == "39":
        return "", bg, attrs
    if codes == "49":
        return fg, "", attrs
    return fg, bg, ";".join(filter(None, (attrs, codes)))


@lru_cache(maxsize=256)
def _style(state: State) -> Style:
    """rich's own reading of the codes: a frame has a dozen states, so each is decoded once."""
    codes = "".join(f"\x1b[{c}m" for c in state if c)
    decoded = Text.from_ansi(codes + "x")
    return decoded.spans[0].style if decoded.spans else Style()
