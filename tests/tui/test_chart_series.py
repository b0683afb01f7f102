"""Numbers behind the charts: downsampling, EMA smoothing, log10 of the loss, axis ticks, limits."""

import math
import re

import numpy as np
import pytest

from tui.series import (clip_curve, downsample, ema, fit_limits, format_count, format_power, format_tick,
                        int_ticks, log_ticks, loss_view, nice_ticks, safe_log10)


def test_downsample_leaves_a_short_series_alone():
    x, y = np.arange(10.0), np.arange(10.0) ** 2
    dx, dy = downsample(x, y, 50)
    assert dx.tolist() == x.tolist() and dy.tolist() == y.tolist()


def test_downsample_keeps_about_the_budget_and_the_ends():
    x = np.arange(1, 20_001, dtype=float)
    y = np.exp(-x / 5000)
    dx, dy = downsample(x, y, 80)
    assert len(dx) <= 80
    assert dx[0] == 1 and dx[-1] == 20_000
    assert np.all(np.diff(dx) > 0)


def test_downsample_never_loses_a_spike_or_the_lowest_point():
    x = np.arange(10_000, dtype=float)
    y = np.ones(10_000)
    y[4321] = 1e6
    y[7777] = 1e-9
    _, dy = downsample(x, y, 40)
    assert dy.max() == 1e6 and dy.min() == 1e-9


def test_downsample_drops_non_finite_points():
    dx, dy = downsample(np.arange(5.0), np.array([1, np.nan, np.inf, 2, 3.0]), 10)
    assert dx.tolist() == [0, 3, 4] and dy.tolist() == [1, 2, 3]


def test_ema_starts_at_the_first_value_and_follows():
    out = ema(np.array([10.0, 0.0, 0.0]), weight=0.5)
    assert out.tolist() == [10.0, 5.0, 2.5]


def test_ema_skips_non_finite_values():
    out = ema(np.array([np.nan, 4.0, np.inf, 0.0]), weight=0.5)
    assert math.isnan(out[0]) and math.isnan(out[2])
    assert out[1] == 4.0 and out[3] == 2.0


def test_ema_weight_must_be_below_one():
    with pytest.raises(ValueError):
        ema(np.ones(3), weight=1.0)


def test_log10_of_the_loss_floors_zero_and_drops_infinity():
    out = safe_log10(np.array([100.0, 0.0, -1.0, np.inf, np.nan]))
    assert out[0] == 2.0 and out[1] == -12.0 and out[2] == -12.0
    assert math.isnan(out[3]) and math.isnan(out[4])


def test_log_ticks_are_labelled_in_loss_units():
    ticks, labels = log_ticks(-3.2, 2.1, max_ticks=6)
    assert labels == ["0.001", "0.01", "0.1", "1", "10", "100"]
    assert ticks == pytest.approx([-3, -2, -1, 0, 1, 2])


def test_log_ticks_thin_out_over_many_decades():
    ticks, labels = log_ticks(-10, 6, max_ticks=4)
    assert 2 <= len(ticks) <= 4
    assert all(label.startswith("1e") or label in ("1", "10", "100", "1000", "0.1", "0.01", "0.001")
               for label in labels)


def test_log_ticks_within_one_decade_use_intermediate_values():
    ticks, labels = log_ticks(math.log10(1.5), math.log10(9), max_ticks=5)
    assert labels == ["2", "5"]


def test_format_power_writes_short_numbers():
    assert [format_power(k) for k in (-3, 0, 2, -6, 7)] == ["0.001", "1", "100", "1e-06", "1e+07"]


def test_int_ticks_are_round_epochs():
    assert int_ticks(0, 2000, 5) == [0, 500, 1000, 1500, 2000]
    assert int_ticks(0, 90, 6) == [0, 20, 40, 60, 80]
    assert int_ticks(0, 1, 4) == [0, 1]


def test_nice_ticks_are_round_numbers_within_the_range():
    assert nice_ticks(-1, 6, 5) == [0, 2, 4, 6]
    assert nice_ticks(-10, 10, 6) == [-10, -5, 0, 5, 10]
    assert nice_ticks(-5.1, 20.1, 4) == [0, 10, 20]
    assert nice_ticks(3, 3, 4) == []


def test_format_tick_is_short():
    assert [format_tick(v) for v in (0.0, 2.5, -10.0, 12345.0, 7.9e9)] == ["0", "2.5", "-10", "1.234e+04", "7.9e+09"]


def test_format_count_shortens_big_epoch_counts():
    assert [format_count(n) for n in (1500, 20_000, 1_500_000)] == ["1500", "20k", "1.5M"]


def test_loss_view_in_log_scale_plots_log10_with_ticks_in_loss_units():
    epochs = np.arange(1, 101)
    loss = 10.0 ** -(epochs / 25.0)  # from 0.9 down to 1e-4
    view = loss_view(epochs, loss, budget=50, log=True, smooth=False, rows=12)
    assert len(view.x) <= 50
    assert view.y.max() <= 0 and view.y.min() == pytest.approx(-4)
    assert "0.001" in view.ylabels
    assert view.raw_x is None


def test_loss_view_linear_starts_the_axis_at_zero():
    view = loss_view(np.arange(1, 11), np.linspace(5, 1, 10), budget=40, log=False, smooth=False)
    assert view.ylim[0] == 0.0 and view.ylim[1] == 5.0
    assert view.ylabels == ["0", "2", "4"]


def test_loss_view_linear_labels_huge_losses_briefly():
    view = loss_view(np.arange(1, 4), np.array([1.0, 1e5, 7.96e9]), budget=40, log=False, smooth=False, rows=8)
    assert view.ylabels[-1] == "6e+09" and all(len(label) <= 6 for label in view.ylabels)


def test_loss_view_smoothed_keeps_the_raw_line_underneath():
    rng = np.random.default_rng(0)
    loss = 1.0 + rng.random(500)
    view = loss_view(np.arange(1, 501), loss, budget=60, log=False, smooth=True)
    assert view.raw_y is not None and len(view.raw_y) <= 60
    assert np.std(np.diff(view.y)) < np.std(np.diff(view.raw_y))


def test_loss_view_survives_a_diverged_run():
    loss = np.array([1.0, 10.0, 1e30, np.inf, np.nan])
    view = loss_view(np.arange(1, 6), loss, budget=20, log=True, smooth=True)
    assert np.all(np.isfinite(view.y)) and view.ylim[1] == pytest.approx(30)


def test_loss_view_of_nothing_is_empty():
    view = loss_view(np.array([]), np.array([]), budget=20, log=True, smooth=False)
    assert view.empty and view.ylim is None


def test_fit_limits_hold_data_and_truth_with_a_margin():
    lo, hi = fit_limits([np.array([0.0, 10.0]), np.array([-10.0, 90.0])], margin=0.1)
    assert lo == pytest.approx(-20) and hi == pytest.approx(100)


def test_fit_limits_of_a_single_point_are_not_degenerate():
    lo, hi = fit_limits([np.array([9.0])])
    assert lo < 9 < hi


def test_a_wild_model_curve_is_held_just_outside_the_chart():
    out = clip_curve(np.array([1e30, -1e30, 5.0, np.nan]), (0.0, 10.0))
    assert out[0] == pytest.approx(10.5) and out[1] == pytest.approx(-0.5) and out[2] == 5.0
    assert math.isnan(out[3])


def test_the_loss_ema_starts_on_the_data_instead_of_lagging_up_from_it():
    from tui.series import ema_over

    out = ema_over(np.array([1.0, 2.0, 3.0]), np.array([10.0, 10.0, 10.0]), span=50)
    np.testing.assert_allclose(out, [10.0, 10.0, 10.0])  # debiased: a flat series stays flat from the start


def test_the_loss_ema_remembers_a_span_of_epochs_whatever_the_row_spacing():
    from tui.series import ema_over

    # a step from 0 to 1: after one span of epochs the average has covered 1 - 1/e of the step, whether the
    # rows come every epoch or every tenth (as in a thinned-out history)
    for stride in (1, 10):
        epochs = np.arange(0, 1001, stride, dtype=float)
        values = (epochs > 500).astype(float)
        out = ema_over(epochs, values, span=100)
        at = int(np.searchsorted(epochs, 600))
        # 100 epochs after the step: 1 - exp(-100/100), up to the start's debiasing weight (exp(-5), < 0.01)
        assert out[at] == pytest.approx(1 - np.exp(-1), abs=0.01)


def test_short_runs_are_smoothed_over_a_short_span():
    from tui.series import smoothing_span

    assert smoothing_span(30) == 1.0 and smoothing_span(2000) == 40.0


def test_a_band_cut_to_the_columns_keeps_each_stretchs_lowest_low_and_highest_high():
    from tui.series import band_series

    x = np.arange(1.0, 1001.0)
    low, high = np.full(1000, 2.0), np.full(1000, 3.0)
    low[500], high[700] = 0.5, 40.0
    bx, bl, bh = band_series(x, low, high, 50, log=False)
    assert len(bx) == 50 and bx[0] == 1 and bl.min() == 0.5 and bh.max() == 40.0
    lx, ll, lh = band_series(x, low, high, 50, log=True)
    assert ll.min() == pytest.approx(np.log10(0.5)) and lh.max() == pytest.approx(np.log10(40.0))


def test_a_band_drops_columns_with_no_finite_edge():
    from tui.series import band_series

    bx, bl, bh = band_series(np.arange(4.0), np.array([1.0, np.nan, 1.0, 1.0]), np.array([2.0, 2.0, np.inf, 2.0]),
                             10, log=False)
    assert bx.tolist() == [0.0, 3.0]


def test_the_zigzag_runs_up_at_one_x_and_down_at_the_next_so_it_fills_the_band():
    from tui.series import zigzag

    zx, zy = zigzag(np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 1.0]), np.array([5.0, 6.0, 7.0]))
    assert zx.tolist() == [0, 0, 1, 1, 2, 2] and zy.tolist() == [1, 5, 6, 1, 1, 7]


def test_band_columns_puts_a_position_on_every_column_and_keeps_each_ones_extremes():
    from tui.series import band_columns

    x = np.array([0.0, 0.4, 10.0])  # 0 and 0.4 share the first of 11 positions; 10 is the last
    bx, bl, bh = band_columns(x, np.array([1.0, 0.5, 1.0]), np.array([2.0, 3.0, 4.0]), 0.0, 10.0, 11)
    assert bx.tolist() == [float(i) for i in range(11)]
    assert (bl[0], bh[0]) == (0.5, 3.0)  # the lowest low and highest high of the points nearest it
    assert bh[5] == pytest.approx(3.5)  # between points: the straight line from its neighbours
    assert (bl[-1], bh[-1]) == (1.0, 4.0)


def test_band_columns_drops_what_lies_outside_the_axis_and_what_is_not_finite():
    from tui.series import band_columns

    bx, bl, bh = band_columns(np.array([-5.0, 2.0, 3.0, 4.0, 50.0]), np.array([0.0, 1.0, np.nan, 1.0, 0.0]),
                              np.ones(5) * 2, 0.0, 10.0, 11)
    assert bx.tolist() == [2.0, 3.0, 4.0]  # only the stretch the finite points inside the axis span
    assert bl.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("width", [46, 76, 116, 156])
def test_a_band_drawn_by_plotext_has_no_blank_column(width):
    """The charts' widths at 80, 120, 160 and 200 columns. A band of fewer points than the canvas has columns
    (the charts once gave it one per column of `Chart.budget`, a guess at the canvas) left blank stripes."""
    from textual_plotext.plot import Plot

    from tui.series import band_columns, zigzag
    from tui.widgets.chart import Y_AXIS_COLUMNS

    x = np.linspace(0.0, 2000.0, width - Y_AXIS_COLUMNS)  # the points the budget gave the band
    plot = Plot()
    plot.plotsize(width, 12)
    plot._set_size(width, 12)  # as the Chart widget does: plotsize alone stops at this terminal's width
    plot.xlim(0, 2000)
    plot.ylim(0, 10)
    plot.yticks([0, 10], ["0", "10"])
    plot.plot(*(a.tolist() for a in zigzag(*band_columns(x, np.full(len(x), 2.0), np.full(len(x), 8.0), 0, 2000,
                                                         width))), marker="sd")
    rows = [line for line in plot.build().split("\n") if "█" in line]
    rows = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in rows]
    middle = rows[len(rows) // 2]
    stroke = middle[middle.index("█"):middle.rindex("█") + 1]
    assert " " not in stroke and len(stroke) >= width - 8
