"""Settings files nudge writes read back to the very same RunConfig, for every example and awkward values."""

import math

import pytest
from hypothesis import given, settings, strategies as st

from engine import EXAMPLES, RunConfig, config_toml, nudge_version
from engine.config_file import parse_config_text
from engine.config_toml import toml_string


def round_trip(config: RunConfig) -> RunConfig:
    return RunConfig.from_mapping(parse_config_text(config_toml(config)))


def changed(example) -> dict:
    """Settings that differ from the example's defaults, valid for its kind."""
    if not example.is_torch:
        return {"step": 0.07, "tolerance": 0.3, "sample_x": -2.5, "sample_y": 1e-7, "seed": 2**31 - 1}
    return {"lr": 1 / 3, "momentum": 0.1 + 0.2, "hidden": "7,3", "activation": "tanh,leaky_relu",
            "optimizer": "adam", "batch_size": "full", "weight_decay": 1e-5, "noise": 0.25, "points": 13,
            "test_fraction": 0.2, "zero_grad": False, "seeds": 3, "backend": "autograd", "eval_max": 12.5}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_every_example_round_trips_exactly_with_its_defaults_and_with_changed_settings(example):
    default = RunConfig.for_example(example.id)
    assert round_trip(default) == default
    other = RunConfig.for_example(example.id, **changed(example))
    assert other != default and round_trip(other) == other


def test_the_file_says_which_nudge_wrote_it_and_any_version_reads():
    text = config_toml(RunConfig.for_example("linear-3x"))
    assert f'version = "{nudge_version()}"' in text.splitlines()
    older = text.replace(f'version = "{nudge_version()}"', 'version = "0.0.1"')
    assert RunConfig.from_mapping(parse_config_text(older)) == RunConfig.for_example("linear-3x")


@settings(max_examples=200, deadline=None)
@given(lr=st.floats(min_value=0, max_value=10, exclude_min=True),
       x_min=st.floats(min_value=-1e4, max_value=-1e-300), x_max=st.floats(min_value=1e-300, max_value=1e4))
def test_any_valid_float_round_trips_bit_for_bit(lr, x_min, x_max):
    config = RunConfig.for_example("parabola-relu", lr=lr, x_min=x_min, x_max=x_max)
    back = round_trip(config)
    assert (back.lr, back.x_min, back.x_max) == (lr, x_min, x_max)
    assert math.copysign(1, back.x_min) == math.copysign(1, x_min)


@given(st.text(max_size=50))
def test_any_text_is_a_toml_string_that_reads_back_unchanged(text):
    assert parse_config_text(f"s = {toml_string(text)}")["s"] == text


def test_custom_runs_round_trip_exactly_a_typed_target_a_data_file_and_a_file_defined_example(tmp_path):
    from engine import load_examples_file
    from engine.examples import remove_added_examples

    (tmp_path / "points.csv").write_text('time;h\\"x y\n0;1\n1;3\n2;5\n')  # a header with a backslash and a quote
    typed = RunConfig.for_example("custom", target="where(x > 0, x^2, -x) / 3", noise=0.125, epochs=9)
    data = RunConfig.for_example("custom", target="", data=str(tmp_path / "points.csv"), x_col="time",
                                 y_col='h\\"x y')
    assert round_trip(typed) == typed and round_trip(data) == data
    (tmp_path / "mine.toml").write_text('[[example]]\nid = "damped-wave"\ntarget = "exp(-x^2 / 8) * sin(3 * x)"\n')
    try:
        load_examples_file(str(tmp_path / "mine.toml"))
        wave = RunConfig.for_example("damped-wave", lr=0.007)
        assert round_trip(wave) == wave
    finally:
        remove_added_examples()  # the registry is process-wide
