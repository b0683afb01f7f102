"""What the app shows in place of a teaching view that does not apply to the loaded example: the reason, in
plain words, and the examples the view does apply to."""

from __future__ import annotations

from ...markup import escape
from textual.widgets import Static

from engine import RunConfig, all_examples

from .base import TeachingView


def applies_to(view: type[TeachingView]) -> list[str]:
    """The examples (with their own settings) this view applies to."""
    return [e.id for e in all_examples() if view.applies(RunConfig.for_example(e.id)) is None]


class NotApplicable(Static):
    """`<title> does not apply to <example>: <reason>`, then where it does apply."""

    DEFAULT_CSS = """
    NotApplicable {
        height: 1fr;
        padding: 1 2;
        color: $text-muted;
    }
    """

    def __init__(self, view: type[TeachingView] | None = None, config: RunConfig | None = None, **kwargs) -> None:
        super().__init__("", markup=True, **kwargs)
        self.view: type[TeachingView] | None = None
        self.config: RunConfig | None = None
        self.reason: str | None = None
        if view is not None and config is not None:
            self.explain(view, config)

    def explain(self, view: type[TeachingView], config: RunConfig) -> str | None:
        """Say why `view` does not apply to `config`; returns the reason (None when it does apply)."""
        self.view, self.config = view, config
        self.reason = view.applies(config)
        self.update(self.message(view, config, self.reason))
        return self.reason

    @staticmethod
    def message(view: type[TeachingView], config: RunConfig, reason: str | None) -> str:
        """The text, as markup: the reason, then the examples it applies to."""
        if reason is None:
            return f"{escape(view.view_title)} applies to {escape(config.example_id)}."
        where = applies_to(view)
        lines = [f"[b]{escape(view.view_title)}[/b] does not apply to [b]{escape(config.example_id)}[/b]: "
                 f"{escape(reason)}."]
        if where:
            lines.append("")
            lines.append(f"It applies to {escape(', '.join(where))}: pick one in the example list.")
        return "\n".join(lines)
