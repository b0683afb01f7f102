"""Engine rows: one run, 64 seeds and a 12 x 12 sweep against the seed notebook's loop (speed and how far apart
they end), kernel warm-up, memory."""

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


def _engine_seconds(seeds: int = 1) -> tuple[float, np.ndarray]:
    from engine import RunConfig, RunController

    result = RunController(RunConfig.for_example("parabola-relu", seeds=seeds)).run()
    assert result.backend == "kernel", result.backend
    return result.seconds, np.concatenate([np.ravel(p) for p in result.params])


def _seed_loop_seconds() -> tuple[float, np.ndarray]:
    """The notebook's loop timed as the engine's run is: training alone, after the module and its optimizer
    are built (the engine's `seconds` leaves out model building and imports too)."""
    from tests import seed_loop

    net, optimizer, X, Y = seed_loop.setup("parabola-relu", seed=0)
    started = time.perf_counter()
    seed_loop.train(net, optimizer, X, Y, seed_loop.default_epochs("parabola-relu"))
    return time.perf_counter() - started, seed_loop.flat(net)


def _deviation_row(got: np.ndarray, want: np.ndarray) -> Row:
    """How far the engine's final params lie from the notebook's, judged as tests/engine/test_numerics.py
    judges the 2000-epoch run: bit for bit where torch rounds as the kernel mirrors, else within twice how
    far the notebook's loop moves from itself under a one-ulp disturbance (two more runs, made only then)."""
    from tests import seed_loop

    def twins():
        print("measuring the notebook loop's own spread (two more runs)...", file=sys.stderr, flush=True)
        return [seed_loop.trajectory("parabola-relu", twin=t)[-1] for t in seed_loop.LONG_TWINS]

    ok, why = seed_loop.explained(got, want, twins)
    return Row("engine vs notebook", f"final {why}", f"bit for bit, or within {seed_loop.SPREAD_FACTOR}x the "
               "loop's own spread", ok)


def training_rows(rounds: int = 3) -> list[Row]:
    """Alternate the two sides so drift on this noisy machine hits both alike; compare medians. Both sides
    are warmed up first (the kernel compiled or loaded; torch's first optimizer and backward pass made)."""
    from tests import seed_loop

    _engine_seconds()
    _engine_seconds(64)
    seed_loop.seed_loop("parabola-relu", epochs=1)
    seed_t, one_t, many_t = [], [], []
    worst = None  # the round whose params lie farthest apart (every round should give the same)
    for _ in range(rounds):
        t, want = _seed_loop_seconds()
        seed_t.append(t)
        t, got = _engine_seconds()
        one_t.append(t)
        if worst is None or seed_loop.deviation(got, want) > seed_loop.deviation(*worst):
            worst = (got, want)
        many_t.append(_engine_seconds(64)[0])
    seed, one, many = (statistics.median(v) for v in (seed_t, one_t, many_t))
    return [
        Row("engine, one run", f"{seed / one:.0f}x faster ({one * 1e3:.1f} ms vs seed loop {seed:.2f} s, training "
            "alone on both sides)", ">= 50x", seed / one >= 50),
        _deviation_row(*worst),
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


SWEEP_LR = "1e-4:1e-1:12"  # the grid: 12 learning rates x 12 momenta
SWEEP_MOMENTA = {"0:0.9": "0:0.9:12", "0:0.5": "0:0.5:12"}


def _sweep_seconds(momenta: str) -> float:
    from engine import RunConfig, parse_axis, run_sweep

    result = run_sweep(RunConfig.for_example("parabola-relu"), parse_axis(SWEEP_LR, log=True),
                       parse_axis(momenta, log=False))
    assert result.backend == "kernel" and len(result.cells) == 144, result.backend
    return result.seconds


def sweep_rows(rounds: int = 3) -> list[Row]:
    """The seed's parabola-relu, 2000 epochs, as a 12 x 12 learning rate x momentum sweep (training alone: the
    sweep's `seconds`) against 144 times one run of the notebook's loop (timed as training_rows times it),
    measured alternately, medians compared. The 0:0.5 momentum grid is the same sweep without the cells whose
    momentum buffers get stuck on subnormal floats (momentum > 0.5 and a dead unit), which x86 computes
    ~100x slower: it shows what those cells cost."""
    from tests import seed_loop

    for momenta in SWEEP_MOMENTA.values():  # the lockstep kernel compiled (or loaded) first
        _sweep_seconds(momenta)
    seed_loop.seed_loop("parabola-relu", epochs=1)
    seed_t, sweep_t = [], {name: [] for name in SWEEP_MOMENTA}
    for _ in range(rounds):
        seed_t.append(_seed_loop_seconds()[0])
        for name, momenta in SWEEP_MOMENTA.items():
            sweep_t[name].append(_sweep_seconds(momenta))
    seed = statistics.median(seed_t)
    rows = []
    for name, times in sweep_t.items():
        t = statistics.median(times)
        rows.append(Row(f"sweep 12x12, momentum {name}", f"{144 * seed / t:.0f}x faster ({t:.3f} s vs 144 x "
                        f"{seed:.2f} s, training alone on both sides)", ">= 1000x, < 0.2 s",
                        144 * seed / t >= 1000 and t < 0.2))
    return rows
