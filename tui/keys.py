"""Every key of the app, in one table: the bindings, the help screen, the command palette and the README's
key table are all derived from it (and a test holds the README to it).

A record says which keys, which action, the footer's label (empty: not in the footer), the help line, and
the palette's title (empty: not in the palette). Keys that Textual handles itself (tab, enter, escape,
ctrl+p) have no action here but still get a help line.

Keys in use today: space n r g d 1-5 a + - s l e m p t o w ctrl+s x c ctrl+w i ? f1 q ctrl+q ctrl+c;
views that have focus use the arrows, [ ] and , . for their own selection. (ctrl+w is not a priority key: in a
form field it still deletes a word.)
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    keys: str  # Textual key names, comma-separated (the first is the one shown)
    action: str  # the app's action, with arguments as Textual writes them ("lr(1)"); "" for built-in keys
    help: str  # the help screen's line
    label: str = ""  # the footer's label; empty keeps it out of the footer
    palette: str = ""  # the palette's title; empty keeps it out of the palette
    display: str = ""  # how the help, the footer and the README write the keys (default: from `keys`)
    priority: bool = False  # works even while a form field has focus

    @property
    def shown(self) -> str:
        """The keys as a person reads them: `space`, `+ / -`, `? / f1`."""
        if self.display:
            return self.display
        return " / ".join(_KEY_NAMES.get(k, k) for k in self.keys.split(","))


_KEY_NAMES = {"plus": "+", "minus": "-", "equals_sign": "=", "question_mark": "?"}

KEYS: tuple[Key, ...] = (
    Key("space", "toggle_run", "start a run; pause / resume it", "Run/Pause", "Run / pause"),
    Key("n", "step", "train one epoch, then pause (starts a paused run if none is going)", "Step",
        "Step one epoch"),
    Key("r", "reset", "reset: stop, and get ready to run the form's settings from the same seed (the same "
        "initial weights); values set with + / - are in the form, so they stay", "Reset", "Reset"),
    Key("g", "new_seed", "go again with a new seed: the next seed's initial weights (and noise), started at once",
        "", "New seed: run again with other initial weights"),
    Key("d", "defaults", "put back the example's default settings (the form and the next run)", "",
        "Defaults: this example's settings"),
    Key("plus,equals_sign", "lr(1)", "learning rate up / down a preset (0.0001 … 1), live during a run", "LR",
        "Learning rate up", display="+ / -"),
    Key("minus", "lr(-1)", "", "", "Learning rate down"),
    Key("1", "view('fit')", "view: the fit (data, model, true function, training range)", "", "View: Fit"),
    Key("2", "view('loss-curve')", "view: the loss curve over the weight, its slope (the gradient) and the next step",
        "", "View: Loss curve"),
    Key("3", "view('network')", "view: the network, each node as a dot product (arrows pick a node, [ ] the input x)",
        "", "View: Network"),
    Key("4", "view('activations')", "view: the activation functions and their slopes (arrows pick one)", "",
        "View: Activations"),
    Key("5", "view('units')", "view: the hidden units' curves that add up to the fit", "",
        "View: Hidden units"),
    Key("a", "identity", "experiment: this net with every activation the identity (no non-linearity), trained now",
        "", "Experiment: no non-linearity"),
    Key("s", "speed", "speed: slow, watch, fast, max (changes a run in progress)", "Speed", "Next speed"),
    Key("l", "toggle_log", "loss chart: log scale on / off", "", "Toggle log scale"),
    Key("e", "toggle_smooth", "loss chart: EMA smoothing on / off", "", "Toggle smoothing"),
    Key("m", "cycle_marker", "chart marker: braille, blocks, dots, solid (for terminals that draw braille badly)",
        "", "Cycle chart marker"),
    Key("p", "pin", "pin the current run (finished or not): it stays on the loss chart and over the fit as a "
        "labelled line in its own colour, up to 8; p again unpins it", "", "Pin / unpin the current run"),
    Key("t", "runs", "the runs table: every run of this session (enter loads its settings into the form, p pins "
        "or unpins it, delete removes it)", "", "Runs table"),
    Key("ctrl+s", "save_settings", "save the form's settings as a TOML file (nudge run --config reads it back)", "",
        "Save settings as TOML", priority=True),
    Key("x", "export_metrics", "export the run's metrics: a .csv table or .jsonl lines, by the file name", "",
        "Export metrics"),
    Key("c", "show_code", "the run as a standalone PyTorch script: read it, w writes it to a file", "",
        "Show as PyTorch code"),
    Key("ctrl+w", "weights", "weights: save the trained model's state_dict, or load one for the next run", "",
        "Save / load weights"),
    Key("o", "race", "optimizer race: SGD, momentum and Adam from the same start, side by side (each racer's "
        "learning rate in the race's own fields)", "", "Optimizer race"),
    Key("w", "sweep", "sweep: learning rate x momentum (x seed for Adam) as a heatmap of final loss (arrows pick "
        "a cell, enter opens it as a run)", "", "Sweep learning rate x momentum"),
    Key("i", "about", "about the current example", "", "About this example"),
    Key("question_mark,f1", "help", "this help", "Help", "Help", priority=True),
    # ctrl+c is not a priority key: in a field with text selected it still copies; anywhere else it quits.
    Key("q,ctrl+q,ctrl+c", "quit", "quit (stops the run first)", "Quit", "Quit", priority=True),
    Key("tab", "", "move between the example list, the form fields, the charts and the log",
        display="tab / shift+tab"),
    Key("enter", "", "in the list: load the example; in a field: apply it"),
    Key("escape", "", "leave the form (so the keys above work again)"),
    Key("ctrl+p", "", "command palette: every action, speed and example by name"),
)


def _typeable(key: str) -> bool:
    """A key a form field uses itself (so it must not take priority over the field): a character, or ctrl+c,
    which copies a selection there."""
    return key == "ctrl+c" or not (key.startswith("ctrl+") or (key[0] == "f" and key[1:].isdigit()))


def bindings() -> list[Binding]:
    """The app's bindings, from the table. A record's priority goes to its control and function keys only:
    `q` and `?` stay typeable in a field while ctrl+q and f1 work everywhere."""
    out = []
    for key in KEYS:
        if not key.action:
            continue
        names = key.keys.split(",")
        urgent = [k for k in names if key.priority and not _typeable(k)]
        plain = [k for k in names if k not in urgent]
        shown = key.display.replace(" ", "") or None
        if plain:
            out.append(Binding(",".join(plain), key.action, key.label or key.palette, show=bool(key.label),
                               key_display=shown, tooltip=key.help))
        if urgent:
            out.append(Binding(",".join(urgent), key.action, key.label or key.palette, show=not plain and bool(key.label),
                               priority=True, tooltip=key.help))
    return out


def modal_bindings() -> list[Binding]:
    """What every modal screen binds besides its own keys (tui/widgets/modal.py): a priority record's control
    keys that stay plain (ctrl+c) do not reach the app past a modal screen, so the screen sends them on."""
    out = []
    for key in KEYS:
        plain = [k for k in key.keys.split(",") if key.priority and key.action and k.startswith("ctrl+")
                 and _typeable(k)]
        if plain:
            out.append(Binding(",".join(plain), f"app.{key.action}", key.label or key.palette, show=False))
    return out


def help_rows() -> list[tuple[str, str]]:
    """(keys, what they do) for the help screen, in table order; a key without a help line of its own
    (minus) is covered by its partner's."""
    return [(key.shown, key.help) for key in KEYS if key.help]


def palette_commands() -> list[tuple[str, str, str]]:
    """(title, help, action) for the command palette."""
    return [(key.palette, f"{key.help or key.palette} ({key.shown})", key.action) for key in KEYS
            if key.palette and key.action]


def markdown_table() -> str:
    """The README's key table."""
    lines = ["| key | does |", "|---|---|"]
    lines += [f"| `{keys}` | {what} |" for keys, what in help_rows()]
    return "\n".join(lines)
