"""The hyperparameter form: one row per field of the engine's field table, validated as you type.

Every value goes through the engine's own `Field.parse` and `RunConfig.with_values`, so the form says
exactly what the CLI would. Learning rate and momentum can change mid-run (on Enter or on leaving the
field); the other fields apply at the next start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from engine import ACTIVATIONS, FIELDS, OPTIMIZERS, SEEDS_FIELD, ConfigError, Field, RunConfig

from ..markup import escape

#: Fields a running model takes without a reset.
LIVE_FIELDS = ("lr", "momentum")

#: The form's rows: the engine's field table, with seeds after seed.
FORM_FIELDS: tuple[Field, ...] = tuple(g for f in FIELDS for g in ((f, SEEDS_FIELD) if f.name == "seed" else (f,)))
FORM_FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in FORM_FIELDS}

_SUGGESTIONS = {
    "optimizer": list(OPTIMIZERS),
    "activation": list(ACTIVATIONS),
    "zero_grad": ["on", "off"],
    "batch_size": ["full"],
    "hidden": ["none"],
}


class FieldRow(Vertical):
    """A label and its input on one line; the engine's message below when the value is rejected."""

    def __init__(self, name: str) -> None:
        super().__init__(id=f"row-{name}", classes="field-row")
        self.field = FORM_FIELDS_BY_NAME[name]

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-line"):
            yield Label(self.field.label, classes="field-label")
            words = _SUGGESTIONS.get(self.field.name)
            yield Input(id=f"in-{self.field.name}", compact=True,
                        suggester=SuggestFromList(words, case_sensitive=False) if words else None)
        yield Static("", classes="field-error")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def show_error(self, message: str | None) -> None:
        self.set_class(bool(message), "-invalid")
        self.input.set_class(bool(message), "-invalid")
        self.query_one(".field-error", Static).update(escape(message or ""))  # it quotes what was typed


class ParamsForm(Vertical):
    """The form. `config` is the valid config it describes, or None while a field is invalid."""

    BINDINGS = [Binding("escape", "leave", "Leave form")]

    @dataclass
    class Changed(Message):
        """The form was edited: `config` when every field is valid, else None and `errors` say why.
        `confirmed`: the value was settled (Enter, leaving the field, or set by the app), not half-typed."""

        form: "ParamsForm"
        config: RunConfig | None
        errors: dict[str, str]
        confirmed: bool = True

    @dataclass
    class Applied(Message):
        """A live field (learning rate, momentum) was confirmed with a valid value."""

        name: str
        value: float

    class Leave(Message):
        """Escape: the person wants out of the form."""

    def __init__(self, config: RunConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = config
        self.config: RunConfig | None = config
        self.errors: dict[str, str] = {}
        self.pending: list[str] = []  # fields that differ from the run in progress
        self.running = False
        self.border_title = "Hyperparameters"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="fields", can_focus=False):  # tab goes straight to the fields
            for f in FORM_FIELDS:
                yield FieldRow(f.name)
        yield Static("", id="form-hint")

    def on_mount(self) -> None:
        self.load(self.base)

    # -- reading and writing ----------------------------------------------------------------------------

    def _rows(self) -> dict[str, FieldRow]:
        return {row.field.name: row for row in self.query(FieldRow)}

    def load(self, config: RunConfig) -> None:
        """Show this config's fields, filled with its values."""
        self.base = config
        relevant = {f.name for f in FORM_FIELDS if f.applies_to(config.example)}
        for name, row in self._rows().items():
            row.display = name in relevant
            with row.input.prevent(Input.Changed):
                row.input.value = row.field.format(getattr(config, name))
            row.show_error(None)
        self.validate()
        self._show_hint()

    def set_value(self, name: str, value: Any) -> None:
        """Write a value into a field (the learning-rate keys use this) and re-validate."""
        row = self._rows()[name]
        with row.input.prevent(Input.Changed):
            row.input.value = row.field.format(value)
        self.validate()

    def text(self, name: str) -> str:
        return self._rows()[name].input.value

    def validate(self, confirmed: bool = True) -> RunConfig | None:
        """Check every shown field with the engine, then the whole config; show the messages."""
        rows = {name: row for name, row in self._rows().items() if row.display}
        parsed: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, row in rows.items():
            try:
                parsed[name] = row.field.parse(row.input.value)
            except ConfigError as exc:
                errors[name] = exc.message("form")
        config = None
        if not errors:
            try:
                config = self.base.with_values(**parsed)
            except ConfigError as exc:
                errors[exc.field if exc.field in rows else next(iter(rows))] = exc.message("form")
        for name, row in rows.items():
            row.show_error(errors.get(name))
        self.config, self.errors = config, errors
        self.post_message(self.Changed(self, config, errors, confirmed))
        return config

    def focus_first_error(self) -> None:
        rows = self._rows()
        for name in self.errors:
            rows[name].input.focus()
            return

    def mark_pending(self, running_config: RunConfig | None) -> None:
        """While a run goes on, mark the fields that will only apply at the next start."""
        self.running = running_config is not None
        pending = []
        if running_config is not None and self.config is not None:
            for f in FORM_FIELDS:
                if f.applies_to(self.config.example) and f.name not in LIVE_FIELDS and getattr(self.config, f.name) != getattr(running_config, f.name):
                    pending.append(f.name)
        for name, row in self._rows().items():
            row.set_class(name in pending, "-pending")
        if pending != self.pending:
            self.pending = pending
            self._show_hint()

    # -- events -----------------------------------------------------------------------------------------

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        self.validate(confirmed=False)
        self._show_hint()

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _confirmed(self, event: Input.Submitted | Input.Blurred) -> None:
        event.stop()
        name = (event.input.id or "").removeprefix("in-")
        self.validate()
        if name in LIVE_FIELDS and name not in self.errors:
            try:
                value = FORM_FIELDS_BY_NAME[name].parse(event.value)
            except ConfigError:
                return
            self.post_message(self.Applied(name, value))

    def on_descendant_focus(self) -> None:
        self._show_hint()

    def on_descendant_blur(self) -> None:
        self.call_after_refresh(self._show_hint)  # once focus has settled elsewhere

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    # -- the hint under the form ------------------------------------------------------------------------

    def _focused_field(self) -> str | None:
        focused = self.screen.focused if self.is_mounted else None
        if isinstance(focused, Input) and focused.id and focused.id.startswith("in-") and self in focused.ancestors:
            return focused.id.removeprefix("in-")
        return None

    def _show_hint(self) -> None:
        if not self.is_mounted:
            return
        name = self._focused_field()
        lines = []
        if name is not None:
            f = FORM_FIELDS_BY_NAME[name]
            when = ("applies mid-run on Enter" if name in LIVE_FIELDS
                    else "applies at the next start" if self.running else "")
            lines.append(f"[b]{f.label}[/b]: {f.help}" + (f" [dim]({when})[/dim]" if when else ""))
        if self.pending:
            labels = ", ".join(FORM_FIELDS_BY_NAME[n].label for n in self.pending)
            lines.append(f"[$warning]changed: {labels}; applies when you reset (r)[/]")
        if self.errors and name is None:
            lines.append(f"[$error]fix {', '.join(FORM_FIELDS_BY_NAME[n].label for n in self.errors if n in FORM_FIELDS_BY_NAME)}[/]")
        hint = self.query_one("#form-hint", Static)
        hint.update("\n".join(lines))
        hint.display = bool(lines)
