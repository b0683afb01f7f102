"""What every modal screen of nudge shares: the keys that must reach the app from any screen.

Over a modal screen Textual looks at the screen's bindings, not the app's plain ones: ctrl+c (plain, so that a
field can still copy with it) did nothing over the help, the sweep or a file prompt, while ctrl+q and f1,
priority keys, worked. Each modal screen derives from `Modal`, whose bindings come from the key table, and
closes through `close_once`.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

from ..keys import modal_bindings

Result = TypeVar("Result")


class Modal(ModalScreen[Result]):
    BINDINGS = modal_bindings()
    closing = False  # dismissed: the screen is on its way out

    def close_once(self, result: Result | None = None) -> None:
        """Dismiss with `result`, once: a burst of keys (enter, then esc) can ask twice before the screen is
        gone, and the second dismiss would pop the screen under it."""
        if not self.closing:
            self.closing = True
            self.dismiss(result)
