"""The `nudge` command, the top layer: `list` and `run` hand their work to the headless engine; with no
subcommand it opens the terminal app.

Nothing here imports torch or Textual at module level: `nudge --help`, `nudge list` and `nudge run` never load
Textual, and torch loads only when a run builds its model.

Whatever goes wrong reaches the user as one line on stderr and an exit code (tui/exit_codes.py): bad input
2 (a flag's message names the flag, a config file's names the file and its key); the app without a terminal
2 (checked before Textual is imported); output that cannot be written 1; a reader that went away 141.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from typing import Any, Mapping, Sequence

from engine import (BACKENDS, FIELDS, FIELDS_BY_NAME, QUOTE_LIMIT, ConfigError, RunConfig, all_examples,
                    example_ids, layered, load_config_file, load_examples_file, WriteError, nudge_version, quoted, shortened,
                    shortened_path)

from .streams import say, silence_stdout
from .exit_codes import EXIT_BROKEN_PIPE, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK
from .code_command import add_code_flags, cmd_code
from .race_command import add_race_parser, cmd_race, race_settings
from .run_command import cmd_run
from .run_files import add_file_flags, run_files, write_error_line
from .serve_command import add_serve_arguments, cmd_serve
from .sweep_command import add_sweep_parser, cmd_sweep, sweep_axes

_LONG_QUOTED = re.compile(r"'([^'\s]{%d,})'" % (QUOTE_LIMIT + 1))
_LONG_WORD = re.compile(r"\S{%d,}" % (QUOTE_LIMIT + 1))
MAX_MESSAGE = 400  # characters of one error line; argparse quotes whatever it was given


def short_message(message: str) -> str:
    """An error line with every over-long word (a quoted value, an unknown argument) cut, and the line capped."""
    message = _LONG_QUOTED.sub(lambda m: quoted(m.group(1)), message)
    message = _LONG_WORD.sub(lambda m: m.group(0) if "…" in m.group(0) else shortened(m.group(0)), message)
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE - 1] + "…"


class _Parser(argparse.ArgumentParser):
    """Bad input gets one clear line on stderr and exit code 2: no usage dump, no traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_INVALID, f"{self.prog}: {short_message(message)} (see {self.prog} --help)\n")

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse swallows an OSError writing --help; let one on stdout reach main(), which reports it.
        file = file or sys.stderr
        if message and file is sys.stdout:
            file.write(message)
        else:
            super()._print_message(message, file)


def _add_hyperparameters(parser: argparse.ArgumentParser, default: Any = None, exclude: Sequence[str] = ()) -> None:
    """The hyperparameter flags. The `run` subparser passes argparse.SUPPRESS as the default, so that a
    flag written before `run` is not overwritten by the subparser's empty default. `exclude`: settings a
    command sets itself (a sweep's axes, a race's optimizers); their flags are refused with a message."""
    group = parser.add_argument_group("hyperparameters (defaults come from the example)")
    for name in exclude:
        flag = FIELDS_BY_NAME[name].cli_flag if name in FIELDS_BY_NAME else f"--{name}"
        if flag not in parser._option_string_actions:  # the command's own flag of that name stays
            group.add_argument(flag, dest=f"refused_{name}", default=None, help=argparse.SUPPRESS)
    for f in FIELDS:
        if f.name in exclude:
            continue
        if f.name == "zero_grad":
            group.add_argument("--no-zero-grad", dest="zero_grad", action="store_const", const=False,
                               default=default, help="never clear gradients, as the seed notebook's loop (a bug)")
            continue
        where = {"nudge": " [nudge-3x]", "torch": "", "all": "", "custom": " [custom]"}[f.applies]
        group.add_argument(f.cli_flag, dest=f.name, metavar=f.metavar or None, default=default,
                           help=f"{f.help}{where}")
    if "seeds" not in exclude:
        group.add_argument("--seeds", type=str, default=default, metavar="K",
                           help="train K seeds at once (seed..seed+K-1) and report each")
    group.add_argument("--backend", default=default, choices=BACKENDS,
                       help="auto: the compiled kernel when available; autograd: the PyTorch loop")
    group.add_argument("--config", default=default, metavar="FILE.toml",
                       help="read settings from a TOML file; flags given here override it")
    group.add_argument("--examples", default=default, metavar="FILE.toml",
                       help="add the custom examples in this TOML file to the list (nudge list shows them)")


def _positive(text: str) -> int:
    try:
        value = int(text) if len(text) <= QUOTE_LIMIT else 0
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not allowed; expected a whole number of at least 1")
    return value


def _input_x(text: str) -> float:
    """An input x for --explain: a finite number within the range any field admits for x."""
    try:
        value = float(text) if len(text) <= QUOTE_LIMIT else math.nan
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and abs(value) <= 1e4):
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not allowed; expected a number from -10000 to 10000")
    return value


# argparse reads "-1e3" or "-inf" after a flag as another flag; glue such a value to its flag instead.
_NEGATIVE_VALUE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)
# A target expression may start with any minus (`--target -x**2`): whatever follows --target is its value.
_ANY_VALUE_FLAGS = tuple(f.cli_flag for f in FIELDS if f.name == "target")


def _glue_negative_values(argv: Sequence[str]) -> list[str]:
    out, i = [], 0
    while i < len(argv):
        token = argv[i]
        if token.startswith("--") and "=" not in token and i + 1 < len(argv) and (
                _NEGATIVE_VALUE.match(argv[i + 1]) or (token in _ANY_VALUE_FLAGS and argv[i + 1].startswith("-"))):
            out.append(f"{token}={argv[i + 1]}")
            i += 2
        else:
            out.append(token)
            i += 1
    return out


class _VersionAction(argparse.Action):
    """`nudge --version`: the installed version, looked up only when asked for."""

    def __init__(self, option_strings, dest, **kw):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kw)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"nudge {nudge_version()}")
        parser.exit(EXIT_OK)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nudge",
        description="Watch a real PyTorch model learn, live, in your terminal. "
                    "With no command, opens the app; `nudge run` trains headless.",
        epilog="examples:\n  nudge                       open the app\n"
               "  nudge --example parabola-relu --lr 0.01\n"
               "  nudge list\n  nudge run linear-3x\n"
               "  nudge run parabola-relu --seeds 8 --format jsonl\n"
               "  nudge run custom --target 'sin(x) * x'\n"
               "  nudge run custom --data points.csv --x-col x --y-col y\n"
               "  nudge --examples my-examples.toml list",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction, help="print nudge's version and exit")
    parser.add_argument("--example", default=None, metavar="ID", help="open the app on this example")
    parser.add_argument("--no-mouse", action="store_true", help="app: ignore the mouse entirely")
    _add_hyperparameters(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("list", help="the examples, with their defaults")
    run = sub.add_parser("run", help="train an example headless and print its progress",
                         description="Train an example headless. Exit codes: 0 completed or converged, "
                                     "1 training failed or the output cannot be written, 2 invalid input, "
                                     "3 diverged, 130 interrupted, 141 the reader of the output went away.")
    run.add_argument("example", nargs="?", metavar="ID", help=f"one of: {', '.join(example_ids())}")
    run.add_argument("--format", choices=("text", "jsonl"), default="text",
                     help="text: a log every few epochs and a summary; jsonl: one JSON object per epoch, then a final line")
    run.add_argument("--log-every", type=_positive, default=None, metavar="N", help="text: log every N epochs")
    run.add_argument("--explain", type=_input_x, default=None, metavar="X",
                     help="after training, write how the trained net turns the input X into its prediction, "
                          "node by node, as dot products (the notebook's h = w1*i1 + w2*i2 + b)")
    _add_hyperparameters(run, default=argparse.SUPPRESS)
    add_file_flags(run)
    code = sub.add_parser("code", help="print the run as a standalone PyTorch script",
                          description="Print a standalone PyTorch script (no nudge needed) that trains this run: "
                                      "the same model, seed, data and loop, ending on the same parameters as "
                                      "`nudge run ID [flags] --backend autograd`. One seed: --seeds is refused.")
    code.add_argument("example", nargs="?", metavar="ID", help=f"one of: {', '.join(example_ids())}")
    _add_hyperparameters(code, default=argparse.SUPPRESS)
    add_code_flags(code)
    serve = sub.add_parser("serve", help="serve the app to web browsers, one session each (needs nudge[serve])",
                           description="Serve the app over HTTP: each browser that opens the address gets its own "
                                       "session. App flags (--example, hyperparameters) apply to every session.")
    add_serve_arguments(serve)
    _add_hyperparameters(serve, default=argparse.SUPPRESS)
    add_race_parser(sub, _add_hyperparameters, f"one of: {', '.join(example_ids())}")
    add_sweep_parser(sub, _add_hyperparameters, f"one of: {', '.join(example_ids())}")
    return parser


def config_from_args(args: argparse.Namespace, example_id: str | None) -> RunConfig:
    """Merge the example's defaults, a config file and the flags (in that order), validated.

    The file is checked alone first, so its problems name the file and its keys (ConfigError.where "file");
    then the flags go on top by the same rule (RunConfig.for_example(strict=True): a setting that does not
    apply to the example is refused, in a file or as a flag)."""
    values: dict[str, Any] = {}
    path = getattr(args, "config", None)
    if path:
        file_config = load_config_file(path)
        if example_id and example_id != file_config.example_id:
            raise ConfigError("example", f"{quoted(example_id)} given, but {shortened_path(path)!r} is for "
                                         f"{file_config.example_id!r}")
        example_id = file_config.example_id
        values.update(file_config.to_dict())
        values.pop("example")
    if example_id is None:
        raise ConfigError("example", f"missing; choose one of: {', '.join(example_ids())}")
    flags = {name: getattr(args, name, None) for name in [f.name for f in FIELDS] + ["seeds", "backend"]}
    values = layered(values, {name: value for name, value in flags.items() if value is not None})
    return RunConfig.for_example(example_id, strict=True, **values)


def error_line(exc: ConfigError) -> str:
    """The one line the CLI prints for a ConfigError: fields named as flags, or as keys of the file they
    came from (prefixed with the file's name)."""
    if exc.where == "file":
        return f"nudge: {shortened_path(exc.source)}: {exc.message('file')}" if exc.source else \
            f"nudge: {exc.message('file')}"
    return f"nudge: {exc.message('cli')}"


def cmd_list() -> int:
    width = max(len(e.id) for e in all_examples())
    for example in all_examples():
        config = RunConfig.for_example(example.id)
        print(f"{example.id:<{width}}  {example.title}")
        print(f"{'':<{width}}  {example.summary}")
        print(f"{'':<{width}}  defaults: {config.settings_text()}")
    return EXIT_OK


def terminal_problem(environ: Mapping[str, str] | None = None, stdin: Any = None, stdout: Any = None,
                     stderr: Any = None) -> str | None:
    """Why the full-screen app cannot run here, or None. Cheap: imports nothing (Textual is not loaded yet).

    The app needs a terminal on both standard input and output: without one Textual's input thread spins
    on end-of-file and it draws at 80x24 over whatever is there. A Textual driver named in the environment
    (TEXTUAL_DRIVER, as `textual serve` sets) runs the app over pipes, so it is let through. TERM=dumb, or no
    TERM, cannot draw a full screen in colour."""
    environ = os.environ if environ is None else environ
    if environ.get("TEXTUAL_DRIVER"):
        return None
    # The streams Textual itself uses: it reads keys from stdin, sizes the screen from stdout and draws the
    # whole screen on stderr (so `nudge 2>log` would draw into the file).
    streams = {"input": sys.__stdin__ if stdin is None else stdin,
               "output": sys.__stdout__ if stdout is None else stdout,
               "error output": sys.__stderr__ if stderr is None else stderr}
    missing = [name for name, stream in streams.items() if not _is_terminal(stream)]
    if missing:
        return (f"the app needs a terminal, and its standard {', '.join(missing[:-1]) + ' and ' if len(missing) > 1 else ''}"
                f"{missing[-1]} {'is' if len(missing) == 1 else 'are'} not one; "
                "use `nudge run EXAMPLE` to train without a terminal (`nudge run --help`)")
    term = environ.get("TERM", "")
    if os.name != "nt" and term.strip().lower() in ("", "dumb", "unknown"):
        return (f"the app needs a terminal that can draw a full screen (TERM is {term or 'not set'!s}); "
                "set TERM (e.g. TERM=xterm-256color), or use `nudge run EXAMPLE` to train without the app")
    return None


def _is_terminal(stream: Any) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # closed
        return False


def _flush_stdout() -> None:
    """Fail here, where it can be reported, rather than at interpreter exit (exit 120 and a traceback)."""
    if sys.stdout is not None:
        sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """The console script. Whatever raises below, an OSError writing the output (a full disk, /dev/full)
    becomes one line on stderr and exit 1, a reader that went away exit 141, Ctrl-C exit 130: no traceback."""
    try:
        try:
            code = _main(sys.argv[1:] if argv is None else list(argv))
        except SystemExit:  # argparse: --help printed, or bad input reported
            _flush_stdout()
            raise
        _flush_stdout()
        return code
    except KeyboardInterrupt:  # before a run has started: nothing to summarise
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`nudge list | head -1`)
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # the output cannot be written: a full disk, /dev/full, a device error
        silence_stdout()
        what = f"cannot use {shortened_path(exc.filename)!r}" if exc.filename else "cannot write the output"
        say(f"nudge: {what}: {exc.strerror or exc}")
        return EXIT_FAILED


def _main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(_glue_negative_values(argv))
    try:
        if getattr(args, "examples", None):  # before anything names an example: they may be among them
            load_examples_file(args.examples)
        if args.command == "list":
            return cmd_list()
        if args.command == "run":
            config = config_from_args(args, args.example)
            try:
                files = run_files(args, config)
            except WriteError as exc:
                say(write_error_line(exc))
                return EXIT_INVALID if exc.exists else EXIT_FAILED
            return cmd_run(config, args.format, args.log_every, explain=args.explain, files=files)
        if args.command == "code":
            try:
                return cmd_code(config_from_args(args, args.example), args)
            except WriteError as exc:
                say(write_error_line(exc))
                return EXIT_INVALID if exc.exists else EXIT_FAILED
        if args.command == "race":
            settings = race_settings(args)
            return cmd_race(config_from_args(args, args.example), *settings, args.format)
        if args.command == "sweep":
            axes = sweep_axes(args)
            return cmd_sweep(config_from_args(args, args.example), axes, args.format)
        # The app opens on the first example unless a flag or a config file names another.
        config = config_from_args(args, args.example or (None if args.config else all_examples()[0].id))
        if args.command == "serve":
            return cmd_serve(args, config)
    except ConfigError as exc:
        say(error_line(exc))
        return EXIT_INVALID
    problem = terminal_problem()
    if problem is not None:  # before Textual is imported: this check costs nothing
        say(f"nudge: {problem}")
        return EXIT_INVALID
    try:
        from .app import run_app
    except ImportError as exc:  # the app's dependencies are missing: the headless half still works
        say(f"nudge: the terminal app cannot start ({exc}); `nudge run` still works")
        return EXIT_INVALID
    return run_app(config, mouse=not args.no_mouse)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
