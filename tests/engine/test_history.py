"""A long run's history stays bounded and keeps the points a chart must not lose."""

import numpy as np
import pytest

from engine import History, MetricChunk


def chunk(start, losses):
    losses = np.asarray(losses, dtype=float)
    return MetricChunk(epoch=np.arange(start, start + len(losses)), loss=losses)


def test_history_never_grows_past_its_capacity_and_keeps_first_last_min_max():
    history = History(capacity=64)
    rng = np.random.default_rng(0)
    losses = rng.uniform(1, 2, 10_000)
    losses[1234], losses[7777] = 0.001, 99.0
    for start in range(0, 10_000, 100):
        history.append(chunk(start + 1, losses[start:start + 100]))
        assert len(history) <= 64
    assert history.epoch[0] == 1 and history.epoch[-1] == 10_000
    assert history.loss.min() == 0.001 and history.loss.max() == 99.0
    assert np.all(np.diff(history.epoch) > 0)
    assert history.epochs_seen == 10_000


def test_small_capacity_is_refused():
    with pytest.raises(ValueError):
        History(capacity=4)
