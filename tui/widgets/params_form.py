"""The hyperparameter form: one row per field of the engine's field table, validated as you type.

Every value goes through the engine's own `Field.parse` and `RunConfig.with_values`, so the form says
exactly what the CLI would. Learning rate and momentum can change mid-run (on Enter or on leaving the
field); the other fields apply at the next start. With a data file (the custom example), the rows the file
decides show what it holds, read off the UI thread (data_file_reader.py), and cannot be edited until the
data field is cleared.
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

from engine import ACTIVATIONS, DATA_DECIDES, FIELDS, OPTIMIZERS, SEEDS_FIELD, ConfigError, DataFile, Field, RunConfig

from ..markup import escape
from .data_file_reader import DataFileReader

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

    def show_from_file(self, on: bool) -> None:
        """Mark the row as the data file's (it cannot be edited then), or give it back."""
        self.set_class(on, "-from-file")
        self.input.disabled = on
        self.query_one(".field-label", Label).update(f"{self.field.label} (file)" if on else self.field.label)

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

    class _FileRead(Message):
        """The data file reader finished a file (posted from its thread)."""

    def __init__(self, config: RunConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = config
        self.config: RunConfig | None = config
        self.errors: dict[str, str] = {}
        self.pending: list[str] = []  # fields that differ from the run in progress
        self.running = False
        self.reading = False  # the data file is being read: no config until it is
        self._reading_confirmed = True
        self._before_file: dict[str, str] | None = None  # DATA_DECIDES rows as they were before a file took them
        self._reader = DataFileReader(lambda: self.post_message(self._FileRead()))
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
        self._before_file = None  # with a data file in this config, clearing the field keeps the file's range
        if config.data and not config.target:
            self._reader.know(config)
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
        from_file = self._follow_data_field(rows)
        parsed: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, row in rows.items():
            if from_file and name in DATA_DECIDES:
                continue
            try:
                parsed[name] = row.field.parse(row.input.value)
            except ConfigError as exc:
                errors[name] = exc.message("form")
        self.reading = False
        if from_file:
            data = None
            if not errors.keys() & {"data", "x_col", "y_col"}:
                result = self._reader.result(parsed["data"], parsed["x_col"], parsed["y_col"])
                if result is None:
                    self.reading, self._reading_confirmed = True, confirmed
                elif isinstance(result, ConfigError):
                    errors[result.field if result.field in rows else "data"] = result.message("form")
                else:
                    data = result
            self._show_file(rows, data)
        config = None
        if not errors and not self.reading:
            try:
                config = self.base.with_values(**parsed)
            except ConfigError as exc:
                errors[exc.field if exc.field in rows else next(iter(rows))] = exc.message("form")
        for name, row in rows.items():
            row.show_error(errors.get(name))
        self.config, self.errors = config, errors
        self.post_message(self.Changed(self, config, errors, confirmed))
        return config

    def _follow_data_field(self, rows: dict[str, FieldRow]) -> bool:
        """Whether a data file decides the range and points: the rows it decides are the file's while the data
        field holds a path, and come back as they were (or with the loaded file's values) when it is cleared."""
        data = rows.get("data")
        on = data is not None and bool(data.input.value.strip())
        decided = [rows[name] for name in DATA_DECIDES if name in rows]
        if on and self._before_file is None:
            self._before_file = {row.field.name: row.input.value for row in decided}
        elif not on and self._before_file is not None:
            for row in decided:
                with row.input.prevent(Input.Changed):
                    row.input.value = self._before_file.get(row.field.name, row.input.value)
            self._before_file = None
        for row in decided:
            row.show_from_file(on)
        return on

    def _show_file(self, rows: dict[str, FieldRow], data: DataFile | None) -> None:
        """The range and row count the file implies in its rows; blank while it is read or cannot be."""
        values = {"x_min": float(data.x.min()), "x_max": float(data.x.max()), "points": len(data.x)} if data else {}
        for name in DATA_DECIDES:
            row = rows.get(name)
            if row is None:
                continue
            with row.input.prevent(Input.Changed):
                row.input.value = row.field.format(values[name]) if data else ""
            row.input.placeholder = "" if data else "reading…" if self.reading else "–"

    @on(_FileRead)
    def _file_read(self, event: _FileRead) -> None:
        event.stop()
        if self.reading:
            self.validate(self._reading_confirmed)
            self._show_hint()

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
        if self.reading:
            lines.append("[dim]reading the data file…[/dim]")
        if self.pending:
            labels = ", ".join(FORM_FIELDS_BY_NAME[n].label for n in self.pending)
            lines.append(f"[$warning]changed: {labels}; applies when you reset (r)[/]")
        if self.errors and name is None:
            lines.append(f"[$error]fix {', '.join(FORM_FIELDS_BY_NAME[n].label for n in self.errors if n in FORM_FIELDS_BY_NAME)}[/]")
        hint = self.query_one("#form-hint", Static)
        hint.update("\n".join(lines))
        hint.display = bool(lines)
