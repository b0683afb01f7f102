"""How a many-seed run's members spread: the loss band (best to worst under 10 members, 10th-90th percentile
from 10 on) and what the fit chart draws (every curve up to 16 members, the band beyond)."""

import numpy as np
import pytest

from engine import MAX_FAINT, PERCENTILE_FROM, band_quantiles, band_rule, curve_spread, member_band, member_median


def test_below_ten_members_the_band_runs_from_the_best_to_the_worst_member():
    assert band_quantiles(PERCENTILE_FROM - 1) == (0.0, 1.0) and band_rule(2) == "best to worst"
    losses = np.array([[3.0, 2.0, 1.0], [5.0, 1.0, 0.5], [4.0, 9.0, 0.7]])
    low, high = member_band(losses)
    assert low.tolist() == [3.0, 1.0, 0.5] and high.tolist() == [5.0, 9.0, 1.0]


def test_from_ten_members_on_the_band_is_the_10th_to_90th_percentile():
    assert band_quantiles(PERCENTILE_FROM) == (0.1, 0.9) and band_rule(64) == "10th-90th percentile"
    rng = np.random.default_rng(0)
    losses = rng.lognormal(size=(12, 40))
    low, high = member_band(losses)
    np.testing.assert_array_equal(low, np.quantile(losses, 0.1, axis=0))  # numpy's own rule, same arithmetic
    np.testing.assert_array_equal(high, np.quantile(losses, 0.9, axis=0))
    assert np.all(losses.min(axis=0) < low) and np.all(high < losses.max(axis=0))  # one odd seed does not stretch it


def test_members_that_stopped_or_blew_up_are_left_out_and_a_column_with_none_left_is_nan():
    losses = np.array([[1.0, np.nan, np.nan], [2.0, 4.0, np.inf], [3.0, 6.0, np.nan]])
    low, high = member_band(losses)
    assert low[:2].tolist() == [1.0, 4.0] and high[:2].tolist() == [3.0, 6.0]
    assert np.isnan(low[2]) and np.isnan(high[2])
    assert member_median(losses)[:2].tolist() == [2.0, 5.0]


def test_a_band_needs_members_by_points():
    with pytest.raises(ValueError):
        member_band(np.ones(5))
    assert [len(a) for a in member_band(np.ones((3, 0)))] == [0, 0]


def test_one_member_is_its_own_curve_with_nothing_faint_and_no_band():
    spread = curve_spread(np.arange(5.0))
    assert spread.median.tolist() == list(range(5)) and len(spread.faint) == 0 and not spread.banded


def test_up_to_16_members_every_curve_is_drawn_faint_under_the_median():
    predictions = np.arange(MAX_FAINT * 3, dtype=float).reshape(MAX_FAINT, 3)
    spread = curve_spread(predictions)
    assert not spread.banded and len(spread.faint) == MAX_FAINT
    np.testing.assert_array_equal(spread.median, np.median(predictions, axis=0))


def test_beyond_16_members_the_fit_shades_the_band_instead_of_drawing_each_curve():
    predictions = np.random.default_rng(1).normal(size=(MAX_FAINT + 1, 7))
    spread = curve_spread(predictions)
    assert spread.banded and len(spread.faint) == 0 and spread.members == MAX_FAINT + 1
    np.testing.assert_array_equal(spread.low, np.quantile(predictions, 0.1, axis=0))
    assert np.all(spread.low <= spread.median) and np.all(spread.median <= spread.high)
