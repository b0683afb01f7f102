"""Labels at the ends of a chart's lines (the race's racers, pinned runs) get a row each: never two on one row,
each as near its line's end as the others allow, in the lines' order; off the chart on the edge row with an
arrow; a line with no finite end is left to the chart's title.

The hand-made charts below have 10 rows spanning y 0..9, so a label wanted at y sits on row y."""

import math
import tempfile
from pathlib import Path

from hypothesis import given, settings, strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "nudge-hypothesis"))

from engine import place_labels

ROWS, YLIM = 10, (0.0, 9.0)


def plotext_row(y: float, ylim: tuple[float, float], rows: int, dots: int = 1) -> int:
    """The row plotext draws text at height y on (dots=1), or a line's dot at y with a marker of `dots` dots a
    cell upright (plotext/_utility.py get_matrix_data on the canvas expanded `dots` times, then hd_group)."""
    return math.floor(round(0.5 + (dots * rows - 1) * (y - ylim[0]) / (ylim[1] - ylim[0]), 8)) // dots


def rows_of(ys, rows=ROWS, ylim=YLIM, dots=1):
    return {p.index: p.row for p in place_labels(ys, [f"l{i}" for i in range(len(ys))], ylim, rows, dots)}


def test_labels_far_apart_stay_on_the_row_their_line_ends_on():
    assert rows_of([1.0, 4.2, 7.8]) == {0: 1, 1: 4, 2: 8}


def test_a_label_sits_in_the_cell_its_line_is_drawn_in_which_for_braille_can_be_a_row_off_the_texts_rounding():
    # 10 rows of 4 braille dots: y 8.3 is drawn in the top cell, y 0.6 in the bottom one; text at those heights
    # would round to rows 8 and 1, beside the line's end rather than on it
    assert (plotext_row(8.3, YLIM, ROWS, dots=4), plotext_row(0.6, YLIM, ROWS, dots=4)) == (9, 0)
    assert rows_of([8.3, 0.6], dots=4) == {0: 9, 1: 0}
    assert rows_of([8.3, 0.6]) == {0: 8, 1: 1}


def test_two_racers_ending_at_the_same_loss_get_adjacent_rows_one_of_them_on_its_own():
    assert rows_of([4.0, 4.0]) == {0: 4, 1: 5}
    assert rows_of([4.0, 4.1]) == {0: 4, 1: 5}  # a tenth of a row apart: plotext would print both on row 4


def test_three_in_a_cluster_spread_around_the_middle_one_keeping_their_order():
    assert rows_of([4.2, 4.0, 4.4]) == {1: 3, 0: 4, 2: 5}


def test_a_cluster_at_the_top_or_bottom_edge_spreads_inwards():
    assert rows_of([9.0, 9.0, 8.9]) == {2: 7, 0: 8, 1: 9}
    assert rows_of([0.0, 0.2, 0.0]) == {0: 0, 2: 1, 1: 2}


def test_a_line_ending_off_the_chart_is_labelled_on_the_edge_row_with_an_arrow_and_pushes_the_others_aside():
    placed = place_labels([40.0, 9.0, -3.0], ["sgd", "momentum", "adam"], YLIM, ROWS)
    assert [(p.text, p.row) for p in placed] == [("sgd ↑", 9), ("momentum", 8), ("adam ↓", 0)]
    # just inside the top: plotext rounds 9.4 to row 9, so it is on the chart and needs no arrow
    assert [p.text for p in place_labels([9.4], ["adam"], YLIM, ROWS)] == ["adam"]


def test_a_line_with_no_finite_end_a_diverged_one_is_left_to_the_title_and_takes_no_row():
    placed = place_labels([float("nan"), 4.0, float("inf"), 4.0], ["sgd", "momentum", "adam", "#1"], YLIM, ROWS)
    assert [(p.index, p.text, p.row) for p in placed] == [(1, "momentum", 4), (3, "#1", 5)]


def test_more_labels_than_rows_keeps_the_first_ones_given():
    assert rows_of([1.0, 1.0, 1.0], rows=2, ylim=(0.0, 1.0)) == {0: 0, 1: 1}
    assert rows_of([0.5], rows=1, ylim=(0.0, 1.0)) == {0: 0}


def test_no_rows_or_no_y_range_places_nothing():
    assert place_labels([1.0], ["sgd"], YLIM, 0) == []
    assert place_labels([1.0], ["sgd"], (2.0, 2.0), ROWS) == []
    assert place_labels([1.0], ["sgd"], (0.0, float("nan")), ROWS) == []


def test_the_y_returned_lands_on_the_row_returned_when_plotext_draws_it():
    for ylim, rows in (((-1.3, 2.7), 6), ((0.001, 1e6), 31), ((-12.0, -11.999), 3)):
        ys = [ylim[0] + (ylim[1] - ylim[0]) * f for f in (0.5, 0.5, 0.51, 0.0, 1.0)]
        for p in place_labels(ys, list("abcde"), ylim, rows):
            assert plotext_row(p.y, ylim, rows) == p.row


ENDS = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(ENDS, max_size=10), st.integers(1, 40), st.floats(-1e6, 1e6), st.floats(1e-6, 1e6),
       st.sampled_from([1, 2, 3, 4]))
def test_whatever_the_ends_no_two_labels_share_a_row_and_the_lines_order_is_kept(ys, rows, low, span, dots):
    ylim = (low, low + span)
    if not ylim[1] > ylim[0]:
        return
    placed = place_labels(ys, [str(i) for i in range(len(ys))], ylim, rows, dots)
    got = [p.row for p in placed]
    assert len(set(got)) == len(got) and all(0 <= r < rows for r in got)
    assert all(plotext_row(p.y, ylim, rows) == p.row for p in placed)
    finite = [i for i, y in enumerate(ys) if math.isfinite(y)]
    assert [p.index for p in placed] == finite[:rows]  # the finite ones, the first ones given when rows run out
    by_end = sorted(placed, key=lambda p: (ys[p.index], p.index))
    assert [p.row for p in by_end] == sorted(got)  # a lower end never gets a higher row


@settings(max_examples=300, deadline=None, database=None)
@given(st.floats(-0.5, 1.5), st.integers(2, 40), st.floats(-1e6, 1e6), st.floats(1e-3, 1e6), st.sampled_from([1, 2, 3, 4]))
def test_a_label_alone_sits_in_the_cell_its_line_ends_in_or_on_the_edge_row_with_an_arrow(f, rows, low, span, dots):
    ylim = (low, low + span)
    y = low + f * span
    (placed,) = place_labels([y], ["adam"], ylim, rows, dots)
    cell = plotext_row(y, ylim, rows, dots)
    assert placed.row == min(max(cell, 0), rows - 1)
    assert placed.text == ("adam ↑" if cell >= rows else "adam ↓" if cell < 0 else "adam")
