"""The app needs a terminal: without one on stdin, stdout and stderr (or with TERM=dumb) `nudge` says so and exits 2
at once, pointing to `nudge run`, instead of spinning at 100% CPU on a closed stdin or drawing 80x24 into a
pipe. The check runs before Textual is imported."""

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.cli import terminal_problem

ROOT = Path(__file__).resolve().parents[2]
PROMPT_SECONDS = 10  # generous for a loaded machine: the check itself takes well under a second


def run_nudge(*, stdin, stdout, env_changes, args=(), stderr=subprocess.PIPE):
    env = {**os.environ, **env_changes}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name)
    env.pop("TEXTUAL_DRIVER", None)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "tui.cli", *args], stdin=stdin, stdout=stdout,
                          stderr=stderr, text=True, timeout=60, cwd=ROOT, env=env)
    return proc, time.monotonic() - started


def assert_refused(proc, seconds, *words):
    assert proc.returncode == 2, proc.stderr
    assert seconds < PROMPT_SECONDS
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "nudge run" in lines[0]
    for word in words:
        assert word in lines[0]


def test_stdin_from_dev_null_is_refused_at_once():
    with open(os.devnull) as null:
        proc, seconds = run_nudge(stdin=null, stdout=subprocess.PIPE, env_changes={"TERM": "xterm-256color"})
    assert_refused(proc, seconds, "needs a terminal", "input")
    assert proc.stdout == ""  # not a byte of screen drawing


def test_stdout_into_a_pipe_is_refused_even_with_a_terminal_on_stdin():
    leader, follower = pty.openpty()
    try:
        proc, seconds = run_nudge(stdin=follower, stdout=subprocess.PIPE, env_changes={"TERM": "xterm-256color"})
    finally:
        os.close(leader)
        os.close(follower)
    assert_refused(proc, seconds, "needs a terminal", "output")
    assert "input" not in proc.stderr.split(";")[0]
    assert proc.stdout == ""


def read_all(fd) -> str:
    chunks = []
    while select.select([fd], [], [], 0.2)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


@pytest.mark.parametrize("term", ["dumb", "", None])
def test_a_dumb_or_missing_term_is_refused_in_a_real_terminal(term):
    # stdin, stdout and stderr all on one terminal (Textual draws on stderr); the message is read back from it
    leader, follower = pty.openpty()
    try:
        proc, seconds = run_nudge(stdin=follower, stdout=follower, stderr=follower, env_changes={"TERM": term})
        proc.stderr = read_all(leader).replace("\r\n", "\n")
    finally:
        os.close(leader)
        os.close(follower)
    assert_refused(proc, seconds, "TERM")


def test_the_check_does_not_load_textual():
    code = "import sys\nfrom tui.cli import main\nrc = main([])\nprint(rc, 'textual' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"}
    with open(os.devnull) as null:
        out = subprocess.run([sys.executable, "-c", code], stdin=null, capture_output=True, text=True, timeout=60,
                             cwd=ROOT, env=env)
    assert out.stdout.split() == ["2", "False"], out.stderr


def test_bad_settings_are_reported_before_the_terminal():
    with open(os.devnull) as null:
        proc, _ = run_nudge(stdin=null, stdout=subprocess.PIPE, env_changes={}, args=["--epochs", "fast"])
    assert proc.returncode == 2 and "--epochs: 'fast' is not allowed" in proc.stderr


class FakeStream:
    def __init__(self, tty=True, closed=False):
        self.tty, self.closed = tty, closed

    def isatty(self):
        if self.closed:
            raise ValueError("I/O operation on closed file")
        return self.tty


TTY = FakeStream()


@pytest.mark.parametrize("env,stdin,stdout,problem", [
    # Textual draws the whole screen on stderr, so `nudge 2>file` is refused too
    ({"TERM": "xterm-256color"}, TTY, TTY, None),
    ({"TERM": "xterm-256color"}, TTY, TTY, None),
    ({"TERM": "xterm"}, TTY, TTY, None),  # 16 colours are fine
    ({"TERM": "xterm-256color"}, FakeStream(False), TTY, "input is not one"),
    ({"TERM": "xterm-256color"}, TTY, FakeStream(False), "output is not one"),
    ({"TERM": "xterm-256color"}, FakeStream(False), FakeStream(False), "input and output are not one"),
    ({"TERM": "xterm-256color"}, FakeStream(closed=True), TTY, "input is not one"),
    ({"TERM": "dumb"}, TTY, TTY, "TERM is dumb"),
    ({"TERM": "unknown"}, TTY, TTY, "TERM is unknown"),
    ({"TERM": ""}, TTY, TTY, "TERM is not set"),
    ({}, TTY, TTY, "TERM is not set"),
    # A named Textual driver (a later `nudge serve`, `textual serve`) runs the app over pipes.
    ({"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}, FakeStream(False), FakeStream(False), None),
])
def test_terminal_problem(env, stdin, stdout, problem):
    found = terminal_problem(env, stdin, stdout, TTY)
    if problem is None:
        assert found is None
    else:
        assert problem in found and "nudge run" in found


def test_error_output_into_a_file_is_refused_since_textual_draws_there():
    found = terminal_problem({"TERM": "xterm-256color"}, TTY, TTY, FakeStream(False))
    assert "error output is not one" in found and "nudge run" in found
