"""A run's end says what the notebook says by hand: whether a parabola net found the curve or stayed near a
straight line (run it again), and, with zero-grad off, that the gradients piled up and by how much."""

from __future__ import annotations

import json

from engine import RunConfig, RunController, format_summary


def finish(example: str, **overrides):
    config = RunConfig.for_example(example, **overrides)
    return config, RunController(config).run()


def test_a_sigmoid_net_stuck_on_a_straight_line_is_called_out():
    # seed 2 of the seed's sigmoid net never leaves the flat line y = 10 (GUIDE: loss ~78 for 2000 epochs)
    config, result = finish("parabola-sigmoid", seed=2)
    assert result.curve["verdict"] == "line"
    assert "stuck near a straight line: try another seed" in format_summary(config, result)
    assert json.loads(json.dumps(result.to_json()))["found_curve"]["verdict"] == "line"


def test_a_net_that_found_the_curve_says_so():
    config, result = finish("parabola-sigmoid", seed=0)
    assert result.curve["verdict"] == "found"
    assert "found the curve" in format_summary(config, result)


def test_many_seeds_count_how_many_found_the_curve():
    config, result = finish("parabola-sigmoid", seeds=8, epochs=2000)
    verdicts = [run["found_curve"] for run in result.runs]
    summary = format_summary(config, result)
    assert f"{verdicts.count('found')} of 8 seeds found the curve" in summary
    if verdicts.count("line"):
        assert f"{verdicts.count('line')} stayed near a straight line" in summary


def test_linear_models_get_no_curve_verdict():
    _, result = finish("linear-3x")
    assert result.curve is None and "found_curve" not in result.to_json()


def test_zero_grad_off_says_the_gradients_piled_up_and_by_how_much():
    for backend in ("auto", "autograd"):
        config, result = finish("linear-3x", zero_grad=False, epochs=8, backend=backend)
        (note,) = result.notes
        assert "zero grad was off" in note and "after 48 steps" in note  # 8 epochs x 6 samples
        assert note in format_summary(config, result)
    _, result = finish("linear-3x", epochs=8)
    assert result.notes == []


def test_the_status_lines_tally_counts_the_seeds_that_found_the_curve_by_the_engines_rule():
    from engine import curve_tally

    runs = [{"found_curve": v} for v in ["found"] * 19 + ["line"] * 11 + ["partial"] * 2]
    assert curve_tally(runs) == "19/32 found the curve"
    assert curve_tally([{"found_curve": "not applicable"}] * 4) == ""  # a straight-line target: the rule is silent
    assert curve_tally([]) == ""
