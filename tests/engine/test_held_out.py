"""Held-out data (TensorFlow Playground's "test data"): `test_fraction` holds every k-th point out of
training; `loss` is the training points' MSE, `test_loss` the held-out points', after every epoch; a run's
result also says how far the fit is from the true function inside and outside the training range."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from engine import (ConfigError, Progress, RunConfig, RunController, format_row, format_summary, held_out,
                    make_data, split)
from engine.learners import make_learner
from engine.models import predict

EPS32 = float(np.finfo(np.float32).eps)


def _mse(config: RunConfig, flat: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    pred = predict(flat, config.layer_sizes, config.activations, x)
    return float(np.mean((y.astype(np.float64) - pred) ** 2))


def _run(config: RunConfig):
    ctl = RunController(config)
    chunks = []
    ctl.subscribe(lambda e: chunks.append(e.chunk) if isinstance(e, Progress) else None)
    result = ctl.run()
    return ctl, result, chunks


# -- the mask ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fraction, positions", [
    (0.0, []),            # nothing held out
    (0.1, [5]),           # k = 10: from 10 // 2 = 5 on
    (0.2, [2, 7]),        # k = 5: from 2, every 5th
    (0.5, [1, 3, 5, 7, 9]),  # k = 2: every other point, neither end
])
def test_the_mask_holds_out_every_kth_point_from_k_half_on_of_11_points(fraction, positions):
    config = RunConfig.for_example("parabola-relu", points=11, test_fraction=fraction)
    mask = held_out(config)
    assert mask.dtype == bool and len(mask) == 11
    assert np.flatnonzero(mask).tolist() == positions
    assert config.train_points == 11 - len(positions)


def test_the_mask_is_the_same_for_every_seed_and_split_keeps_order():
    config = RunConfig.for_example("parabola-noisy", test_fraction=0.2)
    assert np.array_equal(held_out(config), held_out(config.with_values(seed=5)))
    data, mask = make_data(config), held_out(config)
    train, test = split(data, mask)
    assert np.array_equal(train.x, data.x[~mask]) and np.array_equal(test.y, data.y[mask])
    assert len(train) + len(test) == len(data)


def test_the_fraction_defaults_to_zero_and_applies_to_torch_examples_only():
    for example in ("linear-3x", "parabola-relu", "parabola-noisy"):
        assert RunConfig.for_example(example).test_fraction == 0
    with pytest.raises(ConfigError) as err:
        RunConfig.for_example("nudge-3x", strict=True, test_fraction=0.2)
    assert err.value.field == "test_fraction"


# -- validation ---------------------------------------------------------------------------------------------

def test_a_fraction_outside_0_to_half_is_refused_by_its_name():
    with pytest.raises(ConfigError) as err:
        RunConfig.for_example("parabola-relu", test_fraction=0.6)
    assert err.value.message("cli").startswith("--test-fraction: 0.6 is not allowed")
    assert err.value.message("form").startswith("test fraction: ")


def test_a_fraction_that_holds_out_no_point_is_refused():
    with pytest.raises(ConfigError) as err:
        RunConfig.for_example("parabola-relu", test_fraction=0.01, points=11)
    assert err.value.message("cli") == (
        "--test-fraction: 0.01 holds out no point: it takes 1 point in every 100, the first being point "
        "number 51, and there are 11 --points; raise it or use more --points")


def test_a_fraction_that_leaves_fewer_than_two_training_points_is_refused():
    with pytest.raises(ConfigError) as err:
        RunConfig.for_example("parabola-relu", test_fraction=0.5, points=2)
    assert err.value.message("file") == (
        "test_fraction: 0.5 of 2 points holds out 1 and leaves 1 to train on; at least 2 must remain: "
        "lower it or use more points")
    assert RunConfig.for_example("parabola-relu", test_fraction=0.5, points=3).train_points == 2


# -- training uses the training points only ------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["kernel", "autograd"])
def test_training_sees_only_the_training_points_and_loss_is_their_mse(backend):
    config = RunConfig.for_example("parabola-relu", test_fraction=0.2, epochs=40, backend=backend)
    ctl, result, _ = _run(config)
    train, test = split(make_data(config), held_out(config))
    assert np.array_equal(ctl.learner.data[0].x, train.x) and np.array_equal(ctl.learner.test_data[0].x, test.x)
    assert config.effective_batch == 1 and len(ctl.learner.data[0]) == 9
    flat = ctl.latest_params()[0]
    want = _mse(config, flat, train.x, train.y)
    # The backends' loss pass runs the forward in float32: each prediction is off by at most a few float32
    # ulps of the largest term it sums (|y| <= 25 here: 64 eps32 x 25 bounds it generously), and the loss by
    # 2 |residual| x that, at most 2 sqrt(loss) x delta + delta^2.
    delta = 64 * EPS32 * 25
    assert result.loss == pytest.approx(want, abs=2 * math.sqrt(want) * delta + delta ** 2)


@pytest.mark.parametrize("backend", ["kernel", "autograd"])
def test_test_loss_at_the_last_epoch_is_the_held_out_mse_of_the_final_params(backend):
    config = RunConfig.for_example("parabola-noisy", test_fraction=0.2, epochs=30, backend=backend)
    ctl, result, chunks = _run(config)
    test = ctl.learner.test_data[0]
    want = _mse(config, ctl.latest_params()[0], test.x, test.y)
    # Both are float64 evaluations of the same float32 parameters (the batched and the plain matmul may
    # round differently in the last bits only).
    assert chunks[-1].test_loss[-1] == pytest.approx(want, rel=1e-12)
    assert result.test_loss == pytest.approx(want, rel=1e-12)
    assert all(len(c.test_loss) == len(c) and np.isfinite(c.test_loss).all() for c in chunks)
    assert sum(len(c) for c in chunks) == 30


def test_kernel_and_autograd_agree_on_test_loss_to_float32_noise():
    runs = {}
    for backend in ("kernel", "autograd"):
        config = RunConfig.for_example("parabola-sigmoid", test_fraction=0.2, epochs=200, backend=backend)
        ctl, _, chunks = _run(config)
        runs[backend] = np.concatenate([c.test_loss for c in chunks])
    assert runs["kernel"].shape == runs["autograd"].shape == (200,)
    np.testing.assert_allclose(runs["kernel"], runs["autograd"], rtol=1e-4)


def test_without_a_fraction_there_is_no_test_loss():
    ctl, result, chunks = _run(RunConfig.for_example("parabola-relu", epochs=5))
    assert all(c.test_loss is None and c.test_losses is None for c in chunks)
    assert "test_loss" not in chunks[-1].last() and result.test_loss is None
    assert "test_loss" not in result.to_json()


def test_many_seeds_give_each_member_its_test_losses_and_their_median():
    config = RunConfig.for_example("parabola-relu", test_fraction=0.2, epochs=10, seeds=3)
    ctl, result, chunks = _run(config)
    chunk = chunks[-1]
    assert chunk.test_losses.shape == (3, len(chunk))
    np.testing.assert_allclose(chunk.test_loss, np.median(chunk.test_losses, axis=0))
    row = chunk.last()
    assert len(row["test_losses"]) == 3 and row["test_loss"] == pytest.approx(np.median(row["test_losses"]))
    assert result.test_loss == pytest.approx(np.median([r["test_loss"] for r in result.runs]))


def test_a_kernel_net_too_large_to_trace_has_test_loss_at_its_chunks_last_epoch():
    from engine.learners import kernel as kernel_learner

    config = RunConfig.for_example("parabola-relu", test_fraction=0.2, epochs=6, hidden=(10, 10))
    learner = make_learner(config)
    old, kernel_learner.TRACE_LIMIT = kernel_learner.TRACE_LIMIT, 1
    try:
        chunk = learner.train(6)
    finally:
        kernel_learner.TRACE_LIMIT = old
    assert np.isnan(chunk.test_loss[:-1]).all()
    test = learner.test_data[0]
    assert chunk.test_loss[-1] == pytest.approx(_mse(config, learner.flat_params()[0], test.x, test.y), rel=1e-12)


# -- what is written ---------------------------------------------------------------------------------------

def test_json_lines_carry_test_loss_and_the_final_line_the_errors():
    out = subprocess.run([sys.executable, "-m", "tui.cli", "run", "parabola-relu", "--test-fraction", "0.2",
                          "--epochs", "5", "--format", "jsonl"], capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert all("test_loss" in line for line in lines[:-1])
    final = lines[-1]
    assert final["event"] == "done" and final["test_loss"] == pytest.approx(lines[-2]["test_loss"])
    assert final["error_inside"] > 0 and final["error_outside"] > 0


def test_rows_and_summary_say_test_loss_and_the_errors():
    config = RunConfig.for_example("parabola-relu", test_fraction=0.2, epochs=5)
    _, result, chunks = _run(config)
    assert "test loss " in format_row(config, chunks[-1].last())
    summary = format_summary(config, result)
    assert "held-out loss " in summary and "(training loss " in summary
    assert "error against the true function: inside the training range " in summary and ", outside it " in summary


def test_a_non_finite_test_loss_is_written_as_null():
    from engine import RunResult, RunState

    result = RunResult(status=RunState.DIVERGED, epochs=1, loss=math.inf, params=[], seconds=0.0, backend="kernel",
                       test_loss=math.nan, error_inside=math.inf, error_outside=None)
    out = result.to_json()
    assert out["test_loss"] is None and out["error_inside"] is None and out["error_outside"] is None


# -- extrapolation -----------------------------------------------------------------------------------------

def test_parabola_sigmoid_fits_inside_its_training_range_and_flattens_outside():
    config = RunConfig.for_example("parabola-sigmoid")  # eval to 10, training to 5: a sigmoid net flattens
    _, result, _ = _run(config)
    assert result.error_inside is not None and result.error_outside is not None
    assert result.error_outside > 100 * result.error_inside
    assert result.test_loss is None  # no held-out points: the errors are there all the same


def test_no_outside_part_gives_no_outside_error():
    config = RunConfig.for_example("parabola-relu", epochs=3, eval_min=-5.0, eval_max=5.0)
    _, result, _ = _run(config)
    assert result.error_inside is not None and result.error_outside is None
    assert "outside it" not in format_summary(config, result)
