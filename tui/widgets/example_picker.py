"""The example list: each example's title, the highlighted one's one-line summary below it.

Enter picks the highlighted example (the app asks the running worker to stop first); `i` opens the
longer explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from engine import all_examples, get_example


class ExamplePicker(Vertical):
    """Pick an example: a list of titles and the highlighted one's summary."""

    @dataclass
    class Chosen(Message):
        """A person picked an example (Enter on the list)."""

        example_id: str

    def __init__(self, current: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.current = current
        self.border_title = "Example"

    def compose(self) -> ComposeResult:
        options = OptionList(*(Option(self._prompt(e.id), id=e.id) for e in all_examples()), id="example-list")
        options.highlighted = [e.id for e in all_examples()].index(self.current)
        yield options
        yield Static(get_example(self.current).summary, id="example-summary")

    def _prompt(self, example_id: str) -> Text:
        title = get_example(example_id).title
        mark = "▸ " if example_id == self.current else "  "
        return Text(f"{mark}{title}", no_wrap=True, overflow="ellipsis")

    def mark_current(self, example_id: str) -> None:
        """Show which example is loaded (the highlight may wander elsewhere)."""
        self.current = example_id
        options = self.query_one(OptionList)
        for example in all_examples():
            options.replace_option_prompt(example.id, self._prompt(example.id))
        options.highlighted = [e.id for e in all_examples()].index(example_id)

    @on(OptionList.OptionHighlighted)
    def _show_summary(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.query_one("#example-summary", Static).update(get_example(event.option.id).summary)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))
