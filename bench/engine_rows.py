"""Engine rows: one run and 64 seeds against the seed notebook's loop, kernel warm-up, memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from .table import Row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _engine_seconds(seeds: int = 1) -> tuple[float, list]:
    from engine import RunConfig, RunController

    result = RunController(RunConfig.for_example("parabola-relu", seeds=seeds)).run()
    assert result.backend == "kernel", result.backend
    return result.seconds, result.params


def _seed_loop_seconds() -> tuple[float, list]:
    from tests.seed_loop import flat_params, seed_loop

    started = time.perf_counter()
    net = seed_loop("parabola-relu", seed=0)
    return time.perf_counter() - started, flat_params(net)


def training_rows(rounds: int = 3) -> list[Row]:
    """Alternate the two sides so drift on this noisy machine hits both alike; compare medians."""
    _engine_seconds()  # compile or load the kernel before timing anything
    _engine_seconds(64)
    seed_t, one_t, many_t = [], [], []
    deviation = 0.0
    for _ in range(rounds):
        t, want = _seed_loop_seconds()
        seed_t.append(t)
        t, got = _engine_seconds()
        one_t.append(t)
        deviation = max(deviation, max(float(np.max(np.abs(np.array(g) - np.array(w)))) for g, w in zip(got, want)))
        many_t.append(_engine_seconds(64)[0])
    seed, one, many = (statistics.median(v) for v in (seed_t, one_t, many_t))
    return [
        Row("engine, one run", f"{seed / one:.0f}x faster ({one * 1e3:.1f} ms vs seed loop {seed:.2f} s); "
            f"params within {deviation:.1e}", ">= 50x, params within 1e-4",
            seed / one >= 50 and deviation <= 1e-4),
        Row("engine, 64 seeds", f"{64 * seed / many:.0f}x faster ({many * 1e3:.0f} ms vs 64 x {seed:.2f} s)",
            ">= 500x", 64 * seed / many >= 500),
    ]


WARMUP = """
import time, torch
from engine import RunConfig
from engine.learners import make_learner
config = RunConfig.for_example("parabola-relu", hidden="7,3", activation="tanh,relu", epochs=1)
started = time.perf_counter()
make_learner(config).train(1)
print(time.perf_counter() - started)
"""


def warmup_rows() -> list[Row]:
    """A fresh process builds a never-seen architecture and trains one epoch: compile (empty cache), then
    cache load (same cache, new process)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        times = []
        for _ in range(2):
            out = subprocess.run([sys.executable, "-c", WARMUP], env=env, cwd=ROOT, capture_output=True,
                                 text=True, check=True)
            times.append(float(out.stdout.strip().splitlines()[-1]))
    first, cached = times
    return [Row("kernel warm-up", f"{first:.2f} s first time, {cached:.2f} s cached",
                "< 3 s first, < 0.5 s cached", first < 3 and cached < 0.5)]


MEMORY = """
import json, resource, sys
from engine import RunConfig, RunController
RunController(RunConfig.for_example("linear-3x", epochs=int(sys.argv[1]))).run()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def memory_rows() -> list[Row]:
    peaks = {}
    for epochs in (2_000, 200_000):
        out = subprocess.run([sys.executable, "-c", MEMORY, str(epochs)], cwd=ROOT, capture_output=True,
                             text=True, check=True)
        peaks[epochs] = int(out.stdout.strip().splitlines()[-1]) / 1024  # KiB -> MiB
    grow = peaks[200_000] - peaks[2_000]
    return [Row("memory", f"+{grow:.1f} MB peak RSS ({peaks[2_000]:.0f} -> {peaks[200_000]:.0f} MB)",
                "within 10 MB", grow <= 10)]
