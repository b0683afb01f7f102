"""The UI's side of a run, without Textual: the metric road from the engine's buffer to the UI's history."""

import threading

import pytest

from engine import RunConfig
from engine import format_number
from tui.session import RateMeter, RunSession, describe_change


def run_to_end(session: RunSession) -> None:
    """Run the session's controller on a thread, as the app's worker does, and wait for it."""
    thread = threading.Thread(target=session.controller.run, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()


def test_a_new_session_is_ready_with_nothing_to_show():
    session = RunSession(RunConfig.for_example("linear-3x"))
    assert session.state == "ready" and not session.started and not session.active
    assert session.epoch == 0 and session.loss is None
    assert session.poll().lines == []


def test_poll_carries_whole_chunks_into_the_uis_own_history():
    session = RunSession(RunConfig.for_example("linear-3x", epochs=40))
    controller = session.start(pace=None)
    run_to_end(session)
    update = session.poll()
    assert update.progress and update.finished
    assert session.state == "completed" and session.final
    assert session.history is not controller.history
    assert session.history.epoch.tolist() == list(range(1, 41))
    assert session.loss == pytest.approx(controller.result.loss)


def test_the_log_has_the_config_the_seed_style_lines_and_a_summary_without_timings():
    session = RunSession(RunConfig.for_example("linear-3x", epochs=40))
    session.start(pace=None)
    run_to_end(session)
    lines = session.poll().lines
    assert lines[0].startswith("linear-3x: net 1-1")
    epoch_lines = [line for line in lines if line.startswith("epoch")]
    assert [line.split()[1] for line in epoch_lines] == ["1", "5", "10", "15", "20", "25", "30", "35", "40"]
    assert "weight" in epoch_lines[0] and "grad" in epoch_lines[0] and "loss" in epoch_lines[0]
    assert lines[-3].startswith("finished after 40 epochs: loss ")
    assert lines[-2].startswith("learned y = ")
    assert lines[-1].startswith("error against the true function: inside the training range ")
    assert not any(" s training" in line for line in lines)


def test_a_run_that_stops_between_log_lines_still_logs_its_last_epoch():
    session = RunSession(RunConfig.for_example("nudge-3x"))
    session.start(pace=None)
    run_to_end(session)
    lines = session.poll().lines
    assert session.state == "converged"
    assert any(line.startswith("iteration   44") for line in lines)
    assert "converged after 44 iterations: |error| <= 0.1" in lines
    assert lines[-1].startswith("y = weight * x:  8.98")


def test_a_diverged_run_says_why():
    session = RunSession(RunConfig.for_example("linear-3x", lr=5.0, epochs=200))
    session.start(pace=None)
    run_to_end(session)
    lines = session.poll().lines
    assert session.state == "diverged"
    assert "learning rate" in session.hint
    assert lines[-1].startswith("hint: ")


def test_a_live_learning_rate_change_is_recorded_in_the_history():
    session = RunSession(RunConfig.for_example("linear-3x", epochs=30))
    controller = session.start(pace=None, paused=True)
    thread = threading.Thread(target=controller.run, daemon=True)
    thread.start()
    session.step(10)
    session.set_live("lr", 0.03)
    assert session.lr == 0.03  # what the status line shows at once
    session.resume()
    thread.join(timeout=60)
    update = session.poll()
    assert [(c.name, c.new) for c in update.changes] == [("lr", 0.03)]
    assert session.history.changes == update.changes
    assert any("learning rate 0.01 -> 0.03" in line for line in update.lines)
    assert controller.config.lr == 0.03 and session.requested == {}


def test_stop_ends_the_run_and_sets_done():
    session = RunSession(RunConfig.for_example("parabola-relu", epochs=100_000))
    controller = session.start(pace=None)

    threading.Thread(target=controller.run_to_end, daemon=True).start()
    session.stop()
    assert session.wait(30)
    session.poll()
    assert session.state == "stopped"


def test_the_rate_meter_measures_epochs_per_second_over_a_window():
    meter = RateMeter(window=1.0)
    assert meter.rate is None
    for i in range(21):
        meter.mark(i * 0.1, i * 50)
    assert meter.rate == pytest.approx(500)


def test_numbers_are_written_with_four_significant_digits():
    assert [format_number(v) for v in (0.0123456, 1234.5, 1.5e-5, None, float("nan"), float("inf"))] == [
        "0.01235", "1234", "1.5e-05", "–", "nan", "inf"]


def test_a_change_is_described_in_words():
    from engine import Change

    assert describe_change(Change(512, "lr", 0.001, 0.01)) == "epoch 512: learning rate 0.001 -> 0.01"


def test_a_change_asked_for_after_the_last_epoch_is_not_reported_as_applied():
    session = RunSession(RunConfig.for_example("linear-3x", epochs=5))
    session.start(pace=None)
    run_to_end(session)
    session.set_live("lr", 0.1)  # too late: the run is over
    session.poll()
    assert session.lr == 0.01 and session.history.changes == []
