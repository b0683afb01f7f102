"""Starting is fast and the layers stay apart: the engine never imports the app (or Textual), and
`nudge --help`, `nudge list` and checking a config import neither torch, numba nor Textual."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import sys\n{code}\n"
         "print('heavy:', sorted(m for m in ('torch', 'numba', 'textual', 'tui.app') if m in sys.modules))")


@pytest.mark.parametrize("code", [
    "import engine",
    "from tui.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
    "from tui.cli import main\nmain(['list'])",
    "from tui.cli import main\ntry:\n    main(['run', '--help'])\nexcept SystemExit:\n    pass",
    "from engine import RunConfig\nRunConfig.for_example('parabola-relu', lr='0.01')",
])
def test_nothing_heavy_loads_until_training_or_the_app_starts(code):
    out = subprocess.run([sys.executable, "-c", PROBE.format(code=code)], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "heavy: []"


def test_a_headless_run_never_loads_textual():
    code = "from tui.cli import main\nmain(['run', 'linear-3x', '--epochs', '2'])"
    out = subprocess.run([sys.executable, "-c", PROBE.format(code=code)], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    assert "'textual'" not in out.stdout.strip().splitlines()[-1]


def test_no_engine_module_imports_the_app_or_textual():
    # Read the source rather than import it, so an import inside a function counts too.
    for path in sorted((ROOT / "engine").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top not in ("tui", "textual", "textual_plotext", "plotext", "rich"), \
                    f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
