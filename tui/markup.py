"""Text into Textual markup, safely.

Textual 8.2.8's own `markup.escape` escapes only brackets that look like Rich tags (`[b]`), while its parser
also reads `[0, 1) ... (x=3, y=9)` as a tag and raises MarkupError: the nudge-3x explanation crashed the help
screen that way. Every bracket is escaped here, so any text (an explanation, a value a person typed) shows
as written.
"""

from __future__ import annotations


def escape(text: str) -> str:
    """`text` with every `[` escaped, so markup shows it literally."""
    return str(text).replace("[", r"\[")
