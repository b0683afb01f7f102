"""A run's seed is private to it: its initial weights never depend on what else uses torch's global RNG.

`torch.manual_seed` is process-wide, so a run that seeded the global generator and then built its layers
could be shifted by anything drawing from it meanwhile (the app's background warm-up builds a model on
another thread). The engine draws from a generator of its own, and must still give the notebook's own
initial weights: those of `torch.manual_seed(seed)` followed by building the layers.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from engine import RunConfig, RunController  # noqa: E402
from engine.learners import warm_up  # noqa: E402
from engine.models import build_module, flatten_module, initial_flat  # noqa: E402

MODULES = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "leaky_relu": nn.LeakyReLU,
           "identity": nn.Identity}

ARCHITECTURES = [
    ("linear-3x", {}),
    ("parabola-sigmoid", {}),
    ("parabola-relu", {}),
    ("parabola-noisy", {}),
    ("parabola-relu", {"hidden": "16,3,7", "activation": "tanh,leaky_relu,identity"}),
    ("parabola-relu", {"hidden": "64,64", "activation": "sigmoid"}),
    ("parabola-relu", {"hidden": "1", "activation": "relu"}),
]


def notebook_weights(config: RunConfig, seed: int) -> np.ndarray:
    """The notebook's way: seed the global generator, then build the layers with their default init."""
    torch.manual_seed(seed)
    sizes, layers = config.layer_sizes, []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(MODULES[config.activations[i]]())
    return flatten_module(nn.Sequential(*layers))


@pytest.mark.parametrize("example, overrides", ARCHITECTURES)
@pytest.mark.parametrize("seed", [0, 1, 7, 12345, 2**31 - 1])
def test_private_seeding_gives_the_notebooks_initial_weights_bit_for_bit(example, overrides, seed):
    config = RunConfig.for_example(example, **overrides)
    want = notebook_weights(config, seed)
    np.testing.assert_array_equal(flatten_module(build_module(config, seed)), want)  # the autograd learner's
    np.testing.assert_array_equal(initial_flat(config, seed), want)  # the kernel's, drawn without a module


def test_building_a_model_leaves_the_global_generator_alone():
    torch.manual_seed(99)
    before = torch.get_rng_state()
    build_module(RunConfig.for_example("parabola-relu", hidden="32,32"), 3)
    assert torch.equal(torch.get_rng_state(), before)


class Hammer:
    """Another thread drawing from and reseeding torch's global generator as fast as it can."""

    def __init__(self):
        self.stop = threading.Event()
        self.draws = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        k = 0
        while not self.stop.is_set():
            torch.rand(64)
            torch.manual_seed(k % 1000)
            torch.randn(8, 8)
            nn.Linear(4, 4)  # default init: global draws, as the app's warm-up does
            k += 1
            self.draws = k

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)


def test_seeded_builds_are_equal_while_another_thread_hammers_the_global_generator():
    config = RunConfig.for_example("parabola-relu", hidden="20,20,20", activation="relu")
    want = notebook_weights(config, 5)
    with Hammer() as hammer:
        for _ in range(100):
            np.testing.assert_array_equal(flatten_module(build_module(config, 5)), want)
            np.testing.assert_array_equal(initial_flat(config, 5), want)
    assert hammer.draws > 10  # the other thread really did run alongside


def test_runs_end_equal_while_a_warm_up_builds_models_on_another_thread():
    # The app's case: a run starts while engine.warm_up() builds its own model in the background.
    config = RunConfig.for_example("parabola-relu", epochs=30, seed=4)
    want = RunController(config).run()
    stop = threading.Event()

    def warm():
        while not stop.is_set():
            warm_up()

    thread = threading.Thread(target=warm, daemon=True)
    thread.start()
    try:
        with Hammer():
            for _ in range(6):
                got = RunController(config).run()
                assert got.loss == want.loss
                for a, b in zip(got.params, want.params):
                    np.testing.assert_array_equal(a, b)
    finally:
        stop.set()
        thread.join(10)
