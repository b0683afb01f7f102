"""The fast path: the same training as the autograd loop, run by the compiled kernel (engine/kernel.py).

PyTorch stays the source of truth: each member starts from the parameters its nn.Module gets with its seed
(drawn as the module's own init does, `models.initial_flat`, without building a module that would hold
another copy of every parameter), in one flat float32 buffer; the kernel trains the buffer, and
`sync_modules()` builds the modules holding the trained parameters.

Calls with a budget: whole epochs when the budget covers at least one from an epoch boundary, otherwise
one slice of the epoch in progress (the kernel keeps its place in a Cursor). Before a slice that starts an
epoch the buffers are saved, so `discard_partial()` can return to that boundary.
"""

from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from .. import kernel
from ..config import RunConfig
from ..metrics import MetricChunk
from ..layout import param_count
from ..models import build_module, initial_flat, load_flat
from ..states import MemberStatus
from .base import Learner

# With held-out points, the kernel traces every parameter after every epoch (T = P) and test_loss is computed
# from the trace in numpy. A call whose trace would pass this many floats (members x epochs x parameters)
# traces as without held-out points, and test_loss is computed from each member's parameters after its
# last epoch of the call only: NaN at the chunk's earlier epochs (large nets train few epochs a chunk).
TRACE_LIMIT = 1 << 22


class KernelLearner(Learner):
    backend = "kernel"

    def __init__(self, config: RunConfig, stop: threading.Event | None = None, initial: np.ndarray | None = None,
                 seeds: Sequence[int] | None = None, own_limits: bool = False):
        """`initial`: loaded weights every member starts from. `seeds` and `own_limits` as `Learner`'s. `lr` and
        `momentum` may be set to arrays after building, one value per member (engine/sweep.py trains a sweep's
        cells as the members of one learner)."""
        super().__init__(config, stop, seeds, own_limits)
        k, p = self.members, param_count(config.layer_sizes)
        self.params_buf = np.empty((k, p), np.float32)
        first: dict[int, np.ndarray] = {}  # a seed's weights, drawn once however many members share it (a sweep)
        for i, seed in enumerate(self.seeds):  # the module's own initial weights, without the module
            self._check_loading()
            if initial is not None:
                self.params_buf[i] = initial  # loaded weights
                continue
            if seed not in first:
                first[seed] = initial_flat(config, seed)
            self.params_buf[i] = first[seed]
        self.state = np.zeros((k, kernel.state_size(p)), np.float32)
        self.steps = np.zeros(k, np.int64)
        self.active = np.ones(k, np.uint8)
        self.sizes = np.array(config.layer_sizes, np.int64)
        self.acts = np.array([kernel.ACT_CODES[a] for a in config.activations], np.int64)
        self.X = np.ascontiguousarray(np.stack([d.x for d in self.data]), np.float32)
        self.Y = np.ascontiguousarray(np.stack([d.y for d in self.data]), np.float32)
        self.cursor = kernel.Cursor(k, p, zero_grad=config.zero_grad)
        self._points = self.X.shape[1]
        self._batch = config.effective_batch
        self._epoch_work = kernel.epoch_work(self._points, self._batch)
        self._saved: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # at the epoch in progress' start
        self._trace_width = 2 if self.is_one_weight else 0
        self._set_limit(self.initial_losses())
        # Compile, or load from numba's cache, now (set-up, not training time): the variant `train` will use.
        lanes = k > 1 and kernel.lane_scratch_bytes(self.sizes, self._points) <= kernel.LANE_SCRATCH_LIMIT
        kernel.compile_variant(2 if lanes else 1)

    @property
    def epoch_work(self) -> int:
        return self._epoch_work

    def _position(self) -> int:
        live = self.cursor.position[self.active != 0]
        return int(live[0]) if len(live) else 0

    @property
    def epoch_fraction(self) -> float:
        return kernel.work_done(self._position(), self._points, self._batch) / self._epoch_work

    def _train(self, epochs: int, stop: threading.Event | None = None, budget: int | None = None) -> MetricChunk:
        c = self.config
        start = self._position()
        call_budget = 0
        if budget is not None and epochs > 0:
            if start == 0 and budget >= self._epoch_work:
                whole = budget // self._epoch_work  # whole epochs from a boundary: ends on one
                self.budget_cut = whole < epochs
                epochs = min(epochs, whole)
            else:  # a slice of one epoch, ending where the budget runs out or at the epoch's end
                self.budget_cut = True
                epochs, call_budget = 1, budget
                if start == 0:
                    self._saved = (self.params_buf.copy(), self.state.copy(), self.steps.copy())
        else:
            self.budget_cut = False
        losses = np.full((self.members, epochs), np.nan)
        P = self.params_buf.shape[1]
        full_trace = self.has_test and self.members * epochs * P <= TRACE_LIMIT
        trace = np.zeros((self.members, epochs, P if full_trace else self._trace_width), np.float32)
        done = np.zeros(self.members, np.int64)
        kernel.train(self.params_buf, self.state, self.steps, self.active, self.sizes, self.acts, self.X, self.Y,
                     epochs, self.lr, self.momentum, c.weight_decay, kernel.OPTIMIZER_CODES[c.optimizer],
                     self._batch, c.zero_grad, self.loss_limit, losses, trace, done,
                     budget=call_budget, cursor=self.cursor)
        n = int(done.max()) if len(done) else 0
        end = self._position()
        if end == 0:
            self._saved = None
        for k in range(self.members):
            if done[k] < epochs:
                losses[k, done[k]:] = np.nan
            if self.status[k] == MemberStatus.RUNNING and not self.active[k]:
                self.status[k], self.stopped_at[k] = MemberStatus.DIVERGED, self.epoch + int(done[k])
            if done[k]:
                self.last_loss[k] = losses[k, done[k] - 1]
        test_losses = None
        if self.has_test:
            test_losses = np.full((self.members, n), np.nan)
            for k in range(self.members):
                m = min(int(done[k]), n)
                if full_trace and m:
                    test_losses[k, :m] = self.test_mse(k, trace[k, :m])
                elif m:  # the parameters after the member's last epoch of the call
                    test_losses[k, m - 1] = self.test_mse(k, self.params_buf[k][None, :])[0]
        one = trace[0, :n, :self._trace_width] if self._trace_width else None
        return self._test_chunk(self._chunk(self.epoch, losses[:, :n], one), test_losses)

    def discard_partial(self) -> None:
        if self._saved is not None:
            params, state, steps = self._saved
            self.params_buf[:], self.state[:], self.steps[:] = params, state, steps
            self._saved = None
        self.cursor.position[:] = 0
        self.cursor.loss_sum[:] = 0.0
        self.cursor.batch_grad[:] = 0.0

    def piled_gradient(self, k: int = 0) -> float | None:
        P = self.params_buf.shape[1]
        return float(np.linalg.norm(self.state[k, 2 * P:3 * P].astype(np.float64)))  # p.grad (kernel.state_size)

    def flat_params(self) -> np.ndarray:
        return self.params_buf.copy()

    def sync_modules(self) -> list:
        """The members as torch modules holding the trained parameters (for saving or inspecting them)."""
        modules = []
        for seed, flat in zip(self.seeds, self.params_buf):
            module = build_module(self.config, seed)
            load_flat(module, flat)
            modules.append(module)
        return modules
