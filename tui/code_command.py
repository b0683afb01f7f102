"""`nudge code ID [flags]`: the run as a standalone PyTorch script (engine/export_code.py), on stdout or into a
file (`--output FILE.py`, complete or absent, kept unless --force)."""

from __future__ import annotations

import argparse
import sys

from engine import RunConfig, code_script, write_atomic

from .exit_codes import EXIT_OK


def add_code_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the script")
    group.add_argument("--output", "-o", default=None, metavar="FILE.py", help="write the script here, not to stdout")
    group.add_argument("--force", action="store_true", help="overwrite FILE.py if it exists")


def cmd_code(config: RunConfig, args: argparse.Namespace) -> int:
    """Print or write the script. ConfigError (many seeds) and WriteError go to the caller's one-line rule."""
    script = code_script(config)
    if args.output is not None:  # an empty name is refused by the write, not taken as stdout
        write_atomic(args.output, script, force=args.force)
        print(f"wrote {args.output} ({len(script.splitlines())} lines): python {args.output} trains this run",
              file=sys.stderr)
    else:
        sys.stdout.write(script)
    return EXIT_OK
