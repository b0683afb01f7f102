"""The fast path: the same training as the autograd loop, run by the compiled kernel (engine/kernel.py).

PyTorch stays the source of truth: each member's model is built and initialised as an nn.Module with its
seed, its parameters are copied into one flat float32 buffer, the kernel trains the buffer, and
`sync_modules()` copies the result back into the modules.
"""

from __future__ import annotations

import threading

import numpy as np

from .. import kernel
from ..config import RunConfig
from ..metrics import MetricChunk
from ..models import build_module, flatten_module, load_flat
from ..states import MemberStatus
from .base import Learner


class KernelLearner(Learner):
    backend = "kernel"

    def __init__(self, config: RunConfig):
        super().__init__(config)
        self.modules = [build_module(config, s) for s in self.seeds]
        self.params_buf = np.ascontiguousarray(np.stack([flatten_module(m) for m in self.modules]), np.float32)
        k, p = self.params_buf.shape
        self.state = np.zeros((k, kernel.state_size(p)), np.float32)
        self.steps = np.zeros(k, np.int64)
        self.active = np.ones(k, np.uint8)
        self.sizes = np.array(config.layer_sizes, np.int64)
        self.acts = np.array([kernel.ACT_CODES[a] for a in config.activations], np.int64)
        self.X = np.ascontiguousarray(np.stack([d.x for d in self.data]), np.float32)
        self.Y = np.ascontiguousarray(np.stack([d.y for d in self.data]), np.float32)
        self._trace_width = 2 if self.is_one_weight else 0
        self._set_limit(self.initial_losses())
        self._train(0)  # compile, or load from numba's cache, now: it is set-up, not training time

    def _train(self, epochs: int, stop: threading.Event | None = None) -> MetricChunk:
        c = self.config
        losses = np.full((self.members, epochs), np.nan)
        trace = np.zeros((self.members, epochs, self._trace_width), np.float32)
        done = np.zeros(self.members, np.int64)
        kernel.train(self.params_buf, self.state, self.steps, self.active, self.sizes, self.acts, self.X, self.Y,
                     epochs, self.lr, self.momentum, c.weight_decay, kernel.OPTIMIZER_CODES[c.optimizer],
                     c.effective_batch, c.zero_grad, self.loss_limit, losses, trace, done)
        n = int(done.max()) if len(done) else 0
        for k in range(self.members):
            if done[k] < epochs:
                losses[k, done[k]:] = np.nan
            if self.status[k] == MemberStatus.RUNNING and not self.active[k]:
                self.status[k], self.stopped_at[k] = MemberStatus.DIVERGED, self.epoch + int(done[k])
            if done[k]:
                self.last_loss[k] = losses[k, done[k] - 1]
        return self._chunk(self.epoch, losses[:, :n], trace[0, :n] if self._trace_width else None)

    def flat_params(self) -> np.ndarray:
        return self.params_buf.copy()

    def sync_modules(self) -> None:
        """Copy the trained parameters back into the torch modules (for saving or inspecting them)."""
        for module, flat in zip(self.modules, self.params_buf):
            load_flat(module, flat)
