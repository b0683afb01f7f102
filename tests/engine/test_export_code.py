"""`nudge code`'s scripts: standalone (no nudge), the data the engine makes, and, run, the very parameters the
autograd backend ends on.

Bit for bit, and why that is real: the script does the same torch operations in the same order on the same
float32 values as engine/learners/autograd.py (the data from the same numpy calls, the initial weights from
torch.manual_seed and building the layers in order, which the engine's private generator reproduces bit for
bit: tests/engine/test_run_seeding.py), on the same machine and torch. Nothing in between rounds differently,
so any difference would be a different computation, not rounding.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import numpy as np
import pytest

from engine import EXAMPLES, ConfigError, RunConfig, RunController
from engine.data import held_out, make_data
from engine.export_code import TARGET_SOURCES, code_script, data_lines, target_source

# A handful of short runs covering what the script must reproduce: each optimizer, momentum, weight decay,
# batch sizes, held-out points, zero-grad off, noise, several activations, nudge-3x.
CONFIGS = [
    ("linear-3x", {"epochs": 12}),
    ("linear-noisy", {"epochs": 6, "test_fraction": 0.3, "seed": 4, "weight_decay": 0.01}),
    ("parabola-sigmoid", {"epochs": 15, "no_zero_grad": True}),
    ("parabola-relu", {"epochs": 8, "optimizer": "adam", "lr": 0.01, "batch_size": 4, "test_fraction": 0.2}),
    ("parabola-noisy", {"epochs": 8, "momentum": 0.9, "batch_size": "full", "seed": 7, "noise": 2.5}),
    ("parabola-relu", {"epochs": 5, "hidden": "5,4,3", "activation": "tanh,leaky_relu,identity", "points": 17,
                       "x_min": -2.0, "x_max": 3.0, "batch_size": 3}),
    ("nudge-3x", {"seed": 3, "step": 0.07}),
    ("nudge-3x", {"seed": 1, "epochs": 4}),  # cut off before converging
]

RUNNER = """
import json, runpy, sys
out = []
for path in sys.argv[1:]:
    ns = runpy.run_path(path, run_name="__main__")
    model = ns["model"]
    if "weight" in ns and not hasattr(model, "parameters"):
        out.append([[ns["weight"]]])
    else:
        out.append([p.detach().numpy().ravel().tolist() for p in model.parameters()])
print(json.dumps(out))
"""


def config_of(example, flags):
    flags = dict(flags)
    zero_grad = False if flags.pop("no_zero_grad", False) else None
    return RunConfig.for_example(example, zero_grad=zero_grad, **flags)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.is_torch], ids=lambda e: e.id)
def test_each_target_source_computes_the_registry_target_bit_for_bit(example):
    config = RunConfig.for_example(example.id, noise=1.5, points=101)
    namespace = {"np": np, "X_MIN": config.x_min, "X_MAX": config.x_max, "POINTS": config.points,
                 "SEED": config.seed, "NOISE": config.noise}
    exec("\n".join(data_lines(config)), namespace)
    want = make_data(config)
    assert np.array_equal(namespace["x"].astype(np.float32), want.x)
    assert np.array_equal(np.asarray(namespace["y"], np.float64).astype(np.float32), want.y)


def test_every_torch_example_has_a_script_form():
    assert {e.id for e in EXAMPLES if e.is_torch and not e.custom} <= set(TARGET_SOURCES)
    assert target_source(RunConfig.for_example("custom", target="-x^2")) == "(-x ** 2.0) + eps"  # from the tree


# Custom data files in the shapes engine/data_file.py reads: a header, semicolons, quotes, CRLF, comments and a
# blank line, columns chosen by name and by number; and bare numbers split by spaces.
CSV_WITH_HEADER = ('# measured on Monday\r\n"time";"value";"other"\r\n-2;4.1;7\r\n\r\n-1.5;"2.2";8\r\n'
                   '# a pause\r\n-0.5;0.3;9\r\n0;0.01;1\r\n1;1.2;2\r\n2.5;6.1;3\r\n')
CSV_BARE = "1.5 2.25\n-1 1\n0.5   0.2\n3 9.1\n"


def custom_configs(folder) -> list[RunConfig]:
    """The custom example three ways: a typed target, and two data files (written into `folder`)."""
    (folder / "header.csv").write_text(CSV_WITH_HEADER, newline="")
    (folder / "bare.csv").write_text(CSV_BARE)
    return [
        RunConfig.for_example("custom", target="sin(x) * x + where(x > 0, x^2, -1)", epochs=6, noise=0.3,
                              test_fraction=0.2),
        RunConfig.for_example("custom", target="", data=str(folder / "header.csv"), x_col="time", y_col="3",
                              epochs=5, noise=0.5, hidden="4", batch_size=2),
        RunConfig.for_example("custom", target="", data=str(folder / "bare.csv"), epochs=5, optimizer="sgd",
                              lr=0.01, momentum=0.5),
    ]


def test_the_csv_reader_in_a_script_makes_the_engines_data_bit_for_bit(tmp_path):
    for config in custom_configs(tmp_path)[1:]:
        namespace = {"np": np, "SEED": config.seed, "NOISE": config.noise}
        exec("\n".join(data_lines(config)), namespace)
        want = make_data(config)
        assert np.array_equal(namespace["x"].astype(np.float32), want.x)
        assert np.array_equal(np.asarray(namespace["y"], np.float64).astype(np.float32), want.y)
    assert "X_COLUMN, Y_COLUMN = 0, 2" in code_script(custom_configs(tmp_path)[1])


def test_scripts_train_to_the_autograd_backends_parameters_exactly(tmp_path):
    configs = [config_of(example, flags) for example, flags in CONFIGS] + custom_configs(tmp_path)
    paths = []
    for i, config in enumerate(configs):
        path = tmp_path / f"run{i}.py"
        path.write_text(code_script(config))
        paths.append(str(path))
    out = subprocess.run([sys.executable, "-c", RUNNER, *paths], capture_output=True, text=True, timeout=300,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.splitlines()[-1])
    for config, params in zip(configs, got):
        want = RunController(config.with_values(backend="autograd")).run().params
        dtype = np.float32 if config.example.is_torch else np.float64
        assert len(params) == len(want), config.describe()
        for g, w in zip(params, want):
            assert np.array_equal(np.asarray(g, dtype), w), config.describe()


def test_held_out_points_in_the_script_are_the_engines():
    config = RunConfig.for_example("parabola-relu", test_fraction=0.3, points=23)
    script = code_script(config)
    assert "HOLD_OUT_EVERY = 3" in script and "held_out[HOLD_OUT_EVERY // 2::HOLD_OUT_EVERY] = True" in script
    mask = np.zeros(23, dtype=bool)
    mask[3 // 2::3] = True
    assert np.array_equal(mask, held_out(config))


def test_a_script_imports_only_numpy_torch_and_the_standard_library():
    for example, flags in CONFIGS:
        tree = ast.parse(code_script(config_of(example, flags)))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module.split(".")[0])
        assert imported <= {"math", "numpy", "torch", "random"}, imported


def test_zero_grad_is_in_the_loop_unless_the_run_reproduces_the_notebooks_bug():
    assert "optimizer.zero_grad()" in code_script(RunConfig.for_example("linear-3x"))
    off = code_script(RunConfig.for_example("linear-3x", zero_grad=False))
    assert "optimizer.zero_grad()" not in off.replace("without optimizer.zero_grad()", "")


def test_many_seeds_are_refused_naming_the_seed_to_use():
    with pytest.raises(ConfigError, match="a script trains one model; use --seed S") as info:
        code_script(RunConfig.for_example("parabola-sigmoid", seeds=4, seed=2))
    assert info.value.field == "seeds" and "seeds 2..5" in str(info.value)


def test_nothing_typed_becomes_code_in_the_script(tmp_path):
    # A file name and header names built to break out of a string or a comment: each stays a string constant.
    name = "evil'\"\"\"\n__import__('os').system('x')#.csv"
    path = tmp_path / name
    path.write_text("x)#,'''import os\n1,2\n2,3\n")
    config = RunConfig.for_example("custom", target="", data=str(path), epochs=2)
    tree = ast.parse(code_script(config))
    assigned = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
    assert isinstance(assigned["DATA_FILE"], ast.Constant) and assigned["DATA_FILE"].value == str(path)
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert "__import__" not in calls and not any(isinstance(n, ast.Import) and n.names[0].name == "os"
                                                 for n in ast.walk(tree))
