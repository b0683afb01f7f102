"""What the engine's run tests share: start a controller on a thread, wait for a condition."""

from __future__ import annotations

import threading
import time


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def start(ctl) -> threading.Thread:
    """Run the controller on a thread of its own, as the CLI and the app do."""
    thread = threading.Thread(target=ctl.run_to_end, daemon=True)
    thread.start()
    return thread
