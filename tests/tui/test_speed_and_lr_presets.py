"""The quick-key presets: learning rates as TensorFlow Playground's, and the speeds a run unfolds at."""

import pytest

from tui.presets import (DEFAULT_SPEED, LR_PRESETS, MARKERS, SPEEDS, SPEEDS_BY_NAME, lr_step, next_marker,
                         next_speed)


def test_the_learning_rate_presets_are_the_playgrounds():
    assert LR_PRESETS == (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


@pytest.mark.parametrize("current, up, down", [
    (0.001, 0.003, 0.0003),
    (0.01, 0.03, 0.003),
    (0.0001, 0.0003, 0.0001),  # the bottom preset stays put going down
    (1.0, 1.0, 0.3),  # the top preset stays put going up
    (0.002, 0.003, 0.001),  # between presets: the nearest preset in that direction
    (5.0, 5.0, 1.0),  # above the presets: down comes back to the top one
    (0.00005, 0.0001, 0.00005),
])
def test_lr_keys_move_one_preset(current, up, down):
    assert lr_step(current, +1) == up
    assert lr_step(current, -1) == down


def test_a_value_a_hair_off_a_preset_counts_as_that_preset():
    assert lr_step(0.001 * (1 + 1e-12), +1) == 0.003


def test_watch_is_the_default_and_unfolds_a_run_over_about_five_seconds():
    assert DEFAULT_SPEED.name == "watch"
    assert DEFAULT_SPEED.pace(2000) == pytest.approx(400)


def test_max_speed_is_unpaced():
    assert SPEEDS_BY_NAME["max"].pace(2000) is None


def test_speeds_get_faster_in_cycle_order_and_wrap_around():
    assert [s.name for s in SPEEDS] == ["slow", "watch", "fast", "max"]
    assert next_speed(SPEEDS_BY_NAME["fast"]).name == "max"
    assert next_speed(SPEEDS_BY_NAME["max"]).name == "slow"
    assert next_speed(SPEEDS_BY_NAME["slow"], -1).name == "max"


def test_a_paced_run_never_crawls_below_one_epoch_a_second():
    assert SPEEDS_BY_NAME["slow"].pace(3) == 1.0


def test_markers_cycle_from_braille_through_every_marker():
    assert MARKERS[0] == "braille"
    seen = [MARKERS[0]]
    for _ in range(len(MARKERS) - 1):
        seen.append(next_marker(seen[-1]))
    assert sorted(seen) == sorted(MARKERS)
    assert next_marker(seen[-1]) == "braille"
