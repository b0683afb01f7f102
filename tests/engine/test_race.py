"""An optimizer race: each racer is exactly the single run with its optimizer, momentum and learning rate, all
from the same data and initial weights; the epoch each first reached the target loss is reported."""

import math
import threading

import numpy as np
import pytest

from engine import (RACERS, ConfigError, RunConfig, RunController, RunState, first_reach, race_configs, run_race,
                    starting_loss)


def test_each_racer_equals_its_single_run_bit_for_bit():
    # Bit for bit: a racer is an ordinary run of race_configs' config, so the app's live RunController of
    # that config and `nudge run` with the same flags go through the very same operations.
    config = RunConfig.for_example("parabola-relu", epochs=80)
    result = run_race(config, lrs={"adam": 0.01})
    assert list(result.racers) == list(RACERS) == ["sgd", "momentum", "adam"]
    for name, racer in result.racers.items():
        r = RACERS[name]
        lr = 0.01 if name == "adam" else r.lr
        flags = RunConfig.for_example("parabola-relu", epochs=80, optimizer=r.optimizer, momentum=r.momentum, lr=lr)
        assert racer.config == flags
        single = RunController(flags).run()
        assert (racer.status, racer.epochs, racer.loss) == (single.status, single.epochs, single.loss)
        for got, want in zip(racer.run.params, single.params):
            np.testing.assert_array_equal(got, want)
        assert len(racer.history) == 80 and racer.history.loss[-1] == single.loss


def test_racers_start_from_the_same_weights_and_data():
    configs = race_configs(RunConfig.for_example("parabola-sigmoid", seed=7))
    assert {c.seed for c in configs.values()} == {7}
    assert {(c.optimizer, c.momentum) for c in configs.values()} == {("sgd", 0.0), ("sgd", 0.9), ("adam", 0.0)}
    assert len({starting_loss(c) for c in configs.values()}) == 1


def test_the_reach_epoch_is_the_first_epoch_at_or_under_the_target():
    epochs = np.arange(1, 7)
    losses = np.array([10.0, math.nan, 4.0, 0.99, 0.5, 2.0])
    assert first_reach(epochs, losses, 1.0) == 4
    assert first_reach(epochs, losses, 4.0) == 3
    assert first_reach(epochs, losses, 0.1) is None
    assert first_reach(epochs[:0], losses[:0], 1.0) is None


def test_the_default_target_is_one_percent_of_the_starting_loss_and_never_reached_says_none():
    config = RunConfig.for_example("parabola-relu", epochs=3)
    result = run_race(config)
    assert result.start_loss == starting_loss(config) and result.reach == pytest.approx(0.01 * result.start_loss)
    assert all(r.reached is None for r in result.racers.values())  # three epochs are not enough
    loose = run_race(config, reach=result.start_loss * 10)
    assert all(r.reached == 1 for r in loose.racers.values())


def test_a_stop_stops_the_race_and_the_racers_after_it_never_start():
    stop = threading.Event()
    stop.set()
    result = run_race(RunConfig.for_example("parabola-relu", epochs=50), stop=stop)
    assert result.status == RunState.STOPPED
    assert all(r.status == RunState.STOPPED and r.run is None for r in result.racers.values())


def test_nudge_3x_and_bad_learning_rates_are_refused_by_name():
    with pytest.raises(ConfigError, match="no optimizer to race"):
        race_configs(RunConfig.for_example("nudge-3x"))
    with pytest.raises(ConfigError) as info:
        race_configs(RunConfig.for_example("linear-3x"), {"adam": "fast"})
    assert info.value.message("cli").startswith("--adam-lr: 'fast' is not allowed")
    with pytest.raises(ConfigError, match="not a racer"):
        race_configs(RunConfig.for_example("linear-3x"), {"rmsprop": 0.1})
