"""A sweep trains every cell of a learning rate x momentum (or x seed) grid, each cell exactly its single run.

Cells are compared with `nudge run`'s engine (a RunController) bit for bit, the bound of
tests/engine/test_many_seeds.py and for the same reason: a cell is a member of the lockstep kernel, whose
lanes perform their member's float32 operations in the order the scalar kernel does for that member alone
(each lane's own lr and momentum included, tests/engine/test_kernel_members.py), so nothing can round
differently on any CPU.
"""

import math
import threading

import numpy as np
import pytest

from engine import (MAX_CELLS, ConfigError, RunConfig, RunController, RunState, parse_axis, parse_seed_range,
                    run_sweep)

# ------------------------------------------------------------------------------------------- axes


def test_a_log_axis_runs_from_a_to_b_with_a_constant_ratio_both_ends_exact():
    values = parse_axis("1e-4:1e-1:4", log=True)
    assert values[0] == 1e-4 and values[-1] == 1e-1 and len(values) == 4
    assert np.allclose(np.diff(np.log10(values)), 1.0)


def test_a_linear_axis_runs_from_a_to_b_evenly():
    assert parse_axis("0:0.9:4", log=False) == pytest.approx((0.0, 0.3, 0.6, 0.9))
    assert parse_axis("0:0.9:4", log=False)[-1] == 0.9


def test_one_value_is_a_bare_number_or_a_to_a():
    assert parse_axis("0.01", log=True) == (0.01,)
    assert parse_axis("0.5:0.5:1", log=False) == (0.5,)


@pytest.mark.parametrize("text,log,says", [
    ("1e-4:1e-1:0", True, "N must be a whole number from 1"),
    (f"1e-4:1e-1:{MAX_CELLS + 1}", True, f"from 1 to {MAX_CELLS:,}"),
    ("1e-4:1e-1:99999999999999999999", True, "N must be a whole number"),
    ("1e-1:1e-4:5", True, "must not be greater than B"),
    ("0:1e-1:5", True, "log-spaced axis needs A > 0"),
    ("-1:1e-1:5", True, "log-spaced axis needs A > 0"),
    ("nan:1e-1:5", True, "finite"),
    ("1e-4:inf:5", True, "finite"),
    ("1e-4:1e-1:2.5", True, "whole number"),
    ("a:b:c", True, "expected A:B:N"),
    ("1:2", True, "expected A:B:N"),
    ("", True, "empty"),
    ("1e-4:20:5", True, "<= 10"),  # past the learning rate's own range
    ("0:1:5", False, "< 1"),  # momentum 1 never decays
    ("0.1:0.2:1", False, "one value cannot include both ends"),
    ("0.5:0.5:3", False, "A = B"),
])
def test_a_bad_axis_is_refused_with_a_message_naming_the_problem(text, log, says):
    with pytest.raises(ConfigError) as info:
        parse_axis(text, log=log)
    assert info.value.field == ("lr" if log else "momentum")
    assert says in str(info.value)


def test_a_seed_range_is_n_seeds_from_s():
    assert parse_seed_range("5:3") == (5, 6, 7)


@pytest.mark.parametrize("text,says", [("5", "expected S:N"), ("5:0", "N must be from 1"), ("-1:3", "expected S:N"),
                                       ("2147483647:2", "largest seed"), ("x:y", "expected S:N"), ("", "empty")])
def test_a_bad_seed_range_is_refused(text, says):
    with pytest.raises(ConfigError, match=says) as info:
        parse_seed_range(text)
    assert info.value.message("cli").startswith("--seed-range: ")


# ------------------------------------------------------------------------------------------- cells


def single(config, cell, **extra):
    return RunController(config.with_values(lr=cell.lr, momentum=cell.momentum, seed=cell.seed, **extra)).run()


def assert_cell_is_its_single_run(result, k, single_run):
    cell = result.cells[k]
    assert (cell.status, cell.epochs) == (single_run.status, single_run.epochs)
    assert cell.loss == single_run.loss or (math.isnan(cell.loss) and math.isnan(single_run.loss))
    np.testing.assert_array_equal(result.flat[k], np.concatenate([np.ravel(p) for p in single_run.params]))


def test_every_cell_equals_its_single_run_bit_for_bit_diverged_cells_included():
    config = RunConfig.for_example("parabola-relu", epochs=60)
    result = run_sweep(config, lrs=(1e-3, 3e-2), momenta=(0.0, 0.5, 0.9))
    assert result.shape == (2, 3) and result.backend == "kernel" and result.status == RunState.COMPLETED
    assert [(c.lr, c.momentum) for c in result.cells] == [(lr, m) for lr in (1e-3, 3e-2) for m in (0.0, 0.5, 0.9)]
    assert result.count(RunState.DIVERGED) >= 1 and result.count(RunState.COMPLETED) >= 1
    for k, cell in enumerate(result.cells):
        assert_cell_is_its_single_run(result, k, single(config, cell))
    assert result.cell(1, 2) is result.cells[5]
    assert result.grid("loss").shape == (2, 3)


def test_a_seed_axis_gives_each_cell_its_own_data_and_weights():
    config = RunConfig.for_example("parabola-noisy", epochs=30)
    result = run_sweep(config, lrs=(1e-3, 2e-3), seeds=parse_seed_range("4:3"))
    assert [a for a, _ in result.axes] == ["lr", "seed"]
    assert [c.seed for c in result.cells] == [4, 5, 6, 4, 5, 6]
    assert len({c.loss for c in result.cells}) == 6
    for k in (0, 5):
        assert_cell_is_its_single_run(result, k, single(config, result.cells[k]))


def test_the_autograd_fallback_trains_each_cell_as_its_own_autograd_run():
    config = RunConfig.for_example("linear-3x", epochs=5, backend="autograd")
    result = run_sweep(config, momenta=(0.0, 0.5))
    assert result.backend == "autograd" and result.shape == (2,)
    for k, cell in enumerate(result.cells):
        assert_cell_is_its_single_run(result, k, single(config, cell))


def test_a_stop_ends_the_sweep_with_every_unfinished_cell_stopped():
    stop = threading.Event()
    stop.set()
    result = run_sweep(RunConfig.for_example("parabola-relu", epochs=50), lrs=(1e-3, 2e-3), stop=stop)
    assert result.status == RunState.STOPPED
    assert all(c.status == RunState.STOPPED and c.epochs == 0 for c in result.cells)


def test_a_cell_writes_its_numbers_exactly_and_a_blown_up_loss_as_null():
    config = RunConfig.for_example("parabola-relu", epochs=20)
    result = run_sweep(config, lrs=(0.03,), momenta=(0.9,))
    row = result.cells[0].to_json()
    assert row["status"] == "diverged" and (row["loss"] is None or row["loss"] > 1e6)
    assert set(row) == {"lr", "momentum", "seed", "status", "loss", "epochs"}


@pytest.mark.parametrize("example,axes,field,says", [
    ("nudge-3x", dict(lrs=(0.1,)), "lr", "no learning rate"),
    ("parabola-relu", dict(lrs=(0.1,), momenta=(0.1,), seeds=(1,)), None, "at most two axes"),
    ("parabola-relu", dict(), None, "needs an axis"),
    ("parabola-relu", dict(lrs=tuple(np.geomspace(1e-4, 1e-1, 65)), momenta=tuple(np.linspace(0, 0.9, 64))),
     None, "65 lr x 64 momentum = 4,160 cells is over the limit"),
])
def test_a_sweep_that_cannot_run_is_refused(example, axes, field, says):
    with pytest.raises(ConfigError, match=says) as info:
        run_sweep(RunConfig.for_example(example), **axes)
    assert info.value.field == field


def test_a_momentum_axis_with_adam_is_refused():
    with pytest.raises(ConfigError, match="Adam does not use it"):
        run_sweep(RunConfig.for_example("parabola-relu", optimizer="adam"), momenta=(0.0, 0.5))
