"""nudge-3x reports one consistent story: rows, log, status, summary, JSON and params agree, and a weight
bouncing over the target is shown as a bounce, with the rule that decides it.

Each row is one iteration: the weight it evaluated, its error (and loss), and the weight after its nudge.
The run's loss is the last row's; its params are the last row's next weight (the seed's order: evaluate,
then nudge), which the summary names when no iteration evaluated it.
"""

from __future__ import annotations

import re

import pytest

from engine import Progress, RunConfig, RunController, format_row, format_summary, log_interval, log_lines


def run(**overrides):
    config = RunConfig.for_example("nudge-3x", **overrides)
    ctl = RunController(config)
    result = ctl.run()
    rows, lines = [], []
    every = log_interval(config.epochs)
    for event in ctl.drain():
        if isinstance(event, Progress):
            rows += list(event.chunk.rows())
            lines += log_lines(config, event.chunk, every)
    return config, ctl, result, rows, lines


def test_a_bouncing_run_says_so_and_every_figure_agrees():
    config, ctl, result, rows, lines = run(tolerance=0.01)
    assert result.status == "completed" and result.epochs == 90
    # rows alternate between the two weights either side of 3 from iteration 44 on
    assert {round(r["weight"], 6) for r in rows[44:]} == {2.994422, 3.044422}
    assert all(r["next_weight"] != r["weight"] for r in rows)
    # the log: a row at the start of the bounce, with the note that explains it, once
    notes = [i for i, line in enumerate(lines) if "bouncing" in line]
    assert len(notes) == 1
    assert lines[notes[0] - 1].startswith("iteration   44  weight 2.994  error -0.017  -> nudge up to 3.044")
    note = lines[notes[0]]
    assert "between 2.994 and 3.044" in note and "never converges" in note
    assert "step x |x| = 0.15" in note and "2 x tolerance = 0.02" in note and "at most 0.006667" in note
    # logged rows show where each nudge goes, so the same-phase rows still show the bounce
    assert lines[-1] == "iteration   90  weight 2.994  error -0.017  -> nudge up to 3.044"
    # status (history's last loss), result, JSON and the last row agree; params are the last nudge's weight
    last = rows[-1]
    assert result.loss == ctl.history.last("loss") == last["loss"] == pytest.approx(last["error"] ** 2)
    assert result.params[0][0] == last["next_weight"] == pytest.approx(3.044422, abs=1e-6)
    assert result.to_json()["loss"] == last["loss"] and result.to_json()["params"] == [[last["next_weight"]]]
    summary = format_summary(config, result).splitlines()
    assert summary[0] == "finished after 90 iterations without reaching |error| <= 0.01"
    assert summary[1] == "y = weight * x:  8.9833 = 2.9944 x 3  (iteration 90: error -0.0167, loss 0.00028)"
    assert summary[2].startswith("then its nudge moved the weight up to 3.0444")
    assert summary[3].startswith("hint: it bounces between w = 2.994 and 3.044")
    assert "never stops" in result.hint


def test_a_converging_run_ends_on_the_weight_that_met_the_tolerance():
    config, ctl, result, rows, lines = run()
    assert result.status == "converged"
    # (iteration 44 is not a round one: the CLI and the app log it when the run ends between log lines)
    assert format_row(config, rows[-1]) == "iteration   44  weight 2.994  error -0.017  within 0.1: stop"
    assert rows[-1]["next_weight"] == rows[-1]["weight"] == result.params[0][0]
    assert result.loss == rows[-1]["loss"] and not result.hint
    assert not any("bouncing" in line for line in lines)
    summary = format_summary(config, result).splitlines()
    assert summary == ["converged after 44 iterations: |error| <= 0.1", "y = weight * x:  8.9833 = 2.9944 x 3"]


def test_a_run_cut_off_before_the_target_says_how_many_nudges_it_lacked():
    config, ctl, result, rows, lines = run(step=0.001, epochs=20)
    assert result.status == "completed"
    assert rows[-1]["next_weight"] == result.params[0][0] == pytest.approx(rows[-1]["weight"] + 0.001)
    assert re.search(r"\d+ more nudges of 0.001 bring w to", result.hint)
    assert lines[-1] == "iteration   20  weight 0.8634  error -6.410  -> nudge up to 0.8644"  # decimals show the step
    assert not any("bouncing" in line for line in lines)


def test_with_a_negative_x_the_weight_walks_away_and_never_bounces():
    config, ctl, result, rows, lines = run(sample_x=-3, sample_y=-9, epochs=30)
    assert result.status == "completed"
    assert not any("bouncing" in line for line in lines)
    assert "away" in result.hint
    errors = [abs(r["error"]) for r in rows]
    assert errors == sorted(errors)


def test_many_seeds_of_the_nudge_learner_still_summarise():
    config, ctl, result, rows, lines = run(seeds=3, tolerance=0.01)
    text = format_summary(config, result)
    assert "3 seeds: 3 completed" in text and "y = weight * x:" in text
