"""The engine trains exactly as the seed notebook's loop (fixed): same seed, same final parameters to 1e-4."""

from functools import lru_cache

import numpy as np
import pytest

from engine import RunConfig, RunController
from tests.seed_loop import flat_params, seed_loop

BACKENDS = ["autograd", "auto"]  # "auto" is the compiled kernel wherever numba is installed


@lru_cache(maxsize=None)
def reference(example: str, seed: int, epochs: int | None, zero_grad: bool) -> tuple[tuple[float, ...], ...]:
    net = seed_loop(example, seed=seed, epochs=epochs, zero_grad=zero_grad)
    return tuple(tuple(p) for p in flat_params(net))


def engine_params(example: str, backend: str, **overrides) -> list[list[float]]:
    config = RunConfig.for_example(example, backend=backend, **overrides)
    return RunController(config).run().params


def assert_same_params(got, want, tol=1e-4):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("example", ["linear-3x", "parabola-sigmoid", "parabola-relu"])
def test_default_run_matches_the_seed_loop(example, backend):
    assert_same_params(engine_params(example, backend), reference(example, 0, None, True))


@pytest.mark.parametrize("backend", BACKENDS)
def test_another_seed_matches_the_seed_loop_with_that_seed(backend):
    assert_same_params(engine_params("parabola-relu", backend, seed=7, epochs=300),
                       reference("parabola-relu", 7, 300, True))


# Without zero_grad the gradients pile up and these runs blow up (linear-3x at epoch 12, parabola-relu at 38):
# compare them over the epochs before that.
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("example,epochs", [("linear-3x", 10), ("parabola-sigmoid", 300), ("parabola-relu", 30)])
def test_no_zero_grad_reproduces_the_notebook_as_printed(example, epochs, backend):
    got = engine_params(example, backend, zero_grad=False, epochs=epochs)
    assert_same_params(got, reference(example, 0, epochs, False))


def test_zero_grad_matters():
    with_zero = engine_params("linear-3x", "autograd", epochs=10)
    without = engine_params("linear-3x", "autograd", epochs=10, zero_grad=False)
    assert not np.allclose(with_zero[0], without[0], atol=1e-3)
