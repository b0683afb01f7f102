"""The form's reader of the custom example's data file: the engine's `read_data_file`, run off the UI thread.

The form re-checks on every keystroke, and a data file of 10,000 rows takes tens of milliseconds to read (a
file on a network disk, longer). So a regular file is read once per version (path, columns, size, mtime,
inode) in a daemon thread, whose result the form asks for again when `on_read` tells it the reading ended.
A path that is missing or not a regular file (a directory, a pipe, a device) is answered at once: the engine
says why without reading anything.
"""

from __future__ import annotations

import os
import stat
import threading
from collections import OrderedDict
from typing import Callable, Union

from engine import ConfigError, DataFile, RunConfig, read_data_file, shortened_path

Result = Union[DataFile, ConfigError]

KEPT = 8  # results kept: the files and columns of a session's last few edits


class DataFileReader:
    def __init__(self, on_read: Callable[[], None]) -> None:
        self._on_read = on_read  # called from the reading thread: it must be thread-safe (post_message is)
        self._results: OrderedDict[tuple, Result] = OrderedDict()
        self._reading: set[tuple] = set()
        self._lock = threading.Lock()

    def result(self, path: str, x_col: str, y_col: str) -> Result | None:
        """What the file holds (a DataFile, or the engine's ConfigError saying what is wrong), or None while it
        is being read."""
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return _read(path, x_col, y_col)  # missing: the engine's message, no content read
        if not stat.S_ISREG(st.st_mode):  # a directory, a pipe, a device: the engine refuses it unread
            return _read(path, x_col, y_col)
        key = _key(path, x_col, y_col, st)
        with self._lock:
            if key in self._results:
                return self._results[key]
            if key in self._reading:
                return None
            self._reading.add(key)
        threading.Thread(target=self._read, args=(key,), name="nudge-data-file", daemon=True).start()
        return None

    def know(self, config: RunConfig) -> None:
        """Take the data file of a config loaded into the form: it was read when the config was built (the
        engine's cache has it), so showing that config needs no reading here."""
        try:
            st = os.stat(config.data)
            if not stat.S_ISREG(st.st_mode):
                return
            data = config.data_file()
        except (OSError, ValueError):  # ConfigError included: changed since; the form reads it and says why
            return
        self._keep(_key(config.data, config.x_col, config.y_col, st), data)

    def _read(self, key: tuple) -> None:
        self._keep(key, _read(*key[:3]))
        self._on_read()

    def _keep(self, key: tuple, result: Result) -> None:
        with self._lock:
            self._reading.discard(key)
            self._results[key] = result
            while len(self._results) > KEPT:
                self._results.popitem(last=False)


def _key(path: str, x_col: str, y_col: str, st: os.stat_result) -> tuple:
    return (path, x_col, y_col, st.st_mtime_ns, st.st_size, st.st_ino)  # a changed file is read again


def _read(path: str, x_col: str, y_col: str) -> Result:
    try:
        return read_data_file(path, x_col, y_col)
    except ConfigError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - anything else still ends the reading with one line
        return ConfigError("data", f"{shortened_path(path)!r} cannot be read ({type(exc).__name__})")
