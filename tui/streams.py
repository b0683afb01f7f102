"""The command line's standard streams when they fail: one place for what every command does with them.

A closed pipe or a full disk can make any write to stdout raise; the commands report it once and then point
stdout at /dev/null, so that whatever is left in its buffer does not fail again at interpreter exit (exit 120
and a traceback)."""

from __future__ import annotations

import os
import sys
from typing import Callable

from .exit_codes import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED


def write(text: str) -> None:
    """Text on stdout, flushed now, so a failure is raised here, where the command can report it."""
    sys.stdout.write(text)
    sys.stdout.flush()


def say(line: str) -> None:
    """One line on stderr, if stderr can take it."""
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def writing(work: Callable[[], int]) -> int:
    """`work()`'s exit code, for a command whose work writes its result on stdout: 141 when the reader went away
    (`nudge sweep ... | head`), 130 when a second Ctrl-C quit before the result was written; stdout is
    silenced either way."""
    try:
        return work()
    except BrokenPipeError:
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        silence_stdout()
        say("nudge: interrupted again; output cut short")
        return EXIT_INTERRUPTED


def silence_stdout() -> None:
    """Point stdout at /dev/null, so nothing left in its buffer fails again at exit."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
