"""The autograd loop: the seed's training loop, fixed, and the reference every faster path is held against.

Per member, per epoch, per batch in data order: zero the gradients (unless the run reproduces the seed's
missing `zero_grad()`), predict, loss = mean((y - prediction)**2), backward, optimizer step.
"""

from __future__ import annotations

import threading

import numpy as np

from ..config import RunConfig
from ..metrics import MetricChunk
from ..models import build_module, flatten_module
from ..states import MemberStatus
from .base import Learner


class AutogradLearner(Learner):
    backend = "autograd"

    def __init__(self, config: RunConfig):
        super().__init__(config)
        import torch

        self._torch = torch
        self.modules = [build_module(config, s) for s in self.seeds]
        self.optimizers = [self._make_optimizer(m) for m in self.modules]
        self.xs = [torch.from_numpy(d.x).view(-1, 1) for d in self.data]
        self.ys = [torch.from_numpy(d.y).view(-1, 1) for d in self.data]
        self._set_limit(self.initial_losses())

    def _make_optimizer(self, module):
        c, optim = self.config, self._torch.optim
        if c.optimizer == "adam":
            return optim.Adam(module.parameters(), lr=c.lr, weight_decay=c.weight_decay)
        return optim.SGD(module.parameters(), lr=c.lr, momentum=c.momentum, weight_decay=c.weight_decay)

    def _apply_hyper(self) -> None:
        for opt in self.optimizers:
            for group in opt.param_groups:
                group["lr"] = self.lr
                if "momentum" in group:
                    group["momentum"] = self.momentum

    def _train(self, epochs: int, stop: threading.Event | None = None) -> MetricChunk:
        torch = self._torch
        batch, zero_grad = self.config.effective_batch, self.config.zero_grad
        losses = np.full((self.members, epochs), np.nan)
        trace = np.full((epochs, 2), np.nan) if self.is_one_weight else None
        done = 0
        for i in range(epochs):
            if self.finished or (stop is not None and stop.is_set() and done):
                break
            done = i + 1
            for k in range(self.members):
                if self.status[k] != MemberStatus.RUNNING:
                    continue
                model, opt, x, y = self.modules[k], self.optimizers[k], self.xs[k], self.ys[k]
                for s in range(0, len(x), batch):
                    if zero_grad:
                        opt.zero_grad()
                    prediction = model(x[s:s + batch])
                    loss = ((y[s:s + batch] - prediction) ** 2).mean()
                    loss.backward()
                    opt.step()
                with torch.no_grad():
                    epoch_loss = float(((y - model(x)) ** 2).mean())
                losses[k, i] = epoch_loss
                if k == 0 and trace is not None:
                    weight, bias = model[0].weight, model[0].bias
                    trace[i] = (float(weight.detach()), float(bias.detach()))
                self._check(k, self.epoch + i + 1, epoch_loss)
        return self._chunk(self.epoch, losses[:, :done], None if trace is None else trace[:done])

    def flat_params(self) -> np.ndarray:
        return np.stack([flatten_module(m) for m in self.modules])
