"""The status line: the run's state, `epoch N/M`, `loss X`, epochs per second while running, the speed
and the learning rate; a diverged run's hint on a second line."""

from __future__ import annotations

from textual.widgets import Static

from engine import CONVERGED_STATE, DIVERGED_STATE, FAILED, LOADING, PAUSED, READY, RUNNING

from ..session import STATE_WORDS, format_number

_STATE_STYLE = {RUNNING: "$success", PAUSED: "$warning", DIVERGED_STATE: "$error", FAILED: "$error",
                LOADING: "$secondary", READY: "$text-muted"}


def status_text(*, state: str, epoch: int, total: int, loss: float | None, eps: float | None = None,
                speed: str = "", knob: str = "", hint: str = "", torch_loading: bool = False) -> str:
    """The status line as Textual markup. `knob` is the example's main setting (`lr 0.01`, `step 0.05`).
    Epochs per second show only while running, so a finished or paused screen is reproducible."""
    word = STATE_WORDS.get(state, state)
    if state == CONVERGED_STATE:
        word = "finished (converged)"
    if state == READY and torch_loading:
        state, word = LOADING, "loading torch…"
    style = _STATE_STYLE.get(state, "$accent")
    parts = [f"[b {style}]{word}[/]", f"[dim]epoch[/] {epoch}/{total}", f"[dim]loss[/] {format_number(loss)}"]
    if state == RUNNING and eps is not None:
        parts.append(f"{eps:,.0f} [dim]epochs/s[/]")
    if speed:
        parts.append(f"[dim]speed[/] {speed}")
    if knob:
        name, _, value = knob.partition(" ")
        parts.append(f"[dim]{name}[/] {value}")
    line = "  ".join(parts)
    if hint and state in (DIVERGED_STATE, FAILED):
        line += f"\n[$error]{_escape(hint)}[/]"
    return line


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


class StatusLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.text = ""

    def show(self, text: str) -> None:
        """Repaint only when the words changed."""
        if text != self.text:
            self.text = text
            self.update(text)
