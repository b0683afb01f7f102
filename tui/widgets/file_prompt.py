"""A file name, asked for in a small dialog: Enter takes it, Escape cancels (dismisses with None)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from ..markup import escape
from .modal import Modal


class FilePrompt(Modal[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=True)]

    def __init__(self, title: str, default: str, hint: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.title_text, self.default, self.hint = title, default, hint

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-body", classes="dialog") as body:
            body.border_title = self.title_text
            body.border_subtitle = "enter saves · esc cancels"
            if self.hint:
                yield Static(escape(self.hint), id="prompt-hint")
            yield Input(self.default, id="prompt-input", select_on_focus=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            self.notify("type a file name, or press escape", severity="warning")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
