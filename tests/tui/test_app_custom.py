"""The custom entry in the app: its fields checked as you type, the fit chart drawing the typed target or a
file's points, and a run that trains what was typed."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest
from textual.widgets import Input

from engine import ConfigError
from tui_helpers import finish_run, make_app, status, wait_for


async def test_a_bad_target_is_refused_as_typed_and_a_good_one_trains():
    app = make_app("custom", epochs=5, hidden="4", backend="autograd")  # a short run of a small net: fast
    async with app.run_test(size=(120, 40)) as pilot:
        field = app.query_one("#in-target", Input)
        field.focus()
        field.value = "sin(x"
        await pilot.pause()
        assert app.form.config is None and app.query_one("#row-target").has_class("-invalid")
        assert "target: missing ) to close sin( at column 4" in str(app.query_one("#row-target .field-error").render())
        await pilot.press("space")  # a run cannot start from an invalid form
        await pilot.pause()
        assert app.session.epoch == 0
        field.value = "-x^2 + 3"
        await pilot.press("enter")
        await pilot.pause()
        assert app.form.config is not None and app.form.config.target == "-x^2 + 3"
        assert "y=-x^2 + 3" in app.fit_chart.title  # the chart draws the new target before any run
        np.testing.assert_array_equal(app.fit_chart.data.y, (-np.linspace(-5, 5, 21) ** 2 + 3).astype(np.float32))
        await pilot.press("escape", "space")
        await finish_run(pilot)
        assert status(app).startswith("finished  epoch 5/5")
        assert app.session.config.target == "-x^2 + 3"


async def test_a_data_file_and_a_target_exclude_each_other_and_the_file_gives_the_points(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("x,y\n0,1\n1,0\n2,4\n")
    app = make_app("custom")
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#in-data", Input).value = str(path)
        await pilot.pause()
        assert "a data file and a target exclude each other" in str(app.query_one("#row-data .field-error").render())
        app.query_one("#in-target", Input).value = ""
        app.query_one("#in-data", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.form.config is not None and app.form.config.points == 3
        assert app.fit_chart.data.y.tolist() == [1, 0, 4] and "y=" not in app.fit_chart.title


# -- the rows a data file decides ---------------------------------------------------------------------------

def _row(app, name):
    return app.query_one(f"#row-{name}")


def _shown(app):
    """x from, x to and points as the form shows them: (label, value, editable)."""
    return [(str(_row(app, n).query_one(".field-label").render()), app.query_one(f"#in-{n}", Input).value,
             not app.query_one(f"#in-{n}", Input).disabled) for n in ("x_min", "x_max", "points")]


async def _type(pilot, name, text):
    field = pilot.app.query_one(f"#in-{name}", Input)
    field.value = text
    field.focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: not pilot.app.form.reading, what="the data file to be read")


async def test_a_data_file_shows_its_range_and_rows_in_the_form_and_clearing_it_gives_the_rows_back(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("x,y\n0.5,1\n-1.5,0\n2,4\n3.25,9\n")
    app = make_app("custom")
    async with app.run_test(size=(120, 40)) as pilot:
        await _type(pilot, "x_min", "-3")  # typed before the file: it comes back after
        await _type(pilot, "target", "")
        await _type(pilot, "data", str(path))
        assert _shown(app) == [("x from (file)", "-1.5", False), ("x to (file)", "3.25", False),
                               ("points (file)", "4", False)]
        config = app.form.config
        assert (config.x_min, config.x_max, config.points) == (-1.5, 3.25, 4)
        await _type(pilot, "data", "")
        await _type(pilot, "target", "x^2")
        assert _shown(app) == [("x from", "-3", True), ("x to", "5", True), ("points", "21", True)]
        assert (app.form.config.x_min, app.form.config.points) == (-3, 21)


async def test_a_config_loaded_with_a_data_file_shows_the_file_at_once_and_keeps_its_range_when_cleared(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("1,1\n2,4\n")
    app = make_app("custom", data=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        assert not app.form.reading and app.form.config == app.config  # known from the config: no reading
        assert _shown(app) == [("x from (file)", "1", False), ("x to (file)", "2", False),
                               ("points (file)", "2", False)]
        await _type(pilot, "data", "")
        await _type(pilot, "target", "x")
        assert _shown(app) == [("x from", "1", True), ("x to", "2", True), ("points", "2", True)]


async def test_a_bad_data_file_gets_the_engine_s_line_in_its_row_and_the_app_keeps_running(tmp_path):
    from engine import read_data_file
    from engine.data_file import MAX_DATA_BYTES

    files = {"missing.csv": None, "binary.csv": b"\x00\x01\x02", "empty.csv": b"", "nan.csv": b"x,y\n1,2\n2,nan\n",
             "huge.csv": b"0,0\n" * (MAX_DATA_BYTES // 4 + 1), "columns.csv": b"t,h\n1,2\n"}
    for name, content in files.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
    app = make_app("custom")
    async with app.run_test(size=(120, 40)) as pilot:
        await _type(pilot, "target", "")
        await _type(pilot, "x_col", "x")  # no such column in columns.csv: its row says so
        for name in files:
            path = str(tmp_path / name)
            await _type(pilot, "data", path)
            try:
                read_data_file(path, "x", "2")
            except ConfigError as exc:
                expected = exc
            else:
                raise AssertionError(f"{name} should be refused")
            row = "x_col" if expected.field == "x_col" else "data"
            assert str(_row(app, row).query_one(".field-error").render()) == expected.message("form"), name
            assert app.form.config is None and _shown(app) == [
                ("x from (file)", "", False), ("x to (file)", "", False), ("points (file)", "", False)]
        await pilot.press("escape", "space")  # refused, with the line, and the app goes on
        await pilot.pause()
        assert app.session.epoch == 0 and app.is_running


async def test_a_pipe_typed_as_the_data_file_is_refused_without_waiting_for_it(tmp_path):
    # Reading a pipe waits for a writer that never comes; the form must not (and neither may its reader).
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    app = make_app("custom")
    async with app.run_test(size=(120, 40)) as pilot:
        await _type(pilot, "target", "")
        await _type(pilot, "data", str(fifo))
        assert "is not a regular file" in str(_row(app, "data").query_one(".field-error").render())
        assert app.form.config is None


async def test_the_data_file_is_read_off_the_ui_thread_and_the_form_says_so_meanwhile(tmp_path, monkeypatch):
    import tui.widgets.data_file_reader as reader

    path = tmp_path / "p.csv"
    path.write_text("0,0\n1,1\n")
    release, reader_threads = threading.Event(), []
    real = reader.read_data_file

    def slow_read(*args):  # a slow disk: held until the test lets it go (bounded, so a bug fails, not hangs)
        reader_threads.append(threading.current_thread())
        release.wait(10)
        return real(*args)

    monkeypatch.setattr(reader, "read_data_file", slow_read)
    app = make_app("custom")
    async with app.run_test(size=(120, 40)) as pilot:
        await _type(pilot, "target", "")
        app.query_one("#in-data", Input).value = str(path)
        await pilot.pause()
        assert app.form.reading and app.form.config is None and app.form.errors == {}
        assert _shown(app)[2] == ("points (file)", "", False)
        assert "reading the data file" in str(app.query_one("#form-hint").render())
        await pilot.press("escape", "space")  # the UI answers while the file is read
        await pilot.pause()
        assert app.session.epoch == 0
        release.set()
        await wait_for(pilot, lambda: not app.form.reading, what="the data file to be read")
        assert reader_threads and threading.main_thread() not in reader_threads
        assert app.form.config is not None and app.form.config.points == 2 and _shown(app)[2][1] == "2"
