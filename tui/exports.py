"""The app's export keys: ctrl+s the settings (TOML), x the metrics (CSV / JSON lines), c the run as PyTorch
code (shown, then written on request), ctrl+w the weights (save the trained ones, or load some for the next
run). The bytes come from the engine; every write goes through tui/saving.py's `save_file`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from engine import (FRESH_OPTIMIZER, ConfigError, MetricsText, code_script, config_toml, history_chunk, load_weights,
                    metrics_format, weights_bytes)

from .saving import ask_and_save
from .widgets import ChoiceScreen, CodeScreen, FilePrompt

if TYPE_CHECKING:
    from .app import NudgeApp


def _form_config(app: "NudgeApp"):
    config = app.form.config
    if config is None:
        app._explain_form_errors()
    return config


def save_settings(app: "NudgeApp") -> None:
    config = _form_config(app)
    if config is None:
        return
    ask_and_save(app, "Save settings", f"{config.example_id}.toml", lambda path: config_toml(config),
                 hint="The form's settings as TOML: `nudge run --config FILE` trains this run again.",
                 done=lambda path: f"`nudge --config {path}` opens it again")


def export_metrics(app: "NudgeApp") -> None:
    session = app.session
    history = session.history
    if not len(history):
        app.notify("no metrics yet: start a run (space), then export it", severity="warning", timeout=3)
        return
    config = session.config
    result = session.controller.result if session.controller is not None else None

    written: list[int] = []

    def make(path: str) -> str:
        text = MetricsText(config, metrics_format(path))  # ConfigError: not .csv or .jsonl
        chunk = history_chunk(history.columns)  # the history as it is now (a run may still be going)
        written[:] = [len(chunk), int(chunk.epoch[-1])]
        return text.start() + text.rows(chunk) + text.end(result.to_json() if result is not None else None)

    def note(path: str) -> str:
        rows, last = written
        out = (f"every epoch so far ({rows:,})" if rows == last else
               f"{rows:,} of the {last:,} epochs (the app keeps a thinned record of long runs; "
               "`nudge run --metrics FILE` keeps every one)")
        if config.seeds > 1:
            out += "; the median over the seeds (`nudge run --metrics` has one column per seed)"
        return out

    ask_and_save(app, "Export metrics", f"{config.example_id}-metrics.csv", make,
                 hint="A name ending in .csv (a table) or .jsonl (JSON lines).", done=note)


def show_code(app: "NudgeApp") -> None:
    config = _form_config(app)
    if config is None:
        return
    try:
        code = code_script(config)
    except ConfigError as exc:
        app.notify(exc.message("form"), title="No script", severity="warning", timeout=5)
        return

    def closed(answer: str | None) -> None:
        if answer == "write":
            ask_and_save(app, "Write the script", f"{config.example_id}.py", lambda path: code,
                         done=lambda path: f"`python {path}` trains this run")

    app.push_screen(CodeScreen(code, f"{config.example_id} as a PyTorch script"), closed)


def weights(app: "NudgeApp") -> None:
    config = app.session.config
    if not config.example.is_torch:
        app.notify(f"{config.example_id} has no PyTorch model: its one weight is in the metrics and the log",
                   severity="warning", timeout=4)
        return

    def chosen(key: str | None) -> None:
        if key == "s":
            _save_weights(app)
        elif key == "l":
            _load_weights(app)

    app.push_screen(ChoiceScreen("Weights", "Save this run's trained weights as a PyTorch state_dict, or load "
                                            "weights for the next run to start from?",
                                 [("s", "save"), ("l", "load")]), chosen)


def _save_weights(app: "NudgeApp") -> None:
    session = app.session
    controller = session.controller
    result = controller.result if controller is not None else None
    if result is not None:
        params = result.params
    else:
        flat = controller.latest_params() if controller is not None else None
        if flat is None:
            app.notify("nothing trained yet: start a run (space), then save its weights", severity="warning",
                       timeout=3)
            return
        params = [np.asarray(flat[0])]
    config = session.config
    epoch = session.epoch
    ask_and_save(app, "Save weights", f"{config.example_id}.pt", lambda path: weights_bytes(config, params),
                 hint="The model's state_dict: model.load_state_dict(torch.load(FILE, weights_only=True)).",
                 done=lambda path: f"the weights after epoch {epoch:,}")


def _load_weights(app: "NudgeApp") -> None:
    config = _form_config(app)
    if config is None:
        return

    def named(path: str | None) -> None:
        if path is None:
            return
        try:
            flat = load_weights(path, config)
        except ConfigError as exc:
            app.notify(exc.explanation("form"), title="Not loaded", severity="error", timeout=8)
            return
        app.pending_weights = (path, flat)
        app.notify(f"the next run (space) starts from the weights in {path}; {FRESH_OPTIMIZER}",
                   title="Weights loaded", timeout=6)

    app.push_screen(FilePrompt("Load weights", f"{config.example_id}.pt",
                               "A state_dict saved by nudge (or of the same nn.Sequential)."), named)
