"""nudge on the oldest Python it claims (3.10, requires-python >=3.10) and the newest installed here (3.13).

For each, a virtual environment holding only what runs without torch (numpy, textual, textual-plotext,
plotext, textual-serve for `nudge serve`, and tomli on 3.10; not torch, whose registry build is a multi-GB CUDA one, nor numba) is built once
and cached outside the repository, under ~/.cache/nudge-test-pythons/<version>-<hash of the dependency list>.
The first run builds it from the package registry and may take a minute or so; later runs reuse it and take a
few seconds. The repository itself is used in place (PYTHONPATH), so what is tested is the work tree.

An interpreter that is not installed skips its tests, with the reason.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from engine.config_file import tomllib

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = ["3.10", "3.13"]  # the oldest claimed, the newest installed here
WITHOUT = ("torch", "numba")  # not installed: see the module's docstring
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nudge-test-pythons"
BUILD_SECONDS = 900
RUN_SECONDS = 120


def requirements() -> list[str]:
    """pyproject's dependencies and the `serve` extra (so tui/serve.py imports too), less torch and numba;
    markers (tomli's) are left for pip to evaluate."""
    with open(ROOT / "pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["serve"]
    keep = []
    for dep in deps:
        name = dep.split(";")[0].strip()
        for sep in "<>=!~[ ":
            name = name.split(sep)[0]
        if name.lower() not in WITHOUT:
            keep.append(dep)
    return keep


def find_python(version: str) -> str | None:
    """A working interpreter of this version: pyenv's, then whatever is on PATH (a pyenv shim may not work)."""
    pattern = str(Path.home() / ".pyenv" / "versions" / f"{version}*" / "bin" / f"python{version}")
    candidates = sorted(glob.glob(pattern), reverse=True) + [shutil.which(f"python{version}")]
    for candidate in candidates:
        if not candidate:
            continue
        try:
            out = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip() == version:
            return candidate
    return None


def build_venv(python: str, version: str) -> Path:
    """The cached venv for this interpreter and dependency list, built when missing (under a lock)."""
    reqs = requirements()
    full = subprocess.run([python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True,
                          timeout=30).stdout.strip()
    key = hashlib.sha256("\n".join([full, *sorted(reqs)]).encode()).hexdigest()[:12]
    venv = CACHE / f"{version}-{key}"
    done = venv / ".nudge-complete"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{version}-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            return venv
        shutil.rmtree(venv, ignore_errors=True)  # a build that was cut short
        subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=BUILD_SECONDS)
        pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                              "--disable-pip-version-check", *reqs],
                             capture_output=True, text=True, timeout=BUILD_SECONDS)
        if pip.returncode != 0:
            pytest.fail(f"pip could not install {reqs} for Python {version}:\n{pip.stderr[-3000:]}")
        done.write_text("\n".join(reqs) + "\n")
    return venv


@pytest.fixture(scope="module", params=VERSIONS, ids=[f"py{v}" for v in VERSIONS])
def py(request):
    """A function running code with this version's cached venv and the work tree on PYTHONPATH."""
    version = request.param
    python = find_python(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed (neither ~/.pyenv/versions/{version}* nor python{version})")
    venv = build_venv(python, version)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("TEXTUAL_DRIVER", None)

    def run(*args: str, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
        return subprocess.run([str(venv / "bin" / "python"), *args], stdin=stdin, capture_output=True, text=True,
                              timeout=RUN_SECONDS, cwd=ROOT, env=env)

    run.version = version
    return run


def test_the_venv_has_no_torch(py):
    out = py("-c", "import importlib.util as u; print(u.find_spec('torch') is None, u.find_spec('numba') is None)")
    assert out.stdout.split() == ["True", "True"], out.stderr


def test_every_source_file_compiles(py):
    code = textwrap.dedent("""
        import pathlib
        bad = []
        for root in ("engine", "tui", "bench", "tests"):
            for f in sorted(pathlib.Path(root).rglob("*.py")):
                try:
                    compile(f.read_text(encoding="utf-8"), str(f), "exec")
                except SyntaxError as e:
                    bad.append(f"{f}:{e.lineno}: {e.msg}")
        print("\\n".join(bad) or "ok")
    """)
    out = py("-c", code)
    assert out.stdout.strip() == "ok", out.stdout + out.stderr


def test_every_module_imports_without_torch(py):
    code = textwrap.dedent("""
        import importlib, pathlib, sys
        bad = []
        for root in ("engine", "tui"):
            for f in sorted(pathlib.Path(root).rglob("*.py")):
                parts = f.with_suffix("").parts
                name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
                if parts[-1] == "__main__":
                    continue
                try:
                    importlib.import_module(name)
                except Exception as e:
                    bad.append(f"{name}: {e!r}")
        print(json.dumps({"bad": bad, "torch": "torch" in sys.modules}))
    """).replace("import importlib", "import importlib, json", 1)
    out = py("-c", code)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"bad": [], "torch": False}


def test_help_and_list(py):
    out = py("-m", "tui.cli", "--help")
    assert out.returncode == 0 and out.stdout.startswith("usage: nudge"), out.stderr
    out = py("-m", "tui.cli", "list")
    assert out.returncode == 0, out.stderr
    for example in ("nudge-3x", "linear-3x", "linear-noisy", "parabola-sigmoid", "parabola-relu", "parabola-noisy"):
        assert example in out.stdout


def test_config_files_load(py, tmp_path):
    good = tmp_path / "run.toml"
    good.write_text('example = "parabola-relu"\nlr = 0.02\nhidden = [4, 4]\nactivation = "tanh"\n')
    out = py("-c", f"import engine; c = engine.load_config_file({str(good)!r}); print(c.lr, c.hidden, c.activations)")
    assert out.stdout.strip() == "0.02 (4, 4) ('tanh', 'tanh')", out.stderr
    out = py("-m", "tui.cli", "run", "--config", str(good), "--epochs", "x")  # the file is read, then the flag
    assert out.returncode == 2 and out.stderr.strip() == (
        "nudge: --epochs: 'x' is not allowed; expected a whole number from 1 to 10,000,000")
    bad = tmp_path / "bad.toml"
    bad.write_text('example = "linear-3x"\nlr = "fast"\n')
    out = py("-m", "tui.cli", "run", "--config", str(bad))
    assert out.returncode == 2 and f"{bad}: lr: 'fast' is not allowed" in out.stderr
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 500 + "]" * 500)
    out = py("-m", "tui.cli", "run", "--config", str(deep))
    assert out.returncode == 2 and "nests too deeply" in out.stderr and "Traceback" not in out.stderr


def test_the_framework_free_example_trains_without_torch(py):
    out = py("-m", "tui.cli", "run", "nudge-3x", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1])["status"] == "converged"


def test_the_app_refuses_a_pipe(py):
    out = py("-m", "tui.cli")
    assert out.returncode == 2 and "needs a terminal" in out.stderr


def test_the_apps_first_frame(py):
    code = textwrap.dedent("""
        import asyncio, json, sys
        import tui.app
        from engine import RunConfig
        from textual.content import Content
        torch_on_import = "torch" in sys.modules

        async def main():
            app = tui.app.NudgeApp(RunConfig.for_example("parabola-relu"), warm_up=False)
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                return Content.from_markup(app.query_one("StatusLine").text).plain

        status = asyncio.run(main())
        print(json.dumps({"status": status, "torch_on_import": torch_on_import, "torch": "torch" in sys.modules}))
    """)
    out = py("-c", code)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"].startswith("ready  epoch 0/2000"), result
    assert not result["torch_on_import"] and not result["torch"]
