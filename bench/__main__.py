"""`python -m bench [--quick] [--only NAME]`: measure every target of the performance issue, print a table.

Timings on a shared 2-core machine are noisy: rows compare two sides measured alternately in one run.
"""

from __future__ import annotations

import argparse
import sys

from . import app_rows, engine_rows
from .table import render

SECTIONS = {
    "training": lambda a: engine_rows.training_rows(rounds=1 if a.quick else 3),
    "sweep": lambda a: engine_rows.sweep_rows(rounds=1 if a.quick else 3),
    "warmup": lambda a: engine_rows.warmup_rows(),
    "memory": lambda a: engine_rows.memory_rows(),
    "ui": lambda a: app_rows.ui_rows(rounds=1 if a.quick else 3),
    "seeds": lambda a: app_rows.seeds_rows(rounds=1 if a.quick else 3),
    "first-frame": lambda a: app_rows.first_frame_rows(rounds=1 if a.quick else 3),
    "traffic": lambda a: app_rows.traffic_rows(),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one round instead of three")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only this section")
    args = parser.parse_args(argv)
    rows = []
    for name, section in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        print(f"measuring {name}...", file=sys.stderr, flush=True)
        rows += section(args)
    print(render(rows))
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
