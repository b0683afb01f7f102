"""The custom example: a typed target or a CSV file through the same config, data, training and files as the
built-in examples, with its own rules (target and data exclude each other; the file decides the range)."""

import numpy as np
import pytest

from engine import ConfigError, RunConfig, RunController, config_toml, eval_grid, held_out, make_data
from engine.config_file import parse_config_text
from engine.examples import get_example


@pytest.fixture
def points(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x,y\n" + "".join(f"{x},{x * x}\n" for x in range(-4, 5)))
    return str(path)


def test_the_defaults_are_stated_and_valid_headless():
    config = RunConfig.for_example("custom")
    assert (config.target, config.hidden, config.activations, config.optimizer, config.lr, config.epochs,
            config.points, config.x_min, config.x_max) == ("sin(x) * x", (16, 16), ("tanh", "tanh"), "adam", 0.01,
                                                           500, 21, -5.0, 5.0)
    assert (config.eval_min, config.eval_max) == (-8.0, 8.0)  # 30% past the data on each side
    assert "y = sin(x) * x" in config.settings_text()


def test_a_target_gives_the_data_and_the_truth_with_noise_and_held_out_points():
    config = RunConfig.for_example("custom", target="x^2 - 1", points=11, noise=0.5, test_fraction=0.2, seed=3)
    data = make_data(config)
    x = np.linspace(-5, 5, 11)
    eps = np.random.default_rng(3).standard_normal(11) * 0.5  # the same noise as every example's
    np.testing.assert_array_equal(data.x, x.astype(np.float32))
    np.testing.assert_array_equal(data.y, (x**2 - 1 + eps).astype(np.float32))
    assert held_out(config).sum() == 2
    grid = eval_grid(config, 5)
    np.testing.assert_array_equal(config.example.truth(grid), grid**2 - 1)
    assert config.example.truth_text == "x^2 - 1" and config.example.target_text == "y = x^2 - 1"


def test_the_eval_range_follows_the_data_unless_given():
    assert (RunConfig.for_example("custom", x_min=0, x_max=10).eval_min,
            RunConfig.for_example("custom", x_min=0, x_max=10).eval_max) == (-3.0, 13.0)
    given = RunConfig.for_example("custom", x_min=0, x_max=10, eval_min=-1, eval_max=1)
    assert (given.eval_min, given.eval_max) == (-1.0, 1.0)


def test_a_data_file_decides_the_points_and_has_no_true_function(points):
    config = RunConfig.for_example("custom", data=points, noise=0.0)
    assert (config.target, config.points, config.x_min, config.x_max) == ("", 9, -4.0, 4.0)
    assert (config.eval_min, config.eval_max) == pytest.approx((-6.4, 6.4))
    data = make_data(config)
    np.testing.assert_array_equal(data.y, np.arange(-4, 5) ** 2)
    assert config.example.truth_text == ""
    noisy = make_data(config.with_values(noise=1.0))
    assert not np.array_equal(noisy.y, data.y) and np.array_equal(noisy.x, data.x)
    assert "data" in config.to_dict() and not {"target", "x_min", "x_max", "points"} & set(config.to_dict())


@pytest.mark.parametrize("overrides, says", [
    ({"target": "x", "data": "p.csv"}, "data: a data file and a target exclude each other"),
    ({"target": ""}, "target: missing; give an expression in x"),
    ({"target": "log(x)"}, "target: log(x) is not a number (undefined) at x=-5"),
    ({"target": "exp(x^3)", "x_max": 10}, "target: exp(x^3) is infinite (too large for float64) at x=9"),
    ({"target": "x", "x_col": "2"}, "x_col: applies only when data is given"),
    ({"lr": 0.1, "step": 0.1}, "step: does not apply to custom"),
])
def test_the_custom_rules_are_config_errors(overrides, says):
    with pytest.raises(ConfigError) as info:
        RunConfig.for_example("custom", strict=True, **overrides)
    assert says in str(info.value)


def test_with_a_data_file_the_range_and_point_settings_are_refused(points):
    for name, value in (("x_min", -1), ("x_max", 1), ("points", 5)):
        with pytest.raises(ConfigError, match=f"{name}: not allowed with data, which decides the points"):
            RunConfig.for_example("custom", strict=True, data=points, **{name: value})


def test_the_custom_settings_apply_to_custom_only():
    with pytest.raises(ConfigError, match="target: does not apply to parabola-relu"):
        RunConfig.for_example("parabola-relu", strict=True, target="x")
    assert "target" not in RunConfig.for_example("parabola-relu").to_dict()


def test_a_config_file_with_a_target_or_data_round_trips(points):
    for config in (RunConfig.for_example("custom", target="-x^2 + where(x > 0, x, 0)", epochs=7),
                   RunConfig.for_example("custom", data=points, x_col="x", y_col="y", lr=0.02)):
        assert RunConfig.from_mapping(parse_config_text(config_toml(config))) == config
    loaded = RunConfig.from_mapping(parse_config_text('example = "custom"\ntarget = "x**3"\n'))
    assert loaded.target == "x^3"


def test_a_custom_run_trains_on_the_kernel_and_many_seeds_alike():
    config = RunConfig.for_example("custom", target="abs(x)", epochs=40, seeds=3)
    result = RunController(config).run()
    assert result.status == "completed" and len(result.runs) == 3
    single = RunController(config.with_values(seeds=1, seed=1)).run()
    member = [r for r in result.runs if r["seed"] == 1][0]
    # member 1 is seed 1's run, the same operations in the same order (as for every example): bit for bit
    for ours, theirs in zip(member["params"], single.params):
        np.testing.assert_array_equal(ours, theirs)


def test_the_registry_entry_explains_its_defaults():
    example = get_example("custom")
    assert example.custom and example.kind == "torch"
    assert "500 epochs" in example.explanation and "Adam" in example.explanation
