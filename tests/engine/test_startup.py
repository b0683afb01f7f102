"""Starting is fast: the engine, `nudge --help` and `nudge list` never import torch or numba."""

import subprocess
import sys

import pytest

PROBE = "import sys\n{code}\nprint('heavy:', sorted(m for m in ('torch', 'numba') if m in sys.modules))"


@pytest.mark.parametrize("code", [
    "import engine",
    "from engine.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
    "from engine.cli import main\nmain(['list'])",
    "from engine import RunConfig\nRunConfig.for_example('parabola-relu', lr='0.01')",
])
def test_no_torch_until_training_starts(code):
    out = subprocess.run([sys.executable, "-c", PROBE.format(code=code)], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "heavy: []"
