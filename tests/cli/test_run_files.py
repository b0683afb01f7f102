"""`nudge run`'s files: settings that reproduce the run, metrics that hold what the output held (Ctrl-C too),
no file replaced without --force, and one line naming a path that cannot be written."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def nudge(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd or ROOT)


def test_version_prints_the_installed_version():
    out = nudge("--version")
    assert out.returncode == 0 and out.stdout.startswith("nudge ") and out.stdout.split()[1][0].isdigit()


def test_a_saved_config_reruns_to_the_same_parameters(tmp_path):
    path = tmp_path / "run.toml"
    flags = ["parabola-relu", "--epochs", "20", "--lr", "0.0031", "--hidden", "6,4", "--seed", "3", "--noise", "0.5",
             "--test-fraction", "0.2", "--format", "jsonl"]
    first = nudge("run", *flags, "--save-config", str(path))
    again = nudge("run", "--config", str(path), "--format", "jsonl")
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    done = [json.loads(out.stdout.splitlines()[-1]) for out in (first, again)]
    assert done[0]["params"] == done[1]["params"] and done[0]["loss"] == done[1]["loss"]


def test_metrics_file_holds_every_row_the_output_did(tmp_path):
    out = nudge("run", "linear-3x", "--epochs", "12", "--format", "jsonl", "--metrics", str(tmp_path / "m.csv"))
    assert out.returncode == 0, out.stderr
    printed = [json.loads(line) for line in out.stdout.splitlines()[:-1]]
    rows = list(csv.DictReader(open(tmp_path / "m.csv")))
    assert [float(r["loss"]) for r in rows] == [r["loss"] for r in printed]
    assert [float(r["weight"]) for r in rows] == [r["weight"] for r in printed]


def test_ctrl_c_leaves_a_complete_metrics_file_of_the_epochs_so_far(tmp_path):
    path = tmp_path / "m.jsonl"
    printed_to = open(tmp_path / "out.jsonl", "w")  # a file, not a pipe: an unread pipe would hold the run back
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli", "run", "linear-3x", "--epochs", "10000000", "--format",
                             "jsonl", "--metrics", str(path)], cwd=ROOT, stdout=printed_to, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    def temporary_size():
        return sum(os.path.getsize(tmp_path / n) for n in os.listdir(tmp_path) if n.endswith(".tmp"))

    while temporary_size() < 10_000:  # rows are going into the temporary file: training has started
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.02)
    assert not path.exists()  # the name comes at the end
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    printed_to.close()
    assert proc.returncode == 130, err
    printed = (tmp_path / "out.jsonl").read_text().splitlines()
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert lines[0]["event"] == "start"
    assert lines[-1]["event"] == "done" and lines[-1]["status"] == "stopped"
    assert lines[-1]["epochs"] == lines[-2]["epoch"] == len(lines) - 2 == len(printed) - 1
    assert [n for n in os.listdir(tmp_path) if n.endswith(".tmp")] == []
    assert json.loads(printed[-1])["epochs"] == lines[-1]["epochs"]  # the file and the output agree


def test_an_existing_file_is_refused_before_training_and_kept_unless_forced(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("mine")
    out = nudge("run", "linear-3x", "--epochs", "2", "--save-config", str(path))
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == f"nudge: cannot write {str(path)!r}: it exists already; use --force to overwrite it"
    assert path.read_text() == "mine"
    out = nudge("run", "linear-3x", "--epochs", "2", "--save-config", str(path), "--force")
    assert out.returncode == 0 and path.read_text().startswith("# nudge settings")


@pytest.mark.parametrize("flags, message", [
    (["--metrics", "/no/such/folder/m.csv"], "nudge: cannot write '/no/such/folder/m.csv': the folder '/no/such/folder' does not exist"),
    (["--metrics", "m.txt"], "nudge: metrics file 'm.txt': expected a name ending in .csv or .jsonl"),
    (["--save-config", "same.csv", "--metrics", "same.csv"], "nudge: cannot write 'same.csv': given for two files"),
])
def test_a_file_that_cannot_be_written_is_one_line_naming_it_and_no_training(tmp_path, flags, message):
    out = nudge("run", "linear-3x", *flags, cwd=tmp_path)
    assert out.returncode in (1, 2) and out.stdout == ""
    assert out.stderr.strip() == message
    assert os.listdir(tmp_path) == []


def test_nudge_code_prints_the_engines_script_for_the_flags_without_loading_torch():
    from engine import RunConfig, code_script

    probe = ("import sys\nfrom tui.cli import main\nmain(['code', 'parabola-relu', '--epochs', '7', '--lr', '0.02', "
             "'--test-fraction', '0.25'])\nprint('torch loaded:', 'torch' in sys.modules, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout == code_script(RunConfig.for_example("parabola-relu", epochs=7, lr=0.02, test_fraction=0.25))
    assert out.stderr.strip().endswith("torch loaded: False")


def test_nudge_code_refuses_many_seeds_and_an_existing_output(tmp_path):
    out = nudge("code", "parabola-sigmoid", "--seeds", "4")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == ("nudge: --seeds: 4 seeds: a script trains one model; use --seed S for the one you "
                                  "want (a run of K seeds trains seeds 0..3)")
    (tmp_path / "run.py").write_text("mine")
    out = nudge("code", "linear-3x", "--output", "run.py", cwd=tmp_path)
    assert out.returncode == 2 and "exists already; use --force" in out.stderr
    assert (tmp_path / "run.py").read_text() == "mine"


def test_weights_are_saved_and_a_file_that_does_not_fit_is_refused(tmp_path):
    path = tmp_path / "w.pt"
    out = nudge("run", "parabola-sigmoid", "--epochs", "5", "--save-weights", str(path), "--format", "jsonl")
    assert out.returncode == 0 and path.exists(), out.stderr
    # (continuing from a file equals training on: tests/engine/test_weights.py; the app's load: test_app_exports)
    out = nudge("run", "parabola-sigmoid", "--hidden", "3", "--load-weights", str(path))
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith(f"nudge: --load-weights: {str(path)!r} does not fit the 1-3-1 net")
