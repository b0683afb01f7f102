"""Whatever ends `nudge run` early reaches the user as one line on stderr and exit 1, never a traceback or
an assertion: an error while training, while closing the run, or while writing its summary."""

from __future__ import annotations

import pytest

import engine.controller
from engine import RunConfig
from tui.run_command import cmd_run


def run(capsys, *, fmt="jsonl", **overrides):
    config = RunConfig.for_example("linear-3x", **{"epochs": 30, **overrides})
    code = cmd_run(config, fmt, None)
    out, err = capsys.readouterr()
    return code, out, err.strip().splitlines()


def test_a_failure_while_closing_the_run_is_one_line(capsys, monkeypatch):
    # The hostile report's case: turning every member's params into lists ran out of memory after training.
    def finish(self, learner):
        raise MemoryError()

    monkeypatch.setattr(engine.controller.RunController, "_finish", finish)
    code, out, err = run(capsys)
    assert code == 1 and err == ["nudge: training failed: MemoryError"]
    assert '"event": "done"' not in out


def test_a_failure_while_writing_the_summary_is_one_line(capsys, monkeypatch):
    def to_json(self, *a, **k):
        raise MemoryError("no room for the summary")

    monkeypatch.setattr(engine.controller.RunResult, "to_json", to_json)
    code, out, err = run(capsys)
    assert code == 1 and err == ["nudge: training failed: MemoryError: no room for the summary"]


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_a_failure_while_training_is_one_line(capsys, monkeypatch, fmt):
    def broken(config, stop=None, initial=None):
        raise RuntimeError("the model could not be built")

    monkeypatch.setattr(engine.controller, "make_learner", broken)
    code, out, err = run(capsys, fmt=fmt)
    assert code == 1 and err == ["nudge: training failed: RuntimeError: the model could not be built"]


def test_a_run_that_ends_without_an_outcome_is_reported_not_asserted(capsys, monkeypatch):
    monkeypatch.setattr(engine.controller.RunController, "run_to_end", lambda self: self.done.set())
    code, out, err = run(capsys)
    assert code == 1 and err == ["nudge: training failed: the run ended without a result"]


def test_the_controller_always_leaves_a_result_or_an_error():
    from engine import RunController

    ctl = RunController(RunConfig.for_example("linear-3x", epochs=3))

    def boom(learner):
        raise MemoryError()

    ctl._finish = boom
    assert ctl.run_to_end() is None
    assert ctl.done.is_set() and ctl.result is None and isinstance(ctl.error, MemoryError)
    assert ctl.state == "failed"


def test_text_output_logs_the_last_iteration_when_the_run_ends_between_log_lines(capsys):
    config = RunConfig.for_example("nudge-3x")
    code = cmd_run(config, "text", None)
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[-3] == "iteration   44  weight 2.994  error -0.017  within 0.1: stop"
    assert out[-2:] == ["converged after 44 iterations: |error| <= 0.1", "y = weight * x:  8.9833 = 2.9944 x 3"]


def test_a_metrics_file_that_fills_the_disk_mid_run_is_one_line_and_no_file(capsys, monkeypatch, tmp_path):
    import errno
    import os

    from tui.run_files import RunFiles

    real_write = os.write
    path = tmp_path / "m.csv"
    metrics_fd = []

    def full(fd, data):  # the metrics file's descriptor fails as a full disk would; stdout's goes through
        if fd in metrics_fd:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    config = RunConfig.for_example("linear-3x", epochs=30)
    files = RunFiles(config, metrics=str(path))
    files.prepare()
    metrics_fd.append(files._metrics_file._fd)
    monkeypatch.setattr(os, "write", full)
    code = cmd_run(config, "jsonl", None, files=files)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and err == [f"nudge: cannot write {str(path)!r}: No space left on device"]
    assert os.listdir(tmp_path) == []
