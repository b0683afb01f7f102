"""Bytes on the wire: plotext's colour codes read into few spans, and a chart repaint rate chosen from a byte budget."""

import pytest
from rich.console import Console
from rich.text import Text

from tui.ansi import ansi_text
from tui.traffic import LOCAL_BUDGET, MAX_FPS, MIN_FPS, SSH_BUDGET, budget_for, chart_rate, fixed_rate

GREY_BG, WHITE, BLUE = "\x1b[48;2;30;30;30m", "\x1b[38;2;220;220;220m", "\x1b[38;2;80;170;255m"
# Two lines as plotext writes them: every token wrapped in its own codes and a reset.
PLOTEXT_LINES = (f"{GREY_BG}    \x1b[0m{GREY_BG}{WHITE}1.0┤\x1b[0m{GREY_BG}{BLUE}⣀⡠\x1b[0m{GREY_BG}   \x1b[0m"
                 f"{GREY_BG}{WHITE}│\x1b[0m\n{GREY_BG}{WHITE}0\x1b[0m{GREY_BG}  \x1b[0m{GREY_BG}{WHITE}5\x1b[0m"
                 "\x1b[1mbold\x1b[0m plain")


def test_every_visible_cell_keeps_the_colour_richs_own_decoder_gives_it():
    console = Console()
    expected, got = Text.from_ansi(PLOTEXT_LINES), ansi_text(PLOTEXT_LINES)
    assert got.plain == expected.plain
    for i, ch in enumerate(expected.plain):
        a, b = expected.get_style_at_offset(console, i), got.get_style_at_offset(console, i)
        if ch == "\n":
            continue
        if ch == " ":
            assert a.bgcolor == b.bgcolor  # a blank shows only its background
        else:
            assert (a.color, a.bgcolor, a.bold) == (b.color, b.bgcolor, b.bold)


def test_neighbours_that_look_the_same_share_one_span():
    ticks = "".join(f"{GREY_BG}{WHITE}{label}\x1b[0m{GREY_BG}      \x1b[0m" for label in ("0", "500", "1000"))
    assert len(Text.from_ansi(ticks).spans) == 6
    assert len(ansi_text(ticks).spans) == 1  # the blanks between labels take the labels' foreground


def test_a_span_never_crosses_a_line_end():
    text = ansi_text(f"{GREY_BG}ab\ncd\x1b[0m")
    assert text.plain == "ab\ncd"
    assert [(s.start, s.end) for s in text.spans] == [(0, 2), (3, 5)]


def test_plain_text_passes_through_unstyled():
    text = ansi_text("no colour here")
    assert text.plain == "no colour here" and text.spans == []


def test_a_big_chart_repaints_less_often_than_a_small_one():
    small = chart_rate(2 * 44 * 8, "256")
    medium = chart_rate(2 * 76 * 13, "256")
    large = chart_rate(2 * 156 * 24, "256")
    assert small == MAX_FPS
    assert MIN_FPS <= large < medium < small


def test_at_120x40_the_charts_stay_well_under_40_kb_a_second():
    cells = 2 * 76 * 13
    for system, per_cell in (("256", 3.4), ("truecolor", 4.3), ("standard", 2.5)):
        rate = chart_rate(cells, system)
        assert rate * cells * per_cell <= LOCAL_BUDGET + 1
        assert rate >= 2.5  # still a moving picture


def test_more_colours_cost_more_bytes_so_fewer_repaints():
    cells = 2 * 100 * 20
    assert chart_rate(cells, "truecolor") < chart_rate(cells, "256") < chart_rate(cells, "standard")


def test_ssh_gets_a_smaller_budget():
    assert budget_for({"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"}) == SSH_BUDGET < LOCAL_BUDGET
    assert budget_for({}) == LOCAL_BUDGET


@pytest.mark.parametrize("text, expected", [("2", 2.0), ("100", 10.0), ("0.1", 0.5), ("abc", None), ("", None),
                                            ("-3", None), ("nan", None)])
def test_nudge_chart_fps_fixes_the_rate(text, expected):
    assert fixed_rate({"NUDGE_CHART_FPS": text}) == expected
