"""The status line's words: `epoch N/M`, `loss X`, epochs per second while running, the state."""

from textual.content import Content

from tui.widgets.status_line import status_text


def plain(markup: str) -> str:
    return Content.from_markup(markup).plain


def test_ready_shows_epoch_zero_and_no_loss():
    text = plain(status_text(state="ready", epoch=0, total=2000, loss=None, speed="watch", knob="lr 0.001"))
    assert text == "ready  epoch 0/2000  loss –  speed watch  lr 0.001"


def test_running_shows_epochs_per_second():
    text = plain(status_text(state="running", epoch=350, total=2000, loss=0.0123456, eps=1234.4, speed="max"))
    assert "running" in text and "epoch 350/2000" in text and "loss 0.01235" in text and "1,234 epochs/s" in text


def test_epochs_per_second_are_hidden_once_the_run_is_over():
    for state in ("completed", "paused", "stopped"):
        assert "epochs/s" not in plain(status_text(state=state, epoch=9, total=9, loss=1.0, eps=99.0))


def test_finished_and_converged_read_as_finished():
    assert plain(status_text(state="completed", epoch=201, total=201, loss=0.5)).startswith("finished  ")
    assert plain(status_text(state="converged", epoch=44, total=90, loss=0.5)).startswith("finished (converged)")


def test_diverged_shows_its_hint_on_a_second_line():
    text = plain(status_text(state="diverged", epoch=57, total=2000, loss=float("inf"),
                             hint="the loss became infinite at epoch 57: try 0.1"))
    first, second = text.split("\n")
    assert first.startswith("diverged  epoch 57/2000  loss inf")
    assert second == "the loss became infinite at epoch 57: try 0.1"


def test_while_torch_loads_the_status_says_so():
    assert plain(status_text(state="ready", epoch=0, total=90, loss=None, torch_loading=True)).startswith(
        "loading torch…")


def test_a_hint_with_brackets_is_not_read_as_markup():
    text = plain(status_text(state="failed", epoch=0, total=5, loss=None, hint="ValueError: [bad] thing"))
    assert text.endswith("ValueError: [bad] thing")


def test_nudge_3x_counts_iterations_as_its_log_does():
    text = plain(status_text(state="running", epoch=12, total=90, loss=4.0, eps=30.0, unit="iteration"))
    assert "iteration 12/90" in text and "30 iterations/s" in text and "epoch" not in text


def test_a_long_epoch_shows_how_far_it_is_and_a_slow_rate_is_not_rounded_to_zero():
    text = plain(status_text(state="running", epoch=0, total=2000, loss=None, eps=0.037, fraction=0.42))
    assert "epoch 0/2000 (+42%)" in text and "0.037 epochs/s" in text


TALLY = "17 of 32 seeds found the curve; 2 fitted one side only; 13 stayed near a straight line"


def test_a_line_that_would_wrap_drops_its_least_needed_parts_first():
    whole = plain(status_text(state="completed", epoch=2000, total=2000, loss=3.351, speed="watch",
                              knob="lr 0.001", tally=TALLY))
    assert len(whole) > 120 and TALLY in whole  # given no width, everything
    short = "finished  epoch 2000/2000  loss 3.351  17 of 32 seeds found the curve"
    for width, expected in ((118, short + "  lr 0.001"), (78, short)):  # 120 and 80 columns, less padding
        text = plain(status_text(state="completed", epoch=2000, total=2000, loss=3.351, speed="watch",
                                 knob="lr 0.001", tally=TALLY, width=width))
        assert text == expected and len(text) <= width


def test_the_state_the_epoch_and_the_loss_stay_however_narrow():
    running = dict(state="running", epoch=864623, total=10_000_000, loss=3e-11, eps=72290.0, speed="watch",
                   knob="lr 0.001")
    assert plain(status_text(**running, width=78)) == "running  epoch 864623/10000000  loss 3e-11  72,290 epochs/s  lr 0.001"
    assert plain(status_text(**running, width=20)) == "running  epoch 864623/10000000  loss 3e-11"
