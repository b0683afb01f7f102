"""The `nudge` command's surface, as scripts rely on it: output formats and exit codes."""

import json
import signal
import subprocess
import sys
import time

import pytest


def nudge(*args, **kw):
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, timeout=120, **kw)


def test_list_names_every_example_with_its_defaults():
    out = nudge("list")
    assert out.returncode == 0
    for example in ("nudge-3x", "linear-3x", "linear-noisy", "parabola-sigmoid", "parabola-relu", "parabola-noisy"):
        assert example in out.stdout
    assert "lr 0.001 momentum 0.1" in out.stdout and "2000 epochs" in out.stdout


def test_run_text_logs_like_the_seed_and_summarises():
    out = nudge("run", "linear-3x")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("linear-3x: net 1-1")
    assert any(line.startswith("epoch  20  weight") for line in lines)
    assert "finished after 201 epochs" in out.stdout and "learned y = 2.99" in out.stdout


def test_run_jsonl_one_object_per_epoch_then_the_final_line():
    out = nudge("run", "linear-3x", "--format", "jsonl", "--epochs", "30")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    epochs, final = rows[:-1], rows[-1]
    assert [r["epoch"] for r in epochs] == list(range(1, 31))
    for r in epochs:
        assert isinstance(r["epoch"], int) and isinstance(r["loss"], float)
        assert {"weight", "bias", "grad"} <= set(r)
    assert final["event"] == "done" and final["status"] == "completed" and final["epochs"] == 30
    assert final["loss"] == epochs[-1]["loss"]
    assert [len(p) for p in final["params"]] == [1, 1]
    assert isinstance(final["seconds"], float) and final["seconds"] > 0


def test_nudge_3x_jsonl_reports_weight_and_error_and_converges():
    out = nudge("run", "nudge-3x", "--format", "jsonl", "--seed", "2")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert out.returncode == 0
    assert {"epoch", "loss", "weight", "error"} <= set(rows[0])
    final = rows[-1]
    assert final["status"] == "converged" and len(final["params"]) == 1 and len(final["params"][0]) == 1
    assert abs(rows[-2]["error"]) <= 0.1


@pytest.mark.parametrize("args,message", [
    (["run", "linear-3x", "--lr", "abc"], "nudge: --lr: 'abc' is not allowed"),
    (["run", "linear-3x", "--lr", "-1"], "nudge: --lr: '-1' is not allowed"),
    (["run", "linear-3x", "--epochs", "0"], "nudge: --epochs: '0' is not allowed"),
    (["run", "nope"], "nudge: example: no example is called 'nope'"),
    (["run", "parabola-relu", "--hidden", "10,0"], "nudge: --hidden: '10,0' is not allowed"),
    (["run", "parabola-relu", "--activation", "softmax"], "nudge: --activation: 'softmax' is not allowed"),
    (["run", "parabola-relu", "--x-min", "3", "--x-max", "1"], "nudge: --x-max: 1 must be greater than --x-min (3)"),
    (["run", "linear-3x", "--no-zero-grad", "--batch-size", "half"], "nudge: --batch-size: 'half' is not allowed"),
    (["run", "linear-3x", "--format", "xml"], "invalid choice"),
    (["run", "linear-3x", "--config", "/nonexistent.toml"], "cannot read"),
    (["run"], "example: missing"),
    (["frobnicate"], "invalid choice"),
    (["run", "nudge-3x", "--lr", "0.1"], "--lr: does not apply to nudge-3x; its settings are --epochs"),
    (["run", "linear-3x", "--x", "5"], "--x: does not apply to linear-3x"),
    (["run", "nudge-3x", "--x", "0"], "nudge: --x: 0 is not allowed"),
    (["run", "linear-3x", "--log-every", "0"], "--log-every: '0' is not allowed"),
])
def test_invalid_input_exits_2_with_one_clear_line(args, message):
    out = nudge(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1
    assert message in out.stderr and "Traceback" not in out.stderr


def test_divergence_exits_3_with_a_hint():
    out = nudge("run", "linear-3x", "--lr", "1", "--format", "jsonl")
    assert out.returncode == 3
    final = json.loads(out.stdout.splitlines()[-1])
    assert final["status"] == "diverged" and "learning rate" in final["hint"]


def test_a_config_file_sets_values_and_flags_override_it(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('example = "linear-3x"\nlr = 0.02\nepochs = 12\n')
    out = nudge("run", "--config", str(path), "--epochs", "7", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1])["epochs"] == 7
    bad = tmp_path / "bad.toml"
    bad.write_text('example = "linear-3x"\nlr = "fast"\n')
    out = nudge("run", "--config", str(bad))
    assert out.returncode == 2 and f"nudge: {bad}: lr: 'fast' is not allowed" in out.stderr


def test_ctrl_c_prints_the_stopped_summary_and_exits_130():
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli", "run", "parabola-relu", "--epochs", "10000000",
                             "--format", "jsonl", "--backend", "autograd"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline()  # training has started
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    final = json.loads(out.splitlines()[-1])
    assert final["status"] == "stopped" and final["epochs"] > 1


def test_many_seeds_jsonl_carries_each_members_loss_and_final_runs():
    out = nudge("run", "parabola-sigmoid", "--seeds", "3", "--epochs", "20", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows[0]["losses"]) == 3
    assert rows[0]["loss"] == pytest.approx(sorted(rows[0]["losses"])[1])
    final = rows[-1]
    assert [r["seed"] for r in final["runs"]] == [0, 1, 2]
    assert all(r["status"] == "completed" and len(r["params"]) == 4 for r in final["runs"])


def test_a_reader_that_goes_away_stops_the_run_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli", "run", "parabola-relu", "--epochs", "10000000",
                             "--format", "jsonl"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert json.loads(proc.stdout.readline())["epoch"] == 1
    proc.stdout.close()  # as `| head -1` does
    assert proc.wait(timeout=30) == 141
    assert "Traceback" not in proc.stderr.read()


def test_flags_before_run_count_and_negative_exponents_need_no_equals_sign():
    out = nudge("--epochs", "3", "run", "parabola-relu", "--eval-min", "-1e3", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1])["epochs"] == 3


def test_a_config_file_that_is_not_text_is_refused_in_one_line(tmp_path):
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe")
    out = nudge("run", "--config", str(path))
    assert out.returncode == 2 and "is not valid TOML" in out.stderr and "Traceback" not in out.stderr


def test_the_app_opens_on_the_example_its_config_file_names(tmp_path):
    from tui.cli import build_parser, config_from_args

    path = tmp_path / "run.toml"
    path.write_text('example = "parabola-relu"\nlr = 0.02\n')
    args = build_parser().parse_args(["--config", str(path)])
    config = config_from_args(args, None)
    assert (config.example_id, config.lr) == ("parabola-relu", 0.02)


def test_json_never_carries_a_bare_nan():
    out = nudge("run", "linear-3x", "--lr", "10", "--points", "1000", "--seeds", "2", "--format", "jsonl")
    assert out.returncode == 3

    def strict(constant):  # json.loads accepts bare NaN/Infinity, which strict JSON readers reject
        raise AssertionError(f"bare {constant} in JSON output")

    rows = [json.loads(line, parse_constant=strict) for line in out.stdout.splitlines()]
    final = rows[-1]
    assert final["params"] == [[None], [None]] and final["loss"] is None


def test_many_seeds_of_the_nudge_learner_log_and_summarise():
    out = nudge("run", "nudge-3x", "--seeds", "3")
    assert out.returncode == 0, out.stderr
    assert "3 seeds: 3 converged" in out.stdout


def test_explain_writes_one_input_through_the_trained_net_as_dot_products():
    out = nudge("run", "parabola-sigmoid", "--epochs", "50", "--explain", "2")
    assert out.returncode == 0, out.stderr
    tail = out.stdout.splitlines()[-9:]
    assert tail[0].startswith("parabola-sigmoid: net 1-2-1") and tail[1] == "x = 2.0"
    assert tail[3].startswith("  h1 = ") and tail[4].startswith("  sigmoid(") and tail[-1].startswith("  y = ")
    jsonl = nudge("run", "linear-3x", "--explain", "2", "--format", "jsonl")
    final = json.loads(jsonl.stdout.splitlines()[-1])
    assert final["explain"][-1].startswith("  y = ")
    bad = nudge("run", "linear-3x", "--explain", "abc")
    assert bad.returncode == 2 and "--explain: 'abc' is not allowed" in bad.stderr
