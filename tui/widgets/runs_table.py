"""The runs table's grid: a DataTable whose rewritten cell repaints that cell alone.

DataTable.update_cell repaints the whole table (a `refresh()` without a region: every line of it is sent to
the terminal again). The runs table rewrites a training run's few changed cells twice a second; each is a
region one line high and a column wide."""

from __future__ import annotations

from textual.coordinate import Coordinate
from textual.widgets import DataTable


class RunsTable(DataTable):
    _cell_only = False  # while set_cell runs: update_cell's whole-table refresh is skipped

    def set_cell(self, row_key: str, column_key: str, value: str) -> None:
        """Rewrite one cell and repaint only it (its render caches are keyed by the table's update count, which
        update_cell bumps, so the repainted cell is drawn anew)."""
        self._cell_only = True
        try:
            self.update_cell(row_key, column_key, value)
        finally:
            self._cell_only = False
        self.refresh_coordinate(Coordinate(self.get_row_index(row_key), self.get_column_index(column_key)))

    def refresh(self, *regions, **kwargs):
        if self._cell_only:
            return self
        return super().refresh(*regions, **kwargs)
