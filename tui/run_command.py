"""`nudge run`: train headless and stream the run's progress to stdout, as seed-style text or JSON lines.

The training runs on a thread of its own; this thread drains the controller's buffer and writes. The
buffer is small and the run waits for this writer when it is full (back-pressure), so a slow reader slows
training instead of growing memory, and Ctrl-C is prompt: training stops at once, the few rows already
made are written, then the `stopped` summary, whose epochs are those of the last row written. A second
Ctrl-C quits without the summary.

Whatever ends the run early reaches the user as one line on stderr and a nonzero exit: a training error
(`nudge: training failed: ...`, 1), output that cannot be written (the training stops, and the OSError goes
on to tui/cli.py's main, which says `nudge: cannot write the output: ...` and exits 1), a reader that went
away (141, silent).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading

import numpy as np

from engine import (FRESH_OPTIMIZER, Progress, RunConfig, RunController, RunState, WriteError, format_row, format_summary, json_safe, log_epochs,
                    log_interval, log_lines, teaching)

from .run_files import RunFiles
from .streams import silence_stdout
from .exit_codes import EXIT_BROKEN_PIPE, EXIT_DIVERGED, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK

# Undrained metrics (numbers) before training waits for this writer: ~0.5 MB, at most a few tenths of a
# second of JSON to write after Ctrl-C (about 10,000 rows of a one-weight model).
CLI_BUFFER_VALUES = 1 << 16
WRITE_VALUES = 1 << 14  # JSON rows are made and written about this many numbers at a time (memory stays flat)
STOP_WAIT_SECONDS = 5.0  # how long a failed writer waits for the training thread to wind down


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _Writer:
    """Writes the run's rows as they are drained and remembers what it wrote last.

    Rows go straight to stdout's file descriptor with os.write, every partial write finished here: through
    Python's buffered stdout, a Ctrl-C that interrupted a write blocked on a full pipe lost the rest of that
    write (about 200 rows, mid-line, measured on CPython 3.11). os.write retries an interrupted write that
    wrote nothing after running the handler, and returns the count of one that wrote part (PEP 475)."""

    def __init__(self, config: RunConfig, fmt: str, every: int):
        self.config, self.fmt, self.every = config, fmt, every
        self.out = sys.stdout
        try:
            self.out.flush()
            self.fd: int | None = self.out.fileno()
        except (AttributeError, OSError, ValueError):  # a stdout with no descriptor (tests capture it)
            self.fd = None
        self.last_logged = 0  # text: the last epoch with a log line

    def write(self, text: str) -> None:
        if self.fd is None:
            self.out.write(text)
            return
        view = memoryview(text.encode())
        while view:
            view = view[os.write(self.fd, view):]

    def flush(self) -> None:
        if self.fd is None:
            self.out.flush()

    def emit(self, events: list) -> None:
        for event in events:
            if not isinstance(event, Progress):
                continue
            chunk = event.chunk
            if self.fmt == "jsonl":
                rows = max(1, WRITE_VALUES * len(chunk) // max(1, chunk.values()))
                for start in range(0, len(chunk), rows):
                    part = chunk.slice(start, start + rows)
                    self.write("".join(json.dumps(json_safe(row)) + "\n" for row in part.rows()))
            else:
                lines = log_lines(self.config, chunk, self.every)
                if lines:
                    self.write("".join(line + "\n" for line in lines))
                    self.last_logged = log_epochs(self.config, chunk, self.every)[-1]
        self.flush()

    def close(self, result, explain: float | None = None) -> None:
        lines = self.explain(result, explain) if explain is not None else []
        if self.fmt == "jsonl":
            final = result.to_json()
            if lines:
                final["explain"] = lines
            self.write(json.dumps(final) + "\n")
        else:
            if result.epochs and self.last_logged != result.epochs and result.last:
                self.write(format_row(self.config, result.last) + "\n")  # it ended between log lines
            self.write(format_summary(self.config, result) + "\n")
            if lines:
                self.write("\n".join(lines) + "\n")
        self.flush()

    def explain(self, result, x: float) -> list[str]:
        """One input's way through the trained net (member 0), node by node (engine.teaching.explain_text)."""
        flat = np.concatenate([np.ravel(p) for p in result.params]) if result.params else np.empty(0)
        return teaching.explain_text(self.config, flat, x)


def cmd_run(config: RunConfig, fmt: str, log_every: int | None, explain: float | None = None,
            files: RunFiles | None = None) -> int:
    """Train and stream; `files` (prepared: tui/run_files.py) takes the rows too, and its files take their
    names when the run ends, however it ends."""
    initial = files.initial_params if files is not None else None
    controller = RunController(config, buffer_limit=CLI_BUFFER_VALUES, initial_params=initial)
    if initial is not None:
        print(f"starting from the loaded weights; {FRESH_OPTIMIZER}", file=sys.stderr)
    try:
        code = _stream(controller, config, fmt, log_every, explain, files)
    except WriteError as exc:  # a file beside the output (--metrics) failed mid-run: a full disk
        if files is not None:
            files.discard()
        print(f"nudge: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BaseException:
        if files is not None:
            files.discard()
        raise
    if files is not None:
        try:
            files.finish(controller.result)
        except WriteError as exc:
            print(f"nudge: {exc}", file=sys.stderr)
            return EXIT_FAILED
    return code


def _stream(controller: RunController, config: RunConfig, fmt: str, log_every: int | None, explain: float | None,
            files: RunFiles | None) -> int:
    writer = _Writer(config, fmt, log_every or log_interval(config.epochs))
    # Ctrl-C asks the run to stop (it does within milliseconds) instead of raising KeyboardInterrupt wherever
    # the main thread happens to be, so output is never cut mid-line and the summary still prints.
    interrupted = threading.Event()

    def on_sigint(_signum, _frame) -> None:
        if interrupted.is_set():
            raise KeyboardInterrupt  # the second Ctrl-C: quit now
        interrupted.set()
        controller.stop()

    def wind_down() -> None:
        controller.stop()
        controller.done.wait(STOP_WAIT_SECONDS)

    previous = signal.signal(signal.SIGINT, on_sigint)
    worker = threading.Thread(target=controller.run_to_end, name="nudge-train", daemon=True)
    try:
        if fmt == "text":
            writer.write(config.describe() + "\n")
            writer.flush()
        controller.drain()  # from here on the run waits for this writer when it is ahead of it
        worker.start()
        take = files.take if files is not None else (lambda events: None)
        while not controller.done.is_set():
            events = controller.drain(timeout=0.1)
            writer.emit(events)
            take(events)
        events = controller.drain()
        writer.emit(events)
        take(events)
        if controller.error is not None:
            print(f"nudge: training failed: {_describe(controller.error)}", file=sys.stderr)
            return EXIT_FAILED
        result = controller.result
        if result is None:
            print("nudge: training failed: the run ended without a result", file=sys.stderr)
            return EXIT_FAILED
        writer.close(result, explain)
    except BrokenPipeError:  # the reader went away (`nudge run ... | head`): stop training, quietly
        wind_down()
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError:  # the output cannot be written (a full disk, /dev/full, an I/O error): stop training,
        wind_down()  # then let the command's one rule for it (tui/cli.py main: one line, exit 1) report it
        raise
    except WriteError:  # the metrics file cannot take more: stop training, cmd_run reports it
        wind_down()
        raise
    except KeyboardInterrupt:
        wind_down()
        silence_stdout()
        print("nudge: interrupted again; output cut short", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - e.g. out of memory while writing the summary: one line, exit 1
        wind_down()
        print(f"nudge: training failed: {_describe(exc)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGINT, previous)
    if interrupted.is_set() and result.status == RunState.STOPPED:
        return EXIT_INTERRUPTED
    # An interrupt that came after the training had finished changed nothing: the output is complete.
    return EXIT_DIVERGED if result.status == RunState.DIVERGED else EXIT_OK
