"""Starting `nudge serve` for a test, and finding the processes it started.

The server runs as a real subprocess (`python -m tui.cli serve ...`), as a user starts it: signals, ports and
child processes are the things under test, and none of them may leak into the test process.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parents[2])  # this checkout, for a server started in another folder
HANG_GUARD = 60.0  # seconds before a test gives up waiting (not a speed check: a stuck server fails, not hangs)


def free_port() -> int:
    """A loopback port nothing listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nudge_serve(*args: str, cwd: str | None = None) -> subprocess.Popen:
    """Start the command; its output lines are collected by threads (`proc.lines["stdout"]`, a queue), so a
    test can wait for one line without blocking on a pipe."""
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli", "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, cwd=cwd,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))})
    proc.lines = {}
    for name in ("stdout", "stderr"):
        proc.lines[name] = lines = queue.Queue()
        threading.Thread(target=lambda stream=getattr(proc, name), lines=lines: [lines.put(line) for line in stream],
                         daemon=True).start()
    return proc


def read_line(proc: subprocess.Popen, start: str, stream: str = "stdout") -> str:
    """The next line the server writes to `stream` that starts with `start` (fails if it never comes)."""
    deadline = time.monotonic() + HANG_GUARD
    seen = []
    while time.monotonic() < deadline:
        try:
            line = proc.lines[stream].get(timeout=0.2)
        except queue.Empty:
            if proc.poll() is not None and proc.lines[stream].empty():
                break
            continue
        if line.startswith(start):
            return line.strip()
        seen.append(line)
    pytest.fail(f"the server never said {start!r} on {stream}; it said {seen!r}")


@contextmanager
def serving(*args: str, cwd: str | None = None):
    """`nudge serve` on a free loopback port (run in `cwd`): yields (process, url) once it listens; Ctrl-C at
    the end."""
    port = free_port()
    proc = nudge_serve("--port", str(port), *args, cwd=cwd)
    try:
        line = read_line(proc, "Serving nudge on ")
        yield proc, line.removeprefix("Serving nudge on ")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(HANG_GUARD)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie waiting for its parent counts as gone: it runs nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(check, what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.05)


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc"), reason="finds child processes through Linux's /proc")
