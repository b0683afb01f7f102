"""nudge's terminal app: composition, keys, and the wiring between the form, the worker and the charts.

The metric road, end to end:
  1. `_train` (a Textual thread worker) calls `controller.run()`: the engine trains in chunks of epochs
     and appends each chunk to its event buffer. No widget is touched from that thread.
  2. `_tick` (a `set_interval` timer on the UI, 10 a second, running only while a run is active) calls
     `session.poll()`, which drains the buffer into the UI's own History and returns what changed.
  3. New epochs mark both charts dirty; at most `chart_fps` times a second (1 to 6, from a byte budget:
     see tui/traffic.py) the dirty charts rebuild their plot from the history (cut to about one point
     per column) and repaint.
So the frame cost stays flat however fast training runs, and a paused or idle app draws nothing.
"""

from __future__ import annotations

import asyncio
import signal
import os
import threading
import time

from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList

from engine import ConfigError, RunConfig, RunLog, RunRecord, finish_record, pinned_curves, pinned_lines, warm_up

from . import exports
from .commands import NudgeCommands
from .keys import bindings, help_rows
from .messages import TorchReady
from .presets import DEFAULT_SPEED, MARKER_NAMES, SPEEDS_BY_NAME, Speed, lr_step, next_marker, next_speed
from .session import TRAIN_THREAD_NAME, RunSession
from .traffic import budget_for, chart_rate, fixed_rate
from .widgets import (ChartPanel, ExampleInfoScreen, ViewDeck, ViewSource, ExamplePicker, FitChart, HelpScreen, LogPane, LossChart,
                      Modal, ParamsForm, RaceScreen, RunsScreen, StatusLine, SweepScreen, TooSmall, status_text, too_small)

TICK_SECONDS = 0.1  # how often the UI drains the engine's buffer
STATUS_FPS = 4.0  # routine status-line rewrites a second while running
STOP_WAIT_SECONDS = 0.5  # how long quitting or switching waits for the worker to return
TOAST_NEVER = 365 * 24 * 3600.0  # Textual's own toast timeout: never reached; nudge's timer dismisses toasts
TOAST_SECONDS = (0.5, 60.0)  # the range a toast's own timeout is held to
EXIT_GRACE_SECONDS = 5.0  # after a quit signal, how long the normal exit may take before the process just ends
QUIT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))
ROOMY = (110, 34)  # from this size on, panels get more room
COMPACT = (100, 30)  # below this width or height, a layout of its own (80x24 is the design point)


class NudgeApp(App[int]):
    """Pick an example, tune it, press space, watch it learn."""

    CSS_PATH = "app.tcss"
    TITLE = "nudge"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = bindings()
    COMMANDS = App.COMMANDS | {NudgeCommands}

    def __init__(self, config: RunConfig, *, warm_up: bool = True, chart_fps: float | None = None,
                 speed: str = DEFAULT_SPEED.name, quit_on_signals: bool = False) -> None:
        """`warm_up`: get torch and the kernel ready in the background after the first frame. `chart_fps`: fix the chart
        repaints a second during a run (default: NUDGE_CHART_FPS, else a byte budget decides, see
        tui/traffic.py). `speed`: a preset name."""
        super().__init__()
        self.config = config  # the example's settings as loaded (from the CLI or the list)
        self.session = RunSession(config)
        self.runs = RunLog()  # every run of the app's lifetime (the runs table, pins); survives example switches
        self.record: RunRecord | None = None  # the latest run's record
        self._record_session: RunSession | None = None  # the session that run trains in
        self.speed: Speed = SPEEDS_BY_NAME[speed]
        self.fixed_chart_fps = chart_fps if chart_fps is not None else fixed_rate()
        self.chart_budget = budget_for()
        self.warm_up = warm_up
        self.quit_on_signals = quit_on_signals  # the real app (run_app), not tests that share a loop
        self._next_note: tuple | None = None
        self._note_timer: Timer | None = None
        self._redraw_asked = False
        self._closing_down = False
        self.torch_loading = False
        self._timer: Timer | None = None
        self._last_draw = 0.0
        self._last_status = 0.0
        self.pending_weights: tuple[str, object] | None = None  # (path, flat) the next run starts from (ctrl+w)

    # -- layout -----------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield ExamplePicker(self.config.example_id, id="examples")
                yield ParamsForm(self.config, id="form")
            with Vertical(id="main"):
                yield ChartPanel(LossChart(id="loss"), id="loss-panel")
                yield ViewDeck(self.config, id="views")
                yield LogPane(id="log")
        yield TooSmall(id="too-small")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def form(self) -> ParamsForm:
        return self.query_one(ParamsForm)

    @property
    def loss_chart(self) -> LossChart:
        return self.query_one(LossChart)

    @property
    def views(self) -> ViewDeck:
        return self.query_one(ViewDeck)

    @property
    def fit_chart(self) -> FitChart:
        return self.views.fit_chart

    @property
    def log_pane(self) -> LogPane:
        return self.query_one(LogPane)

    def on_load(self) -> None:
        # SIGTERM and SIGHUP (an SSH connection that drops) would kill the process with the terminal left in
        # the alternate screen with the mouse on: quit through the normal exit instead, which restores it.
        if not self.quit_on_signals:
            return
        loop = asyncio.get_running_loop()
        for sig in QUIT_SIGNALS:
            try:
                loop.add_signal_handler(sig, lambda sig=sig: self.call_later(self._quit_on_signal, sig))
            except (NotImplementedError, RuntimeError, ValueError):  # no signal handlers here (Windows)
                pass

    async def _quit_on_signal(self, sig: int) -> None:
        await self._stop_worker()
        # A terminal that went away (tmux killed, SSH dropped) can stall Textual's shutdown for good: its output
        # thread dies on the failed write and closing the driver waits on that thread's full queue (seen with
        # py-spy). The run is stopped and nothing is left unwritten, so past a grace period the process ends.
        watchdog = threading.Timer(EXIT_GRACE_SECONDS, os._exit, args=(128 + int(sig),))
        watchdog.daemon = True
        watchdog.start()
        self.exit(return_code=128 + int(sig))

    # -- notifications ----------------------------------------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast goes through here: the latest replaces the one on screen, and nudge's own timer
        dismisses it. Textual 8.2.8 freezes for good when a toast mounts after its notification expired
        (a burst of keys that each notify backs the loop up: Toast sets a negative timer and Timer._run
        spins); a toast whose Textual timeout is a year away cannot expire that way. Markup is off by
        default: messages quote what a person typed. Safe from any thread, as App.notify is."""
        low, high = TOAST_SECONDS
        timeout = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        self._next_note = (message, title, severity, min(max(float(timeout), low), high), markup)
        self.call_later(self._show_note)

    def _show_note(self) -> None:
        note, self._next_note = self._next_note, None
        if note is None:  # a later call showed the latest one already
            return
        message, title, severity, timeout, markup = note
        self.clear_notifications()
        super().notify(message, title=title, severity=severity, timeout=TOAST_NEVER, markup=markup)
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note_timer = self.set_timer(timeout, self.clear_notifications)

    def on_mount(self) -> None:
        self._timer = self.set_interval(TICK_SECONDS, self._tick, pause=True)
        self._show_session()
        self._fit_size(self.size.width, self.size.height)
        # At 80x24 the example list opens only while it has focus, so the form's fields all show at first.
        (self.loss_chart if self.has_class("-compact") else self.query_one("#example-list", OptionList)).focus()
        if self.warm_up:
            self.call_after_refresh(self._start_warm_up)

    def on_resize(self, event) -> None:
        self._fit_size(event.size.width, event.size.height)
        self.call_after_refresh(self._update_status)  # the status line fits its new width

    def _fit_size(self, width: int, height: int) -> None:
        small = too_small(width, height)
        self.set_class(small, "-too-small")
        self.set_class(width >= ROOMY[0] and height >= ROOMY[1], "-roomy")
        self.set_class(width < COMPACT[0] or height < COMPACT[1], "-compact")
        if small:
            self.query_one(TooSmall).show_size(width, height)

    # -- torch, in the background -----------------------------------------------------------------------

    def _start_warm_up(self) -> None:
        self.torch_loading = True
        self._update_status()
        # A daemon thread, not a worker: an import cannot be interrupted, and quitting in the first
        # second must not wait for torch to finish loading.
        threading.Thread(target=self._warm_up, name="nudge-warm-up", daemon=True).start()

    def _warm_up(self) -> None:
        error = ""
        try:
            warm_up()
        except Exception as exc:  # the first run will say what is wrong; the app keeps going
            error = f"{type(exc).__name__}: {exc}"
        try:
            self.post_message(TorchReady(error))  # safe from any thread
        except RuntimeError:  # the app has already closed its loop
            pass

    def on_torch_ready(self, message: TorchReady) -> None:
        self.torch_loading = False
        self._update_status()

    # -- the run ----------------------------------------------------------------------------------------

    def _show_session(self) -> None:
        """Point the charts and the status line at the current session."""
        s = self.session
        unit = "epoch" if s.config.example.is_torch else "iteration"
        self.loss_chart.show(s.history, s.config.epochs, unit, members=s.config.seeds)
        controller = s.controller
        source = ViewSource(params=controller.latest_params if controller is not None else (lambda: None),
                            history=s.history, live=lambda: {"lr": s.lr, "momentum": s.live_value("momentum")},
                            finished=lambda: not s.active)
        self.views.show_run(s.config, controller.predict if controller is not None else None, source)
        self._show_pins()
        self._redraw_charts(force=True)
        self._update_status()

    def _show_pins(self) -> None:
        """Point both charts at the pinned runs of the loaded example (the run on screen is not drawn twice)."""
        s = self.session
        skip = self.record if self._record_session is s else None
        records = self.runs.records
        self.loss_chart.set_pins(pinned_lines(records, s.config.example_id, skip=skip))
        labels = [(line.slot, line.label.split(" ")[0]) for line in pinned_lines(records, s.config.example_id, skip=skip)
                  if s.config.example.is_torch]
        self.fit_chart.set_pinned(lambda grid: pinned_curves(records, s.config, grid, skip=skip), labels)

    def _close_record(self) -> None:
        """The latest run ended or is being replaced: its record keeps its final numbers."""
        record, s = self.record, self._record_session
        if record is None or s is None or record.status != "running":
            return
        controller = s.controller
        result = controller.result if controller is not None else None
        finish_record(record, status=str(s.state) if s.final else "stopped", history=s.history,
                      seconds=result.seconds if result is not None else None,
                      params=controller.latest_params() if controller is not None else None)

    def _new_session(self, config: RunConfig) -> None:
        """Drop the current run (asking its worker to stop) and get ready for a fresh one."""
        self.session.stop()
        self._close_record()
        self.session = RunSession(config)
        self.log_pane.reset()
        self.form.mark_pending(None)
        self._show_session()

    def _start(self, paused: bool = False) -> bool:
        config = self.form.config
        if config is None:
            self._explain_form_errors()
            return False
        self._new_session(config)
        self.record, self._record_session = self.runs.add(config), self.session
        self.record.history = self.session.history  # the live history until the run ends
        loaded, self.pending_weights = self.pending_weights, None
        try:
            self.session.start(self.speed.pace(config.epochs), paused=paused,
                               initial_params=loaded[1] if loaded else None)
        except ValueError:  # the form's net changed since the weights were loaded
            self.notify(f"the weights in {loaded[0]} do not fit this net any more; starting from the seed's",
                        severity="warning", timeout=5)
            self.session.start(self.speed.pace(config.epochs), paused=paused)  # no controller was made
        else:
            if loaded:
                self.log_pane.write_lines([f"starting from the weights in {loaded[0]} (a fresh optimizer)"])
        self._show_session()  # the views follow the new controller
        self.record.controller = self.session.controller  # the runs table reads its state and time live
        self.form.mark_pending(config)
        self._train(self.session)
        if self._timer is not None:
            self._timer.resume()
        self._tick()
        return True

    @work(thread=True, group="train", exit_on_error=False)
    def _train(self, session: RunSession) -> None:
        """The training thread: run the engine's loop until it ends or is stopped. Only the engine's
        buffer carries anything back; no widget is touched here."""
        thread = threading.current_thread()
        name, thread.name = thread.name, TRAIN_THREAD_NAME
        try:
            assert session.controller is not None
            session.controller.run_to_end()
        finally:
            thread.name = name

    def exit(self, *args, **kwargs) -> None:
        # The tick timer must not run while the screen is being taken down: its widgets are going away.
        self._closing_down = True
        if self._timer is not None:
            self._timer.stop()
        super().exit(*args, **kwargs)

    def _tick(self) -> None:
        """Drain the engine's buffer, log, mark charts dirty, redraw them at the chart rate."""
        if self._closing_down:
            return
        try:
            self._tick_now()
        except NoMatches:  # the app is being taken down without exit() (a test harness ending): no widgets left
            if self._timer is not None:
                self._timer.stop()

    def _tick_now(self) -> None:
        s = self.session
        update = s.poll()
        if update.lines:
            self.log_pane.write_lines(update.lines)
        if update.progress or update.changes:
            self.loss_chart.mark_dirty()
            self.views.mark_dirty()
        self._redraw_charts(force=update.finished or bool(update.changes))
        self._update_status(force=update.state_changed or bool(update.changes))
        if update.finished:
            self.form.mark_pending(None)
            self._close_record()
        if not s.active and self._timer is not None:
            self._timer.pause()

    @property
    def chart_fps(self) -> float:
        """Chart repaints a second during a run: fixed, or what the byte budget allows at this size."""
        if self.fixed_chart_fps is not None:
            return self.fixed_chart_fps
        shown = [self.loss_chart, self.views.current_widget()]
        cells = sum(c.size.area for c in shown if c is not None and c.display)
        return chart_rate(cells, self.console.color_system, self.chart_budget)

    @property
    def covered(self) -> bool:
        """A modal screen (help, a prompt, a comparison) is over the main screen: what changes under it only
        costs bytes (the runs table over a training run sent 53 KB/s at 80x24, measured, mostly charts)."""
        return len(self.screen_stack) > 1

    def _redraw_charts(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and (self.covered or now - self._last_draw < 1.0 / self.chart_fps):
            return
        drew = self.loss_chart.redraw()
        drew = self.views.redraw() or drew
        if drew:
            self._last_draw = now

    def _update_status(self, force: bool = True) -> None:
        """Rewrite the status line; the timer's routine updates (epoch, loss, rate) at most
        STATUS_FPS times a second, since each one resends the whole line."""
        now = time.monotonic()
        if not force and (self.covered or now - self._last_status < 1.0 / STATUS_FPS):
            return
        self._last_status = now
        s = self.session
        config = s.config
        knob = f"lr {s.lr:g}" if config.example.is_torch else f"step {config.step:g}"
        line = self.query_one(StatusLine)
        line.show(status_text(
            state=s.state, epoch=s.epoch, total=config.epochs, loss=s.loss, eps=s.eps, speed=self.speed.name,
            knob=knob, hint=s.hint, torch_loading=self.torch_loading and not s.started,
            unit="epoch" if config.example.is_torch else "iteration", fraction=s.epoch_fraction, tally=s.tally,
            width=line.content_size.width or None))

    def _explain_form_errors(self) -> None:
        errors = self.form.errors
        first = next(iter(errors.values()), "the data file is still being read" if self.form.reading
                     else "the form has an invalid value")
        self.notify(first, title="Cannot start: fix the form", severity="error")
        self.form.focus_first_error()

    # -- actions ----------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In a form field, + and - are typed into the field: keep them out of the footer there.
        if action == "lr" and isinstance(self.focused, Input):
            return False
        # Over any modal screen the main screen's keys wait (priority keys would reach them): the screen on top
        # has its own; tab and shift+tab (every screen's app.focus_next / focus_previous) move focus on it.
        if isinstance(self.screen, Modal) and action not in ("quit", "help", "focus_next", "focus_previous"):
            return False
        return True

    def action_toggle_run(self) -> None:
        s = self.session
        if s.active:
            if s.paused:
                s.resume()
            else:
                s.pause()
            self._tick()
        else:
            self._start()

    def action_step(self) -> None:
        s = self.session
        if not s.active:
            if not self._start(paused=True):
                return
            s = self.session
        s.step(1)
        self._tick()

    def action_reset(self) -> None:
        config = self.form.config
        if config is None:
            self._explain_form_errors()
            config = self.session.config
        self._new_session(config)
        if self._timer is not None:
            self._timer.pause()

    def action_new_seed(self) -> None:
        """Run again from the next seed: other initial weights, the notebook's 'run it again'."""
        config = self.form.config
        if config is None:
            self._explain_form_errors()
            return
        self.form.set_value("seed", (config.seed + 1) % (2**31))
        if self._start():
            self.notify(f"seed {self.session.config.seed}: new initial weights", timeout=2)

    def action_view(self, view_id: str) -> None:
        """Put a view where the fit chart is (1 fit, 2 loss curve, 3 network, 4 activations, 5 hidden units)."""
        if self.views.show_view(view_id) is None:
            self._redraw_soon()

    def action_identity(self) -> None:
        """The notebook's point about non-linearity, as an experiment: this net with every activation the
        identity, trained now; it can only draw a straight line."""
        config = self.form.config
        if config is None:
            self._explain_form_errors()
            return
        if not config.hidden:
            self.notify("this model has no hidden layer, so no activation: it is a straight line already",
                        severity="warning", timeout=4)
            return
        self.form.set_value("activation", "identity")
        if self._start():
            self.notify("every activation is now the identity: watch the fit stay a straight line "
                        "(d puts the example's settings back)", timeout=5)

    def action_lr(self, direction: int) -> None:
        s = self.session
        if not s.config.example.is_torch:
            self.notify("this example has no learning rate: it nudges by a fixed step", severity="warning")
            return
        current = s.lr if s.active else (self.form.config.lr if self.form.config else s.config.lr)
        new = lr_step(current, direction)
        if new == current:
            self.notify(f"the learning rate is already at the {'top' if direction > 0 else 'bottom'} preset "
                        f"({current:g})", severity="warning")
            return
        self.form.set_value("lr", new)
        if s.active:
            s.set_live("lr", new)
        self._update_status()

    def action_speed(self, name: str | None = None) -> None:
        self.speed = next_speed(self.speed) if name is None else SPEEDS_BY_NAME[name]
        self.session.set_pace(self.speed.pace(self.session.config.epochs))
        self._update_status()

    def action_toggle_log(self) -> None:
        chart = self.loss_chart
        chart.set_log_scale(not chart.log_scale)
        self._redraw_soon()

    def action_toggle_smooth(self) -> None:
        chart = self.loss_chart
        chart.set_smooth(not chart.smooth)
        self._redraw_soon()

    def _redraw_soon(self) -> None:
        """Redraw once the keys already queued are handled: a burst of 3000 presses draws once, not 3000
        times (each draw costs milliseconds; the keys behind it would wait seconds)."""
        if not self._redraw_asked:
            self._redraw_asked = True
            self.call_later(self._redraw_asked_for)

    def _redraw_asked_for(self) -> None:
        self._redraw_asked = False
        if not self._closing_down:
            self._redraw_charts(force=True)

    def action_cycle_marker(self) -> None:
        marker = next_marker(self.loss_chart.marker)
        self.loss_chart.set_marker(marker)
        self.views.set_marker(marker)
        self._redraw_soon()
        self.notify(f"chart marker: {MARKER_NAMES[marker]}", timeout=2)

    def action_pin(self) -> None:
        """Pin the current run (finished or not), or unpin it: it stays on the charts as a labelled line."""
        if self.record is None or self._record_session is not self.session:
            self.notify("no run to pin yet: start one (space), then pin it; t lists every run", severity="warning",
                        timeout=3)
            return
        self.notify(self.runs.toggle_pin(self.record), timeout=3)
        self._show_pins()
        self._redraw_soon()

    def action_runs(self) -> None:
        if isinstance(self.screen, RunsScreen):
            return
        self._clear_note()
        self._close_record_if_final()
        self.push_screen(RunsScreen(self.runs), self._runs_closed)

    def _close_record_if_final(self) -> None:
        if self.session.final:
            self._close_record()

    def _runs_closed(self, number: int | None) -> None:
        record = self.runs.find(number) if number is not None else None
        if record is not None:
            self._load_run(record)
            return
        self._show_pins()
        self._redraw_soon()

    def _load_run(self, record: RunRecord) -> None:
        """A run's settings into the form, ready to run (its example loaded first when another one is)."""
        config = record.config
        if config.example_id != self.config.example_id:
            self._load_example(config.example_id)
        self.form.load(config)
        self._new_session(config)
        if self._timer is not None:
            self._timer.pause()
        self.notify(f"run {record.label}'s settings are in the form: space runs them", timeout=3)

    def _form_or_explain(self) -> RunConfig | None:
        config = self.form.config
        if config is None:
            self._explain_form_errors()
        return config

    def action_race(self) -> None:
        """The optimizer race on the form's settings, in a screen of its own."""
        self._open_comparison(RaceScreen, "optimizer to race")

    def action_sweep(self) -> None:
        """A learning rate x momentum sweep of the form's settings, as a heatmap; Enter opens a cell here."""
        self._open_comparison(SweepScreen, "learning rate to sweep", self._sweep_closed)

    def _open_comparison(self, screen: type[RaceScreen] | type[SweepScreen], what: str, closed=None) -> None:
        """A comparison screen on the form's valid settings, never over another one; nudge-3x has no `what`."""
        config = self._form_or_explain()
        if config is None or isinstance(self.screen, (RaceScreen, SweepScreen)):
            return
        if not config.example.is_torch:
            self.notify(f"{config.example_id} has no {what} (it nudges by a fixed step): load a PyTorch example",
                        severity="warning", timeout=4)
            return
        self._clear_note()
        self.push_screen(screen(config), closed)

    def _sweep_closed(self, cell) -> None:
        """A cell of the sweep into the form, as a normal run ready to start."""
        if cell is None:
            return
        for name in ("lr", "momentum", "seed"):
            self.form.set_value(name, getattr(cell, name))
        config = self.form.config
        if config is not None:
            self._new_session(config)
            if self._timer is not None:
                self._timer.pause()
        self.notify(f"lr {cell.lr:g}, momentum {cell.momentum:g}, seed {cell.seed} are in the form: space runs "
                    "that cell", timeout=4)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self._clear_note()  # a toast would cover the text the person asked for
        self.push_screen(HelpScreen(help_rows(), self.session.config.example))

    # The export keys (tui/exports.py) open one dialog at a time: a key repeated, or pressed over another
    # dialog, does not stack a second one.
    def action_save_settings(self) -> None:
        if len(self.screen_stack) == 1:
            exports.save_settings(self)

    def action_export_metrics(self) -> None:
        if len(self.screen_stack) == 1:
            exports.export_metrics(self)

    def action_show_code(self) -> None:
        if len(self.screen_stack) == 1:
            self._clear_note()
            exports.show_code(self)

    def action_weights(self) -> None:
        if len(self.screen_stack) == 1:
            exports.weights(self)

    def action_about(self) -> None:
        config = self.session.config
        self._clear_note()
        self.push_screen(ExampleInfoScreen(config.example, "settings: " + config.settings_text()))

    def _clear_note(self) -> None:
        self._next_note = None
        self.clear_notifications()

    def action_example(self, example_id: str) -> None:
        self._switch_example(example_id)

    def action_defaults(self) -> None:
        """Put the example's own settings back in the form (a run in progress stops)."""
        self._load_example(self.config.example_id)
        self.notify(f"{self.config.example_id}: the example's default settings are back", timeout=3)

    async def action_quit(self) -> None:
        await self._stop_worker()
        self.exit(0)

    async def _stop_worker(self) -> None:
        """Ask the run to stop and give its worker up to half a second to return."""
        s = self.session
        s.stop()
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while s.started and not s.done.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    def on_unmount(self) -> None:
        self.session.stop()

    # -- the example list and the form ------------------------------------------------------------------

    @on(ExamplePicker.Chosen)
    def _example_chosen(self, event: ExamplePicker.Chosen) -> None:
        self._switch_example(event.example_id)

    def _switch_example(self, example_id: str) -> None:
        """Load another example with its own defaults (a run in progress stops)."""
        if example_id == self.config.example_id:
            self.notify("this example is already loaded; r starts it over", timeout=3)
            return
        self._load_example(example_id)

    def _load_example(self, example_id: str) -> None:
        """The example with its own defaults, in the form and a fresh session (a run in progress stops)."""
        self.session.stop()
        seeds = self.form.config.seeds if self.form.config is not None else self.config.seeds  # the form's count stays
        self.config = RunConfig.for_example(example_id, seeds=seeds, backend=self.config.backend)
        self.query_one(ExamplePicker).mark_current(example_id)
        self.form.load(self.config)
        self._new_session(self.config)
        if self._timer is not None:
            self._timer.pause()

    @on(ParamsForm.Changed)
    def _form_changed(self, event: ParamsForm.Changed) -> None:
        s = self.session
        if event.config is None:
            return
        if s.active:
            self.form.mark_pending(s.config)
        elif event.confirmed and not s.started and event.config != s.config:
            # Nothing trained yet: show what the next run will train on (data, range, epochs), once a value
            # is settled: a half-typed one (the 1 of 10) would show data nobody asked for.
            self.session = RunSession(event.config)
            self._show_session()

    @on(ParamsForm.Applied)
    def _live_value(self, event: ParamsForm.Applied) -> None:
        s = self.session
        if not s.active or s.live_value(event.name) == event.value:
            return
        try:
            s.set_live(event.name, event.value)
        except ConfigError as exc:  # the form checked it already; belt and braces
            self.notify(exc.message("form"), severity="error")
            return
        self._update_status()

    @on(ParamsForm.Leave)
    def _leave_form(self) -> None:
        self.loss_chart.focus()


def run_app(config: RunConfig, mouse: bool = True) -> int:
    """Open the app on this config (the CLI's entry point); returns the exit status (128 + the signal
    when SIGTERM, SIGHUP or SIGINT ended it)."""
    app = NudgeApp(config, quit_on_signals=True)
    app.run(mouse=mouse)
    return app.return_code or 0


__all__ = ["NudgeApp", "run_app"]
