"""Sub-epoch work: a call may stop inside an epoch (even inside a batch), resume exactly where it stopped,
and the controls land within a fraction of a second however large the net.

The kernel is held to itself: training split into many small budgets equals one unsplit call bit for
bit (same kernel, same operations in the same order), for the scalar and the lockstep variants. The
controller is held to the promise the app relies on: at the largest size the validator admits, pause and
stop land within a generous bound, progress shows inside an epoch, and a stopped run ends on the last
finished epoch with numbers that describe it.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from engine import RunConfig, RunController, kernel
from engine.learners import make_learner

pytestmark = pytest.mark.skipif(not kernel.available(), reason="numba is not installed")

X = np.arange(-5, 6, dtype=np.float32)
RELU = ([1, 10, 10, 1], ["relu", "relu"])


class Run:
    """K members' kernel buffers, with a cursor for budgeted calls."""

    def __init__(self, sizes, acts, K, zero_grad=True, seed=0, N=11):
        rng = np.random.default_rng(seed)
        self.sizes = np.array(sizes, np.int64)
        self.acts = np.array([kernel.ACT_CODES[a] for a in acts], np.int64)
        P = sum(sizes[i] * sizes[i + 1] + sizes[i + 1] for i in range(len(sizes) - 1))
        self.params = (rng.standard_normal((K, P)) * 0.4).astype(np.float32)
        self.state = np.zeros((K, kernel.state_size(P)), np.float32)
        self.steps = np.zeros(K, np.int64)
        self.active = np.ones(K, np.uint8)
        x = np.linspace(-5, 5, N, dtype=np.float32)
        self.X = np.ascontiguousarray(np.tile(x, (K, 1)))
        self.Y = np.ascontiguousarray((self.X ** 2 * rng.uniform(0.3, 1.5, (K, 1))).astype(np.float32))
        self.cursor = kernel.Cursor(K, P, zero_grad=zero_grad)
        self.zero_grad = zero_grad

    def train(self, epochs, lr, momentum=0.0, *, optimizer="sgd", batch_size=1, weight_decay=0.0, budget=0,
              loss_limit=1e30):
        K, P = self.params.shape
        losses = np.zeros((K, epochs))
        trace = np.zeros((K, epochs, min(3, P)), np.float32)
        done = np.zeros(K, np.int64)
        kernel.train(self.params, self.state, self.steps, self.active, self.sizes, self.acts, self.X, self.Y,
                     epochs, lr, momentum, weight_decay, kernel.OPTIMIZER_CODES[optimizer], batch_size,
                     self.zero_grad, loss_limit, losses, trace, done, budget=budget, cursor=self.cursor)
        return losses, trace, done


SETTINGS = [
    ({}, dict(lr=1e-3, momentum=0.9)),
    ({}, dict(lr=1e-3, momentum=0.5, batch_size=4)),  # 11 points in batches of 4: a short last batch
    ({}, dict(lr=1e-2, optimizer="adam", batch_size=3, weight_decay=0.01)),
    ({}, dict(lr=5e-3, momentum=0.9, batch_size=11)),  # full batch
    ({"zero_grad": False}, dict(lr=1e-5, momentum=0.1, batch_size=3)),  # the batch gradient spans calls
    ({"zero_grad": False}, dict(lr=1e-3, optimizer="adam", batch_size=4)),
]


@pytest.mark.parametrize("K", [1, 20], ids=["scalar", "lockstep"])
@pytest.mark.parametrize("build, settings", SETTINGS)
def test_training_split_into_small_budgets_equals_one_call_bit_for_bit(K, build, settings):
    epochs = 12
    whole, split = Run(*RELU, K, **build), Run(*RELU, K, **build)
    want_losses, want_trace, want_done = whole.train(epochs, **settings)
    got_losses, got_trace, finished = [], [], 0
    budgets = [1, 2, 3, 5, 7, 11, 13, 29, 64]  # cuts land mid-batch, mid-loss-pass and on boundaries
    calls = 0
    while finished < epochs:
        losses, trace, done = split.train(epochs - finished, budget=budgets[calls % len(budgets)], **settings)
        n = int(done[0])
        assert (done == n).all()
        got_losses.append(losses[:, :n])
        got_trace.append(trace[:, :n])
        finished += n
        calls += 1
    assert calls > 2 * epochs  # it really was cut into slices
    assert split.cursor.at_boundary()
    for what in ("params", "state", "steps", "active"):
        np.testing.assert_array_equal(getattr(split, what), getattr(whole, what), err_msg=what)
    np.testing.assert_array_equal(np.concatenate(got_losses, axis=1), want_losses)
    np.testing.assert_array_equal(np.concatenate(got_trace, axis=1), want_trace)


@pytest.mark.parametrize("K", [1, 3])
def test_a_budgeted_run_that_diverges_stops_as_the_unsplit_one(K):
    whole, split = Run(*RELU, K, seed=3), Run(*RELU, K, seed=3)
    want, _, want_done = whole.train(40, 0.05, 0.9, loss_limit=1e4)
    assert whole.active.min() == 0  # the setting does blow up
    got, finished = [], 0
    while finished < 40 and split.active.any():
        losses, _, done = split.train(40 - finished, 0.05, 0.9, budget=17, loss_limit=1e4)
        got.append(losses[:, :int(done.max())])
        finished += int(done.max())
    np.testing.assert_array_equal(split.active, whole.active)
    np.testing.assert_array_equal(split.params, whole.params)
    got = np.concatenate(got, axis=1)
    assert got.shape[1] == int(want_done.max())
    np.testing.assert_array_equal(got, want[:, :got.shape[1]])  # NaN where a member had stopped, in both


def test_a_call_does_its_budget_and_no_more():
    run = Run(*RELU, 1)
    N, b = 11, 4
    start = 0
    for budget in (1, 5, 9, 20, 100):
        pos0 = int(run.cursor.position[0])
        _, _, done = run.train(50, 1e-3, batch_size=b, budget=budget)
        pos1 = int(run.cursor.position[0])
        used = (int(done[0]) * kernel.epoch_work(N, b) + kernel.work_done(pos1, N, b)
                - kernel.work_done(pos0, N, b))
        # stops before the sample that would go past the budget; a batch's step follows its last sample
        assert budget <= used <= budget + kernel.WORK_SAMPLE - 1 + kernel.WORK_STEP
        start += used
    assert kernel.work_done(0, N, b) == 0
    assert kernel.work_done(2 * N, N, b) == kernel.epoch_work(N, b)


def test_a_budget_needs_a_cursor_and_members_must_stand_together():
    run = Run(*RELU, 2)
    K, P = run.params.shape
    args = (run.params, run.state, run.steps, run.active, run.sizes, run.acts, run.X, run.Y, 1, 1e-3, 0.0, 0.0,
            0, 1, True, 1e30, np.zeros((K, 1)), np.zeros((K, 1, 0), np.float32), np.zeros(K, np.int64))
    with pytest.raises(ValueError, match="cursor"):
        kernel.train(*args, budget=5)
    cursor = kernel.Cursor(K, P)
    cursor.position[1] = 3
    with pytest.raises(ValueError, match="same position"):
        kernel.train(*args, budget=5, cursor=cursor)
    with pytest.raises(ValueError, match="batch gradient"):
        kernel.train(*args[:14], False, *args[15:], budget=5, cursor=kernel.Cursor(K, P, zero_grad=True))


# ----------------------------------------------------------------------------------------- learners


@pytest.mark.parametrize("backend", ["kernel", "autograd"])
@pytest.mark.parametrize("overrides", [{}, {"batch_size": 4, "zero_grad": False, "lr": 1e-5},
                                       {"seeds": 3, "optimizer": "adam", "lr": 0.01, "batch_size": 3}])
def test_a_learner_trained_in_slices_equals_one_trained_whole(backend, overrides):
    config = RunConfig.for_example("parabola-relu", epochs=8, backend=backend, **overrides)
    whole, split = make_learner(config), make_learner(config)
    want = whole.train(8)
    losses, fractions = [], []
    while split.epoch < 8:
        chunk = split.train(8 - split.epoch, budget=7)
        fractions.append(split.epoch_fraction)
        losses.append(chunk.loss)
    assert any(0 < f < 1 for f in fractions)  # progress showed inside epochs
    np.testing.assert_array_equal(np.concatenate(losses), want.loss)
    np.testing.assert_array_equal(split.flat_params(), whole.flat_params())


@pytest.mark.parametrize("backend", ["kernel", "autograd"])
def test_discarding_a_partial_epoch_returns_to_the_last_finished_one(backend):
    config = RunConfig.for_example("parabola-relu", epochs=5, backend=backend, momentum=0.9, batch_size=2)
    ref, learner = make_learner(config), make_learner(config)
    ref.train(3)
    learner.train(3)
    learner.train(1, budget=20)  # into epoch 4
    assert 0 < learner.epoch_fraction < 1 and learner.epoch == 3
    learner.discard_partial()
    assert learner.epoch_fraction == 0
    np.testing.assert_array_equal(learner.flat_params(), ref.flat_params())
    # and it trains on exactly as the reference does
    np.testing.assert_array_equal(learner.train(2).loss, ref.train(2).loss)
    np.testing.assert_array_equal(learner.flat_params(), ref.flat_params())


# ----------------------------------------------------------------------------------------- the controls

# The largest net and data the validator admits: an epoch takes minutes here.
BIG = dict(hidden="512,512,512,512,512,512,512,512", activation="relu", points=10_000, epochs=2000)
BOUND = 2.0  # seconds: generous; they land in milliseconds


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


@pytest.fixture(scope="module")
def big_started():
    ctl = RunController(RunConfig.for_example("parabola-relu", **BIG))
    thread = threading.Thread(target=ctl.run_to_end, daemon=True)
    thread.start()
    wait_for(lambda: ctl.state == "running")
    yield ctl, thread
    ctl.stop()
    thread.join(10)


def test_a_huge_net_shows_progress_inside_its_first_epoch_and_pauses_at_once(big_started):
    ctl, _ = big_started
    wait_for(lambda: ctl.epoch_fraction > 0, timeout=BOUND)
    first = ctl.epoch_fraction
    wait_for(lambda: ctl.epoch_fraction > first, timeout=BOUND)
    assert ctl.epoch == 0  # all of it inside epoch 1
    asked = time.perf_counter()
    ctl.pause()
    wait_for(lambda: ctl.state == "paused", timeout=BOUND)
    assert time.perf_counter() - asked < BOUND
    held = ctl.epoch_fraction
    time.sleep(0.3)
    assert ctl.epoch_fraction == held  # paused means no work
    ctl.resume()
    wait_for(lambda: ctl.epoch_fraction > held, timeout=BOUND)


def test_a_huge_net_stops_at_once_and_ends_on_its_last_finished_epoch(big_started):
    ctl, thread = big_started
    wait_for(lambda: ctl.state == "running")
    asked = time.perf_counter()
    ctl.stop()
    thread.join(BOUND)
    assert not thread.is_alive() and time.perf_counter() - asked < BOUND
    result = ctl.result
    assert result.status == "stopped" and result.epochs == ctl.history.epochs_seen == 0
    assert ctl.epoch_fraction == 0  # the unfinished epoch was dropped: params are those it started from
    want = make_learner(RunConfig.for_example("parabola-relu", **BIG)).flat_params()[0]
    np.testing.assert_array_equal(np.concatenate(result.params), want)


def test_a_stop_inside_an_epoch_reports_the_last_finished_epoch_consistently():
    # Mid-sized: epochs finish every few hundred milliseconds, and a stop lands inside one.
    config = RunConfig.for_example("parabola-relu", hidden="256,256", activation="tanh", points=2000, epochs=500)
    ctl = RunController(config)
    thread = threading.Thread(target=ctl.run_to_end, daemon=True)
    thread.start()
    wait_for(lambda: ctl.epoch >= 2 and ctl.epoch_fraction > 0.2)
    ctl.stop()
    thread.join(BOUND)
    result = ctl.result
    assert result.status == "stopped" and result.epochs == ctl.history.epochs_seen >= 2
    assert result.loss == ctl.history.last("loss")
    # params are those after the last finished epoch: the same run stepped to that epoch has them
    again = RunController(config, start_paused=True)
    t2 = threading.Thread(target=again.run_to_end, daemon=True)
    t2.start()
    again.step(result.epochs)
    wait_for(lambda: again.epoch == result.epochs and again.state == "paused")
    again.stop()
    t2.join(BOUND)
    for a, b in zip(result.params, again.result.params):
        np.testing.assert_array_equal(a, b)


def test_a_change_inside_a_long_epoch_is_recorded_where_it_applies():
    config = RunConfig.for_example("parabola-relu", hidden="256,256", activation="tanh", points=2000, epochs=50)
    ctl = RunController(config)
    thread = threading.Thread(target=ctl.run_to_end, daemon=True)
    thread.start()
    wait_for(lambda: ctl.epoch >= 1 and 0.1 < ctl.epoch_fraction < 0.9)
    ctl.pause()
    wait_for(lambda: ctl.state == "paused")
    at = (ctl.epoch, ctl.epoch_fraction)
    ctl.set_lr(0.0005)
    ctl.step(1)  # finishes the epoch in progress, with the new rate from here
    wait_for(lambda: ctl.epoch == at[0] + 1 and ctl.state == "paused")
    (change,) = ctl.history.changes
    assert (change.epoch, change.fraction, change.new) == (at[0], at[1], 0.0005)
    ctl.stop()
    thread.join(BOUND)


# ----------------------------------------------------------------------------------------- large nets, many members

WIDE = ([1, 200, 200, 1], ["tanh", "relu"])  # ~41k parameters: past the lockstep kernel's scratch limit


def test_large_nets_train_member_by_member_bit_for_bit_as_alone_and_as_in_lanes(monkeypatch):
    assert kernel.lane_scratch_bytes(WIDE[0], 11) > kernel.LANE_SCRATCH_LIMIT
    together = Run(*WIDE, 3, seed=5)
    alone = [Run(*WIDE, 1, seed=5) for _ in range(3)]
    for k, run in enumerate(alone):
        run.params[0], run.Y[0] = together.params[k], together.Y[k]
    got = together.train(4, 1e-4, 0.9, batch_size=3, budget=0)
    for k, run in enumerate(alone):
        want = run.train(4, 1e-4, 0.9, batch_size=3)
        np.testing.assert_array_equal(got[0][k], want[0][0])
        np.testing.assert_array_equal(together.params[k], run.params[0])
    # the lockstep kernel, forced, agrees with it too
    monkeypatch.setattr(kernel, "LANE_SCRATCH_LIMIT", 1 << 40)
    lanes = Run(*WIDE, 3, seed=5)
    lanes.train(4, 1e-4, 0.9, batch_size=3)
    np.testing.assert_array_equal(lanes.params, together.params)
    np.testing.assert_array_equal(lanes.state, together.state)


def test_many_members_of_a_huge_net_still_pause_and_stop_at_once():
    config = RunConfig.for_example("parabola-relu", seeds=4, **BIG)
    ctl = RunController(config)
    thread = threading.Thread(target=ctl.run_to_end, daemon=True)
    thread.start()
    wait_for(lambda: ctl.state == "running")
    wait_for(lambda: ctl.epoch_fraction > 0, timeout=BOUND)
    asked = time.perf_counter()
    ctl.pause()
    wait_for(lambda: ctl.state == "paused", timeout=BOUND)
    assert time.perf_counter() - asked < BOUND
    ctl.resume()
    time.sleep(0.2)
    asked = time.perf_counter()
    ctl.stop()
    thread.join(BOUND)
    assert not thread.is_alive() and time.perf_counter() - asked < BOUND
    assert ctl.result.status == "stopped" and ctl.result.epochs == 0


def test_a_stop_while_a_large_many_seed_run_is_still_loading_lands_at_once():
    # 1,024 members of a 15k-parameter net on 10,000 points: building them takes seconds.
    config = RunConfig.for_example("parabola-relu", seeds=1024, hidden="120,120", points=10_000, epochs=100)
    ctl = RunController(config)
    thread = threading.Thread(target=ctl.run_to_end, daemon=True)
    thread.start()
    wait_for(lambda: ctl.state == "loading")
    time.sleep(0.3)
    asked = time.perf_counter()
    ctl.stop()
    thread.join(BOUND)
    assert not thread.is_alive() and time.perf_counter() - asked < BOUND
    result = ctl.result
    assert result.status == "stopped" and result.epochs == 0 and ctl.error is None
    assert ctl.learner is None  # it stopped while building the members, not after
    from engine import format_summary

    assert format_summary(config, result).startswith("stopped after 0 epochs")
    assert result.to_json()["status"] == "stopped"
