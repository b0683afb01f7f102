"""The run controller: start, pause, step, resume, stop and retune a run from another thread or asyncio."""

import asyncio
import time

import pytest

from engine import (HyperChanged, Progress, RunConfig, RunController, StateChanged)

from tests.engine.run_helpers import start, wait_for


def controller(example="parabola-relu", **kw):
    pace = kw.pop("pace", None)
    start_paused = kw.pop("start_paused", False)
    return RunController(RunConfig.for_example(example, **kw), pace=pace, start_paused=start_paused)




def test_a_run_started_paused_waits_then_steps_exactly():
    ctl = controller(start_paused=True)
    thread = start(ctl)
    wait_for(lambda: ctl.state == "paused")
    assert ctl.epoch == 0
    ctl.step(3)
    wait_for(lambda: ctl.epoch == 3 and ctl.state == "paused")
    ctl.step()
    wait_for(lambda: ctl.epoch == 4 and ctl.state == "paused")
    assert [int(e) for e in ctl.history.epoch] == [1, 2, 3, 4]
    ctl.stop()
    thread.join(5)
    assert ctl.result.status == "stopped" and ctl.result.epochs == 4


def test_pause_holds_the_epoch_and_resume_continues():
    ctl = controller(epochs=10_000_000, backend="autograd")
    thread = start(ctl)
    wait_for(lambda: ctl.epoch > 2)
    ctl.pause()
    wait_for(lambda: ctl.state == "paused")
    held = ctl.epoch
    time.sleep(0.1)
    assert ctl.epoch == held
    ctl.resume()
    wait_for(lambda: ctl.epoch > held + 2)
    ctl.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert ctl.result.status == "stopped"


@pytest.mark.parametrize("backend", ["autograd", "auto"])
def test_stop_takes_effect_within_one_epoch(backend):
    ctl = controller(epochs=10_000_000, backend=backend)
    thread = start(ctl)
    wait_for(lambda: ctl.epoch > 5)
    ctl.stop()
    asked = time.perf_counter()
    thread.join(5)
    # One epoch of this net is ~3 ms on the autograd loop; a kernel chunk lasts a few ms.
    assert time.perf_counter() - asked < 0.25
    assert ctl.result.status == "stopped"


def test_a_learning_rate_change_mid_run_is_applied_and_recorded_with_its_epoch():
    ctl = controller("linear-3x", start_paused=True, epochs=100)
    thread = start(ctl)
    ctl.step(10)
    wait_for(lambda: ctl.epoch == 10 and ctl.state == "paused")
    ctl.set_lr(0.002)
    ctl.set_momentum(0.5)
    ctl.step(1)
    wait_for(lambda: ctl.epoch == 11 and ctl.state == "paused")
    assert ctl.learner.lr == 0.002 and ctl.learner.momentum == 0.5
    assert [(c.epoch, c.name, c.old, c.new) for c in ctl.history.changes] == \
        [(10, "lr", 0.01, 0.002), (10, "momentum", 0.2, 0.5)]
    assert ctl.config.lr == 0.002
    events = ctl.drain()
    assert [e.change.name for e in events if isinstance(e, HyperChanged)] == ["lr", "momentum"]
    ctl.stop()
    thread.join(5)


def test_a_mid_run_change_equals_a_run_that_had_it_from_that_epoch():
    # 10 epochs at lr 0.01, then 10 at 0.002, must equal the autograd loop doing the same.
    results = []
    for backend in ("autograd", "auto"):
        ctl = controller("parabola-relu", start_paused=True, epochs=20, backend=backend)
        thread = start(ctl)
        ctl.step(10)
        wait_for(lambda: ctl.epoch == 10 and ctl.state == "paused")
        ctl.set_lr(0.002)
        ctl.resume()
        thread.join(10)
        results.append(ctl.result.params)
    for a, b in zip(*results):
        assert a == pytest.approx(b, abs=1e-5)


def test_bad_mid_run_values_are_refused_before_they_reach_the_run():
    ctl = controller(start_paused=True)
    with pytest.raises(ValueError, match="lr: 'fast' is not allowed"):
        ctl.set_lr("fast")
    with pytest.raises(ValueError, match="momentum"):
        ctl.set_momentum(2)


def test_drain_carries_states_and_every_epoch_once():
    ctl = controller("linear-3x")
    ctl.run()
    events = ctl.drain()
    states = [e.state for e in events if isinstance(e, StateChanged)]
    assert states[0] == "loading" and states[-1] == "completed"
    epochs = [int(e) for ev in events if isinstance(ev, Progress) for e in ev.chunk.epoch]
    assert epochs == list(range(1, 202))
    assert ctl.drain() == []


def test_pace_slows_a_watched_run_and_can_be_lifted_mid_run():
    ctl = controller("linear-3x", pace=100.0, epochs=201)
    thread = start(ctl)
    wait_for(lambda: ctl.epoch >= 1)  # the model is built (torch may be importing until then)
    time.sleep(0.3)
    assert 10 <= ctl.epoch <= 60  # ~30 epochs in 0.3 s at 100 epochs a second
    ctl.set_pace(None)
    thread.join(5)
    assert ctl.result.status == "completed"


async def test_metrics_stream_as_an_async_iterator():
    ctl = controller("linear-3x", epochs=50)
    task = asyncio.create_task(ctl.run_async())
    rows = [row async for row in ctl.metrics()]
    result = await task
    assert [r["epoch"] for r in rows] == list(range(1, 51))
    assert set(rows[0]) >= {"epoch", "loss", "weight", "bias", "grad"}
    assert rows[-1]["loss"] == result.loss


async def test_async_control_pause_step_stop():
    ctl = controller(start_paused=True)
    task = asyncio.create_task(ctl.run_async())
    async for event in ctl.events():
        if isinstance(event, StateChanged) and event.state == "paused":
            if ctl.epoch == 0:
                ctl.step(2)
            else:
                ctl.stop()
    result = await task
    assert result.status == "stopped" and result.epochs == 2


def test_a_controller_runs_once():
    ctl = controller("nudge-3x")
    ctl.run()
    with pytest.raises(RuntimeError):
        ctl.run()


@pytest.mark.parametrize("seeds", [1, 16])
def test_pause_and_stop_stay_prompt_after_a_paced_stretch_and_single_steps(seeds):
    # Short chunks asked for by pacing or stepping must not grow the chunk size past what is fast.
    ctl = controller(epochs=10_000_000, seeds=seeds, pace=200.0)
    thread = start(ctl)
    wait_for(lambda: ctl.epoch > 50)
    ctl.set_pace(None)
    time.sleep(0.3)
    asked = time.perf_counter()
    ctl.pause()
    wait_for(lambda: ctl.state == "paused")
    assert time.perf_counter() - asked < 0.25
    for _ in range(20):
        ctl.step()
    ctl.resume()
    time.sleep(0.2)
    asked = time.perf_counter()
    ctl.stop()
    thread.join(5)
    assert time.perf_counter() - asked < 0.25


def test_adam_refuses_a_momentum_change_it_would_ignore():
    ctl = controller("parabola-relu", optimizer="adam", start_paused=True)
    with pytest.raises(ValueError, match="momentum: Adam does not use it"):
        ctl.set_momentum(0.5)
