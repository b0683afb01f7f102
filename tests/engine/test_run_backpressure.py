"""Metrics waiting for a reader are bounded: a slow reader slows the run instead of growing memory.

Once someone drains a controller, training waits while the undrained metrics are over `buffer_limit`
(numbers carried), until the next drain or a stop; `events()` holds its consumer to the same bound. A run
nobody drains never waits: its oldest undrained progress is dropped instead, state changes never are.
"""

from __future__ import annotations

import asyncio
import time

from engine import Progress, RunConfig, RunController, StateChanged

from tests.engine.run_helpers import start, wait_for

LONG = dict(epochs=10_000_000)




def undrained(ctl):
    with ctl._buffer:
        return ctl._buffered


def settled(ctl, seconds=0.3):
    """Wait until the run stops advancing (it waits for its reader); return where it stands."""
    last = -1
    while ctl.epoch != last:
        last = ctl.epoch
        time.sleep(seconds)
    return last


def test_a_reader_that_stops_draining_holds_the_run_within_the_bound():
    limit = 20_000
    ctl = RunController(RunConfig.for_example("linear-3x", **LONG), buffer_limit=limit)
    ctl.drain()  # a reader
    thread = start(ctl)
    wait_for(lambda: ctl.epoch > 0)
    held = settled(ctl)
    assert held < LONG["epochs"]
    events = ctl.drain()
    chunks = [e.chunk for e in events if isinstance(e, Progress)]
    biggest = max(c.values() for c in chunks)
    assert sum(c.values() for c in chunks) <= limit + biggest  # the bound, overshot by one chunk at most
    assert int(chunks[-1].epoch[-1]) == held  # nothing went missing: everything trained is in the buffer
    wait_for(lambda: ctl.epoch > held)  # the drain let it go on
    settled(ctl)
    asked = time.perf_counter()
    ctl.stop()  # a stop releases a run waiting for its reader
    thread.join(2)
    assert not thread.is_alive() and time.perf_counter() - asked < 1.0
    rest = [e for e in ctl.drain() if isinstance(e, Progress)]
    assert ctl.result.status == "stopped"
    assert ctl.result.epochs == int(rest[-1].chunk.epoch[-1]) == ctl.history.epochs_seen


def test_a_run_nobody_drains_never_waits_and_keeps_only_recent_progress():
    limit = 5_000
    ctl = RunController(RunConfig.for_example("linear-3x", epochs=300_000), buffer_limit=limit)
    result = ctl.run()  # no reader at all: it must not block
    assert result.status == "completed" and result.epochs == 300_000
    events = ctl.drain()
    chunks = [e.chunk for e in events if isinstance(e, Progress)]
    assert sum(c.values() for c in chunks) <= limit + max(c.values() for c in chunks)
    assert int(chunks[-1].epoch[-1]) == 300_000  # the newest are kept
    states = [e.state for e in events if isinstance(e, StateChanged)]
    assert states[0] == "loading" and states[-1] == "completed"  # state changes are never dropped
    assert ctl.history.epochs_seen == 300_000


def test_an_async_consumer_that_lags_slows_the_run():
    async def main():
        ctl = RunController(RunConfig.for_example("linear-3x", **LONG), buffer_limit=1)
        task = asyncio.create_task(ctl.run_async())
        consumed, seen, sizes = 0, 0, []
        async for event in ctl.events():
            if isinstance(event, Progress):
                consumed = int(event.chunk.epoch[-1])
                sizes.append(len(event.chunk))
                seen += 1
                # the run is at most a chunk or two ahead of what this consumer has read
                assert ctl.epoch <= consumed + 3 * max(sizes)
                await asyncio.sleep(0.02)
                if seen == 15:
                    ctl.stop()
        result = await task
        assert result.status == "stopped"
        assert result.epochs < LONG["epochs"]

    asyncio.run(main())


def test_a_stopped_reader_does_not_hold_the_run_once_stopped_drain_waits_for_news():
    ctl = RunController(RunConfig.for_example("linear-3x", epochs=50))
    started = time.perf_counter()
    assert ctl.drain(timeout=0.05) == []  # nothing yet: it waited a little, then gave up
    assert time.perf_counter() - started >= 0.04
    thread = start(ctl)
    got = []
    while not ctl.done.is_set():
        got += ctl.drain(timeout=0.5)
    got += ctl.drain()
    thread.join(5)
    assert [int(e) for ev in got if isinstance(ev, Progress) for e in ev.chunk.epoch] == list(range(1, 51))
