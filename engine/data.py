"""Training data for a config: evenly spaced x, the example's target, Gaussian noise from the run's seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import RunConfig, held_out_step


@dataclass(frozen=True)
class Dataset:
    x: np.ndarray  # float32, shape [N], in training order
    y: np.ndarray  # float32, shape [N]

    def __len__(self) -> int:
        return len(self.x)


def make_data(config: RunConfig, seed: int | None = None) -> Dataset:
    """The data the seed's loop trains on. `seed` defaults to the config's (member k of a many-seed run
    passes seed + k, so each member has the noise its single run would have)."""
    seed = config.seed if seed is None else seed
    example = config.example
    if not example.is_torch:
        return Dataset(np.array([config.sample_x], np.float32), np.array([config.sample_y], np.float32))
    # The seed draws noise with numpy per point; a generator of our own keeps runs reproducible.
    eps = np.random.default_rng(seed).standard_normal(config.points) * config.noise
    if example.custom and config.data:  # a person's own points, in file order, noise added to y
        points = config.data_file()
        x, y = points.x, points.y + eps
    else:
        x = np.linspace(config.x_min, config.x_max, config.points) if config.points > 1 else np.array([config.x_min])
        y = example.target(x, eps)
    return Dataset(x.astype(np.float32), np.asarray(y, dtype=np.float64).astype(np.float32))


def held_out(config: RunConfig) -> np.ndarray:
    """Which of `make_data(config)`'s points are held out of training to test on (bool, one per point:
    `config.points` of them for a torch example, the one sample for nudge-3x, never held out). With a test
    fraction f > 0 and k = round(1 / f): every k-th point from index k // 2 on, so the held-out points are
    spread evenly and neither end of the range is held out when avoidable; all False at f = 0. The same for
    every seed (only the noise differs)."""
    if not config.example.is_torch:
        return np.zeros(1, dtype=bool)
    mask = np.zeros(config.points, dtype=bool)
    if config.test_fraction > 0:
        k = held_out_step(config.test_fraction)
        mask[k // 2::k] = True
    return mask


def split(dataset: Dataset, mask: np.ndarray) -> tuple[Dataset, Dataset]:
    """(training points, held-out points) of a data set, by a `held_out` mask; order kept."""
    keep = ~mask
    return Dataset(dataset.x[keep], dataset.y[keep]), Dataset(dataset.x[mask], dataset.y[mask])


def eval_grid(config: RunConfig, count: int) -> np.ndarray:
    """`count` x values over the evaluation range, for drawing the model's curve."""
    return np.linspace(config.eval_min, config.eval_max, max(2, count))
