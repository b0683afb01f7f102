"""The `nudge` command, the top layer: `list` and `run` hand their work to the headless engine; with no
subcommand it opens the terminal app.

Nothing here imports torch or Textual at module level: `nudge --help`, `nudge list` and `nudge run` never load
Textual, and torch loads only when a run builds its model.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any, Sequence

from engine import BACKENDS, EXAMPLES, FIELDS, ConfigError, RunConfig, example_ids, get_example, load_config_file

from .exit_codes import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK
from .run_command import cmd_run

class _Parser(argparse.ArgumentParser):
    """Bad input gets one clear line on stderr and exit code 2: no usage dump, no traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_INVALID, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _add_hyperparameters(parser: argparse.ArgumentParser, default: Any = None) -> None:
    """The hyperparameter flags. The `run` subparser passes argparse.SUPPRESS as the default, so that a
    flag written before `run` is not overwritten by the subparser's empty default."""
    group = parser.add_argument_group("hyperparameters (defaults come from the example)")
    for f in FIELDS:
        if f.name == "zero_grad":
            group.add_argument("--no-zero-grad", dest="zero_grad", action="store_const", const=False,
                               default=default, help="never clear gradients, as the seed notebook's loop (a bug)")
            continue
        where = {"nudge": " [nudge-3x]", "torch": "", "all": ""}[f.applies]
        group.add_argument(f.cli_flag, dest=f.name, metavar=f.metavar or None, default=default,
                           help=f"{f.help}{where}")
    group.add_argument("--seeds", type=str, default=default, metavar="K",
                       help="train K seeds at once (seed..seed+K-1) and report each")
    group.add_argument("--backend", default=default, choices=BACKENDS,
                       help="auto: the compiled kernel when available; autograd: the PyTorch loop")
    group.add_argument("--config", default=default, metavar="FILE.toml",
                       help="read settings from a TOML file; flags given here override it")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed; expected a whole number of at least 1")
    return value


# argparse reads "-1e3" or "-inf" after a flag as another flag; glue such a value to its flag instead.
_NEGATIVE_VALUE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)


def _glue_negative_values(argv: Sequence[str]) -> list[str]:
    out, i = [], 0
    while i < len(argv):
        token = argv[i]
        if token.startswith("--") and "=" not in token and i + 1 < len(argv) and _NEGATIVE_VALUE.match(argv[i + 1]):
            out.append(f"{token}={argv[i + 1]}")
            i += 2
        else:
            out.append(token)
            i += 1
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nudge",
        description="Watch a real PyTorch model learn, live, in your terminal. "
                    "With no command, opens the app; `nudge run` trains headless.",
        epilog="examples:\n  nudge                       open the app\n"
               "  nudge --example parabola-relu --lr 0.01\n"
               "  nudge list\n  nudge run linear-3x\n"
               "  nudge run parabola-relu --seeds 8 --format jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--example", default=None, metavar="ID", help="open the app on this example")
    parser.add_argument("--no-mouse", action="store_true", help="app: ignore the mouse entirely")
    _add_hyperparameters(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("list", help="the examples, with their defaults")
    run = sub.add_parser("run", help="train an example headless and print its progress",
                         description="Train an example headless. Exit codes: 0 completed or converged, "
                                     "2 invalid input, 3 diverged, 130 interrupted.")
    run.add_argument("example", nargs="?", metavar="ID", help=f"one of: {', '.join(example_ids())}")
    run.add_argument("--format", choices=("text", "jsonl"), default="text",
                     help="text: a log every few epochs and a summary; jsonl: one JSON object per epoch, then a final line")
    run.add_argument("--log-every", type=_positive, default=None, metavar="N", help="text: log every N epochs")
    _add_hyperparameters(run, default=argparse.SUPPRESS)
    return parser


def config_from_args(args: argparse.Namespace, example_id: str | None) -> RunConfig:
    """Merge the example's defaults, a config file and the flags (in that order), validated."""
    values: dict[str, Any] = {}
    path = getattr(args, "config", None)
    if path:
        file_config = load_config_file(path)
        if example_id and example_id != file_config.example_id:
            raise ConfigError("example", f"example: {example_id!r} given, but {path!r} is for {file_config.example_id!r}")
        example_id = file_config.example_id
        values.update(file_config.to_dict())
        values.pop("example")
    if example_id is None:
        raise ConfigError("example", f"example: missing; choose one of: {', '.join(example_ids())}")
    try:
        example = get_example(example_id)
    except KeyError as exc:
        raise ConfigError("example", str(exc.args[0])) from None
    for f in FIELDS:
        value = getattr(args, f.name, None)
        if value is None:
            continue
        if not f.applies_to(example):  # silently ignoring it would let a typo or a wrong example pass
            own = ", ".join(g.cli_flag for g in FIELDS if g.applies_to(example))
            raise ConfigError(f.name, f"{f.cli_flag}: does not apply to {example_id}; its settings are {own}")
        values[f.name] = value
    for name in ("seeds", "backend"):
        if getattr(args, name, None) is not None:
            values[name] = getattr(args, name)
    return RunConfig.for_example(example_id, **values)


def cmd_list() -> int:
    width = max(len(e.id) for e in EXAMPLES)
    for example in EXAMPLES:
        config = RunConfig.for_example(example.id)
        print(f"{example.id:<{width}}  {example.title}")
        print(f"{'':<{width}}  {example.summary}")
        print(f"{'':<{width}}  defaults: {config.settings_text()}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(sys.argv[1:] if argv is None else list(argv))
    except KeyboardInterrupt:  # before a run has started: nothing to summarise
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`nudge list | head -1`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(_glue_negative_values(argv))
    try:
        if args.command == "list":
            return cmd_list()
        if args.command == "run":
            config = config_from_args(args, args.example)
            return cmd_run(config, args.format, args.log_every)
        # The app opens on the first example unless a flag or a config file names another.
        config = config_from_args(args, args.example or (None if args.config else EXAMPLES[0].id))
    except ConfigError as exc:
        print(f"nudge: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        from .app import run_app
    except ImportError as exc:  # the app's dependencies are missing: the headless half still works
        print(f"nudge: the terminal app cannot start ({exc}); `nudge run` still works", file=sys.stderr)
        parser.print_help()
        return EXIT_INVALID
    return run_app(config, mouse=not args.no_mouse)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
