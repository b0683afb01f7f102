"""Reading a person's own x,y data from a CSV file (the custom example's `data`).

    x,y            # a header row is optional; without one, columns are numbered
    -2,4.1
    -1,0.9

The separator is a comma, a semicolon or a tab (whichever the first row has), else spaces. Blank lines and
lines starting with # are skipped. Columns are chosen by `x_col` / `y_col`: a header's name, or a number
counting from 1 as spreadsheets and `cut` do (default 1 and 2). Rows are kept in file order, which is the
order the example trains in.

Every problem is a ConfigError on `data` (or on `x_col` / `y_col` for a column that does not exist) that
names the file and, for a bad value, its line: a missing file, a directory, binary or non-UTF-8 content, a file
over MAX_DATA_BYTES or MAX_ROWS rows, no rows, one column, a non-number, NaN or infinity, an x or y outside
what the fields admit.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .config import ConfigError, quoted, shortened_path

MAX_ROWS = 10_000  # the points field's own limit: as many points as a generated data set may have
MAX_DATA_BYTES = 4 << 20  # 10,000 rows of two long numbers are well under 1 MiB
X_LIMIT = 1e4  # the range the x fields admit
Y_LIMIT = 1e6  # as the one-sample y of nudge-3x: far past what a float32 net trains on well


@dataclass(frozen=True)
class DataFile:
    x: np.ndarray  # float64, file order
    y: np.ndarray
    x_name: str  # the header's name, or "column 1"
    y_name: str
    # Where they came from (what `nudge code` writes into its reader): 0-based columns, and whether the first
    # row was a header
    x_index: int = 0
    y_index: int = 1
    has_header: bool = False


def read_data_file(path: str, x_col: str = "1", y_col: str = "2") -> DataFile:
    """The file's x and y, or ConfigError. Cached while the file's size and modification time stay the same
    (the app's form re-checks on every keystroke)."""
    try:
        stat = os.stat(path)
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    except (OSError, ValueError):
        key = None  # _read says why
    return _cached(path, x_col, y_col, key)


@lru_cache(maxsize=16)
def _cached(path: str, x_col: str, y_col: str, key) -> DataFile:
    return _read(path, x_col, y_col)


def _fail(path: str, problem: str, field: str = "data") -> ConfigError:
    return ConfigError(field, f"{shortened_path(path)!r} {problem}")


def _read(path: str, x_col: str, y_col: str) -> DataFile:
    if os.path.isdir(path):
        raise _fail(path, "is a directory; expected a CSV file of x,y rows")
    if os.path.exists(path) and not os.path.isfile(path):  # reading a pipe or a terminal waits for input forever
        raise _fail(path, "is not a regular file (a pipe or a device would wait for input); expected a CSV file "
                          "of x,y rows")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_DATA_BYTES + 1)
    except FileNotFoundError:
        raise _fail(path, "does not exist") from None
    except OSError as exc:
        raise _fail(path, f"cannot be read: {exc.strerror or exc}") from None
    except ValueError:  # a NUL in the path
        raise _fail(path, "is not a valid file name") from None
    if len(raw) > MAX_DATA_BYTES:
        raise _fail(path, f"is larger than {MAX_DATA_BYTES >> 20} MiB; a data file holds at most "
                          f"{MAX_ROWS:,} rows")
    if b"\x00" in raw:
        raise _fail(path, "is not a text file (it holds binary data); expected a CSV file of x,y rows")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(path, f"is not UTF-8 text (byte {exc.start + 1:,}); expected a CSV file of x,y rows") from None

    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line and not line.startswith("#")]
    if not lines:
        raise _fail(path, "has no rows; expected x,y rows such as 1.5,2.25")
    separator = next((s for s in (",", ";", "\t") if s in lines[0][1]), None)

    def cells(line: str) -> list[str]:
        parts = line.split(separator) if separator else line.split()
        return [part.strip().strip('"').strip("'").strip() for part in parts]

    first = cells(lines[0][1])
    header = None if all(_is_number(c) for c in first) else first
    rows = lines[1:] if header is not None else lines
    if not rows:
        raise _fail(path, "has a header row but no data rows")
    if len(rows) > MAX_ROWS:
        raise _fail(path, f"has {len(rows):,} data rows; at most {MAX_ROWS:,} (the points limit)")
    width = len(first)
    if width < 2 and all(len(cells(line)) < 2 for _, line in rows[:100]):
        raise _fail(path, "has one column; a data file needs two, x and y (e.g. 1.5,2.25)")

    xi = _column(path, "x_col", x_col, header, width)
    yi = _column(path, "y_col", y_col, header, width)
    if xi == yi:
        raise ConfigError("y_col", f"{quoted(y_col)} is the same column as the x column; choose two columns")
    names = [header[i] if header else f"column {i + 1}" for i in (xi, yi)]

    x = np.empty(len(rows))
    y = np.empty(len(rows))
    for k, (number, line) in enumerate(rows):
        row = cells(line)
        for out, index, name, limit in ((x, xi, names[0], X_LIMIT), (y, yi, names[1], Y_LIMIT)):
            where = f"line {number:,}, column {index + 1} ({name})" if header else f"line {number:,}, column {index + 1}"
            if index >= len(row):
                raise _fail(path, f"line {number:,} has {len(row)} column{'s' if len(row) != 1 else ''}; "
                                  f"column {index + 1} ({name}) is missing")
            cell = row[index]
            try:
                value = float(cell) if len(cell) <= 100 else math.nan
                parsed = len(cell) <= 100
            except ValueError:
                parsed = False
            if not parsed:
                raise _fail(path, f"{where}: {quoted(cell)} is not a number")
            if not math.isfinite(value):
                raise _fail(path, f"{where}: {quoted(cell)} is not a finite number; every value must be one")
            if abs(value) > limit:
                raise _fail(path, f"{where}: {cell} is outside -{limit:g} to {limit:g}")
            out[k] = value
    return DataFile(x, y, names[0], names[1], xi, yi, header is not None)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _column(path: str, field: str, spec: str, header: list[str] | None, width: int) -> int:
    """The 0-based index of the column `spec` names: a number counting from 1, or a header's name."""
    text = str(spec).strip()
    if text.isdigit() and len(text) < 10:
        index = int(text) - 1
        if not 0 <= index < width:
            raise ConfigError(field, f"column {quoted(text)} does not exist; {shortened_path(path)!r} has "
                                     f"{width} column{'s' if width != 1 else ''}, numbered from 1")
        return index
    if header is None:
        raise ConfigError(field, f"{quoted(text)}: {shortened_path(path)!r} has no header row, so columns are "
                                 f"chosen by number, 1 to {width}")
    for names in (header, [h.lower() for h in header]):
        wanted = text if names is header else text.lower()
        if wanted in names:
            return names.index(wanted)
    shown = ", ".join(quoted(h, 20) for h in header[:10]) + (", …" if len(header) > 10 else "")
    raise ConfigError(field, f"no column is named {quoted(text)} in {shortened_path(path)!r}; its columns are "
                             f"{shown} (or numbers 1 to {width})")
