"""The teaching package stays light: numpy only, so a widget can import it before any run starts."""

import subprocess
import sys
from pathlib import Path

import engine.teaching

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_teaching_views_loads_neither_torch_numba_nor_textual():
    code = ("import sys, engine.teaching\n"
            "print(sorted(m for m in ('torch', 'numba', 'textual') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_every_exported_name_exists():
    for name in engine.teaching.__all__:
        assert hasattr(engine.teaching, name), name
