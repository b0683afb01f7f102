"""The command palette (ctrl+p): every action of the key table, every speed and every example, by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from engine import all_examples

from .keys import palette_commands
from .presets import SPEEDS


def commands() -> list[tuple[str, str, str]]:
    """(title, help, action) for everything the palette offers, in the order it lists them."""
    out = list(palette_commands())
    out += [(f"Speed: {s.name}", s.description, f"speed('{s.name}')") for s in SPEEDS]
    out += [(f"Example: {e.title}", f"{e.id}: {e.summary}", f"example('{e.id}')") for e in all_examples()]
    return out


class NudgeCommands(Provider):
    async def discover(self) -> Hits:
        for title, help_text, action in commands():
            yield DiscoveryHit(title, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.run_action, action), help=help_text)
