"""Each kernel member trains with its own learning rate, momentum and divergence limit (a sweep's cells), and
comes out bit for bit what it gets trained alone with them.

Bit for bit is real here, on every CPU: a lane performs its member's float32 operations in the same order
as the scalar kernel does for that member alone (its own -lr and momentum, rounded to float32 as torch
does; where a lane's momentum is 0 a select leaves its buffer alone, as torch does, without rounding
anything), so nothing can round differently.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from engine import RunConfig, kernel  # noqa: E402
from engine.data import make_data  # noqa: E402
from engine.models import initial_flat  # noqa: E402

pytestmark = pytest.mark.skipif(not kernel.available(), reason="numba is not installed")

# 20 members: one full lockstep block and one with 4 members and 12 idle lanes
LRS = np.geomspace(1e-4, 0.1, 20)
MOMENTA = np.array([0.0, 0.9, 0.5, 0.0, 0.3] * 4)  # lanes with and without momentum share blocks


def members(k, hidden=(10, 10), act="relu"):
    config = RunConfig.for_example("parabola-relu", hidden=hidden, activation=act)
    seeds = [s % 3 for s in range(k)]
    p0 = np.stack([initial_flat(config, s) for s in seeds]).astype(np.float32)
    data = [make_data(config, s) for s in seeds]
    X = np.ascontiguousarray(np.stack([d.x for d in data]), np.float32)
    Y = np.ascontiguousarray(np.stack([d.y for d in data]), np.float32)
    return config, p0, X, Y


def train(config, p0, X, Y, epochs, lr, momentum, optimizer="sgd", loss_limit=1e30, state=None):
    K, P = p0.shape
    params = p0.copy()
    state = np.zeros((K, kernel.state_size(P)), np.float32) if state is None else state
    steps, active = np.zeros(K, np.int64), np.ones(K, np.uint8)
    losses, trace, done = np.zeros((K, epochs)), np.zeros((K, epochs, 0), np.float32), np.zeros(K, np.int64)
    kernel.train(params, state, steps, active, np.array(config.layer_sizes, np.int64),
                 np.array([kernel.ACT_CODES[a] for a in config.activations], np.int64), X, Y, epochs, lr, momentum,
                 0.0, kernel.OPTIMIZER_CODES[optimizer], 1, True, loss_limit, losses, trace, done)
    return params, losses, done, active


def alone(config, p0, X, Y, k, epochs, lr, momentum, **kw):
    return train(config, p0[k:k + 1], X[k:k + 1], Y[k:k + 1], epochs, lr, momentum, **kw)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_each_member_with_its_own_lr_and_momentum_equals_its_run_alone(optimizer):
    config, p0, X, Y = members(20)
    # the engine's limit is 1e6 x the starting loss (about 100 to 200 here)
    params, losses, done, active = train(config, p0, X, Y, 40, LRS, MOMENTA, optimizer, loss_limit=1e8)
    if optimizer == "sgd":
        assert 0 < active.sum() < 20  # the grid spans stable and diverging members
    for k in range(20):
        p1, l1, d1, a1 = alone(config, p0, X, Y, k, 40, LRS[k], MOMENTA[k], optimizer=optimizer, loss_limit=1e8)
        assert (done[k], active[k]) == (d1[0], a1[0])
        np.testing.assert_array_equal(losses[k, :done[k]], l1[0, :d1[0]])
        if active[k]:
            np.testing.assert_array_equal(params[k], p1[0])


def test_a_member_whose_momentum_drops_to_zero_keeps_its_buffer_as_torch_does():
    # Momentum 0.9 then 0: torch leaves the buffer alone while momentum is 0, so it is there again when
    # momentum comes back. A lane at 0 beside lanes with momentum must do the same.
    config, p0, X, Y = members(3, hidden=(5,), act="tanh")
    lr = np.array([1e-3, 2e-3, 5e-4])
    K, P = p0.shape
    state = np.zeros((K, kernel.state_size(P)), np.float32)
    p, _, _, _ = train(config, p0, X, Y, 5, lr, 0.9, state=state)
    p, _, _, _ = train(config, p, X, Y, 5, lr, np.array([0.0, 0.9, 0.0]), state=state)
    p, _, _, _ = train(config, p, X, Y, 5, lr, 0.9, state=state)
    for k in range(K):
        s1 = np.zeros((1, kernel.state_size(P)), np.float32)
        q, _, _, _ = alone(config, p0, X, Y, k, 5, lr[k], 0.9, state=s1)
        q, _, _, _ = train(config, q, X[k:k + 1], Y[k:k + 1], 5, lr[k], [0.0, 0.9, 0.0][k], state=s1)
        q, _, _, _ = train(config, q, X[k:k + 1], Y[k:k + 1], 5, lr[k], 0.9, state=s1)
        np.testing.assert_array_equal(p[k], q[0])
        np.testing.assert_array_equal(state[k], s1[0])


def test_each_member_stops_at_its_own_divergence_limit():
    config, p0, X, Y = members(3)
    _, losses, done, active = train(config, p0, X, Y, 30, 1e-3, 0.0, loss_limit=np.array([1e30, 1.0, 1e30]))
    assert list(active) == [1, 0, 1] and done[1] == 1  # the first epoch's loss is over 1 for member 1 only
    assert np.isnan(losses[1, 1:]).all() and not np.isnan(losses[[0, 2]]).any()


def test_a_per_member_value_of_the_wrong_length_is_refused():
    config, p0, X, Y = members(3)
    with pytest.raises(ValueError, match="lr: expected a number or one per member"):
        train(config, p0, X, Y, 1, [1e-3, 1e-3], 0.0)


def subnormal(a):
    return int(np.sum((a != 0) & (np.abs(a) < np.finfo(np.float32).tiny)))


def test_members_whose_momentum_buffers_sink_into_subnormals_still_equal_their_runs_alone():
    # A dead ReLU unit's buffer decays by `momentum` each step into the subnormal floats and, past momentum
    # 0.5, sticks there; the lockstep kernel steps such lanes without arithmetic on subnormals
    # (kernel._subnormal_lanes says why that is exact). Learning rates that kill the net's units, momenta
    # that stick (0.9, 0.6) and do not (0.5, 0), then a momentum switched to 0 on a stuck buffer.
    config, p0, X, Y = members(8)
    lr = np.array([1e-3, 2e-3, 1e-3, 5e-3, 1e-3, 2e-3, 3e-3, 1e-3])
    mom = np.array([0.9, 0.9, 0.6, 0.9, 0.5, 0.0, 0.6, 0.9])
    K, P = p0.shape
    state = np.zeros((K, kernel.state_size(P)), np.float32)
    p, _, _, _ = train(config, p0, X, Y, 150, lr, mom, loss_limit=1e8, state=state)
    later = np.where(np.arange(K) % 2 == 0, 0.0, mom)
    p, _, _, _ = train(config, p, X, Y, 10, lr, later, loss_limit=1e8, state=state)
    assert subnormal(state[:, :P]) > 0  # the case is exercised
    for k in range(K):
        s1 = np.zeros((1, kernel.state_size(P)), np.float32)
        q, _, _, _ = alone(config, p0, X, Y, k, 150, lr[k], mom[k], loss_limit=1e8, state=s1)
        q, _, _, _ = train(config, q, X[k:k + 1], Y[k:k + 1], 10, lr[k], later[k], loss_limit=1e8, state=s1)
        np.testing.assert_array_equal(p[k], q[0])
        np.testing.assert_array_equal(state[k], s1[0])
