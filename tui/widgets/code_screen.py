"""`c`: the run as a standalone PyTorch script, syntax-highlighted and scrollable; `w` writes it to a file."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from .modal import Modal


class CodeScreen(Modal[str | None]):
    """Dismissed with "write" when the person asks to write the file (the app asks where), else None."""

    BINDINGS = [
        Binding("escape,q,c", "dismiss(None)", "Close", show=True),
        Binding("w,ctrl+s", "dismiss('write')", "Write to a file", show=True),
        Binding("down,j", "scroll(1)", "Down", show=False),
        Binding("up,k", "scroll(-1)", "Up", show=False),
        Binding("pagedown,space", "scroll(20)", "Page down", show=False),
        Binding("pageup", "scroll(-20)", "Page up", show=False),
    ]

    def __init__(self, code: str, title: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.code, self.title_text = code, title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="code-body") as body:
            body.border_title = self.title_text
            body.border_subtitle = "w writes it to a file · esc closes"
            # the ANSI theme: the terminal's own colours, readable on light and dark backgrounds alike
            yield Static(Syntax(self.code, "python", theme="ansi_dark", line_numbers=True, word_wrap=False),
                         id="code-text")

    def on_mount(self) -> None:
        self.query_one("#code-body").focus()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#code-body", VerticalScroll).scroll_relative(y=lines, animate=False)
