"""`nudge run custom`: a typed target, a CSV file, custom examples from a TOML file; and the one-line refusals."""

import json
import re
import subprocess
import sys

import pytest

from engine.examples import remove_added_examples
from tui.cli import main


def nudge(*args, **kw):
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, timeout=120, **kw)


@pytest.fixture(autouse=True)
def registry():
    yield
    remove_added_examples()  # main(["--examples", ...]) adds to the process-wide registry


def refused(capsys, *args):
    assert main(list(args)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("nudge: ")
    return err


def test_a_typed_target_trains_end_to_end():
    out = nudge("run", "custom", "--target", "x^2", "--epochs", "50")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("custom: y = x^2, x from -5 to 5, 21 points, net 1-16-16-1 (tanh,tanh), adam")
    assert "finished after 50 epochs" in out.stdout


def test_a_target_that_starts_with_a_minus_needs_no_equals_sign():
    out = nudge("run", "custom", "--target", "-x**2", "--epochs", "3", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1])["epochs"] == 3


def test_data_comes_from_a_csv_file_with_columns_by_name(tmp_path):
    (tmp_path / "p.csv").write_text("t,h\n0,1\n1,2\n2,5\n")
    out = nudge("run", "custom", "--data", str(tmp_path / "p.csv"), "--x-col", "t", "--y-col", "h", "--epochs", "4",
                "--hidden", "4", "--seeds", "2", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1])["epochs"] == 4


def test_examples_from_a_file_are_listed_and_run(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text('[[example]]\nid = "wave"\ntitle = "A wave"\ntarget = "sin(3*x)"\nepochs = 7\n')
    assert main(["--examples", str(path), "list"]) == 0
    listed = capsys.readouterr().out
    assert "custom " in listed and re.search(r"\nwave +A wave\n", listed) and "y = sin(3 * x)" in listed and "7 epochs" in listed
    out = nudge("run", "--examples", str(path), "wave", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1])["epochs"] == 7


def test_list_states_the_custom_defaults(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "defaults: y = sin(x) * x, x from -5 to 5, 21 points, net 1-16-16-1 (tanh,tanh), adam lr 0.01" in out


@pytest.mark.parametrize("args, says", [
    (["--target", "sin(x"], "nudge: --target: missing ) to close sin( at column 4"),
    (["--target", "x", "--data", "p.csv"], "nudge: --data: a data file and a --target exclude each other"),
    (["--target", "2x"], "expected an operator before 'x' at column 2"),
    (["--target", "__import__('os').system('echo hi')"], "unknown function '__import__' at column 1"),
    (["--target", "log(x)"], "--target: log(x) is not a number (undefined) at x=-5"),
    (["--x-col", "2"], "--x-col: applies only when --data is given"),
    (["--data", "missing.csv"], "--data: 'missing.csv' does not exist"),
])
def test_bad_custom_input_is_one_line_and_exit_2(capsys, args, says):
    assert says in refused(capsys, "run", "custom", *args)


def test_with_a_data_file_the_range_flags_are_refused(tmp_path, capsys):
    (tmp_path / "p.csv").write_text("1,2\n2,3\n")
    for flag in ("--x-min", "--x-max", "--points"):
        err = refused(capsys, "run", "custom", "--data", str(tmp_path / "p.csv"), flag, "3")
        assert f"{flag}: not allowed with --data, which decides the points" in err
    assert "--target: does not apply to linear-3x" in refused(capsys, "run", "linear-3x", "--target", "x")


def test_a_bad_examples_file_is_one_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('[[example]]\nid = "w"\ntarget = "y"\n')
    assert "--examples: " in refused(capsys, "--examples", str(path), "list")
    assert "example 1 (w): target: unknown name 'y' at column 1" in refused(capsys, "--examples", str(path), "list")


def test_a_flag_replaces_the_config_files_target_or_data(tmp_path):
    (tmp_path / "p.csv").write_text("1,2\n2,3\n3,5\n")
    (tmp_path / "data.toml").write_text(f'example = "custom"\ndata = "{tmp_path / "p.csv"}"\n')
    (tmp_path / "target.toml").write_text('example = "custom"\ntarget = "x^2"\nx_min = -2.0\n')
    from tui.cli import build_parser, config_from_args

    def config(*flags):
        args = build_parser().parse_args(["run", *flags])
        return config_from_args(args, None)

    over_data = config("--config", str(tmp_path / "data.toml"), "--target", "abs(x)")
    assert (over_data.target, over_data.data) == ("abs(x)", "")
    over_target = config("--config", str(tmp_path / "target.toml"), "--data", str(tmp_path / "p.csv"))
    assert (over_target.target, over_target.points, over_target.x_min) == ("", 3, 1.0)  # the file's range, not -2
