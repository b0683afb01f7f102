"""`nudge run`: train headless and stream the run's progress to stdout, as seed-style text or JSON lines.

The training runs on a thread of its own; this thread drains the controller's buffer and writes. Ctrl-C
asks the run to stop and the summary still prints.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading

from engine import Progress, RunConfig, RunController, RunState, format_summary, json_safe, log_interval, log_lines

from .exit_codes import EXIT_BROKEN_PIPE, EXIT_DIVERGED, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK


def cmd_run(config: RunConfig, fmt: str, log_every: int | None) -> int:
    controller = RunController(config)
    every = log_every or log_interval(config.epochs)
    out = sys.stdout

    def emit(events: list) -> None:
        for event in events:
            if not isinstance(event, Progress):
                continue
            if fmt == "jsonl":
                out.writelines(json.dumps(json_safe(row)) + "\n" for row in event.chunk.rows())
            else:
                out.writelines(line + "\n" for line in log_lines(config, event.chunk, every))
        out.flush()

    if fmt == "text":
        print(config.describe(), flush=True)
    # Ctrl-C asks the run to stop (it does within an epoch) instead of raising KeyboardInterrupt wherever
    # the main thread happens to be, so output is never cut mid-line and the summary still prints.
    interrupted = threading.Event()

    def on_sigint(_signum, _frame) -> None:
        interrupted.set()
        controller.stop()

    previous = signal.signal(signal.SIGINT, on_sigint)
    worker = threading.Thread(target=controller.run_to_end, name="nudge-train", daemon=True)
    worker.start()
    try:
        while not controller.done.wait(0.05):
            emit(controller.drain())
        emit(controller.drain())
    except BrokenPipeError:  # the reader went away (`nudge run ... | head`): stop training, quietly
        controller.stop()
        controller.done.wait()
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    finally:
        signal.signal(signal.SIGINT, previous)
    if controller.error is not None:
        print(f"nudge: training failed: {type(controller.error).__name__}: {controller.error}", file=sys.stderr)
        return EXIT_FAILED
    result = controller.result
    assert result is not None
    if fmt == "jsonl":
        print(json.dumps(result.to_json()), flush=True)
    else:
        print(format_summary(config, result), flush=True)
    if interrupted.is_set():
        return EXIT_INTERRUPTED
    return EXIT_DIVERGED if result.status == RunState.DIVERGED else EXIT_OK
