"""The loss-versus-weight view of the one-weight models: an exact parabola, its tangent, its bottom, the next step."""

import numpy as np
import pytest

from engine import RunConfig, RunController, make_data
from engine.teaching.loss_curve import best_weight, loss_curve, loss_curve_for, mse

X = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
Y = 3.0 * X


def L(w, b, x=X, y=Y):
    return float(np.mean((w * x + b - y) ** 2))


def test_the_curve_is_the_mean_squared_error_at_the_held_bias():
    curve = loss_curve(X, Y, 1.0, 0.5, lr=0.01)
    assert curve.bias == 0.5
    np.testing.assert_allclose(curve.loss, [L(w, 0.5) for w in curve.ws], rtol=1e-13)
    assert curve.current_loss == pytest.approx(L(1.0, 0.5), rel=1e-13)


@pytest.mark.parametrize("w,b", [(1.0, 0.5), (3.0, 0.0), (4.2, -1.0), (-2.0, 3.0)])
def test_the_tangent_slope_is_the_analytic_gradient_and_a_central_difference(w, b):
    curve = loss_curve(X, Y, w, b, lr=0.01)
    assert curve.grad == pytest.approx(2 * np.mean(X * (w * X + b - Y)), rel=1e-13, abs=1e-12)
    h = 1e-5  # L is quadratic in w, so the central difference is exact up to rounding
    assert curve.grad == pytest.approx((L(w + h, b) - L(w - h, b)) / (2 * h), rel=1e-6, abs=1e-6)
    (w0, w1), (l0, l1) = curve.tangent_ws, curve.tangent_loss
    assert (l1 - l0) / (w1 - w0) == pytest.approx(curve.grad, rel=1e-9, abs=1e-9)
    assert curve.tangent(np.array([w]))[0] == pytest.approx(curve.current_loss)
    assert w0 < w < w1


@pytest.mark.parametrize("b", [0.0, 1.5, -2.0])
def test_the_optimum_is_least_squares_for_the_fixed_bias(b):
    rng = np.random.default_rng(0)
    x, y = np.arange(10.0), np.arange(10.0) + rng.standard_normal(10)
    want = np.linalg.lstsq(x[:, None], y - b, rcond=None)[0][0]
    curve = loss_curve(x, y, 0.2, b, lr=0.001)
    assert curve.optimum == pytest.approx(want, rel=1e-12)
    assert curve.optimum_loss <= curve.loss.min() + 1e-12  # nothing on the drawn curve is lower
    assert best_weight(x, y, b) == curve.optimum


def test_the_view_holds_the_current_weight_the_optimum_the_path_and_the_next_step():
    curve = loss_curve(X, Y, 2.5, 0.0, lr=0.05, path=[-1.0, 0.4, 1.8, 2.5])
    for w in (curve.weight, curve.optimum, curve.step.lands_at, *curve.path_ws):
        assert curve.ws[0] < w < curve.ws[-1]
    assert curve.ws[0] < -1.0 - 0.1  # a margin beyond the farthest point
    np.testing.assert_allclose(curve.path_loss, [L(w, 0.0) for w in curve.path_ws])


def test_a_view_of_a_converged_weight_still_shows_the_bowl():
    curve = loss_curve(X, Y, 3.0, 0.0, lr=0.01)
    assert curve.ws[-1] - curve.ws[0] >= 1.0 and curve.loss.max() > 1.0


def test_plain_sgd_steps_against_the_gradient_by_lr_times_its_size():
    curve = loss_curve(X, Y, 2.0, 0.0, lr=0.01)
    assert curve.grad < 0  # below the optimum the loss falls to the right
    assert curve.step.delta == pytest.approx(-0.01 * curve.grad) and curve.step.delta > 0
    assert curve.step.lands_at == pytest.approx(2.0 + curve.step.delta)
    assert curve.step.loss == pytest.approx(L(curve.step.lands_at, 0.0)) and curve.step.loss < curve.current_loss
    assert curve.momentum_step is None and curve.velocity_source == "none"


def test_weight_decay_adds_its_pull_toward_zero_to_the_step_as_torch_does():
    curve = loss_curve(X, Y, 2.0, 0.0, lr=0.01, weight_decay=0.1)
    assert curve.step.delta == pytest.approx(-0.01 * (curve.grad + 0.1 * 2.0))


def test_momentum_uses_a_given_velocity_as_torchs_buffer():
    curve = loss_curve(X, Y, 2.0, 0.0, lr=0.01, momentum=0.2, velocity=-5.0)
    assert curve.velocity_source == "given" and curve.velocity == -5.0
    assert curve.momentum_step.delta == pytest.approx(-0.01 * (0.2 * -5.0 + curve.grad))


def test_without_a_velocity_momentum_estimates_it_from_the_last_two_path_weights():
    # an epoch of 6 steps moved w from 1.7 to 2.0: each step about +0.05, so v ~ -0.05 / lr
    curve = loss_curve(X, Y, 2.0, 0.0, lr=0.01, momentum=0.2, path=[1.0, 1.7, 2.0], steps_per_epoch=6)
    assert curve.velocity_source == "estimated"
    assert curve.velocity == pytest.approx(-(2.0 - 1.7) / (0.01 * 6))
    assert curve.momentum_step.delta == pytest.approx(-0.01 * (0.2 * curve.velocity + curve.grad))
    assert loss_curve(X, Y, 2.0, lr=0.01, momentum=0.2, path=[2.0]).momentum_step is None  # nothing to go on


def test_for_a_trained_linear_3x_the_gradient_is_the_one_the_run_reports():
    config = RunConfig.for_example("linear-3x", epochs=20)
    controller = RunController(config)
    controller.run()
    flat = controller.learner.flat_params()[0]
    curve = loss_curve_for(config, flat, path=controller.history.column("weight"))
    assert (curve.weight, curve.bias) == (float(flat[0]), float(flat[1]))
    assert curve.grad == pytest.approx(controller.history.last("grad"), rel=1e-12)
    assert curve.steps_per_epoch == 6 and curve.lr == config.lr and curve.momentum == config.momentum
    assert curve.velocity_source == "estimated"
    data = make_data(config)
    assert curve.current_loss == pytest.approx(float(mse(data.x, data.y, np.array([flat[0]]), flat[1])[0]))


def test_for_linear_noisy_the_optimum_for_the_bias_is_the_noisy_datas_least_squares():
    config = RunConfig.for_example("linear-noisy", epochs=5)
    data = make_data(config)
    flat = np.array([0.3, 0.7], np.float32)
    curve = loss_curve_for(config, flat, lr=0.002)
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    assert curve.optimum == pytest.approx(np.linalg.lstsq(x[:, None], y - float(flat[1]), rcond=None)[0][0])
    assert curve.lr == 0.002 and curve.steps_per_epoch == 10


def test_only_one_weight_models_have_this_curve():
    with pytest.raises(ValueError, match="one-weight"):
        loss_curve_for(RunConfig.for_example("parabola-relu"), np.zeros(141, np.float32))
    with pytest.raises(ValueError, match="nudge-3x"):
        loss_curve_for(RunConfig.for_example("nudge-3x"), np.zeros(1))
