"""The learners: what trains a run's members a chunk of epochs at a time.

- `base.Learner`: what they share (members, statuses, the divergence rule, one-weight metrics);
- `fixed_step.FixedStepLearner`: nudge-3x, no framework: the weight moves by a fixed step;
- `autograd.AutogradLearner`: the seed's PyTorch loop, fixed; the reference the others are held to;
- `kernel.KernelLearner`: the compiled kernel (engine/kernel.py), the fast path.

`make_learner` picks one for a config; `warm_up` gets torch and the kernel ready ahead of a first run.
"""

from __future__ import annotations

import threading

from ..config import RunConfig
from .base import EXPLOSION_FACTOR, Learner, LoadingStopped, divergence_hint, starting_loss


def make_learner(config: RunConfig, stop: threading.Event | None = None, initial=None) -> Learner:
    """The learner for this config: the fixed-step one for the framework-free example, otherwise the
    compiled kernel when numba is there (and the config does not force autograd), else the autograd loop.
    Imports torch. A set `stop` ends the building between members with LoadingStopped. `initial`: a flat
    parameter vector every member starts from instead of its seed's initial weights (loaded weights)."""
    if not config.example.is_torch:
        from .fixed_step import FixedStepLearner

        return FixedStepLearner(config, stop)
    if config.backend in ("auto", "kernel"):
        from .. import kernel

        if kernel.available():
            from .kernel import KernelLearner

            return KernelLearner(config, stop, initial)
        if config.backend == "kernel":
            raise RuntimeError("the kernel backend needs numba, which failed to import; use --backend autograd")
    from .autograd import AutogradLearner

    return AutogradLearner(config, stop, initial)


def warm_up() -> None:
    """Import torch and get the compiled kernel ready (compile or load from numba's cache), so the first run
    starts at once. Call it from a background thread after the app's first frame; safe to call twice."""
    make_learner(RunConfig.for_example("parabola-relu", epochs=1)).train(1)


__all__ = ["EXPLOSION_FACTOR", "Learner", "LoadingStopped", "divergence_hint", "make_learner", "starting_loss",
           "warm_up"]
