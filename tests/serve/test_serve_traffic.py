"""In a browser the charts are not held to a terminal's byte budget: the websocket is compressed (22x measured,
see tui/traffic.py), so the charts repaint at the top rate at any window size, SSH or not."""

from tui.traffic import BROWSER_BUDGET, LOCAL_BUDGET, MAX_FPS, SSH_BUDGET, budget_for, chart_rate, in_browser

WEB = {"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}  # what textual-serve sets for each session


def test_a_session_served_to_a_browser_knows_it_and_a_terminal_does_not():
    assert in_browser(WEB)
    assert not in_browser({}) and not in_browser({"TEXTUAL_DRIVER": "textual.drivers.linux_driver:LinuxDriver"})


def test_a_server_started_over_ssh_gives_its_browsers_the_browser_budget():
    assert budget_for({**WEB, "SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"}) == BROWSER_BUDGET
    assert budget_for({"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"}) == SSH_BUDGET
    assert budget_for({}) == LOCAL_BUDGET


def test_a_large_browser_window_gets_the_top_chart_rate_where_a_terminal_gets_less():
    charts = 130 * 42  # the loss and fit charts of a full-HD page (about 200x56 cells), in all
    assert chart_rate(charts, "truecolor", budget_for(WEB)) == MAX_FPS
    assert chart_rate(charts, "truecolor", budget_for({})) < MAX_FPS / 2
