"""A question with a few answers, each on a key (`y` overwrite / `n` keep it); Escape answers None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ..markup import escape
from .modal import Modal


class ChoiceScreen(Modal[str | None]):
    def __init__(self, title: str, question: str, choices: list[tuple[str, str]], **kwargs) -> None:
        """`choices`: (key, what it does), e.g. [("y", "overwrite it"), ("n", "keep it")]; the key is the answer."""
        super().__init__(**kwargs)
        self.title_text, self.question, self.choices = title, question, choices
        for key, what in choices:
            self._bindings.bind(key, f"answer({key!r})", what, show=True)
        self._bindings.bind("escape", "answer(None)", "Cancel", show=True)

    def compose(self) -> ComposeResult:
        keys = "   ".join(f"[b]{escape(key)}[/b] {escape(what)}" for key, what in self.choices)
        with Vertical(id="choice-body", classes="dialog") as body:
            body.border_title = self.title_text
            body.border_subtitle = "esc cancels"
            yield Static(escape(self.question), id="choice-question")
            yield Static(keys, id="choice-keys")

    def action_answer(self, key: str | None) -> None:
        self.dismiss(key)
