"""Driving a served nudge in a real browser: Debian's Chromium under Playwright, and reading what the app drew.

The page draws the terminal on a canvas (xterm.js), so its text is not in the DOM. A script run before the
page's own wraps the WebSocket and keeps every byte the app sent (`window.__nudge.text`); with the terminal's
escape sequences removed, that is the text the app drew, in order (Textual writes each line's characters in
one run, with only colour codes between them). Every status line the app drew stays in that record, so a
test sees each epoch count the status showed, not only the last.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

TAP_WEBSOCKET = """
(() => {
  const Original = window.WebSocket;
  const decoder = new TextDecoder();
  window.__nudge = {text: ""};
  window.WebSocket = function (...args) {
    const socket = new Original(...args);
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        window.__nudge.text += decoder.decode(new Uint8Array(event.data), {stream: true});
      }
    });
    return socket;
  };
  window.WebSocket.prototype = Original.prototype;
  Object.assign(window.WebSocket, Original);
})();
"""

ESCAPES = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b.")
STATUS = re.compile(r"(ready|loading torch…|loading…|running|paused|finished(?: \(converged\))?|stopped)"
                    r"\s+epoch (\d+)/(\d+)")


def chromium_path() -> str | None:
    """The distribution's Chromium (Playwright's own download is not used): NUDGE_CHROMIUM, else on PATH."""
    named = os.environ.get("NUDGE_CHROMIUM")
    if named:
        return named if os.access(named, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def drawn_text(page) -> str:
    return ESCAPES.sub("", page.evaluate("window.__nudge.text"))


def statuses(page) -> list[tuple[str, int, int]]:
    """Every status the app drew on this page, in order: (state word, epoch, epochs)."""
    return [(word, int(epoch), int(total)) for word, epoch, total in STATUS.findall(drawn_text(page))]


def browser():
    """Playwright's Chromium, launched from the distribution's binary; skips (saying why) where there is none."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the browser test needs playwright (pip install '.[test]')")
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium here (apt-get install chromium, or set NUDGE_CHROMIUM to a Chromium binary)")
    return sync_api, path
