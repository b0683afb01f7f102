"""Property test: any argv, however odd, either parses into a config, exits via SystemExit (2 for bad input,
0 for --help), or raises ConfigError, never another exception. Runs the parser and config_from_args as
`nudge` does (tui.cli._main), in process, under about 3 s."""

import contextlib
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from engine import EXAMPLES, FIELDS, ConfigError, RunConfig
from tui.cli import _glue_negative_values, build_parser, config_from_args

set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "nudge-hypothesis"))

CONFIG_DIR = Path(tempfile.mkdtemp(prefix="nudge-argv-"))
CONFIGS = {
    "good": 'example = "parabola-relu"\nlr = 0.02\n',
    "nudge": 'example = "nudge-3x"\nstep = 0.2\n',
    "wrong": 'example = "nudge-3x"\nlr = 0.1\n',
    "broken": "example = [[[",
}
for _name, _text in CONFIGS.items():
    (CONFIG_DIR / f"{_name}.toml").write_text(_text)

FLAGS = [f.cli_flag for f in FIELDS] + ["--no-zero-grad", "--seeds", "--backend", "--config", "--example",
                                        "--no-mouse", "--format", "--log-every", "-h", "--help", "--", "-"]
TOKENS = st.one_of(
    st.sampled_from(FLAGS),
    st.sampled_from(["run", "list", "jsonl", "text", "auto", "autograd", "full", "none", "relu,tanh", "10,10"]),
    st.sampled_from([e.id for e in EXAMPLES]),
    st.sampled_from([str(CONFIG_DIR / f"{n}.toml") for n in CONFIGS] + [str(CONFIG_DIR / "missing.toml"),
                                                                        str(CONFIG_DIR)]),
    st.sampled_from(["-1e3", "-inf", "-.5", "-0", "1e400", "0", "1", "3", "0.01", "1_000", "nan"]),
    st.builds(lambda f, v: f"{f}={v}", st.sampled_from(FLAGS), st.text(max_size=10)),
    st.text(max_size=30).filter(lambda t: not t.startswith("@")),
)


def run_like_nudge(argv):
    args = build_parser().parse_args(_glue_negative_values(argv))
    if args.command == "list":
        return None
    if args.command == "run":
        return config_from_args(args, args.example)
    return config_from_args(args, args.example or (None if args.config else EXAMPLES[0].id))


@settings(max_examples=600, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(argv=st.lists(TOKENS, max_size=8))
def test_any_argv_parses_exits_2_or_is_a_config_error(argv):
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            config = run_like_nudge(argv)
    except SystemExit as exc:
        assert exc.code in (0, 2), (argv, sink.getvalue())
        if exc.code == 0:
            assert any(t in ("-h", "--help") or (t.startswith("--h") and "--help".startswith(t)) for t in argv)
        else:
            assert len(sink.getvalue()) < 600
    except ConfigError as exc:
        assert len(exc.message("cli")) < 500
    else:
        assert config is None or isinstance(config, RunConfig)
