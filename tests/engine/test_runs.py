"""The runs of a session: the table's rows, what differs from the example's defaults, pins (up to 8, one colour
slot each), deleting, and what a finished run keeps."""

import numpy as np
import pytest

from engine import (MAX_PINS, MAX_RUNS, TABLE_COLUMNS, History, MetricChunk, RunConfig, RunLog, finish_record,
                    pinned_curves, pinned_lines, row_detail, run_row, settings_diff, table_layout)
from engine.controller import RunController
from engine.runs import MIN_CUT, SHORT_COLUMNS, format_seconds
from engine.layout import param_count
from engine.models import predict


def history(epochs: int, start: float = 10.0) -> History:
    h = History(4096)
    e = np.arange(1, epochs + 1)
    h.append(MetricChunk(epoch=e, loss=start / e))
    return h


def test_a_run_with_the_examples_own_settings_differs_in_nothing():
    assert settings_diff(RunConfig.for_example("parabola-relu")) == "defaults"


def test_what_differs_is_written_as_a_person_types_it_seeds_included():
    config = RunConfig.for_example("parabola-relu", lr=0.1, hidden="16,16", seeds=8, batch_size=0)
    assert settings_diff(config) == "lr 0.1, hidden 16,16, batch_size full, seeds 8"


def test_a_table_row_names_the_run_its_example_diff_loss_epochs_time_and_status():
    log = RunLog()
    record = log.add(RunConfig.for_example("linear-3x", epochs=50))
    finish_record(record, status="completed", history=history(50), seconds=0.0123, params=None)
    row = run_row(record)
    assert len(row) == len(TABLE_COLUMNS)
    assert row == ("  #1", "linear-3x", "epochs 50", "0.2", "50/50", "12ms", "completed")
    log.toggle_pin(record)
    assert run_row(record)[0] == "● #1"


def test_a_running_run_shows_no_time_yet():
    record = RunLog().add(RunConfig.for_example("linear-3x"))
    assert run_row(record)[5:] == ("–", "running")


def test_the_time_takes_at_most_five_characters_under_ten_hours():
    cases = {0.0123: "12ms", 0.25: "250ms", 0.9999: "1.0s", 3.42: "3.4s", 59.96: "1m00s", 125: "2m05s",
             3599.6: "1h00m", 3725: "1h02m", 9.9 * 3600: "9h54m", None: "–", float("nan"): "–"}
    assert {s: format_seconds(s) for s in cases} == cases


def test_a_training_runs_row_counts_its_live_history_and_reads_state_and_time_from_its_controller():
    config = RunConfig.for_example("linear-3x", epochs=2000)
    record = RunLog().add(config)
    record.history = history(7)  # the live history: the app's tick appends to it
    assert run_row(record)[3:] == ("1.429", "   7/2000", "–", "running")  # no controller yet: no time
    record.controller = RunController(RunConfig.for_example("linear-3x", epochs=30))
    assert run_row(record)[4:] == ("   7/2000", "–", "ready")  # the model is not built yet
    record.history.append(MetricChunk(epoch=np.arange(8, 31), loss=10 / np.arange(8, 31)))
    record.controller.run()  # here, to the end: the record stays 'running' until the app finishes it
    epochs, seconds, state = run_row(record)[4:]
    assert epochs == "  30/2000" and state == "completed" and seconds != "–"
    finish_record(record, status="completed", history=record.history, seconds=0.5, params=None)
    assert record.controller is None  # the learner and its model can go
    assert run_row(record)[4:] == ("  30/2000", "500ms", "completed")


LONG = ("  #12", "parabola-sigmoid", "lr 0.05, hidden 16,16, epochs 3000, seeds 8", "0.0123",
        "3000/3000", "2m05s", "completed")
SHORT = ("  #1", "linear-3x", "defaults", "1.5e-05", "20/20", "12ms", "converged")


def test_a_wide_table_shows_every_text_whole_under_its_full_header():
    layout = table_layout([LONG, SHORT], 118)
    assert layout.headers == TABLE_COLUMNS
    assert [layout.fit(row) for row in (LONG, SHORT)] == [LONG, SHORT]


def test_at_80_columns_the_diff_is_cut_with_an_ellipsis_and_every_column_fits():
    width = 80 - 2 - 2  # the dialog's border and a vertical scrollbar
    layout = table_layout([LONG, SHORT], width)
    assert layout.headers == SHORT_COLUMNS
    assert sum(layout.widths) + 2 * len(layout.widths) <= width  # each cell is padded by 1 on both sides
    fitted = layout.fit(LONG)
    assert fitted[2].endswith("…") and LONG[2].startswith(fitted[2][:-1]) and len(fitted[2]) == layout.widths[2]
    assert fitted[:2] + fitted[3:] == LONG[:2] + LONG[3:]  # the example, numbers and status stay whole
    assert layout.fit(SHORT) == SHORT  # a short diff is not padded or cut


def test_a_very_narrow_table_cuts_the_example_too_but_never_numbers_below_a_few_letters():
    layout = table_layout([LONG, SHORT], 60)
    fitted = layout.fit(LONG)
    assert fitted[1] == "parabol…" and len(fitted[2]) == MIN_CUT and fitted[3:] == LONG[3:]
    assert table_layout([LONG], 20).fit(LONG)[3:] == LONG[3:]  # too narrow to fit: wider than asked, still whole


def test_the_detail_line_gives_the_diff_uncut():
    record = RunLog().add(RunConfig.for_example("parabola-sigmoid", lr=0.05, hidden="16,16", seeds=8))
    assert row_detail(record) == "#1 parabola-sigmoid: lr 0.05, hidden 16,16, seeds 8"


def test_eight_runs_can_be_pinned_and_a_ninth_is_refused_with_the_reason():
    log = RunLog()
    records = [log.add(RunConfig.for_example("linear-3x", seed=s)) for s in range(MAX_PINS + 1)]
    for r in records[:MAX_PINS]:
        assert "pinned" in log.toggle_pin(r)
    message = log.toggle_pin(records[-1])
    assert not records[-1].pinned and f"{MAX_PINS} runs are pinned already" in message
    assert "unpinned" in log.toggle_pin(records[0]) and "pinned" in log.toggle_pin(records[-1])
    assert len(log.pinned) == MAX_PINS


def test_the_table_forgets_the_oldest_unpinned_run_first_and_never_a_pinned_one():
    log = RunLog()
    first = log.add(RunConfig.for_example("linear-3x"))
    log.toggle_pin(first)
    for _ in range(MAX_RUNS):
        log.add(RunConfig.for_example("linear-3x"))
    assert len(log.records) == MAX_RUNS and log.records[0] is first and log.find(2) is None
    log.delete(first)
    assert log.find(1) is None and len(log.records) == MAX_RUNS - 1


def test_pinned_lines_keep_their_colour_slot_skip_the_run_on_screen_and_other_examples():
    log = RunLog()
    a, b, c = (log.add(RunConfig.for_example(e)) for e in ("linear-3x", "linear-noisy", "linear-3x"))
    for r in (a, b, c):
        finish_record(r, status="completed", history=history(20), seconds=0.1, params=None)
        log.toggle_pin(r)
    lines = pinned_lines(log.records, "linear-3x")
    assert [(line.slot, line.label) for line in lines] == [(0, "#1"), (2, "#3")]
    assert [line.slot for line in pinned_lines(log.records, "linear-3x", skip=a)] == [2]


def test_a_finished_run_keeps_a_thinned_history_and_a_small_nets_parameters():
    config = RunConfig.for_example("parabola-sigmoid", seeds=3)
    record = RunLog().add(config)
    params = np.random.default_rng(0).normal(size=(3, param_count(config.layer_sizes))).astype(np.float32)
    finish_record(record, status="completed", history=history(3000), seconds=1.0, params=params)
    assert len(record.history) <= 512 and record.history.epoch[-1] == 3000 and record.epochs == 3000
    assert record.loss == pytest.approx(10 / 3000)
    params[:] = 0  # the record holds its own copy
    assert np.any(record.params != 0)


def test_a_large_nets_parameters_are_not_kept():
    config = RunConfig.for_example("parabola-relu", hidden="512,512")
    record = RunLog().add(config)
    finish_record(record, status="stopped", history=history(5), seconds=None,
                  params=np.zeros((1, param_count(config.layer_sizes)), np.float32))
    assert record.params is None


def test_a_pinned_runs_fit_is_the_median_of_its_members_predictions():
    config = RunConfig.for_example("parabola-sigmoid", seeds=3)
    log = RunLog()
    record = log.add(config)
    params = np.random.default_rng(2).normal(size=(3, param_count(config.layer_sizes))).astype(np.float32)
    finish_record(record, status="completed", history=history(5), seconds=1.0, params=params)
    grid = np.linspace(-5, 5, 9)
    assert pinned_curves(log.records, config, grid) == []  # not pinned
    log.toggle_pin(record)
    [(slot, label, curve)] = pinned_curves(log.records, config, grid)
    each = np.stack([predict(p, config.layer_sizes, config.activations, grid) for p in params])
    assert (slot, label) == (0, "#1")
    np.testing.assert_array_equal(curve, np.median(each, axis=0))
    assert pinned_curves(log.records, RunConfig.for_example("parabola-relu"), grid) == []
