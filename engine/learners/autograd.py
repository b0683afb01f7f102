"""The autograd loop: the seed's training loop, fixed, and the reference every faster path is held against.

Per member, per epoch, per batch in data order: zero the gradients (unless the run reproduces the seed's
missing `zero_grad()`), predict, loss = mean((y - prediction)**2), backward, optimizer step.

A call stops between batches (never inside one: a batch is one torch call) when its work budget is spent
or `stop` is set, and the next call resumes there; so at the largest sizes a full batch or the loss pass
is the finest grain here (the kernel, the default backend, can stop between samples).
"""

from __future__ import annotations

import threading

import numpy as np

from ..config import RunConfig
from ..kernel import WORK_LOSS, WORK_SAMPLE, WORK_STEP, epoch_work, work_done
from ..metrics import MetricChunk
from ..models import build_module, flatten_module, load_flat
from ..states import MemberStatus
from .base import Learner


class AutogradLearner(Learner):
    backend = "autograd"

    def __init__(self, config: RunConfig, stop: threading.Event | None = None, initial: np.ndarray | None = None):
        super().__init__(config, stop)
        import torch

        self._torch = torch
        self.modules = []
        for seed in self.seeds:
            self._check_loading()
            self.modules.append(build_module(config, seed))
            if initial is not None:  # loaded weights replace the seed's
                load_flat(self.modules[-1], initial)
        self.optimizers = [self._make_optimizer(m) for m in self.modules]
        self.xs = [torch.from_numpy(d.x).view(-1, 1) for d in self.data]
        self.ys = [torch.from_numpy(d.y).view(-1, 1) for d in self.data]
        self._points = len(self.data[0])
        self._batch = config.effective_batch
        self._epoch_work = epoch_work(self._points, self._batch)
        self._pos = 0  # the next sample of the epoch in progress (batches are whole here); 0: a boundary
        self._saved = None  # the members as the epoch in progress began
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

    @property
    def epoch_work(self) -> int:
        return self._epoch_work

    @property
    def epoch_fraction(self) -> float:
        return work_done(self._pos, self._points, self._batch) / self._epoch_work

    def _train(self, epochs: int, stop: threading.Event | None = None, budget: int | None = None) -> MetricChunk:
        """Batch by batch, each running member in turn (members are independent, so each one's operations
        are those of its own run, in order); stops between batches when `stop` is set or the budget is
        spent, and resumes there. The loss pass after an epoch is one batched forward per member."""
        torch = self._torch
        batch, zero_grad, N = self._batch, self.config.zero_grad, self._points
        if budget is not None:
            epochs = min(epochs, max(1, budget // self._epoch_work + 1))  # what the budget can finish
        losses = np.full((self.members, epochs), np.nan)
        test_losses = np.full((self.members, epochs), np.nan) if self.has_test else None
        trace = np.full((epochs, 2), np.nan) if self.is_one_weight else None
        used, done = 0, 0
        self.budget_cut = False

        def out_of_time() -> bool:
            if (budget is not None and used >= budget) or (stop is not None and stop.is_set()):
                self.budget_cut = budget is not None and used >= budget
                return True
            return False

        while done < epochs and not self.finished:
            if self._pos == 0:
                if used and out_of_time():
                    break
                self._saved = self._snapshot()
            cut = False
            while self._pos < N:
                if used and out_of_time():
                    cut = True
                    break
                s = self._pos
                e = min(s + batch, N)
                for k in range(self.members):
                    if self.status[k] != MemberStatus.RUNNING:
                        continue
                    model, opt = self.modules[k], self.optimizers[k]
                    if zero_grad:
                        opt.zero_grad()
                    prediction = model(self.xs[k][s:e])
                    loss = ((self.ys[k][s:e] - prediction) ** 2).mean()
                    loss.backward()
                    opt.step()
                used += WORK_SAMPLE * (e - s) + WORK_STEP
                self._pos = e
            if cut or (self._pos == N and used and out_of_time()):
                break
            for k in range(self.members):
                if self.status[k] != MemberStatus.RUNNING:
                    continue
                model, x, y = self.modules[k], self.xs[k], self.ys[k]
                with torch.no_grad():
                    epoch_loss = float(((y - model(x)) ** 2).mean())
                losses[k, done] = epoch_loss
                if test_losses is not None:  # the held-out points, as the kernel learner measures them
                    test_losses[k, done] = self.test_mse(k, flatten_module(model)[None, :])[0]
                if k == 0 and trace is not None:
                    weight, bias = model[0].weight, model[0].bias
                    trace[done] = (float(weight.detach()), float(bias.detach()))
                self._check(k, self.epoch + done + 1, epoch_loss)
            used += WORK_LOSS * N
            self._pos = 0
            self._saved = None
            done += 1
        chunk = self._chunk(self.epoch, losses[:, :done], None if trace is None else trace[:done])
        return self._test_chunk(chunk, None if test_losses is None else test_losses[:, :done])

    def _snapshot(self):
        """Every member's parameters, gradients and optimizer state, to return to (discard_partial)."""
        torch = self._torch

        def clone(value):
            return value.clone() if torch.is_tensor(value) else value

        saved = []
        for model, opt in zip(self.modules, self.optimizers):
            params = [(p.detach().clone(), None if p.grad is None else p.grad.clone()) for p in model.parameters()]
            state = {p: {key: clone(v) for key, v in st.items()} for p, st in opt.state.items()}
            saved.append((params, state))
        return saved

    def discard_partial(self) -> None:
        if self._pos and self._saved is not None:
            torch = self._torch
            with torch.no_grad():
                for (params, state), model, opt in zip(self._saved, self.modules, self.optimizers):
                    for p, (value, grad) in zip(model.parameters(), params):
                        p.copy_(value)
                        p.grad = grad
                    opt.state.clear()
                    opt.state.update(state)
        self._saved = None
        self._pos = 0

    def piled_gradient(self, k: int = 0) -> float | None:
        grads = [p.grad.detach().reshape(-1).double() for p in self.modules[k].parameters() if p.grad is not None]
        return float(self._torch.linalg.vector_norm(self._torch.cat(grads))) if grads else None

    def flat_params(self) -> np.ndarray:
        return np.stack([flatten_module(m) for m in self.modules])
