"""Spreading the kernel's lockstep blocks over the cores: one call per core, this thread running the first.

Threads rather than numba.prange: the same spread, no second (parallel) compilation, no threading layer;
the kernel releases the GIL, so the calls run side by side.
"""

from __future__ import annotations

import concurrent.futures
import os
import threading
from typing import Any, Callable, Sequence

_lock = threading.Lock()
_pool: concurrent.futures.ThreadPoolExecutor | None = None


def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_spread(func: Callable[..., Any], firsts: Sequence[Any], *args: Any) -> None:
    """`func(first, *args)` for each of `firsts`, at the same time: the first here, the rest on pool threads.
    Returns when all have; an exception in any is raised here."""
    global _pool
    if len(firsts) > 1:
        with _lock:
            if _pool is None or _pool._max_workers < len(firsts) - 1:
                _pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(firsts) - 1,
                                                              thread_name_prefix="nudge-kernel")
        futures = [_pool.submit(func, first, *args) for first in firsts[1:]]
    else:
        futures = []
    func(firsts[0], *args)
    for future in futures:
        future.result()


def run_pulled(func: Callable[..., Any], items: Sequence[Any], *args: Any) -> None:
    """`func(item, *args)` for every item, on up to one thread per core, each thread taking the next item in
    order when it has finished its last: items of unequal cost (a sweep's slow blocks) keep every core busy
    to the end, where dealing them out in turn left one core idle while the other finished. Put the costliest
    first. Returns when all have; an exception in any is raised here."""
    if not items:
        return
    pending = iter(items)
    lock = threading.Lock()

    def drain(_: int, *args: Any) -> None:
        while True:
            with lock:
                item = next(pending, _DONE)
            if item is _DONE:
                return
            func(item, *args)

    run_spread(drain, range(min(len(items), cores())), *args)


_DONE = object()

