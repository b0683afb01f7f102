"""Each example's data, model and training are the seed notebook's (../shared/GUIDE.md's table): a default
left inside a comment (as parabola-relu's range once was) or mistyped shows here."""

import pytest

from engine import RunConfig

# id: (x from, x to, points, layer sizes, activations, lr, momentum, epochs, noise)
SEED = {
    "linear-3x": (1.0, 6.0, 6, (1, 1), (), 0.01, 0.2, 201, 0.0),
    "linear-noisy": (0.0, 9.0, 10, (1, 1), (), 0.001, 0.2, 101, 1.0),
    "parabola-sigmoid": (-5.0, 5.0, 11, (1, 2, 1), ("sigmoid",), 0.001, 0.1, 2000, 0.0),
    "parabola-relu": (-5.0, 5.0, 11, (1, 10, 10, 1), ("relu", "relu"), 0.001, 0.1, 2000, 0.0),
    "parabola-noisy": (-5.0, 5.0, 11, (1, 5, 5, 1), ("sigmoid", "relu"), 0.001, 0.1, 1000, 1.0),
}


@pytest.mark.parametrize("example", list(SEED))
def test_each_torch_example_trains_what_the_notebook_trains(example):
    c = RunConfig.for_example(example)
    got = (c.x_min, c.x_max, c.points, c.layer_sizes, c.activations, c.lr, c.momentum, c.epochs, c.noise)
    assert got == SEED[example]
    assert (c.optimizer, c.batch_size, c.zero_grad, c.seed) == ("sgd", 1, True, 0)  # per sample, fixed


def test_nudge_3x_is_the_notebooks_first_loop():
    c = RunConfig.for_example("nudge-3x")
    assert (c.sample_x, c.sample_y, c.step, c.tolerance, c.epochs) == (3.0, 9.0, 0.05, 0.1, 90)
