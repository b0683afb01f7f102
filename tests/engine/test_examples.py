"""Every example of the seed runs to completion and learns what it teaches; a seed fixes the run."""

import numpy as np
import pytest

from engine import RunConfig, RunController, make_data
from engine.examples import EXAMPLES
from engine.layout import param_count
from engine.models import predict, predict_members


def run(example, **overrides):
    return RunController(RunConfig.for_example(example, **overrides)).run()


@pytest.mark.parametrize("example", [e.id for e in EXAMPLES])
def test_every_example_runs_to_the_end(example):
    config = RunConfig.for_example(example)
    result = RunController(config).run()
    assert result.status in ("completed", "converged")
    assert result.epochs <= config.epochs
    assert np.isfinite(result.loss)
    assert result.seconds > 0


def test_linear_3x_learns_a_weight_of_3():
    result = run("linear-3x")
    assert abs(result.params[0][0] - 3.0) < 0.01
    assert abs(result.params[1][0]) < 0.05


def test_nudge_3x_converges_within_its_tolerance_and_logs_each_iteration():
    controller = RunController(RunConfig.for_example("nudge-3x", seed=3))
    result = controller.run()
    assert result.status == "converged"
    weight = result.params[0][0]
    assert abs(3.0 * weight - 9.0) <= 0.1
    history = controller.history
    assert list(history.epoch) == list(range(1, result.epochs + 1))
    errors = history.column("error")
    assert abs(errors[-1]) <= 0.1 and all(abs(e) > 0.1 for e in errors[:-1])
    # Each iteration moves the weight by exactly one step toward the target.
    assert np.allclose(np.diff(history.column("weight")), 0.05)


def test_nudge_3x_that_cannot_converge_stops_at_its_iteration_cap():
    result = run("nudge-3x", step=0.001, epochs=20)
    assert result.status == "completed" and result.epochs == 20


def test_parabola_relu_fits_the_parabola():
    assert run("parabola-relu").loss < 1.0


def test_linear_noisy_settles_near_the_noise_not_at_zero():
    result = run("linear-noisy")
    assert 0.05 < result.loss < 3.0
    assert abs(result.params[0][0] - 1.0) < 0.3


@pytest.mark.parametrize("example", ["parabola-noisy", "linear-3x"])
def test_same_seed_same_run_other_seed_other_run(example):
    a, b, c = run(example, seed=5, epochs=50), run(example, seed=5, epochs=50), run(example, seed=6, epochs=50)
    assert all(np.array_equal(p, q) for p, q in zip(a.params, b.params)) and a.loss == b.loss
    assert not all(np.array_equal(p, q) for p, q in zip(a.params, c.params))


def test_noise_comes_from_the_run_seed():
    config = RunConfig.for_example("parabola-noisy")
    assert np.array_equal(make_data(config).y, make_data(config).y)
    assert not np.array_equal(make_data(config).y, make_data(config, seed=1).y)
    clean = make_data(config.with_values(noise=0))
    assert np.array_equal(clean.y, clean.x**2)


def test_one_weight_models_report_weight_bias_and_the_gradient_of_the_training_loss():
    controller = RunController(RunConfig.for_example("linear-3x", epochs=5))
    controller.run()
    w, b, g = (controller.history.column(n)[-1] for n in ("weight", "bias", "grad"))
    x = np.arange(1.0, 7.0)
    assert g == pytest.approx(np.mean(-2 * x * (3 * x - (w * x + b))), rel=1e-6)
    assert controller.result.params[0][0] == pytest.approx(w, abs=1e-6)


def test_optimizer_batch_and_activation_choices_all_train():
    for overrides in ({"optimizer": "adam", "lr": 0.01}, {"batch_size": 0, "lr": 0.01}, {"batch_size": 4},
                      {"activation": "tanh"}, {"activation": "leaky_relu,identity"}, {"weight_decay": 0.01}):
        result = run("parabola-relu", epochs=200, **overrides)
        assert result.status == "completed" and np.isfinite(result.loss), overrides


def test_predictions_over_the_evaluation_grid_do_not_touch_training():
    controller = RunController(RunConfig.for_example("parabola-relu", epochs=50))
    controller.run()
    xs = np.linspace(-10, 10, 41)
    before = controller.result.params
    ys = controller.predict(xs)
    assert ys.shape == (1, 41) and np.all(np.isfinite(ys))
    assert all(np.array_equal(p, q) for p, q in zip(controller.learner.params(), before))


def test_the_nudge_learners_numbers_agree_row_loss_status_and_params():
    # Each row is one iteration: the weight it evaluated, its error and loss, and the weight after its
    # nudge. The run's loss is the last row's (what the status line shows, from the history); its params
    # are the last row's next weight: the nudge the last iteration made, which the summary names.
    controller = RunController(RunConfig.for_example("nudge-3x", step=100.0, epochs=3))
    result = controller.run()
    history = controller.history
    assert result.status == "completed"
    assert result.loss == history.last("loss") == pytest.approx(history.last("error") ** 2)
    assert result.params[0][0] == history.last("next_weight")
    assert result.params[0][0] == history.last("weight") - 100.0 or result.params[0][0] == history.last("weight") + 100.0
    assert result.last["weight"] == history.last("weight")


@pytest.mark.parametrize("sizes, acts", [((1, 10, 10, 1), ("relu", "relu")), ((1, 5, 5, 1), ("sigmoid", "relu")),
                                         ((1, 1), ()), ((1, 16, 16, 1), ("tanh", "tanh"))])
def test_members_predicted_at_once_equal_each_member_predicted_alone(sizes, acts):
    # predict_members takes each layer's sums in one batched matmul, predict one member's at a time; the order of
    # a sum of at most 16 float64 products may differ, so the two may part by a few float64 ulps of the largest
    # term: 16 terms x 2**-52 relative, bounded here by 1e-12 of the outputs' size (weights and x of order 1-10).
    rng = np.random.default_rng(7)
    flats = rng.normal(size=(9, param_count(sizes))).astype(np.float32)
    xs = np.linspace(-10, 10, 57)
    each = np.stack([predict(f, sizes, acts, xs) for f in flats])
    together = predict_members(flats, sizes, acts, xs)
    assert together.shape == (9, 57)
    np.testing.assert_allclose(together, each, rtol=0, atol=1e-12 * max(1.0, float(np.abs(each).max())))
