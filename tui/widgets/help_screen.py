"""`?`: what each key does and what the current example teaches."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from engine import MAX_FAINT, MAX_PINS, PERCENTILE_FROM, Example, teaching

from ..markup import escape
from .modal import Modal


def many_seeds_text() -> str:
    """What the charts show for many seeds, and the rule that says whether a seed found the curve."""
    return (f"The seeds field trains K nets at once, from seeds seed..seed+K-1. The loss chart draws their median "
            f"and shades the band from the best to the worst seed (from {PERCENTILE_FROM} seeds on, the 10th to "
            f"the 90th percentile); the fit draws up to {MAX_FAINT} seeds' curves faint under the median, and the "
            f"band beyond that. A seed found the curve when its error on the training points is under "
            f"{teaching.FOUND_RATIO:.0%} of the best straight line's through the same points; at "
            f"{teaching.LINE_RATIO:.0%} or more it stayed near a straight line; in between it bent part of the way "
            f"(often one arm of the parabola). The status line and the log count them when the run ends. "
            f"p pins a run to compare it with the next ones (up to {MAX_PINS}); t lists every run.")


class HelpScreen(Modal[None]):
    BINDINGS = [
        Binding("escape,question_mark,q,f1", "dismiss", "Close", show=True),
        Binding("down,j", "scroll(1)", "Down", show=False),
        Binding("up,k", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self, keys: list[tuple[str, str]], example: Example, **kwargs) -> None:
        super().__init__(**kwargs)
        self.keys = keys
        self.example = example

    @property
    def text(self) -> str:
        """Everything the help says, as plain text (for tests and screen readers' copy-paste)."""
        lines = [f"{key}  {what}" for key, what in self.keys]
        return "\n".join(lines + [many_seeds_text(), self.example.title, self.example.explanation])

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold", no_wrap=True)
        keys.add_column()
        for key, what in self.keys:
            keys.add_row(key, what)
        e = self.example
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Help"
            body.border_subtitle = "esc closes"
            yield Static("[b]Keys[/b]", classes="help-heading")
            yield Static(keys, id="help-keys", classes="help-section")
            yield Static("[b]The form[/b]", classes="help-heading")
            yield Static(
                "Every field is checked as you type, with the same rules as `nudge run`; a run cannot start "
                "while one is wrong, and the field says why. Learning rate and momentum change a run in "
                "progress (Enter, or leave the field; the loss chart marks the epoch); the other fields take "
                "effect when a new run starts.", classes="help-section")
            yield Static("[b]Many seeds, pins and the runs table[/b]", classes="help-heading")
            yield Static(escape(many_seeds_text()), id="help-seeds", classes="help-section")
            yield Static(f"[b]This example: {escape(e.title)}[/b]  [dim]({e.id}, {escape(e.target_text)})[/dim]",
                         classes="help-heading")
            yield Static(escape(e.explanation), id="help-example", classes="help-section")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=lines, animate=False)


class ExampleInfoScreen(Modal[None]):
    """`i`: the longer explanation of an example."""

    BINDINGS = [Binding("escape,i,q,question_mark", "dismiss", "Close", show=True)]

    def __init__(self, example: Example, settings: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.example = example
        self.settings = settings

    def compose(self) -> ComposeResult:
        e = self.example
        text = (f"[b]{escape(e.title)}[/b]\n[dim]{e.id} · {escape(e.target_text)}[/dim]\n\n"
                f"{escape(e.summary)}\n\n{escape(e.explanation)}\n\n[dim]{escape(self.settings)}[/dim]")
        with VerticalScroll(id="info-body") as body:
            body.border_title = "About this example"
            body.border_subtitle = "esc closes"
            yield Static(text, id="info-text")
