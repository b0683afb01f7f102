"""The custom entry in the app: its fields checked as you type, the fit chart drawing the typed target or a
file's points, and a run that trains what was typed."""

from __future__ import annotations

import numpy as np
from textual.widgets import Input

from tui_helpers import finish_run, make_app, status


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
