"""Every hyperparameter is checked in one place, with a message naming the field, the value and the rule."""

import math

import pytest

from engine import FIELDS, FIELDS_BY_NAME, ConfigError, RunConfig, get_example
from engine.examples import EXAMPLES


@pytest.mark.parametrize("example", [e.id for e in EXAMPLES])
def test_every_example_default_config_is_valid(example):
    config = RunConfig.for_example(example)
    for name, value in get_example(example).defaults.items():
        assert getattr(config, name) == value


def test_seed_defaults_are_those_of_the_notebook():
    relu = RunConfig.for_example("parabola-relu")
    assert (relu.lr, relu.momentum, relu.epochs, relu.hidden, relu.activations) == (0.001, 0.1, 2000, (10, 10), ("relu", "relu"))
    noisy = RunConfig.for_example("parabola-noisy")
    assert (noisy.hidden, noisy.activations, noisy.epochs) == ((5, 5), ("sigmoid", "relu"), 1000)
    nudge = RunConfig.for_example("nudge-3x")
    assert (nudge.step, nudge.tolerance, nudge.epochs, nudge.sample_x, nudge.sample_y) == (0.05, 0.1, 90, 3.0, 9.0)


BAD_VALUES = [
    ("lr", "abc"), ("lr", "-0.1"), ("lr", "0"), ("lr", "nan"), ("lr", "inf"), ("lr", ""), ("lr", "1e9"),
    ("momentum", "1"), ("momentum", "-0.5"), ("momentum", "x"),
    ("test_fraction", "0.6"), ("test_fraction", "-0.1"), ("test_fraction", "half"),
    ("epochs", "0"), ("epochs", "1.5"), ("epochs", "ten"), ("epochs", "99999999999"),
    ("seed", "-1"), ("seed", "abc"),
    ("hidden", "0"), ("hidden", "10,x"), ("hidden", "100000"), ("hidden", ",".join(["2"] * 9)),
    ("activation", "softmax"), ("activation", "relu,foo"),
    ("optimizer", "rmsprop"),
    ("batch_size", "-2"), ("batch_size", "half"),
    ("weight_decay", "-1"), ("noise", "-0.1"), ("noise", "NaN"),
    ("x_min", "1e9"), ("x_max", "-inf"), ("points", "0"), ("points", "2.5"), ("eval_min", "x"),
    ("eval_max", "inf"), ("zero_grad", "maybe"),
    ("step", "0"), ("tolerance", "-1"), ("sample_x", "abc"), ("sample_y", "1e99"),
    ("target", "abc"), ("target", 3), ("data", 42), ("x_col", ""), ("y_col", "a\tb"),
]


@pytest.mark.parametrize("name,value", BAD_VALUES)
def test_bad_values_are_refused_with_a_message_naming_field_and_value(name, value):
    with pytest.raises(ConfigError) as info:
        FIELDS_BY_NAME[name].parse(value)
    assert info.value.field == name
    message = str(info.value)
    assert message.startswith(f"{name}:")
    assert repr(value) in message or "empty" in message
    assert "expected" in message


def test_every_field_has_a_bad_value_tested():
    assert {f.name for f in FIELDS} <= {name for name, _ in BAD_VALUES}


def test_text_is_parsed_as_a_person_types_it():
    config = RunConfig.for_example("parabola-relu", lr="0.01", hidden="20, 5", activation="tanh",
                                   batch_size="full", zero_grad="off", epochs="1_000")
    assert (config.lr, config.hidden, config.activations, config.batch_size, config.zero_grad, config.epochs) == \
        (0.01, (20, 5), ("tanh", "tanh"), 0, False, 1000)
    assert RunConfig.for_example("parabola-relu", hidden="none", activation="").layer_sizes == (1, 1)
    assert RunConfig.for_example("linear-3x", activation="leaky-relu,sigmoid", hidden="3,3").activations == ("leaky_relu", "sigmoid")


def test_cross_field_rules():
    with pytest.raises(ConfigError, match="activation: 3 names for 2 hidden layers"):
        RunConfig.for_example("parabola-relu", activation="relu,relu,relu")
    assert RunConfig.for_example("parabola-relu", hidden="16,16,16").activations == ("relu",) * 3
    assert RunConfig.for_example("parabola-relu", hidden="none").activations == ()
    with pytest.raises(ConfigError, match="activation: 2 names for 3 hidden layers"):
        RunConfig.for_example("parabola-noisy", hidden="4,4,4")
    with pytest.raises(ConfigError, match="hidden layers need an activation"):
        RunConfig.for_example("linear-3x", hidden="4")
    with pytest.raises(ConfigError, match="x_max: 1 must be greater than x_min"):
        RunConfig.for_example("parabola-relu", x_min=3, x_max=1)
    with pytest.raises(ConfigError, match="eval_max"):
        RunConfig.for_example("parabola-relu", eval_min=5, eval_max=5)


def test_unknown_example_and_unknown_setting():
    with pytest.raises(ConfigError, match="example: no example is called 'nope'; choose one of: nudge-3x"):
        RunConfig.for_example("nope")
    with pytest.raises(ConfigError, match="colour: unknown setting"):
        RunConfig.from_mapping({"example": "linear-3x", "colour": "red"})
    with pytest.raises(ConfigError, match="seeds"):
        RunConfig.for_example("linear-3x", seeds=0)


def test_config_round_trips_through_a_mapping():
    config = RunConfig.for_example("parabola-noisy", lr=0.003, seed=4, noise=0.5, batch_size=3)
    assert RunConfig.from_mapping(config.to_dict()) == config


def test_fields_format_values_as_they_are_typed_back():
    config = RunConfig.for_example("parabola-relu", batch_size="full")
    for f in config.relevant_fields():
        assert f.parse(f.format(getattr(config, f.name))) == getattr(config, f.name)


def test_effective_batch_and_layer_sizes():
    config = RunConfig.for_example("parabola-relu", batch_size=0)
    assert config.effective_batch == 11 and config.layer_sizes == (1, 10, 10, 1)
    assert RunConfig.for_example("parabola-relu", batch_size=50).effective_batch == 11
    assert not math.isnan(config.lr)
