"""`t`: every run of the session in a table (engine.run_row): Enter loads a run's settings into the form, p pins
or unpins it, delete removes it. The rows come from the engine's RunLog, which outlives example switches."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from engine import TABLE_COLUMNS, RunLog, RunRecord, run_row


class RunsScreen(ModalScreen[int | None]):
    """Dismissed with the number of the run to load, or None."""

    BINDINGS = [
        Binding("escape,t,q", "close", "Close"),
        Binding("p", "pin", "Pin / unpin"),
        Binding("delete,backspace", "delete", "Delete"),
    ]

    def __init__(self, runs: RunLog, **kwargs) -> None:
        super().__init__(**kwargs)
        self.runs = runs
        self.changed = False  # pins or rows changed: the charts redraw on close
        self.closing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="runs-body") as body:
            body.border_title = "Runs of this session"
            body.border_subtitle = "enter loads · p pins · delete removes · esc closes"
            yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="runs-empty")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*TABLE_COLUMNS)
        self._fill()
        table.focus()

    def _fill(self, keep_row: int = 0) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for record in reversed(self.runs.records):  # the latest run first
            table.add_row(*run_row(record), key=str(record.number))
        empty = self.query_one("#runs-empty", Static)
        empty.update("" if self.runs.records else "No runs yet: press space to start one; every run is listed here.")
        empty.display = not self.runs.records
        if table.row_count:
            table.move_cursor(row=min(keep_row, table.row_count - 1))

    def refill(self) -> None:
        """Show the runs' rows anew (a run listed here ended or changed state while the table was open)."""
        self._fill(self.query_one(DataTable).cursor_row)

    def _selected(self) -> RunRecord | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.runs.find(int(key)) if key is not None else None

    @on(DataTable.RowSelected)
    def _load(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self._close(int(event.row_key.value))

    def action_close(self) -> None:
        self._close(None)

    def _close(self, number: int | None) -> None:
        # A burst of keys (enter, then t) can ask twice before the screen is gone: the second would pop the app's.
        if not self.closing:
            self.closing = True
            self.dismiss(number)

    def action_pin(self) -> None:
        record = self._selected()
        if record is None:
            return
        self.app.notify(self.runs.toggle_pin(record), timeout=3)
        self.changed = True
        self._fill(self.query_one(DataTable).cursor_row)

    def action_delete(self) -> None:
        record = self._selected()
        if record is None:
            return
        row = self.query_one(DataTable).cursor_row
        self.runs.delete(record)
        self.changed = True
        self._fill(row)
