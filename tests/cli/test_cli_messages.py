"""The command line's messages: flags named as flags, a file's keys as keys (with the file's name), one rule
for settings that do not apply, and never a line longer than a few hundred characters whatever was typed."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HUGE = "9" * 100_000


def nudge(*args):
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)


def one_line(out):
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    return lines[0]


@pytest.mark.parametrize("args", [
    ["run", "linear-3x", "--lr", HUGE],
    ["run", "linear-3x", "--epochs", HUGE],
    ["run", "parabola-relu", "--hidden", "1," * 50_000],
    ["run", "linear-3x", "--backend", HUGE],  # argparse's own "invalid choice" quotes it
    ["run", "linear-3x", "--format", HUGE],
    ["run", "linear-3x", "--log-every", HUGE],
    ["run", HUGE],
    ["run", "linear-3x", HUGE],  # unrecognized argument
    ["run", "linear-3x", *["--bogus"] * 5_000],
    ["run", "--config", "/nonexistent/" + "d" * 3000],
    [HUGE],
])
def test_a_huge_argument_makes_a_short_line(args):
    line = one_line(nudge(*args))
    assert len(line) < 500, line[:600]


def test_a_huge_value_in_a_config_file_makes_a_short_line(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text(f'example = "linear-3x"\nlr = "{HUGE}"\n')
    line = one_line(nudge("run", "--config", str(path)))
    assert line.startswith(f"nudge: {path}: lr: '9999") and "(100,000 characters)" in line and len(line) < 400


def test_flags_are_named_as_flags():
    line = one_line(nudge("run", "parabola-relu", "--x-min", "1e9"))
    assert line.startswith("nudge: --x-min: '1e9' is not allowed; expected a number >= -10000 and <= 10000")
    line = one_line(nudge("run", "linear-3x", "--batch-size", "half"))
    assert line.startswith("nudge: --batch-size: 'half' is not allowed")


def test_the_same_rule_and_explanation_for_a_file_and_a_flag(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('example = "nudge-3x"\nlr = 0.1\n')
    from_file = one_line(nudge("run", "--config", str(path)))
    from_flag = one_line(nudge("run", "nudge-3x", "--lr", "0.1"))
    assert from_file == (f"nudge: {path}: lr: does not apply to nudge-3x; its settings are epochs, seed, eval_min, "
                         "eval_max, step, tolerance, sample_x, sample_y")
    assert from_flag == ("nudge: --lr: does not apply to nudge-3x; its settings are --epochs, --seed, --eval-min, "
                         "--eval-max, --step, --tolerance, --x, --y")
    # A flag that does not apply is refused on top of a file too, and before the app would open.
    path.write_text('example = "nudge-3x"\nstep = 0.1\n')
    assert one_line(nudge("run", "--config", str(path), "--momentum", "0.5")).startswith(
        "nudge: --momentum: does not apply to nudge-3x")
    assert one_line(nudge("--config", str(path), "--momentum", "0.5")).startswith(
        "nudge: --momentum: does not apply to nudge-3x")


def test_a_config_file_with_a_wrong_example_says_what_is_wrong(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("example = 5\n")
    line = one_line(nudge("run", "--config", str(path)))
    assert line.startswith(f"nudge: {path}: example: 5 is not allowed; expected the id of an example, one of:")


def test_too_many_seeds_of_a_big_net_are_refused_before_any_memory_is_used():
    line = one_line(nudge("run", "parabola-relu", "--seeds", "128", "--hidden", ",".join(["512"] * 8),
                          "--epochs", "1"))
    assert line == ("nudge: --hidden: 128 seeds x 1,840,129 parameters = 236M is over the limit of 16M seeds x "
                    "parameters (about 256 MB of training state); use fewer seeds or smaller layers")


def test_the_biggest_net_the_validator_admits_still_trains_alone():
    out = nudge("run", "parabola-relu", "--hidden", ",".join(["512"] * 8), "--epochs", "1", "--format", "jsonl")
    assert out.returncode == 0, out.stderr[-2000:]
