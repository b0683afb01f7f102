"""What every learner shares: members, statuses, the divergence rule, one-weight metrics, the factory.

A learner trains K members (K seeds; an ordinary run has one) a chunk of epochs at a time and reports a
MetricChunk. Three implement it: the framework-free nudge learner, the autograd loop (the reference) and
the compiled kernel (the fast path).

A call may also stop inside an epoch: `train(epochs, stop, budget)` does at most `budget` units of work
(forward passes of one sample, engine.kernel.WORK_SAMPLE), so a net whose epoch takes minutes still hands
control back every few milliseconds. Only finished epochs are reported; `epoch_fraction` says how far the
epoch in progress is, the next call resumes it exactly, and `discard_partial()` rolls back to the last
finished epoch (a run that is stopped ends on an epoch its numbers describe).
"""

from __future__ import annotations

import math
import threading
import time
from typing import Sequence

import numpy as np

from ..config import RunConfig
from ..data import Dataset, held_out, make_data, split
from ..metrics import MetricChunk, median_loss
from ..models import activate, predict, predict_members, split_params
from ..states import MemberStatus

# A loss this many times the starting loss (or non-finite) means the run blew up. Healthy runs of the seed's
# examples rise at most a few-fold before falling, so the margin is wide.
EXPLOSION_FACTOR = 1e6
LIMIT_POINTS = 256  # at most this many points measure the starting loss the limit is scaled by


class LoadingStopped(Exception):
    """A stop was asked for while the learner was still being built (large many-seed runs take seconds)."""


class Learner:
    backend = "base"

    def __init__(self, config: RunConfig, stop: threading.Event | None = None, seeds: Sequence[int] | None = None,
                 own_limits: bool = False):
        """`stop`: checked between members while building; a set one raises LoadingStopped. `seeds`: each
        member's seed (default: config.seed, config.seed + 1, ... for config.seeds members). `own_limits`:
        each member's divergence limit comes from its own starting loss, as its single run's does (a sweep's
        cells are separate runs), instead of the run's one limit from its worst member."""
        self.config = config
        self._loading_stop = stop
        self.seeds = [config.seed + k for k in range(config.seeds)] if seeds is None else [int(s) for s in seeds]
        self.members = len(self.seeds)
        self.own_limits = own_limits
        # Each member trains on its training points only; the held-out ones (config.test_fraction) measure
        # test_loss after each epoch. `self.data` is the training set, `self.test_data` the held-out one.
        mask = held_out(config)
        self.has_test = bool(mask.any())
        pairs = [split(make_data(config, s), mask) for s in self.seeds]
        self.data: list[Dataset] = [train for train, _ in pairs]
        self.test_data: list[Dataset] = [test for _, test in pairs]
        self.last_test_loss = np.full(self.members, np.nan)
        self.epoch = 0
        self.seconds = 0.0  # time spent training, and nothing else
        self.status = [MemberStatus.RUNNING] * self.members
        self.stopped_at: list[int | None] = [None] * self.members
        self.last_loss = np.full(self.members, np.nan)
        self.loss_limit = math.inf
        self.lr = config.lr
        self.momentum = config.momentum
        self.budget_cut = False  # whether the last call ended because of its budget (more was asked for)

    def _check_loading(self) -> None:
        if self._loading_stop is not None and self._loading_stop.is_set():
            raise LoadingStopped()

    # -- what subclasses provide ---------------------------------------------------------------------

    def _train(self, epochs: int, stop: threading.Event | None = None, budget: int | None = None) -> MetricChunk:
        """Train up to `epochs` epochs within `budget` units of work (None: no limit); a slow learner checks
        `stop` between batches. Sets budget_cut."""
        raise NotImplementedError

    def flat_params(self) -> np.ndarray:
        """A copy of every member's parameters, [K, P] float32."""
        raise NotImplementedError

    def _apply_hyper(self) -> None:
        """Push self.lr / self.momentum into the optimizer state."""

    # -- shared ----------------------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return all(s != MemberStatus.RUNNING for s in self.status)

    def train(self, epochs: int, stop: threading.Event | None = None, budget: int | None = None) -> MetricChunk:
        """Train up to `epochs` more epochs, and at most `budget` units of work when given (the call may then
        end inside an epoch, and report no epoch at all); members that converge or diverge stop early, and a
        set `stop` ends the call at the next batch."""
        started = time.perf_counter()
        chunk = self._train(max(1, int(epochs)), stop, None if budget is None else max(1, int(budget)))
        self.seconds += time.perf_counter() - started
        if len(chunk):
            self.epoch = int(chunk.epoch[-1])
        return chunk

    @property
    def epoch_work(self) -> int:
        """Units of work in one epoch of one member."""
        return 1

    @property
    def epoch_fraction(self) -> float:
        """How much of the epoch in progress is done, 0 <= f < 1 (0 between epochs)."""
        return 0.0

    def discard_partial(self) -> None:
        """Roll back to the end of the last finished epoch (drop the work of the epoch in progress)."""

    def closing_hint(self) -> str:
        """A word for the summary of a run that used up its epochs without converging ("" for none)."""
        return ""

    def piled_gradient(self, k: int = 0) -> float | None:
        """With zero-grad off: the size (L2 norm) of the gradient member k's optimizer steps with, which has
        piled up from every step so far; None where the learner keeps none."""
        return None

    def set_hyper(self, lr: float | None = None, momentum: float | None = None) -> None:
        if lr is not None:
            self.lr = float(lr)
        if momentum is not None:
            self.momentum = float(momentum)
        self._apply_hyper()

    def _set_limit(self, initial_losses: Sequence[float]) -> None:
        """The loss past which a member counts as diverged: one number for the run (from its worst member), or
        with own_limits one per member (an array the kernel reads member by member)."""
        if self.own_limits:
            self.loss_limit = np.array([EXPLOSION_FACTOR * max(float(v) if math.isfinite(v) else 1.0, 1.0)
                                        for v in initial_losses])
            return
        worst = max((float(v) for v in initial_losses if math.isfinite(v)), default=1.0)
        self.loss_limit = EXPLOSION_FACTOR * max(worst, 1.0)

    def _chunk(self, first_epoch: int, losses: np.ndarray, trace: np.ndarray | None = None) -> MetricChunk:
        """Assemble a chunk from per-member losses [K, E] (NaN where a member had stopped) and, for one-weight
        models, member 0's (weight, bias) after each epoch [E, 2]."""
        n = losses.shape[1]
        chunk = MetricChunk(
            epoch=np.arange(first_epoch + 1, first_epoch + n + 1, dtype=np.int64),
            loss=median_loss(losses),
            losses=losses if self.members > 1 else None,
        )
        if trace is not None and self.members == 1:
            w, b = trace[:, 0].astype(np.float64), trace[:, 1].astype(np.float64)
            x, y = self.data[0].x.astype(np.float64), self.data[0].y.astype(np.float64)
            residual = y[None, :] - (w[:, None] * x[None, :] + b[:, None])
            chunk.weight, chunk.bias = w, b
            chunk.grad = np.mean(-2.0 * x[None, :] * residual, axis=1)
            chunk.prediction = w * x[-1] + b
        return chunk

    def _test_chunk(self, chunk: MetricChunk, test_losses: np.ndarray | None) -> MetricChunk:
        """Attach the held-out losses [K, E] (NaN where a member had stopped) to a chunk, and note each
        member's latest one."""
        if test_losses is None:
            return chunk
        chunk.test_loss = median_loss(test_losses)
        chunk.test_losses = test_losses if self.members > 1 else None
        for k in range(self.members):
            seen = np.flatnonzero(~np.isnan(test_losses[k]))
            if len(seen):
                self.last_test_loss[k] = test_losses[k, seen[-1]]
        return chunk

    def test_mse(self, k: int, flats: np.ndarray) -> np.ndarray:
        """Member k's MSE over its held-out points for each parameter vector of `flats` [E, P] (float32
        parameters evaluated in float64, as `models.predict` does), float64 [E]; vectorised over E in blocks
        that keep the activations to about 2^22 floats."""
        c, test = self.config, self.test_data[k]
        sizes, acts = c.layer_sizes, c.activations
        x, y = test.x.astype(np.float64), test.y.astype(np.float64)
        E = flats.shape[0]
        out = np.empty(E)
        block = max(1, (1 << 22) // max(1, len(x) * max(sizes)))
        with np.errstate(all="ignore"):
            for s in range(0, E, block):
                f = np.asarray(flats[s:s + block], np.float64)
                h = np.broadcast_to(x[None, :, None], (len(f), len(x), 1))
                offset = 0
                for i in range(len(sizes) - 1):
                    n_in, n_out = sizes[i], sizes[i + 1]
                    w = f[:, offset:offset + n_in * n_out].reshape(len(f), n_out, n_in)
                    offset += n_in * n_out
                    b = f[:, offset:offset + n_out]
                    offset += n_out
                    h = h @ w.transpose(0, 2, 1) + b[:, None, :]
                    if i < len(sizes) - 2:
                        h = activate(acts[i], h)
                out[s:s + block] = np.mean((y[None, :] - h[:, :, 0]) ** 2, axis=1)
        return out

    def final_test_loss(self, k: int = 0) -> float | None:
        """Member k's held-out loss at its last finished epoch; None without held-out points."""
        return float(self.last_test_loss[k]) if self.has_test else None

    def _check(self, k: int, epoch: int, loss: float) -> bool:
        """Record member k's loss after `epoch`; mark it diverged when it blew up. True if still running."""
        self.last_loss[k] = loss
        if not math.isfinite(loss) or loss > self.loss_limit:
            self.status[k], self.stopped_at[k] = MemberStatus.DIVERGED, epoch
            return False
        return True

    def final_loss(self, k: int = 0) -> float:
        """Member k's loss for the parameters it ends with (the run's closing figure)."""
        return float(self.last_loss[k])

    @property
    def is_one_weight(self) -> bool:
        return self.config.example.is_torch and not self.config.hidden

    def params(self, k: int = 0, flat: np.ndarray | None = None) -> list[np.ndarray]:
        """Member k's parameters, each tensor flattened (float32 arrays), in `model.parameters()` order;
        views of `flat` (a `flat_params()` copy) when given, so many members share one copy."""
        flat = self.flat_params() if flat is None else flat  # a copy either way: views of it are safe
        return split_params(flat[k], self.config.layer_sizes, copy=False)

    def predict(self, xs: np.ndarray, flat: np.ndarray | None = None) -> np.ndarray:
        """Each member's predictions at xs, [K, len(xs)]: numpy only, no gradients touched."""
        flat = self.flat_params() if flat is None else flat
        c = self.config
        return predict_members(flat, c.layer_sizes, c.activations, xs)

    def initial_losses(self) -> list[float]:
        """Each member's loss before training (numpy, float64), which scales its divergence limit and nothing
        finer: on large data sets it is taken over LIMIT_POINTS evenly spread points, so building even the
        largest nets' members stays well under a second (every point up to that many, as the seed's data)."""
        flat = self.flat_params()
        out = []
        for k, d in enumerate(self.data):
            self._check_loading()
            out.append(starting_loss(self.config, flat[k], d))
        return out


def starting_loss(config: RunConfig, flat: np.ndarray, data: Dataset) -> float:
    """The loss of the net `flat` on `data` (numpy, float64), over at most LIMIT_POINTS evenly spread points
    (every point up to that many, as the seed's data): what a member's divergence limit is scaled by, and
    the race's "starting loss"."""
    x, y = data.x, data.y
    if len(x) > LIMIT_POINTS:
        pick = np.linspace(0, len(x) - 1, LIMIT_POINTS).round().astype(np.int64)
        x, y = x[pick], y[pick]
    with np.errstate(all="ignore"):
        pred = predict(flat, config.layer_sizes, config.activations, x)
        return float(np.mean((y.astype(np.float64) - pred) ** 2))


def divergence_hint(config: RunConfig, epoch: int, loss: float) -> str:
    what = "became NaN" if math.isnan(loss) else "became infinite" if math.isinf(loss) else f"exploded to {loss:.3g}"
    if not config.example.is_torch:
        return f"the error {what} at iteration {epoch}; try a smaller step"
    if not config.zero_grad:
        return (f"the loss {what} at epoch {epoch}: with zero-grad off, gradients pile up from step to step; "
                f"turn zero-grad back on, or try a learning rate of {config.lr / 10:g}")
    return (f"the loss {what} at epoch {epoch}: the learning rate ({config.lr:g}) is probably too high; "
            f"try {config.lr / 10:g}")
