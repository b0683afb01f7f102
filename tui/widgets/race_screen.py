"""`o`: an optimizer race. SGD, SGD with momentum and Adam (engine.RACERS) train the form's settings from the
same data and initial weights, side by side on one loss chart and one fit chart, each racer in its own colour.
The race has its own row of learning-rate fields (the stated table's rates to start with); tab reaches them,
Enter in one races again with the rates typed (a rate not allowed is named and the race on screen goes on),
r races again, escape leaves a field, then closes (and stops the racers), as q does; ctrl+c quits the app.
Each chart names every racer at its line's end on a row of its own (engine.place_labels, in the charts).

Each racer is an ordinary run (engine.race_configs gives its config): a RunSession trained in a thread worker,
drained by this screen's timer on the UI thread, exactly as the main screen drains its run. The racers start
once the race's target loss is known (a worker computes it once), so each one's engine.ReachWatch sees every
epoch: the epoch a racer first reached the target is exact, where the session's bounded history is thinned.
"""

from __future__ import annotations

import threading
import time

import numpy as np
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from engine import (RACERS, ConfigError, ReachWatch, RunConfig, member_median, race_configs, racer_lines,
                    racer_words, starting_loss)

from ..markup import escape
from ..session import TRAIN_THREAD_NAME, RunSession
from ..traffic import chart_rate
from .chart import ChartPanel
from .fit_chart import FitChart
from .loss_chart import LossChart
from .modal import Modal

TICK_SECONDS = 0.1


class RaceScreen(Modal[None]):
    # q closes, as it closes the sweep and the runs table (ctrl+c comes from Modal, tab from Textual's Screen).
    BINDINGS = [Binding("escape,o,q", "close", "Close"), Binding("r", "race", "Race again")]

    def __init__(self, config: RunConfig, **kwargs) -> None:
        super().__init__(**kwargs)
        self.config = config
        self.lrs = {name: r.lr for name, r in RACERS.items()}
        self.sessions: dict[str, RunSession] = {}
        self.watches: dict[str, ReachWatch] = {}  # each racer's first epoch at the reach, noted as it trains
        self.reach = float("nan")
        self._last_draw = 0.0
        self._reach_tried = False  # the worker finding the reach has returned (with it, or failed)
        self._waiting: dict[str, RunConfig] | None = None  # racers to start once the reach is known
        self.settled = False  # every racer has ended and the screen shows it all (the timer rests)

    def compose(self) -> ComposeResult:
        with Vertical(id="race-body") as body:
            body.border_title = f"Race: {', '.join(RACERS)} on {self.config.example_id}"
            body.border_subtitle = "tab: the rate fields, enter races with them · r races again · esc closes"
            with Horizontal(id="race-fields"):
                for name, racer in RACERS.items():
                    yield Label(f"{name} lr", classes="race-label")
                    yield Input(f"{racer.lr:g}", id=f"race-lr-{name}", compact=True, classes="race-lr")
            yield Static("", id="race-error")
            yield ChartPanel(LossChart(id="race-loss"), id="race-loss-panel")
            yield ChartPanel(FitChart(self.config, id="race-fit"), id="race-fit-panel")
            yield Static("", id="race-words")

    def on_mount(self) -> None:
        self.query_one(LossChart).show(None, self.config.epochs)
        self._timer = self.set_interval(TICK_SECONDS, self._tick)
        self.action_race()
        self.query_one(LossChart).focus()

    # -- racing -------------------------------------------------------------------------------------------

    def action_race(self) -> None:
        """Stop any racers still going and start all of them again with the rates in the fields; a rate that
        is not allowed is named, and the race on screen goes on."""
        if self.closing:
            return
        try:
            lrs = {name: self.query_one(f"#race-lr-{name}", Input).value for name in RACERS}
            configs = race_configs(self.config, lrs)
        except ConfigError as exc:
            self.query_one("#race-error", Static).update(f"[$error]{escape(exc.message('form'))}[/]")
            return
        self._stop_all()
        self.settled = False
        self.query_one("#race-error", Static).update("")
        self.lrs = {name: c.lr for name, c in configs.items()}
        # The racers start once the reach is known (the first race only: it is the same for every race), so
        # each one's watch sees every epoch it trains.
        if self._waiting is None and not self._reach_tried:
            self._find_reach()
        self._waiting = configs
        self._start_waiting()
        self._timer.resume()

    def _start_waiting(self) -> None:
        if self._waiting is None or not self._reach_tried:
            return
        configs, self._waiting = self._waiting, None
        self.sessions = {name: RunSession(c) for name, c in configs.items()}
        self.watches = {}
        for name, session in self.sessions.items():
            controller = session.start(None)  # max speed: a race is about the outcome
            if np.isfinite(self.reach):  # (without a reach, the words leave reaching out)
                self.watches[name] = ReachWatch(self.reach)
                controller.subscribe(self.watches[name])
            self._train(session)
        self.query_one(FitChart).set_pinned(self._curves, [(i, name) for i, name in enumerate(RACERS)])
        self._words()

    @work(thread=True, exit_on_error=False, group="race-reach")
    def _find_reach(self) -> None:
        """The race's target, 1% of the starting loss (the same for every racer); builds the model, so off the UI."""
        try:
            self.reach = 0.01 * starting_loss(self.config)
        finally:
            self._reach_tried = True

    @work(thread=True, exit_on_error=False, group="race")
    def _train(self, session: RunSession) -> None:
        """One racer's training thread; only the engine's buffer carries anything back."""
        thread = threading.current_thread()
        name, thread.name = thread.name, TRAIN_THREAD_NAME
        try:
            session.controller.run_to_end()
        finally:
            thread.name = name

    def _curves(self, grid: np.ndarray) -> list[tuple[int, str, np.ndarray]]:
        out = []
        for slot, (name, session) in enumerate(self.sessions.items()):
            prediction = session.controller.predict(grid) if session.controller is not None else None
            if prediction is not None and len(prediction):
                out.append((slot, name, member_median(prediction)))
        return out

    def _words(self) -> None:
        self.query_one("#race-words", Static).update(escape("\n".join(
            racer_words(n, self.lrs[n], s.history, self.reach, w.epoch if (w := self.watches.get(n)) else None,
                        str(s.state)) for n, s in self.sessions.items())))

    def _tick(self) -> None:
        self._start_waiting()
        changed = False
        for session in self.sessions.values():
            update = session.poll()
            changed = changed or update.progress or update.finished
        if changed:
            self.query_one(LossChart).set_pins(
                racer_lines({n: (self.lrs[n], s.history) for n, s in self.sessions.items()}))
            self.query_one(FitChart).mark_dirty()
            self._words()
        done = self._waiting is None and bool(self.sessions) and all(s.final for s in self.sessions.values())
        now = time.monotonic()
        cells = sum(c.size.area for c in (self.query_one(LossChart), self.query_one(FitChart)))
        if done or now - self._last_draw >= 1.0 / chart_rate(cells, self.app.console.color_system):
            self._last_draw = now
            self.query_one(LossChart).redraw()
            self.query_one(FitChart).redraw()
        if done:
            self.settled = True
            self._timer.pause()

    def _stop_all(self) -> None:
        for session in self.sessions.values():
            session.stop()

    @on(Input.Submitted, ".race-lr")
    def _rate_typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_race()

    def action_close(self) -> None:
        if isinstance(self.focused, Input):  # escape leaves a rate field first, as it leaves the app's form
            self.query_one(LossChart).focus()
            return
        self._waiting = None  # racers waiting for the reach never start
        self._stop_all()
        self.close_once()

    def on_unmount(self) -> None:
        self._stop_all()
