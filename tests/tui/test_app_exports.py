"""The app's export keys: ctrl+s settings, x metrics, c code, ctrl+w weights. Each asks for a file name, asks
before replacing a file, writes through tui/saving.py's one function, and says what happened."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from textual.widgets import Input

from engine import RunConfig, code_script, load_weights
from engine.config_file import load_config_file
from tui import saving
from tui.widgets import ChoiceScreen, CodeScreen, FilePrompt
from tui_helpers import finish_run, make_app, wait_for


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the dialogs suggest names relative to the working folder


def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


async def toast_saying(pilot, text: str) -> str:
    """Wait for the latest toast to say `text` (a dialog's answer is handled a few event-loop turns later,
    more under load), and return it."""
    await wait_for(pilot, lambda: bool(toasts(pilot.app)) and text in toasts(pilot.app)[-1], timeout=20,
                   what=f"a toast saying {text!r}")
    return toasts(pilot.app)[-1]


async def screen_is(pilot, kind) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), timeout=20, what=kind.__name__)


async def type_name(pilot, name: str) -> None:
    """Replace the suggested name in the open prompt and press enter."""
    await screen_is(pilot, FilePrompt)
    pilot.app.screen.query_one(Input).value = name
    await pilot.press("enter")
    await pilot.pause()


async def test_ctrl_s_saves_the_forms_settings_and_asks_before_replacing(tmp_path):
    app = make_app("parabola-relu", lr=0.0031, epochs=77)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("ctrl+s")
        await screen_is(pilot, FilePrompt)
        assert app.screen.query_one(Input).value == "parabola-relu.toml"
        await pilot.press("enter")
        assert (await toast_saying(pilot, "wrote parabola-relu.toml (")).startswith("wrote")
        assert load_config_file(str(tmp_path / "parabola-relu.toml")) == app.form.config
        (tmp_path / "parabola-relu.toml").write_text("mine")
        await pilot.press("ctrl+s")
        await type_name(pilot, "parabola-relu.toml")
        await screen_is(pilot, ChoiceScreen)
        await pilot.press("n")
        await toast_saying(pilot, "nothing written")
        assert (tmp_path / "parabola-relu.toml").read_text() == "mine"
        await pilot.press("ctrl+s")
        await type_name(pilot, "parabola-relu.toml")
        await screen_is(pilot, ChoiceScreen)
        await pilot.press("y")
        await toast_saying(pilot, "wrote parabola-relu.toml")
        assert load_config_file(str(tmp_path / "parabola-relu.toml")) == app.form.config


async def test_x_exports_every_epoch_as_csv_or_jsonl_by_the_name_and_refuses_other_names(tmp_path):
    app = make_app("linear-3x", epochs=25)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("x")
        await toast_saying(pilot, "no metrics yet")
        assert not isinstance(app.screen, FilePrompt)
        await pilot.press("space")
        await finish_run(pilot)
        await pilot.press("x")
        await type_name(pilot, "linear-3x-metrics.csv")
        await toast_saying(pilot, "every epoch so far (25)")
        rows = list(csv.DictReader(open(tmp_path / "linear-3x-metrics.csv")))
        assert [int(r["epoch"]) for r in rows] == list(range(1, 26))
        assert float(rows[-1]["loss"]) == app.session.controller.result.loss
        await pilot.press("x")
        await type_name(pilot, "m.txt")
        await toast_saying(pilot, "expected a name ending in .csv or .jsonl")
        await pilot.press("x")
        await type_name(pilot, "m.jsonl")
        await toast_saying(pilot, "wrote m.jsonl")
        assert (tmp_path / "m.jsonl").read_text().count("\n") == 25 + 2  # start, 25 epochs, done
        assert not (tmp_path / "m.txt").exists()


async def test_a_path_that_cannot_be_written_is_one_toast_naming_it(tmp_path):
    app = make_app("linear-3x")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("ctrl+s")
        await type_name(pilot, "no/such/folder/run.toml")
        assert await toast_saying(pilot, "cannot write") == \
            "cannot write 'no/such/folder/run.toml': the folder 'no/such/folder' does not exist"
        assert list(tmp_path.iterdir()) == []


async def test_c_shows_the_script_for_the_form_and_w_writes_it(tmp_path):
    app = make_app("parabola-sigmoid", epochs=40)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("c")
        await screen_is(pilot, CodeScreen)
        assert app.screen.code == code_script(app.form.config)
        await pilot.press("pagedown", "down", "w")
        await type_name(pilot, "parabola-sigmoid.py")
        await toast_saying(pilot, "`python parabola-sigmoid.py` trains this run")
        assert (tmp_path / "parabola-sigmoid.py").read_text() == code_script(app.form.config)


async def test_c_refuses_many_seeds_saying_which_seed_to_use():
    app = make_app("parabola-sigmoid", seeds=3)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("c")
        await toast_saying(pilot, "use --seed S")
        assert not isinstance(app.screen, CodeScreen)


async def test_ctrl_w_saves_the_trained_weights_and_loads_them_for_the_next_run(tmp_path):
    app = make_app("parabola-sigmoid", epochs=15)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("ctrl+w")
        await screen_is(pilot, ChoiceScreen)
        await pilot.press("s")
        await toast_saying(pilot, "nothing trained yet")
        await pilot.press("space")
        await finish_run(pilot)
        trained = np.concatenate(app.session.controller.result.params)
        await pilot.press("ctrl+w", "ctrl+w", "ctrl+w")  # one dialog, however often the key is pressed
        await screen_is(pilot, ChoiceScreen)
        await pilot.pause()
        assert len(app.screen_stack) == 2
        await pilot.press("s")
        await type_name(pilot, "parabola-sigmoid.pt")
        await toast_saying(pilot, "wrote parabola-sigmoid.pt")
        path = tmp_path / "parabola-sigmoid.pt"
        assert np.array_equal(load_weights(str(path), app.session.config), trained)
        await pilot.press("ctrl+w")
        await screen_is(pilot, ChoiceScreen)
        await pilot.press("l")
        await type_name(pilot, "parabola-sigmoid.pt")
        await toast_saying(pilot, "the optimizer starts fresh")
        await pilot.press("space")
        await wait_for(pilot, lambda: app.session.controller is not None and app.session.controller.learner is not None)
        assert np.array_equal(app.session.controller.initial_params, trained)
        assert any("starting from the weights in parabola-sigmoid.pt" in line for line in app.log_pane.lines_written)
        await finish_run(pilot)


async def test_weights_that_do_not_fit_the_form_are_refused_whole(tmp_path):
    app = make_app("parabola-sigmoid", epochs=3)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        await pilot.press("ctrl+w")
        await screen_is(pilot, ChoiceScreen)
        await pilot.press("s")
        await type_name(pilot, "w.pt")
        await toast_saying(pilot, "wrote w.pt")
        app.form.set_value("hidden", "3")
        await pilot.pause()
        await pilot.press("ctrl+w")
        await screen_is(pilot, ChoiceScreen)
        await pilot.press("l")
        await type_name(pilot, "w.pt")
        await toast_saying(pilot, "does not fit the 1-3-1 net")
        assert app.pending_weights is None


async def test_every_export_writes_through_the_one_saving_function(monkeypatch):
    calls = []

    def capture(app, path, data, force=False):
        calls.append(path)
        return f"delivered {path}"

    monkeypatch.setattr(saving, "save_file", capture)
    app = make_app("linear-3x", epochs=5)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("space")
        await finish_run(pilot)
        for key, dialog, then, name in (("ctrl+s", FilePrompt, None, "linear-3x.toml"),
                                        ("x", FilePrompt, None, "linear-3x-metrics.csv"),
                                        ("c", CodeScreen, "w", "linear-3x.py"),
                                        ("ctrl+w", ChoiceScreen, "s", "linear-3x.pt")):
            await pilot.press(key)
            await screen_is(pilot, dialog)
            if then:
                await pilot.press(then)
            await type_name(pilot, name)
            await toast_saying(pilot, f"delivered {name}")
    assert calls == ["linear-3x.toml", "linear-3x-metrics.csv", "linear-3x.py", "linear-3x.pt"]
