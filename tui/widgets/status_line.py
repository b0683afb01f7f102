"""The status line: the run's state, `epoch N/M`, `loss X`, epochs per second while running, the speed
and the learning rate; a diverged run's hint on a second line."""

from __future__ import annotations

from ..markup import escape
from textual.content import Content
from textual.widgets import Static

from engine import RunState, format_number

#: What the status line calls each state of a run.
STATE_WORDS = {
    RunState.READY: "ready", RunState.LOADING: "loading…", RunState.RUNNING: "running", RunState.PAUSED: "paused",
    RunState.COMPLETED: "finished", RunState.CONVERGED: "finished (converged)", RunState.DIVERGED: "diverged",
    RunState.STOPPED: "stopped", RunState.FAILED: "failed",
}

_STATE_STYLE = {RunState.RUNNING: "$success", RunState.PAUSED: "$warning", RunState.DIVERGED: "$error",
                RunState.FAILED: "$error", RunState.LOADING: "$secondary", RunState.READY: "$text-muted"}


def status_text(*, state: RunState, epoch: int, total: int, loss: float | None, eps: float | None = None,
                speed: str = "", knob: str = "", hint: str = "", torch_loading: bool = False,
                unit: str = "epoch", fraction: float = 0.0, tally: str = "", width: int | None = None) -> str:
    """The status line as Textual markup. `knob` is the example's main setting (`lr 0.01`, `step 0.05`);
    `unit` is what the example counts (`epoch`, or `iteration` for nudge-3x, as its log says); `fraction`, how
    far the epoch in progress is, shows while a large net's epoch takes long; `tally`, how many seeds of a
    finished many-seed run found the curve (engine.curve_tally).
    Epochs per second show only while running, so a finished or paused screen is reproducible.
    `width`: the columns the line has. A line that would wrap (and push the screen up a row, in and out, as
    the numbers grow) loses its least needed parts first: the speed, epochs per second, the tally's detail
    after its first clause, the learning rate, then the tally."""
    word = STATE_WORDS.get(state, str(state))
    if state == RunState.READY and torch_loading:
        state, word = RunState.LOADING, "loading torch…"
    style = _STATE_STYLE.get(state, "$accent")
    progress = f"[dim]{unit}[/] {epoch}/{total}" + (f" [dim](+{fraction:.0%})[/]" if 0.01 <= fraction < 1 else "")
    rate = ""
    if state == RunState.RUNNING and eps is not None:
        rate = f"{eps:,.0f} [dim]{unit}s/s[/]" if eps >= 10 else f"{eps:.2g} [dim]{unit}s/s[/]"
    name, _, value = knob.partition(" ")
    setting = f"[dim]{name}[/] {value}" if knob else ""
    first_clause = tally.split(";")[0]

    def compose(rate: str, tally: str, speed: str, setting: str) -> str:
        parts = [f"[b {style}]{word}[/]", progress, f"[dim]loss[/] {format_number(loss)}", rate, escape(tally),
                 f"[dim]speed[/] {speed}" if speed else "", setting]
        return "  ".join(p for p in parts if p)

    candidates = [compose(rate, tally, speed, setting), compose(rate, tally, "", setting),
                  compose("", tally, "", setting), compose("", first_clause, "", setting),
                  compose("", first_clause, "", ""), compose("", "", "", "")]
    line = candidates[0]
    if width is not None:
        line = next((c for c in candidates if Content.from_markup(c).cell_length <= width), candidates[-1])
    if hint and state in (RunState.DIVERGED, RunState.FAILED):
        line += f"\n[$error]{escape(hint)}[/]"
    return line


class StatusLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.text = ""

    def show(self, text: str) -> None:
        """Repaint only when the words changed."""
        if text != self.text:
            self.text = text
            self.update(text)
