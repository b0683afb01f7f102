"""Every file the app writes goes through `save_file`, the one place that decides where the bytes go.

In a terminal that is the local disk, through the engine's atomic write (complete or absent, never replacing a
file unless the person confirmed it). Under `nudge serve` the file is handed to the browser as a download
instead (Textual's deliver_text / deliver_binary), named as the path ends: a path on the server's disk would
mean nothing to the person at the browser, and the server's files are not theirs to replace.

`ask_and_save` is the app's flow around it: ask for the file name (a suggested one filled in), ask before
overwriting a file that exists, make the bytes, write them, and say what happened in one toast; a problem is
one toast naming the path, never a traceback.
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Callable

from engine import ConfigError, WriteError, write_atomic

from .traffic import in_browser
from .widgets import ChoiceScreen, FilePrompt

if TYPE_CHECKING:
    from textual.app import App


def save_file(app: "App", path: str, data: str | bytes, force: bool = False) -> str:
    """Write `data` to `path` for the app, complete or absent; `force` replaces an existing file (the person
    confirmed). Returns what to tell the person; raises WriteError (the path named) when it cannot.
    In a browser (`nudge serve`) the file goes to the browser as a download named as `path` ends, and nothing
    is written on the server."""
    if in_browser():
        name = os.path.basename(path.rstrip("/\\")) or "nudge-export"
        if isinstance(data, str):
            app.deliver_text(io.StringIO(data), save_filename=name, encoding="utf-8")
        else:
            app.deliver_binary(io.BytesIO(data), save_filename=name)
        return f"sent {name} to your browser as a download ({len(data):,} {'characters' if isinstance(data, str) else 'bytes'})"
    written = write_atomic(path, data, force=force)
    return f"wrote {path} ({written:,} bytes)"


def file_exists(path: str) -> bool:
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):
        return False


def ask_and_save(app: "App", title: str, default: str, make: Callable[[str], str | bytes], hint: str = "",
                 done: Callable[[str], str] | None = None) -> None:
    """Ask for a file name, confirm an overwrite, then write `make(path)` (the bytes may depend on the name:
    CSV or JSON lines). `make` may raise ConfigError or WriteError: shown as one error toast. `done(path)` adds
    to the message once the file is written."""

    def write(path: str, force: bool) -> None:
        try:
            message = save_file(app, path, make(path), force=force)
        except (WriteError, ConfigError) as exc:
            app.notify(str(exc) if isinstance(exc, WriteError) else exc.explanation("form"),
                       title="Not saved", severity="error", timeout=6)
            return
        if done is not None:
            message = f"{message}; {done(path)}"
        app.notify(message, title=title, timeout=5)

    def named(path: str | None) -> None:
        if path is None:
            return
        if file_exists(path) and not in_browser():  # the server's files are no concern of a browser's
            def answered(key: str | None) -> None:
                if key == "y":
                    write(path, force=True)
                else:
                    app.notify(f"kept {path} as it was; nothing written", timeout=3)

            app.push_screen(ChoiceScreen(title, f"{path} exists already. Replace it?",
                                         [("y", "replace it"), ("n", "keep it")]), answered)
            return
        write(path, force=False)

    app.push_screen(FilePrompt(title, default, hint), named)
