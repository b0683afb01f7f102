"""A run that blows up stops by itself, says when, and suggests what to change."""

import math

from engine import RunConfig, RunController


def test_a_learning_rate_too_high_diverges_with_a_hint():
    result = RunController(RunConfig.for_example("linear-3x", lr=1.0)).run()
    assert result.status == "diverged"
    assert result.epochs < 201
    assert "learning rate (1) is probably too high; try 0.1" in result.hint
    assert f"epoch {result.epochs}" in result.hint
    assert result.to_json()["loss"] is None or math.isfinite(result.to_json()["loss"])


def test_no_zero_grad_divergence_points_at_zero_grad():
    result = RunController(RunConfig.for_example("linear-3x", zero_grad=False)).run()
    assert result.status == "diverged"
    assert "zero-grad" in result.hint


def test_a_healthy_run_does_not_diverge():
    result = RunController(RunConfig.for_example("parabola-sigmoid", epochs=300)).run()
    assert result.status == "completed" and not result.hint
