"""Output that cannot be written (a full disk, /dev/full, a device error) is one line on stderr and exit 1
(EXIT_FAILED), wherever the OSError is raised: never a traceback, never a silent exit 0."""

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui.cli
from tui.exit_codes import EXIT_FAILED

ROOT = Path(__file__).resolve().parents[2]
needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")


def nudge_into_dev_full(*args):
    with open("/dev/full", "w") as full:
        return subprocess.run([sys.executable, "-m", "tui.cli", *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120, cwd=ROOT)


@needs_dev_full
@pytest.mark.parametrize("args", [
    ["list"],
    ["--help"],  # argparse swallows this error by itself, and would exit 0
    ["run", "--help"],
    ["run", "linear-3x"],
    ["run", "linear-3x", "--format", "jsonl"],
])
def test_a_full_device_is_one_line_and_exit_1(args):
    out = nudge_into_dev_full(*args)
    assert out.returncode == EXIT_FAILED == 1, out.stderr
    assert "Traceback" not in out.stderr and "Exception ignored" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nudge: ") and "No space left on device" in lines[0]


@needs_dev_full
def test_stderr_full_too_still_exits_1_quietly():
    with open("/dev/full", "w") as full:
        out = subprocess.run([sys.executable, "-m", "tui.cli", "list"], stdout=full, stderr=full, timeout=120,
                             cwd=ROOT)
    assert out.returncode == 1


@pytest.mark.parametrize("error,expected", [
    (OSError(errno.EIO, "Input/output error"), "nudge: cannot write the output: Input/output error"),
    (OSError(errno.ENOSPC, "No space left on device"), "nudge: cannot write the output: No space left on device"),
    (PermissionError(errno.EACCES, "Permission denied", "/root/x" + "y" * 500),
     "nudge: cannot use '…"),
])
def test_an_os_error_from_anywhere_below_main_is_one_line(monkeypatch, capsys, error, expected):
    def raising(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(tui.cli, "cmd_run", raising)  # whatever `nudge run` calls that raises
    monkeypatch.setattr(tui.cli, "silence_stdout", lambda: None)  # keep pytest's own stdout
    assert tui.cli.main(["run", "linear-3x"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith(expected) and len(err.splitlines()) == 1 and len(err) < 300


def test_a_broken_pipe_below_main_is_still_141_and_silent(monkeypatch, capsys):
    def raising(*_args, **_kwargs):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(tui.cli, "cmd_run", raising)
    monkeypatch.setattr(tui.cli, "silence_stdout", lambda: None)  # keep pytest's own stdout
    assert tui.cli.main(["run", "linear-3x"]) == 141
    assert capsys.readouterr().err == ""
