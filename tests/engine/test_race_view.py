"""The race view's numbers: each racer's loss as a line in its own colour slot, and its words (final loss, the
epoch it first reached the target, not yet, or never)."""

import numpy as np

from engine import History, MetricChunk, Progress, ReachWatch, first_reach, racer_lines, racer_words


def history(losses) -> History:
    h = History(64)
    if len(losses):
        h.append(MetricChunk(epoch=np.arange(1, len(losses) + 1), loss=np.asarray(losses, dtype=float)))
    return h


def test_a_racer_keeps_its_slot_whichever_racers_have_data_yet():
    lines = racer_lines({"sgd": (0.001, history([])), "adam": (0.01, history([3.0, 1.0]))})
    assert [(line.slot, line.label) for line in lines] == [(2, "adam lr 0.01")]
    assert lines[0].loss.tolist() == [3.0, 1.0]


def test_a_racers_words_say_the_epoch_it_first_reached_the_target():
    assert racer_words("sgd", 0.001, history([5.0, 0.9, 0.5, 0.8]), 1.0, 2, "completed") == \
        "sgd (lr 0.001): loss 0.8, reached 1 at epoch 2 (completed)"


def test_a_racer_that_has_not_reached_it_says_not_yet_while_running_and_never_once_done():
    h = history([5.0, 4.0])
    assert racer_words("adam", 0.001, h, 1.0, None, "running").endswith("reached 1 not yet (running)")
    assert racer_words("adam", 0.001, h, 1.0, None, "completed").endswith("reached 1 never (completed)")
    assert racer_words("adam", 0.001, history([np.nan]), 1.0, None, "diverged").endswith("never (diverged)")


def test_while_the_target_is_not_known_a_racers_words_leave_reaching_out():
    assert racer_words("sgd", 0.001, history([5.0, 0.9]), float("nan"), None, "running") == \
        "sgd (lr 0.001): loss 0.9 (running)"


def test_a_reach_watch_notes_the_first_epoch_at_the_target_from_every_chunk_where_a_thinned_history_cannot():
    losses = np.linspace(10.0, 0.0, 10_000)  # the loss passes 1.0 at epoch 9001 (1-based)
    watch, thinned = ReachWatch(1.0), History(64)
    for start in range(0, 10_000, 500):  # chunks as the training thread publishes them
        chunk = MetricChunk(epoch=np.arange(start + 1, start + 501), loss=losses[start:start + 500])
        watch(Progress(chunk))
        thinned.append(chunk)
    assert watch.epoch == 1 + int(np.flatnonzero(losses <= 1.0)[0]) == 9001
    assert first_reach(thinned.epoch, thinned.loss, 1.0) != 9001  # 64 rows of 10,000 epochs: that one is gone
    watch(Progress(MetricChunk(epoch=np.arange(1, 3), loss=np.zeros(2))))
    assert watch.epoch == 9001  # the first stays the first
