"""The race view's numbers: each racer's loss as a line in its own colour slot, and its words (final loss, the
epoch it first reached the target, not yet, or never)."""

import numpy as np

from engine import History, MetricChunk, racer_lines, racer_words


def history(losses) -> History:
    h = History(64)
    if len(losses):
        h.append(MetricChunk(epoch=np.arange(1, len(losses) + 1), loss=np.asarray(losses, dtype=float)))
    return h


def test_a_racer_keeps_its_slot_whichever_racers_have_data_yet():
    lines = racer_lines({"sgd": (0.001, history([])), "adam": (0.01, history([3.0, 1.0]))})
    assert [(line.slot, line.label) for line in lines] == [(2, "adam lr 0.01")]
    assert lines[0].loss.tolist() == [3.0, 1.0]


def test_a_racers_words_say_when_it_first_reached_the_target():
    assert racer_words("sgd", 0.001, history([5.0, 0.9, 0.5, 0.8]), 1.0, "completed") == \
        "sgd (lr 0.001): loss 0.8, reached 1 at epoch 2 (completed)"


def test_a_racer_that_has_not_reached_it_says_not_yet_while_running_and_never_once_done():
    h = history([5.0, 4.0])
    assert racer_words("adam", 0.001, h, 1.0, "running").endswith("reached 1 not yet (running)")
    assert racer_words("adam", 0.001, h, 1.0, "completed").endswith("reached 1 never (completed)")
    assert racer_words("adam", 0.001, history([np.nan]), 1.0, "diverged").endswith("never (diverged)")


def test_while_the_target_is_not_known_a_racers_words_leave_reaching_out():
    assert racer_words("sgd", 0.001, history([5.0, 0.9]), float("nan"), "running") == "sgd (lr 0.001): loss 0.9 (running)"
