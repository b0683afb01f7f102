"""The framework-free learner of the seed's first example: nudge one weight by a fixed step.

Each iteration predicts w*x, measures the error, and, unless the error is within the tolerance, steps w by
`step` toward the target. (The seed nudges once more after the error is already small enough, so its final
weight is off by a step; here the weight that met the tolerance is the one kept.)
"""

from __future__ import annotations

import random

import numpy as np

from ..config import RunConfig
from ..metrics import MetricChunk, median_loss
from ..states import MemberStatus
from .base import Learner


class FixedStepLearner(Learner):
    backend = "nudge"

    def __init__(self, config: RunConfig):
        super().__init__(config)
        # As the seed: a uniform start in [0, 1), from Python's own generator seeded with the run's seed.
        self.weights = [random.Random(s).uniform(0.0, 1.0) for s in self.seeds]

    def _train(self, epochs: int, stop=None) -> MetricChunk:
        c = self.config
        losses = np.full((self.members, epochs), np.nan)
        weight = np.full(epochs, np.nan)
        error = np.full(epochs, np.nan)
        n = 0
        for i in range(epochs):
            if self.finished:
                break
            n = i + 1
            for k in range(self.members):
                if self.status[k] != MemberStatus.RUNNING:
                    continue
                w = self.weights[k]
                err = c.sample_x * w - c.sample_y
                losses[k, i] = err * err
                self.last_loss[k] = err * err
                if k == 0:
                    weight[i], error[i] = w, err
                if abs(err) <= c.tolerance:
                    self.status[k], self.stopped_at[k] = MemberStatus.CONVERGED, self.epoch + i + 1
                else:
                    self.weights[k] = w - c.step if err >= 0 else w + c.step
        chunk = MetricChunk(
            epoch=np.arange(self.epoch + 1, self.epoch + n + 1, dtype=np.int64),
            loss=median_loss(losses[:, :n]),
            losses=losses[:, :n] if self.members > 1 else None,
        )
        if self.members == 1:
            chunk.weight, chunk.error = weight[:n], error[:n]
        return chunk

    def flat_params(self) -> np.ndarray:
        return np.array([[w] for w in self.weights], dtype=np.float64)

    def params(self, k: int = 0) -> list[list[float]]:
        return [[float(self.weights[k])]]

    def predict(self, xs: np.ndarray, flat: np.ndarray | None = None) -> np.ndarray:
        flat = self.flat_params() if flat is None else flat
        return flat[:, :1] * np.asarray(xs, dtype=np.float64)[None, :]

    def final_loss(self, k: int = 0) -> float:
        # The rows report each iteration's error before its nudge; the closing figure belongs to the weight
        # the learner ends with, which a run that hit its cap has nudged once more.
        return (self.config.sample_x * self.weights[k] - self.config.sample_y) ** 2

    def initial_losses(self) -> list[float]:
        return [(self.config.sample_x * w - self.config.sample_y) ** 2 for w in self.weights]
