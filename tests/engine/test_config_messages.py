"""What a ConfigError says: the field named as the place shows it, the same explanation everywhere, a value
quoted short, and the seeds x parameters budget with its numbers."""

import pickle
from dataclasses import replace

import pytest

from engine import FIELDS, FIELDS_BY_NAME, ConfigError, RunConfig
from engine.config import (BYTES_PER_PARAM, MAX_HIDDEN_LAYERS, MAX_SEED_PARAMS, MAX_SEEDS, MAX_UNITS, QUOTE_LIMIT,
                           field_name, quoted)
from engine.layout import param_count

# A bad value for every field, as typed.
BAD = {"lr": "fast", "momentum": "1", "epochs": "0", "seed": "-1", "hidden": "10,0", "activation": "softmax",
       "optimizer": "rmsprop", "batch_size": "half", "weight_decay": "-1", "noise": "-0.1", "x_min": "1e9",
       "x_max": "x", "points": "0", "eval_min": "x", "eval_max": "inf", "zero_grad": "maybe", "step": "0",
       "tolerance": "-1", "sample_x": "abc", "sample_y": "1e99", "test_fraction": "0.6", "target": "abc",
       "data": "a\x00b", "x_col": "", "y_col": "a\tb"}


def test_every_field_has_a_bad_value_here():
    assert set(BAD) == {f.name for f in FIELDS}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_field_is_named_as_each_place_shows_it_with_one_explanation(name):
    f = FIELDS_BY_NAME[name]
    with pytest.raises(ConfigError) as info:
        f.parse(BAD[name])
    exc = info.value
    assert exc.field == name
    body = exc.explanation("cli")
    assert body == exc.explanation("file") == exc.explanation("form")
    assert exc.message("cli") == f"{f.cli_flag}: {body}"
    assert exc.message("file") == f"{f.name}: {body}"
    assert exc.message("form") == f"{f.label}: {body}"
    assert str(exc) == exc.message("file")  # the engine's own names, as before
    assert repr(BAD[name]) in body and "expected" in body


def test_examples_of_each_naming():
    with pytest.raises(ConfigError) as info:
        FIELDS_BY_NAME["x_min"].parse("1e9")
    assert info.value.message("cli").startswith("--x-min: '1e9' is not allowed; expected a number >= -10000")
    assert info.value.message("file").startswith("x_min: '1e9' is not allowed")
    assert info.value.message("form").startswith("x from: '1e9' is not allowed")
    assert field_name("lr", "form") == "learning rate" and field_name("sample_x", "cli") == "--x"
    assert field_name("batch_size", "cli") == "--batch-size" and field_name("seeds", "cli") == "--seeds"
    assert field_name("lr", lambda n: n.upper()) == "LR"
    with pytest.raises(ValueError):
        field_name("lr", "gui")


def test_a_cross_field_message_names_the_other_field_the_same_way():
    with pytest.raises(ConfigError) as info:
        RunConfig.for_example("parabola-relu", x_min=3, x_max=1)
    exc = info.value
    assert exc.message("cli") == "--x-max: 1 must be greater than --x-min (3)"
    assert exc.message("file") == str(exc) == "x_max: 1 must be greater than x_min (3)"
    assert exc.message("form") == "x to: 1 must be greater than x from (3)"
    with pytest.raises(ConfigError) as info:
        RunConfig.for_example("linear-3x", eval_min=2, eval_max=1)
    assert info.value.message("form") == "eval to: 1 must be greater than eval from (2)"


def test_zero_grad_speaks_on_off_and_true_false():
    f = FIELDS_BY_NAME["zero_grad"]
    for text, value in [("on", True), ("off", False), ("true", True), ("false", False), (" ON ", True), ("no", False)]:
        assert f.parse(text) is value
    with pytest.raises(ConfigError, match=r"expected on or off \(true or false\)"):
        f.parse("maybe")
    assert f.format(False) == "off"


def test_an_older_style_message_with_the_name_in_it_keeps_working():
    exc = ConfigError("momentum", "momentum: Adam does not use it")
    assert str(exc) == "momentum: Adam does not use it" and exc.message("form") == "momentum: Adam does not use it"
    assert exc.explanation() == "Adam does not use it"
    whole = ConfigError(None, "something about the whole config")
    assert str(whole) == whole.message("cli") == "something about the whole config"


def test_config_errors_pickle_with_their_parts():
    with pytest.raises(ConfigError) as info:
        RunConfig.for_example("parabola-relu", x_min=3, x_max=1)
    copy = pickle.loads(pickle.dumps(info.value))
    assert copy.message("cli") == info.value.message("cli") and copy.field == "x_max"


# -- E: values are quoted short --------------------------------------------------------------------------------

LONG = "7" * 100_000


@pytest.mark.parametrize("name", sorted(BAD))
@pytest.mark.parametrize("value", [LONG, "x" * 100_000, "1," * 50_000, "\x00" * 1000, [1] * 10_000])
def test_a_huge_value_is_quoted_short_everywhere(name, value):
    with pytest.raises(ConfigError) as info:
        FIELDS_BY_NAME[name].parse(value)
    for where in ("cli", "file", "form"):
        message = info.value.message(where)
        assert len(message) < 400, message
    if isinstance(value, str):
        assert f"({len(value):,} characters)" in str(info.value)


def test_quoted():
    assert quoted("abc") == "'abc'" and quoted(5) == "5" and quoted(1.5) == "1.5"
    long = quoted("y" * 1000)
    assert long.startswith("'yyy") and long.endswith("…' (1,000 characters)") and len(long) < QUOTE_LIMIT + 30
    assert quoted("\x00" * 100).endswith("(100 characters)") and len(quoted("\x00" * 100)) < QUOTE_LIMIT + 30
    assert quoted(list(range(1000))).endswith("(1,000 items)")
    assert quoted(10 ** 5000) == "a whole number of about 5,001 digits"  # past Python's int-to-text limit


def test_unknown_keys_and_examples_are_quoted_short():
    with pytest.raises(ConfigError) as info:
        RunConfig.from_mapping({"example": "linear-3x", "k" * 100_000: 1})
    assert len(str(info.value)) < 600 and "(100,000 characters)" in str(info.value)
    with pytest.raises(ConfigError) as info:
        RunConfig.for_example("e" * 100_000)
    assert len(str(info.value)) < 400


# -- B: the seeds x parameters budget -------------------------------------------------------------------------

BIGGEST = ",".join([str(MAX_UNITS)] * MAX_HIDDEN_LAYERS)


def test_the_biggest_single_net_fits_the_budget_alone_and_a_few_times_over():
    params = param_count((1, *[MAX_UNITS] * MAX_HIDDEN_LAYERS, 1))
    assert params == 1_840_129
    assert MAX_SEED_PARAMS >= 8 * params
    assert RunConfig.for_example("parabola-relu", hidden=BIGGEST).hidden == (MAX_UNITS,) * MAX_HIDDEN_LAYERS
    assert RunConfig.for_example("parabola-relu", hidden=BIGGEST, seeds=8).seeds == 8
    # The seed's nets with the most seeds are far inside it.
    assert RunConfig.for_example("parabola-relu", seeds=MAX_SEEDS).seeds == MAX_SEEDS
    assert RunConfig.for_example("parabola-relu", seeds=MAX_SEEDS, hidden="64,64").seeds == MAX_SEEDS


def test_too_many_seeds_of_a_big_net_are_refused_with_the_numbers():
    with pytest.raises(ConfigError) as info:
        RunConfig.for_example("parabola-relu", seeds=128, hidden=BIGGEST, epochs=1)
    exc = info.value
    assert exc.field == "hidden"
    assert exc.message("cli") == (
        "--hidden: 128 seeds x 1,840,129 parameters = 236M is over the limit of 16M seeds x parameters "
        "(about 256 MB of training state); use fewer seeds or smaller layers")
    assert MAX_SEED_PARAMS * BYTES_PER_PARAM == 256_000_000


def test_the_budget_holds_for_configs_built_by_hand():
    config = RunConfig.for_example("parabola-relu", hidden=BIGGEST)
    with pytest.raises(ConfigError, match="over the limit"):
        config.with_values(seeds=100)
    with pytest.raises(ConfigError, match="over the limit"):
        replace(config, seeds=100).validate()
