"""Ending the app from outside leaves a usable terminal: SIGTERM, SIGHUP (an SSH connection that drops) and
Ctrl-C quit through the app's normal exit, which leaves the alternate screen and turns the mouse off.
The app runs for real in a pseudo-terminal, as a person's shell would run it."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEAVE_ALT_SCREEN = b"\x1b[?1049l"
MOUSE_OFF = b"\x1b[?1000l"


def read_for(fd: int, seconds: float, until: bytes | None = None) -> bytes:
    """What the terminal received within `seconds` (sooner once `until` shows up)."""
    out = bytearray()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            out += chunk
            if until is not None and until in out:
                break
    return bytes(out)


def start_app() -> tuple[subprocess.Popen, int]:
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    env.pop("TEXTUAL_DRIVER", None)
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli", "--example", "linear-3x"], stdin=follower,
                            stdout=follower, stderr=follower, cwd=ROOT, env=env, start_new_session=True)
    os.close(follower)
    screen = read_for(leader, 60, until=b"Run/Pause")  # the footer: the first frame is complete
    assert b"Run/Pause" in screen, screen[-500:]
    return proc, leader


@pytest.mark.parametrize("how, code", [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGHUP, 128 + signal.SIGHUP),
                                       ("ctrl+c", 0)], ids=["SIGTERM", "SIGHUP", "ctrl+c"])
def test_the_terminal_is_restored_however_the_app_is_ended(how, code):
    proc, leader = start_app()
    try:
        if how == "ctrl+c":
            os.write(leader, b"\x03")  # the key, as the terminal in raw mode passes it on
        else:
            proc.send_signal(how)
        tail = read_for(leader, 30)
        assert proc.wait(timeout=30) == code
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    assert LEAVE_ALT_SCREEN in tail and MOUSE_OFF in tail, tail[-300:]
