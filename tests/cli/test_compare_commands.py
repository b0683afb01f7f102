"""`nudge race` and `nudge sweep`: their output formats and exit codes, as scripts rely on them."""

import errno
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import tui.cli
from tui import race_command, streams, sweep_command
from tui.exit_codes import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED

ROOT = Path(__file__).resolve().parents[2]


def test_sweep_jsonl_writes_each_cell_exactly_so_nudge_run_reruns_it(capsys):
    assert tui.cli.main(["sweep", "parabola-relu", "--lr", "1e-4:3e-2:3", "--momentum", "0:0.9:2", "--epochs", "40",
                         "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    cells, done = rows[:-1], rows[-1]
    assert len(cells) == 6 and all(set(c) == {"lr", "momentum", "seed", "status", "loss", "epochs"} for c in cells)
    assert [(c["lr"], c["momentum"]) for c in cells][:2] == [(0.0001, 0.0), (0.0001, 0.9)]
    assert done["event"] == "done" and done["cells"] == 6 and isinstance(done["seconds"], float)
    assert done["axes"]["momentum"] == [0.0, 0.9]
    cell = cells[2]  # the middle learning rate, 1e-4 * 300 ** 0.5: many digits, written exactly
    assert tui.cli.main(["run", "parabola-relu", "--lr", repr(cell["lr"]), "--momentum", repr(cell["momentum"]),
                         "--seed", str(cell["seed"]), "--epochs", "40", "--format", "jsonl"]) == 0
    final = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (final["status"], final["loss"], final["epochs"]) == (cell["status"], cell["loss"], cell["epochs"])


def test_sweep_text_is_a_table_of_final_losses_and_csv_a_row_per_cell(capsys):
    assert tui.cli.main(["sweep", "parabola-relu", "--lr", "1e-3:3e-2:2", "--momentum", "0:0.9:2",
                         "--epochs", "30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("parabola-relu: 2 lr x 2 momentum = 4 cells, 30 epochs each")
    assert lines[1].split() == ["lr", "\\", "momentum", "0", "0.9"]
    assert lines[2].startswith("0.001 ") and lines[3].startswith("0.03 ")
    assert "diverged" in lines[3]  # lr 0.03 blows the ReLU net up
    assert lines[4].startswith("4 cells in ") and "2 completed, 2 diverged" in lines[4]
    assert tui.cli.main(["sweep", "parabola-relu", "--seed-range", "3:2", "--epochs", "5", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "lr,momentum,seed,status,loss,epochs" and len(rows) == 3
    assert rows[1].startswith("0.001,0.1,3,completed,") and rows[2].split(",")[2] == "4"


@pytest.mark.parametrize("args,message", [
    (["--lr", "1e-4:1e-1:0"], "--lr: '1e-4:1e-1:0' is not allowed; N must be a whole number from 1 to 4,096"),
    (["--lr", "1e-4:1e-1:5000"], "a sweep has at most 4,096 cells"),
    (["--lr", "1e-1:1e-4:5"], "A (0.1) must not be greater than B (0.0001)"),
    (["--lr", "0:1e-1:5"], "a log-spaced axis needs A > 0"),
    (["--momentum", "nan:0.5:3"], "--momentum: 'nan:0.5:3' is not allowed; A and B must be finite"),
    (["--lr", "1e-4:1e-1:64", "--momentum", "0:0.9:65"], "4,160 cells is over the limit of 4,096"),
    (["--lr", "0.1", "--momentum", "0.1", "--seed-range", "0:2"], "at most two axes"),
    (["--seeds", "4", "--lr", "0.1"], "--seeds: not a sweep flag"),
    ([], "a sweep needs an axis: --lr, --momentum or --seed-range"),
    (["--optimizer", "adam", "--momentum", "0:0.9:3"], "--momentum: Adam does not use it"),
])
def test_a_bad_sweep_is_one_line_and_exit_2(capsys, args, message):
    assert tui.cli.main(["sweep", "parabola-relu", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nudge: ") and message in err and len(err.splitlines()) == 1


def test_nudge_3x_is_refused_by_the_sweep_and_the_race(capsys):
    assert tui.cli.main(["sweep", "nudge-3x", "--lr", "1e-3:1e-2:2"]) == 2
    assert "nudge-3x has no learning rate to sweep" in capsys.readouterr().err
    assert tui.cli.main(["race", "nudge-3x"]) == 2
    assert "nudge-3x has no optimizer to race" in capsys.readouterr().err


def test_race_text_gives_each_racer_its_loss_and_the_epoch_it_reached_the_target(capsys):
    assert tui.cli.main(["race", "parabola-relu", "--epochs", "300", "--reach", "2", "--adam-lr", "0.01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("parabola-relu: 300 epochs, seed 0, from a starting loss of 171.2")
    assert lines[1].split()[:6] == ["racer", "optimizer", "lr", "epochs", "final", "loss"]
    assert [line.split()[0] for line in lines[2:5]] == ["sgd", "momentum", "adam"]
    assert lines[4].split()[1:4] == ["adam", "0.01", "300"]
    assert all(line.split()[-2].isdigit() or line.split()[-2] == "never" for line in lines[2:5])


def test_race_jsonl_one_object_per_racer_then_done_and_never_is_null(capsys):
    assert tui.cli.main(["race", "linear-3x", "--epochs", "20", "--reach", "0", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["racer"] for r in rows[:3]] == ["sgd", "momentum", "adam"]
    assert all(r["reached"] is None and r["epochs"] == 20 for r in rows[:3])  # a loss of exactly 0: never
    assert rows[3]["event"] == "done" and rows[3]["reach"] == 0.0 and rows[3]["start_loss"] > 0


@pytest.mark.parametrize("args,message", [
    (["--lr", "0.1"], "--lr: not a race flag"),
    (["--optimizer", "adam"], "--optimizer: not a race flag"),
    (["--sgd-lr", "fast"], "--sgd-lr: 'fast' is not allowed"),
    (["--reach", "-1"], "--reach: '-1' is not allowed"),
])
def test_a_bad_race_is_one_line_and_exit_2(capsys, args, message):
    assert tui.cli.main(["race", "parabola-relu", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nudge: ") and message in err and len(err.splitlines()) == 1


def test_every_racer_diverging_exits_3(capsys):
    assert tui.cli.main(["race", "parabola-relu", "--epochs", "20", "--hidden", "64,64", "--sgd-lr", "1",
                         "--momentum-lr", "1", "--adam-lr", "10"]) == 3
    assert capsys.readouterr().out.count("diverged") == 3


def test_ctrl_c_ends_a_sweep_with_its_cells_so_far_and_exit_130():
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli", "sweep", "parabola-relu", "--lr", "1e-4:1e-3:2",
                             "--momentum", "0:0.5:2", "--epochs", "10000000"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        header = proc.stdout.readline()  # written once training is under way
        assert header.startswith("parabola-relu: 2 lr x 2 momentum = 4 cells"), proc.stderr.read()
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "4 stopped" in rest and "stopped after" in rest and "Traceback" not in err


@pytest.mark.parametrize("module,args", [(sweep_command, ["sweep", "linear-3x", "--lr", "1e-3:1e-2:2"]),
                                         (race_command, ["race", "linear-3x"])])
def test_a_reader_that_went_away_is_141_and_silent(monkeypatch, capsys, module, args):
    def broken(_text):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(module, "write", broken)
    monkeypatch.setattr(streams, "silence_stdout", lambda: None)  # keep pytest's own stdout
    assert tui.cli.main([*args, "--epochs", "3"]) == 141
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("module,args", [(sweep_command, ["sweep", "linear-3x", "--lr", "1e-3:1e-2:2"]),
                                         (race_command, ["race", "linear-3x"])])
def test_a_second_ctrl_c_is_130_with_one_line_and_no_traceback(monkeypatch, capsys, module, args):
    def second_ctrl_c(_work):  # the first stops the training; the second quits before the result is written
        raise KeyboardInterrupt

    monkeypatch.setattr(module, "run_interruptible", second_ctrl_c)
    monkeypatch.setattr(streams, "silence_stdout", lambda: None)
    assert tui.cli.main([*args, "--epochs", "3"]) == EXIT_INTERRUPTED == 130
    assert capsys.readouterr().err == "nudge: interrupted again; output cut short\n"


def test_a_command_s_own_exit_code_passes_through_the_stream_guard_and_a_broken_pipe_is_141(monkeypatch):
    def reader_gone() -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(streams, "silence_stdout", lambda: None)
    assert streams.writing(lambda: 3) == 3
    assert streams.writing(reader_gone) == EXIT_BROKEN_PIPE == 141
