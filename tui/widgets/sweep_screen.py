"""`w`: a sweep of the form's settings over learning rate x momentum (learning rate x seed for Adam, which has
no momentum), trained in a thread worker with a progress bar, then drawn as a heatmap of final loss. Arrows move
the cursor (its numbers show below), Enter opens the cell as a normal run in the form, escape closes (and
stops a sweep in progress).

The sweep thread only writes plain attributes (`_done`, `_total`, `_result`, `_error`); the screen's timer
reads them on the UI thread and touches the widgets.
"""

from __future__ import annotations

import threading

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from engine import ConfigError, RunConfig, cell_text, parse_axis, parse_seed_range, run_sweep

from ..markup import escape
from .modal import Modal
from .views.heatmap import Heatmap

LR_AXIS = "1e-4:1e-1:12"  # the grid: 12 learning rates from 1e-4 to 0.1, log-spaced
MOMENTUM_AXIS = "0:0.9:12"  # and 12 momenta from 0 to 0.9
SEED_COUNT = 12  # Adam has no momentum: its second axis is 12 seeds from the form's


def sweep_axes(config: RunConfig) -> dict:
    """run_sweep's axes for this config: lr x momentum, or lr x seed for Adam."""
    axes = {"lrs": parse_axis(LR_AXIS, log=True)}
    if config.optimizer == "adam":
        axes["seeds"] = parse_seed_range(f"{config.seed}:{SEED_COUNT}")
    else:
        axes["momenta"] = parse_axis(MOMENTUM_AXIS, log=False)
    return axes


class SweepScreen(Modal[object]):
    """Dismissed with the engine.SweepCell to open, or None."""

    BINDINGS = [Binding("escape,w,q", "close", "Close")]

    def __init__(self, config: RunConfig, **kwargs) -> None:
        super().__init__(**kwargs)
        self.config = config.with_values(seeds=1)  # a cell is one seed
        self.stop = threading.Event()
        self._done = 0
        self._total = 1
        self._result = None
        self._error = ""
        self._shown = False

    def compose(self) -> ComposeResult:
        with Vertical(id="sweep-body") as body:
            second = "seed" if self.config.optimizer == "adam" else "momentum"
            body.border_title = f"Sweep: learning rate x {second}, {self.config.example_id}"
            body.border_subtitle = "arrows move · enter opens the cell as a run · esc closes"
            yield Static(escape(f"training {self.config.settings_text()} at every cell…"), id="sweep-note")
            yield ProgressBar(id="sweep-progress", show_eta=False)
            yield Heatmap(id="heatmap")
            yield Static("", id="sweep-cell")

    def on_mount(self) -> None:
        self.query_one(Heatmap).display = False
        self._timer = self.set_interval(0.1, self._poll)
        self._sweep()

    @work(thread=True, exit_on_error=False, group="sweep")
    def _sweep(self) -> None:
        def progress(done: int, total: int) -> None:  # on this thread: plain numbers only
            self._done, self._total = done, max(1, total)

        try:
            self._result = run_sweep(self.config, stop=self.stop, progress=progress, **sweep_axes(self.config))
        except ConfigError as exc:
            self._error = exc.message("form")
        except Exception as exc:  # the screen says what went wrong; the app keeps going
            self._error = f"the sweep failed: {type(exc).__name__}: {exc}"

    def _poll(self) -> None:
        if self._shown:
            return
        bar = self.query_one(ProgressBar)
        bar.update(total=self._total, progress=self._done)
        if self._error:
            self._shown = True
            self.query_one("#sweep-note", Static).update(f"[$error]{escape(self._error)}[/]")
            bar.display = False
        elif self._result is not None:
            self._shown = True
            result = self._result
            bar.display = False
            cells = len(result.cells)
            shape = " x ".join(str(n) for n in result.shape)
            self.query_one("#sweep-note", Static).update(escape(
                f"{shape} = {cells} runs of {self.config.epochs} epochs, each the single run with the cell's "
                f"settings; {result.count('diverged')} blew up"))
            heatmap = self.query_one(Heatmap)
            heatmap.display = True
            heatmap.show(result, self.config)
            heatmap.focus()
            self._timer.stop()

    @on(Heatmap.Moved)
    def _moved(self, event: Heatmap.Moved) -> None:
        if event.cell is not None and self._result is not None:
            self.query_one("#sweep-cell", Static).update(escape(cell_text(event.cell, self._result.axes)))

    @on(Heatmap.Opened)
    def _opened(self, event: Heatmap.Opened) -> None:
        self._close(event.cell)

    def action_close(self) -> None:
        self._close(None)

    def _close(self, cell) -> None:
        self.stop.set()
        self.close_once(cell)
