"""Running an engine comparison (a race, a sweep) on a thread of its own, so that Ctrl-C stops it cleanly.

The first Ctrl-C sets the comparison's stop event (it ends within a chunk, tens of milliseconds, with what
it has: the caller prints that partial result and exits 130); a second one raises KeyboardInterrupt here
(the caller quits without a result). The previous SIGINT handler is put back however it ends.
"""

from __future__ import annotations

import signal
import threading
from typing import Any, Callable

JOIN_TICK = 0.1  # the main thread wakes this often while it waits, so a signal's handler runs promptly


def run_interruptible(work: Callable[[threading.Event], Any]) -> tuple[Any, bool]:
    """`work(stop)` on a worker thread, Ctrl-C setting `stop`. Returns (its result, whether Ctrl-C came);
    an exception in `work` is raised here."""
    stop = threading.Event()
    interrupted = threading.Event()
    outcome: dict[str, Any] = {}

    def on_sigint(_signum, _frame) -> None:
        if interrupted.is_set():
            raise KeyboardInterrupt  # the second Ctrl-C: quit now
        interrupted.set()
        stop.set()

    def target() -> None:
        try:
            outcome["result"] = work(stop)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which raises it
            outcome["error"] = exc

    previous = signal.signal(signal.SIGINT, on_sigint)
    worker = threading.Thread(target=target, name="nudge-compare", daemon=True)
    try:
        worker.start()
        while worker.is_alive():
            worker.join(JOIN_TICK)
    except KeyboardInterrupt:
        stop.set()
        raise
    finally:
        signal.signal(signal.SIGINT, previous)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result"), interrupted.is_set()
