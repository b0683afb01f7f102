"""The framework-free learner of the seed's first example: nudge one weight by a fixed step.

One iteration, as in the seed's loop: predict w*x, measure the error, and, unless the error is within the
tolerance, nudge w by `step` toward the target. What a run reports follows that order:
- each row is one iteration: `weight` (the weight it evaluated), `error` and `loss` (that weight's), and
  `next_weight` (the weight after its nudge; the same weight when the error was within the tolerance);
- the run's loss is the last row's loss, and its params are the weight the learner ends with: the last
  row's `next_weight`. A run that converged ends on the weight that met the tolerance (the seed nudges once
  more after that; here the weight that met it is kept); a run cut off by its iteration cap (or stopped)
  ends on the last nudge, which no iteration evaluated, and the summary says so.
Once the error changes sign from one iteration to the next without meeting the tolerance, the weight
bounces for ever between the two weights either side of y/x; the chunk marks the iteration where that
starts ("bounce") so the log can say it, and the closing hint says why (engine.teaching.fixed_step).
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

    def __init__(self, config: RunConfig, stop=None):
        super().__init__(config, stop)
        # As the seed: a uniform start in [0, 1), from Python's own generator seeded with the run's seed.
        self.weights = [random.Random(s).uniform(0.0, 1.0) for s in self.seeds]
        self.bounce_at: int | None = None  # member 0: the iteration whose nudge started the bounce

    def _train(self, epochs: int, stop=None, budget: int | None = None) -> MetricChunk:
        c = self.config
        if budget is not None:  # an iteration is one unit of work
            self.budget_cut = budget < epochs
            epochs = min(epochs, budget)
        else:
            self.budget_cut = False
        losses = np.full((self.members, epochs), np.nan)
        weight = np.full(epochs, np.nan)
        error = np.full(epochs, np.nan)
        next_weight = np.full(epochs, np.nan)
        marks: dict[int, str] = {}
        n = 0
        for i in range(epochs):
            if self.finished:
                break
            n = i + 1
            iteration = self.epoch + i + 1
            for k in range(self.members):
                if self.status[k] != MemberStatus.RUNNING:
                    continue
                w = self.weights[k]
                err = c.sample_x * w - c.sample_y
                losses[k, i] = err * err
                self.last_loss[k] = err * err
                if abs(err) <= c.tolerance:
                    self.status[k], self.stopped_at[k] = MemberStatus.CONVERGED, iteration
                else:
                    self.weights[k] = w - c.step if err >= 0 else w + c.step
                if k == 0:
                    weight[i], error[i], next_weight[i] = w, err, self.weights[0]
                    if self.bounce_at is None and self.status[0] == MemberStatus.RUNNING:
                        after = c.sample_x * self.weights[0] - c.sample_y
                        if (after > 0) != (err > 0) and abs(after) > c.tolerance:
                            self.bounce_at = iteration
                            marks[iteration] = "bounce"
        chunk = MetricChunk(
            epoch=np.arange(self.epoch + 1, self.epoch + n + 1, dtype=np.int64),
            loss=median_loss(losses[:, :n]),
            losses=losses[:, :n] if self.members > 1 else None,
        )
        if self.members == 1:
            chunk.weight, chunk.error, chunk.next_weight = weight[:n], error[:n], next_weight[:n]
            chunk.marks = marks
        return chunk

    def closing_hint(self) -> str:
        """For a run that ran out of iterations without converging: what fixed steps from here would do
        (land after k more nudges, bounce for ever and why, or walk away with a negative x)."""
        if self.members != 1 or self.status[0] != MemberStatus.RUNNING:
            return ""
        from ..teaching.fixed_step import fixed_step_outcome

        c = self.config
        return fixed_step_outcome(self.weights[0], c.sample_x, c.sample_y, c.step, c.tolerance).reason

    def flat_params(self) -> np.ndarray:
        return np.array([[w] for w in self.weights], dtype=np.float64)

    def params(self, k: int = 0, flat: np.ndarray | None = None) -> list[np.ndarray]:
        return [np.array([self.weights[k]], dtype=np.float64)]

    def predict(self, xs: np.ndarray, flat: np.ndarray | None = None) -> np.ndarray:
        flat = self.flat_params() if flat is None else flat
        return flat[:, :1] * np.asarray(xs, dtype=np.float64)[None, :]

    def initial_losses(self) -> list[float]:
        return [(self.config.sample_x * w - self.config.sample_y) ** 2 for w in self.weights]
