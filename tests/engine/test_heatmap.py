"""A sweep's heatmap: colour bins on a log scale of the final loss, the legend, diverged cells apart, the example's
own cell, a cell's words."""

import math

import numpy as np
import pytest

from engine import HEAT_BINS, RunConfig, RunState, SweepCell, cell_text, heat_bins, heat_legend, heat_scale, own_cell


def test_bins_follow_log10_of_the_loss_from_the_lowest_to_the_highest_finite_loss():
    losses = np.array([[1e-3, 1e-2], [1e-1, 1e5]])  # log10: -3, -2, -1, 5 over 8 bins of one decade each
    scale = heat_scale(losses)
    assert (scale.low, scale.high) == (-3.0, 5.0)
    assert heat_bins(losses, scale).tolist() == [[0, 1], [2, HEAT_BINS - 1]]


def test_a_few_near_blow_ups_do_not_wash_out_the_rest_of_the_grid():
    # 144 cells: 130 spread from 48 to 230 (the seed's sigmoid net after a short run), 14 from 2.4e3 to 2.4e6.
    # Scaled to the maximum, all 130 would share one or two bins; the top is capped a decade above the 90th
    # percentile (the 130th loss, 230), so they spread over the bins and the 14 share the top one.
    calm = np.geomspace(48.0, 230.0, 130)
    wild = np.geomspace(2.4e3, 2.4e6, 14)
    losses = np.concatenate([calm, wild]).reshape(12, 12)
    scale = heat_scale(losses)
    assert scale.low == pytest.approx(math.log10(48.0)) and scale.high == pytest.approx(math.log10(2300.0))
    bins = heat_bins(losses, scale).ravel()
    assert len(set(bins[:130].tolist())) >= 4  # the calm cells are told apart
    assert (bins[130:] == HEAT_BINS - 1).all()


def test_diverged_cells_and_losses_without_a_log_get_no_bin_and_do_not_stretch_the_scale():
    losses = np.array([[1.0, 10.0, 1e30, np.nan, np.inf, 0.0]])
    diverged = np.array([[False, False, True, False, False, False]])
    scale = heat_scale(losses, diverged)
    assert (scale.low, scale.high) == (0.0, 1.0)
    assert heat_bins(losses, scale, diverged).tolist() == [[0, HEAT_BINS - 1, -1, -1, -1, -1]]


def test_a_grid_of_equal_losses_gets_one_decade_around_them_and_no_finite_loss_gets_no_scale():
    scale = heat_scale(np.full((2, 2), 100.0))
    assert (scale.low, scale.high) == (1.5, 2.5)
    assert heat_bins(np.full((2, 2), 100.0), scale).tolist() == [[4, 4], [4, 4]]
    assert heat_scale(np.full((2, 2), np.nan)) is None and heat_legend(None) == []
    assert heat_bins(np.ones((1, 2)), None).tolist() == [[-1, -1]]


def test_the_legend_labels_each_bin_with_its_lowest_loss():
    scale = heat_scale(np.array([[1e-4, 1e4]]))
    assert heat_legend(scale) == [(0, "0.0001"), (1, "0.001"), (2, "0.01"), (3, "0.1"), (4, "1"), (5, "10"),
                                  (6, "1e+02"), (7, "1e+03")]
    assert scale.edges()[-1] == pytest.approx(1e4)


def test_the_examples_own_setting_is_the_nearest_cell_on_a_log_lr_axis():
    config = RunConfig.for_example("parabola-relu", lr=0.5, momentum=0.9)  # the form's values do not move it
    lrs = tuple(np.geomspace(1e-4, 1e-1, 12))
    momenta = tuple(np.linspace(0, 0.9, 12))
    assert own_cell((("lr", lrs), ("momentum", momenta)), config) == (4, 1)  # 1.2e-3 ~ 0.001, 0.082 ~ 0.1
    assert own_cell((("lr", (0.1, 1.0)), ("momentum", momenta)), config) is None  # no cell near 0.001
    assert own_cell((("lr", lrs), ("seed", tuple(range(12)))), config) == (4, 0)


def test_a_cells_words_give_its_swept_values_loss_epochs_and_outcome():
    axes = (("lr", (0.01,)), ("momentum", (0.5,)))
    cell = SweepCell(0.01, 0.5, 0, RunState.DIVERGED, math.inf, 37)
    assert cell_text(cell, axes) == "lr 0.01  momentum 0.5: loss inf after 37 epochs (blew up)"
    done = SweepCell(0.01, 0.5, 3, RunState.COMPLETED, 0.0123456, 2000)
    assert cell_text(done, (("lr", (0.01,)), ("seed", (3,)))) == "lr 0.01  seed 3: loss 0.01235 after 2000 epochs (completed)"
