"""`t`: every run of the session in a table (engine.run_row): Enter loads a run's settings into the form, p pins
or unpins it, delete removes it. The rows come from the engine's RunLog, which outlives example switches.

A run still training counts on while the table is open, and a run that ends shows its end: the screen's own
timer (LIVE_SECONDS) reads every row anew from the engine (a run's history, which the app's tick fills, and its
controller) and rewrites only the cells that changed, so the cursor stays put and the terminal gets a few
cells, not a table. The columns are fitted to the table's width (engine.table_layout): at 80 columns the diff is cut with an ellipsis, and the line
under the table gives the cursor row's diff uncut."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from engine import RunLog, RunRecord, TableLayout, row_detail, run_row, table_layout

from .modal import Modal
from .runs_table import RunsTable

LIVE_SECONDS = 0.5  # how often a training run's row is read anew: its numbers move, nobody reads them faster


class RunsScreen(Modal[int | None]):
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
        self.rows: dict[str, tuple[str, ...]] = {}  # each row's full texts, by row key
        self.shown: dict[str, tuple[str, ...]] = {}  # what its cells show (cut to the layout)
        self.fitted: TableLayout | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="runs-body") as body:
            body.border_title = "Runs of this session"
            body.border_subtitle = "enter loads · p pins · delete removes · esc closes"
            yield RunsTable(id="runs-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="runs-detail")
            yield Static("", id="runs-empty")

    def on_mount(self) -> None:
        self._fill()
        self.query_one(DataTable).focus()
        self.set_interval(LIVE_SECONDS, self._count)

    def on_resize(self) -> None:
        self.call_after_refresh(self._refit)  # the table's own size is known once it is laid out anew

    def _width(self) -> int:
        """The columns the table's cells may take: its width less a vertical scrollbar, kept free so that many
        rows never push the table sideways."""
        table = self.query_one(DataTable)
        width = table.size.width or min(self.app.size.width, 120) - 2  # before its first layout: #runs-body's
        return width - table.styles.scrollbar_size_vertical

    def _fill(self, keep: str | None = None, keep_row: int = 0) -> None:
        """Lay the table out anew: columns fitted to its width, every run's row (the latest first); the cursor
        goes back to the row keyed `keep`, or else to the index `keep_row`."""
        table = self.query_one(DataTable)
        self.rows = {str(r.number): run_row(r) for r in reversed(self.runs.records)}
        self.fitted = table_layout(list(self.rows.values()), self._width(), table.cell_padding)
        table.clear(columns=True)
        for i, (header, width) in enumerate(zip(self.fitted.headers, self.fitted.widths)):
            table.add_column(header, width=width, key=str(i))
        self.shown = {}
        for key, row in self.rows.items():
            self.shown[key] = self.fitted.fit(row)
            table.add_row(*self.shown[key], key=key)
        empty = self.query_one("#runs-empty", Static)
        empty.update("" if self.runs.records else "No runs yet: press space to start one; every run is listed here.")
        empty.display = not self.runs.records
        if table.row_count:
            keys = list(self.rows)
            table.move_cursor(row=keys.index(keep) if keep in self.rows else min(keep_row, table.row_count - 1))
        self._show_detail()

    def _cursor_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def refill(self) -> None:
        """Lay the rows out anew, the cursor kept on its run (after a pin, a deletion, a cell outgrowing its column)."""
        self._fill(self._cursor_key(), self.query_one(DataTable).cursor_row)

    def _refit(self) -> None:
        """After a resize: lay the table out anew only if its columns no longer fit as they are."""
        table = self.query_one(DataTable)
        if self.fitted != table_layout(list(self.rows.values()), self._width(), table.cell_padding):
            self.refill()

    def _count(self) -> None:
        """The timer: rewrite the cells that changed, a training run's count or a run that ended meanwhile (a
        cell that outgrows its column, a loss that blew up say, lays the table out anew)."""
        if self.closing:
            return
        table = self.query_one(RunsTable)
        changed = []
        for record in self.runs.records:
            key = str(record.number)
            if key in self.rows:
                row = run_row(record)
                if row != self.rows[key]:
                    self.rows[key] = row
                    changed.append(key)
        if not changed:
            return
        if self.fitted != table_layout(list(self.rows.values()), self._width(), table.cell_padding):
            self.refill()
            return
        assert self.fitted is not None
        for key in changed:
            cells = self.fitted.fit(self.rows[key])
            for i, (old, new) in enumerate(zip(self.shown[key], cells)):
                if old != new:
                    table.set_cell(key, str(i), new)
            self.shown[key] = cells

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        record = self._selected()
        self.query_one("#runs-detail", Static).update(row_detail(record) if record is not None else "")

    def _selected(self) -> RunRecord | None:
        key = self._cursor_key()
        return self.runs.find(int(key)) if key is not None else None

    @on(DataTable.RowSelected)
    def _load(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.close_once(int(event.row_key.value))

    def action_close(self) -> None:
        self.close_once(None)

    def action_pin(self) -> None:
        record = self._selected()
        if record is None:
            return
        self.app.notify(self.runs.toggle_pin(record), timeout=3)
        self.changed = True
        self.refill()

    def action_delete(self) -> None:
        record = self._selected()
        if record is None:
            return
        if record.status == "running":  # the run on screen trains on (and p pins it): its row must stay
            self.app.notify(f"run {record.label} is still training: stop it first (esc, then r), then delete its row",
                            severity="warning", timeout=4)
            return
        row = self.query_one(DataTable).cursor_row
        self.runs.delete(record)
        self.changed = True
        self._fill(keep_row=row)
