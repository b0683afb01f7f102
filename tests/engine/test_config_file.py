"""Config files: every problem is one ConfigError (never a traceback), and a file follows the flags' rules."""

import pytest

from engine import ConfigError, RunConfig, load_config_file, read_config_file
from engine.config_file import MAX_CONFIG_BYTES, parse_config_text


def write(tmp_path, text, name="run.toml"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


@pytest.mark.parametrize("text", [
    "a = " + "[" * 500 + "]" * 500,  # arrays nested 500 deep
    "a = " + "{b = " * 500 + "1" + "}" * 500,  # inline tables nested 500 deep
    "a = [" + "{b = [" * 300 + "]}" * 300 + "]",  # both, alternating
], ids=["arrays", "inline-tables", "mixed"])
def test_deep_nesting_is_a_config_error(tmp_path, text):
    with pytest.raises(ConfigError, match="nests too deeply to be a settings file") as info:
        read_config_file(write(tmp_path, text))
    assert info.value.field == "config"


def test_deep_dotted_keys_and_table_headers_load_or_fail_cleanly(tmp_path):
    # Not recursive in the parser, but still a mapping hundreds deep: from_mapping names the unknown key.
    for text in ["a" + ".a" * 500 + " = 1", "[" + ".".join(["t"] * 500) + "]\nx = 1"]:
        data = read_config_file(write(tmp_path, text))
        with pytest.raises(ConfigError, match="unknown setting"):
            RunConfig.from_mapping({"example": "linear-3x", **data})


@pytest.mark.parametrize("text,message", [
    ("lr = 1" + "0" * 5000, "is not valid TOML"),  # past Python's digit limit: a ValueError, not a TOMLDecodeError
    ("when = 1979-02-30", "is not valid TOML"),
    ("a = ", "is not valid TOML"),
    (b"\xff\xfe", "not UTF-8"),
])
def test_text_that_is_not_a_valid_table_is_a_config_error(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        read_config_file(write(tmp_path, text))


def test_files_that_cannot_be_read_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="cannot read .*No such file"):
        read_config_file(str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="cannot read"):
        read_config_file(str(tmp_path))  # a directory
    with pytest.raises(ConfigError, match="not a valid file name"):
        read_config_file("run\0.toml")
    with pytest.raises(ConfigError, match="cannot read"):
        read_config_file("x" * 100_000)
    big = write(tmp_path, "# " + "x" * MAX_CONFIG_BYTES)
    with pytest.raises(ConfigError, match="larger than"):
        read_config_file(big)


def test_messages_quote_a_long_path_by_its_end():
    with pytest.raises(ConfigError) as info:
        read_config_file("/nonexistent/" + "d" * 5000 + "/run.toml")
    assert len(str(info.value)) < 300 and "run.toml" in str(info.value)


def test_a_setting_that_does_not_apply_is_refused_as_the_flag_is(tmp_path):
    path = write(tmp_path, 'example = "nudge-3x"\nlr = 0.1\n')
    with pytest.raises(ConfigError) as info:
        load_config_file(path)
    exc = info.value
    assert (exc.field, exc.where, exc.source) == ("lr", "file", path)
    assert exc.message("file") == ("lr: does not apply to nudge-3x; its settings are epochs, seed, eval_min, "
                                   "eval_max, step, tolerance, sample_x, sample_y")
    # The one rule the command line uses too (RunConfig.for_example(strict=True)): the same explanation.
    with pytest.raises(ConfigError) as flag:
        RunConfig.for_example("nudge-3x", strict=True, lr="0.1")
    assert flag.value.parts == exc.parts and flag.value.explanation("file") == exc.explanation("file")
    for key in ("step", "tolerance", "sample_x", "sample_y"):
        with pytest.raises(ConfigError, match=f"^{key}: does not apply to linear-3x"):
            RunConfig.from_mapping({"example": "linear-3x", key: 1.0})


@pytest.mark.parametrize("value,shown", [
    ("5", "5"), ("[1]", "[1]"), ("true", "True"), ("{a = 1}", "{'a': 1}"),
])
def test_an_example_of_the_wrong_type_is_reported_as_such_not_missing(tmp_path, value, shown):
    with pytest.raises(ConfigError) as info:
        load_config_file(write(tmp_path, f"example = {value}\n"))
    message = str(info.value)
    assert info.value.field == "example" and "missing" not in message
    assert message.startswith(f"example: {shown} is not allowed; expected the id of an example, one of: nudge-3x")


def test_missing_and_unknown_examples():
    with pytest.raises(ConfigError, match="^example: missing; a config names its example"):
        RunConfig.from_mapping({"lr": 0.1})
    with pytest.raises(ConfigError, match="^example: no example is called 'nope'; choose one of"):
        RunConfig.from_mapping({"example": "nope"})
    with pytest.raises(ConfigError, match="^example: empty; choose one of"):
        RunConfig.from_mapping({"example": " "})


def test_seeds_and_backend_survive_a_round_trip_through_a_file(tmp_path):
    config = RunConfig.for_example("parabola-relu", seeds=3, backend="autograd", lr=0.02)
    text = "\n".join(f"{k} = {v!r}".replace("'", '"').replace("(", "[").replace(")", "]")
                     for k, v in config.to_dict().items())
    text = text.replace("True", "true").replace("False", "false")
    assert load_config_file(write(tmp_path, text)) == config


def test_parse_config_text_names_its_source():
    with pytest.raises(ConfigError, match="^config: 'pasted' is not valid TOML"):
        parse_config_text("a = ", "'pasted'")
    assert parse_config_text(b'example = "linear-3x"') == {"example": "linear-3x"}
