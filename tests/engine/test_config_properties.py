"""Property tests: whatever text or value reaches a field, and whatever TOML reaches a config file, the answer
is a clean value or a ConfigError with a short message, never another exception.

Each test stays under about 3 s (max_examples below) so the suite stays fast; `database=None` and a home
outside the repository keep hypothesis from writing a .hypothesis folder into the work tree."""

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "nudge-hypothesis"))

from engine import FIELDS, ConfigError, RunConfig, load_config_file, read_config_file

FAST = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# Text as people (and scripts) type it: numbers in every spelling, lists, words, and anything at all.
NUMBER_TEXT = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: f"{f:e}"),
    st.sampled_from(["1_000", "0x10", "1e400", "-0", "+5", "٣", "１２", " 7 ", "1" * 5000, "9" * 41, "nan", "-inf"]),
)
WORDS = st.sampled_from(["none", "full", "all", "on", "off", "true", "False", "relu", "Leaky-ReLU", "tanh,relu",
                         "sgd", "ADAM", "10,10", "10, x", ",", ",,,", "-", "", " ", "\x00", "1,2,3,4,5,6,7,8,9"])
TEXT = st.one_of(st.text(max_size=60), NUMBER_TEXT, WORDS,
                 st.lists(st.one_of(NUMBER_TEXT, WORDS), max_size=12).map(",".join))
# Values a TOML file (or code) can hand over instead of text.
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=10), st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=20)


def assert_short(exc: ConfigError) -> None:
    for where in ("cli", "file", "form"):
        assert len(exc.message(where)) < 500


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
@FAST
@given(text=TEXT)
def test_any_text_parses_or_is_a_config_error(field, text):
    try:
        value = field.parse(text)
    except ConfigError as exc:
        assert exc.field == field.name
        assert_short(exc)
    else:
        assert field.parse(field.format(value)) == value  # what parses, formats back to the same value


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
@settings(max_examples=60, deadline=None, database=None)
@given(value=VALUES)
def test_any_value_from_a_file_parses_or_is_a_config_error(field, value):
    try:
        field.parse(value)
    except ConfigError as exc:
        assert_short(exc)


# TOML that is mostly well formed, with the real keys: it reaches the checks behind the parser.
KEYS = st.one_of(st.sampled_from(["example", "seeds", "backend", *(f.name for f in FIELDS)]),
                 st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,8}", fullmatch=True))
SCALARS = st.one_of(
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(
        repr(f), repr(f))),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.text(max_size=20).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.sampled_from(['"linear-3x"', '"nudge-3x"', '"parabola-relu"', '"full"', '"relu"', "1979-05-27",
                     "1979-02-30", "07:32:00", "0x_1", "1" * 5000, '"' + "x" * 5000 + '"']),
)
TOML_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.lists(st.tuples(st.from_regex(r"[a-z]{1,4}", fullmatch=True), inner), max_size=3).map(
        lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}")), max_leaves=12)
TOML_TEXT = st.one_of(
    st.lists(st.tuples(KEYS, TOML_VALUES), max_size=8).map(lambda kv: "\n".join(f"{k} = {v}" for k, v in kv)),
    st.text(max_size=200),
    st.integers(1, 2000).map(lambda n: "a = " + "[" * n + "]" * n),
    st.integers(1, 2000).map(lambda n: "a = " + "{b = " * n + "1" + "}" * n),
)


def _write(text: str) -> str:
    fd, path = tempfile.mkstemp(suffix=".toml")
    with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass") as fh:
        fh.write(text)
    return path


@FAST
@given(text=TOML_TEXT)
def test_any_toml_text_loads_or_is_a_config_error(text):
    path = _write(text)
    try:
        try:
            data = read_config_file(path)
        except ConfigError as exc:
            assert_short(exc)
        else:
            assert isinstance(data, dict)
        try:
            config = load_config_file(path)
        except ConfigError as exc:
            assert_short(exc)
        else:
            assert isinstance(config, RunConfig)
    finally:
        os.unlink(path)


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(settings_=st.dictionaries(KEYS, VALUES, max_size=6), example=st.sampled_from(
    ["linear-3x", "nudge-3x", "parabola-noisy", "nope", 5, None]))
def test_any_mapping_builds_a_config_or_is_a_config_error(settings_, example):
    data = dict(settings_)
    if example is not None:
        data["example"] = example
    try:
        config = RunConfig.from_mapping(data)
    except ConfigError as exc:
        assert_short(exc)
    else:
        assert RunConfig.from_mapping(config.to_dict()) == config
