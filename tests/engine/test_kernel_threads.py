"""Spreading work over the cores: every item runs once, and a slow item does not hold the others back."""

import threading

import pytest

import engine.kernel_threads as kernel_threads
from engine.kernel_threads import run_pulled


@pytest.fixture
def two_cores(monkeypatch):
    """Two threads, whatever this machine has: the specification is about how items are shared out."""
    monkeypatch.setattr(kernel_threads, "cores", lambda: 2)


def test_every_item_runs_exactly_once_with_the_shared_arguments(two_cores):
    seen, lock = [], threading.Lock()

    def work(item, scale):
        with lock:
            seen.append(item * scale)

    run_pulled(work, list(range(25)), 10)
    assert sorted(seen) == [10 * i for i in range(25)]


def test_while_one_thread_is_on_a_slow_item_the_other_takes_all_the_rest(two_cores):
    # The first item waits until every other item is done. Dealt out in turn (items 0, 2, 4 ... to one thread)
    # the waiting thread would own half the rest and the wait could only end by its timeout.
    rest_done, done, lock = threading.Event(), [], threading.Lock()
    items = ["slow"] + [f"fast {i}" for i in range(8)]

    def work(item):
        if item == "slow":
            assert rest_done.wait(timeout=30), "the fast items waited behind the slow one"
            return
        with lock:
            done.append(item)
            if len(done) == len(items) - 1:
                rest_done.set()

    run_pulled(work, items)
    assert sorted(done) == sorted(items[1:])


def test_an_error_in_any_item_is_raised_to_the_caller(two_cores):
    def work(item):
        if item == 3:
            raise ValueError("item 3 failed")

    with pytest.raises(ValueError, match="item 3 failed"):
        run_pulled(work, list(range(6)))


def test_one_core_runs_the_items_in_order_on_the_calling_thread(monkeypatch):
    monkeypatch.setattr(kernel_threads, "cores", lambda: 1)
    order = []
    run_pulled(lambda item: order.append((item, threading.current_thread().name)), [3, 1, 2])
    assert order == [(3, threading.current_thread().name), (1, threading.current_thread().name),
                     (2, threading.current_thread().name)]


def test_no_items_is_no_work():
    run_pulled(lambda item: pytest.fail("nothing to run"), [])
