"""What `nudge serve` hands each session: the app's flags, as given, as separate arguments."""

from __future__ import annotations

import shlex
import sys

from tui.cli import _glue_negative_values, build_parser, config_from_args
from tui.serve_command import public_url, session_argv


def argv_for(*flags: str) -> list[str]:
    args = build_parser().parse_args(_glue_negative_values(["serve", *flags]))
    example = args.example or (None if args.config else "nudge-3x")  # as tui/cli.py's _main picks it
    return session_argv(args, config_from_args(args, example))


def test_each_session_runs_this_python_with_the_flags_given():
    assert argv_for("--example", "parabola-relu", "--lr", "0.01", "--hidden", "16,16", "--no-zero-grad") == [
        sys.executable, "-m", "tui.serve_session", "--example", "parabola-relu", "--lr=0.01", "--hidden=16,16",
        "--no-zero-grad"]


def test_a_negative_value_stays_glued_to_its_flag():
    assert argv_for("--example", "parabola-relu", "--x-min", "-1e1")[-1] == "--x-min=-1e1"


def test_a_config_path_with_shell_characters_is_one_argument_and_quoted_when_shown(tmp_path):
    path = tmp_path / "a b; touch pwned $(id) 'q'.toml"
    path.write_text('example = "linear-3x"\nlr = 0.02\n')
    argv = argv_for("--config", str(path))
    assert argv[3:] == ["--config", str(path)]  # the file names the example: no --example beside it
    assert shlex.split(shlex.join(argv)) == argv  # the command the server prints reads back the same


def test_the_public_url_defaults_to_the_address_listened_on():
    assert public_url("127.0.0.1", 8000, None) == "http://127.0.0.1:8000"
    assert public_url("::1", 8000, None) == "http://[::1]:8000"
    assert public_url("0.0.0.0", 80, "https://nudge.example.org/") == "https://nudge.example.org"


def test_custom_examples_and_a_target_with_a_leading_minus_reach_every_session(tmp_path):
    from engine.examples import remove_added_examples
    from engine import load_examples_file

    path = tmp_path / "mine.toml"
    path.write_text('[[example]]\nid = "wave"\ntarget = "sin(3*x)"\n')
    try:
        load_examples_file(str(path))  # as _main does before it reads the example
        argv = argv_for("--examples", str(path), "--example", "wave", "--target", "-x^2")
    finally:
        remove_added_examples()
    assert argv[3:] == ["--examples", str(path), "--example", "wave", "--target=-x^2"]
