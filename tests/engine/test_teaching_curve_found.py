"""Did the net find the curve? Its training error against the best straight line's, on the seed's parabolas."""

import math
from functools import lru_cache

import numpy as np
import pytest

from engine import RunConfig, RunController
from engine.teaching.curve_found import FOUND_RATIO, LINE_RATIO, best_line, curve_check, found_curve

XS = np.arange(-5.0, 6.0)


@lru_cache(maxsize=None)
def trained(example, seed, **overrides):
    config = RunConfig.for_example(example, seed=seed, **overrides)
    controller = RunController(config)
    controller.run()
    return config, controller.learner.flat_params()[0]


def test_the_best_line_through_the_seeds_parabola_is_flat_at_its_mean_with_mse_78():
    slope, intercept, mse = best_line(XS, XS ** 2)
    assert slope == pytest.approx(0, abs=1e-12) and intercept == pytest.approx(10)
    assert mse == pytest.approx(78)  # mean(x^4) - mean(x^2)^2 = 178 - 100
    np.testing.assert_allclose(best_line(XS, 2 * XS - 1)[:2], (2, -1))


@pytest.mark.parametrize("seed", [0, 1, 8])
def test_seeds_that_find_the_curve_are_judged_found(seed):
    check = found_curve(*trained("parabola-sigmoid", seed))
    assert check.applies and check.found and check.verdict == "found"
    assert check.ratio < 0.05 and check.line_mse == pytest.approx(78)
    assert check.sentence.startswith("found the curve")


@pytest.mark.parametrize("seed", [2, 5])
def test_seeds_that_stay_on_a_straight_line_are_told_to_try_another_seed(seed):
    check = found_curve(*trained("parabola-sigmoid", seed))
    assert not check.found and check.verdict == "line" and check.ratio == pytest.approx(1.0, abs=1e-3)
    assert check.sentence.startswith("stuck near a straight line: try another seed")


@pytest.mark.parametrize("seed", [3, 4])
def test_seeds_that_fit_one_arm_of_the_parabola_are_partial(seed):
    check = found_curve(*trained("parabola-sigmoid", seed))
    assert not check.found and check.verdict == "partial" and FOUND_RATIO < check.ratio < LINE_RATIO


def test_the_measured_clusters_sit_well_inside_the_thresholds():
    # the measurements in curve_found's docstring: found <= 0.041 (sigmoid) and <= 0.353 (noisy), one arm 0.637
    assert 0.353 < FOUND_RATIO < 0.637 < LINE_RATIO < 1.0


def test_while_training_the_verdict_says_so_far():
    config, flat = trained("parabola-sigmoid", 0, epochs=100)  # still near the line at epoch 100
    check = found_curve(config, flat, finished=False)
    assert check.verdict in ("partial", "line") and "so far" in check.sentence


def test_synthetic_predictions_across_the_three_verdicts():
    y = XS ** 2
    assert curve_check(XS, y, y + 0.5).verdict == "found"  # MSE 0.25 of 78
    assert curve_check(XS, y, np.full(11, 10.0)).verdict == "line"  # the best line itself: ratio 1
    half = np.where(XS > 0, y, 7.5)  # one arm exact, the other flat at 7.5
    check = curve_check(XS, y, half)
    assert check.verdict == "partial" and check.ratio == pytest.approx(np.mean((half - y) ** 2) / 78)
    assert curve_check(XS, y, y + np.sqrt(FOUND_RATIO * 78) * 1.01).verdict == "partial"  # just past the threshold
    assert curve_check(XS, y, np.full(11, np.nan)).verdict == "diverged"


def test_the_rule_does_not_apply_to_straight_line_models_or_targets():
    linear = found_curve(RunConfig.for_example("linear-3x"), np.array([3.0, 0.0], np.float32))
    assert not linear.applies and linear.found is None and "no hidden layer" in linear.sentence
    noisy_line = RunConfig.for_example("linear-noisy", hidden="4", activation="relu")
    check = found_curve(noisy_line, np.zeros(13, np.float32))
    assert not check.applies and "straight line" in check.sentence and math.isnan(check.ratio)
    identity = RunConfig.for_example("parabola-relu", activation="identity")
    assert not found_curve(identity, np.zeros(141, np.float32)).applies
    assert not found_curve(RunConfig.for_example("nudge-3x"), np.array([1.0])).applies


def test_with_two_points_a_line_always_fits_so_the_rule_does_not_apply():
    assert not curve_check(np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([0.5, 0.5])).applies
