"""App rows: first frame and terminal traffic in a real pseudo-terminal; UI cost and chart frame in-process."""

from __future__ import annotations

import asyncio
import fcntl
import os
import select
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time

from .table import Row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Terminal:
    """`nudge` in a pseudo-terminal of a given size: everything it writes is counted, with timestamps."""

    def __init__(self, args: list[str], cols: int = 120, rows: int = 40, term: str = "xterm-256color"):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("SSH_CONNECTION", "NUDGE_CHART_FPS")}
        env.update(TERM=term, COLUMNS=str(cols), LINES=str(rows))
        env.pop("COLORTERM", None)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "tui.cli", *args], stdin=slave, stdout=slave,
                                     stderr=slave, cwd=ROOT, env=env, start_new_session=True)
        os.close(slave)
        self.chunks: list[tuple[float, int]] = []
        self.text = b""

    def read_for(self, seconds: float) -> None:
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    return
                self.chunks.append((time.perf_counter(), len(data)))
                self.text += data

    def wait_for(self, *needles: bytes, timeout: float = 20.0) -> float:
        """Seconds from launch until every needle has appeared in the output."""
        deadline = time.perf_counter() + timeout
        while not all(n in self.text for n in needles):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"never saw {needles!r}")
            self.read_for(0.005)
        return self.chunks[-1][0] - self.started

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def bytes_between(self, t0: float, t1: float) -> int:
        return sum(n for t, n in self.chunks if t0 <= t < t1)

    def close(self) -> None:
        self.send("q")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self.master)


# A frame is complete when the last widgets composed (status line, footer) have been written.
FIRST_FRAME_NEEDLES = (b"Hyperparameters", b"epoch", b"Quit")


def first_frame_rows(rounds: int = 3) -> list[Row]:
    times = []
    for _ in range(rounds):
        term = Terminal([])
        times.append(term.wait_for(*FIRST_FRAME_NEEDLES))
        term.close()
    t = statistics.median(times)
    return [Row("first frame", f"{t:.2f} s launch to complete screen (median of {rounds}, pty 120x40)",
                "< 1 s", t < 1.0)]


def traffic_rows() -> list[Row]:
    """Bytes the app writes while training the seed's relu net at the default speed (a run over ~5 s),
    during a long run at the fastest speed, and with each teaching view open in place of the fit chart."""
    rows = []
    for label, args, keys in (("watch speed", ["--example", "parabola-relu"], " "),
                              ("max speed", ["--example", "parabola-relu", "--epochs", "10000000"], "ss "),
                              ("loss-curve view", ["--example", "linear-3x", "--epochs", "2000"], "2 "),
                              ("network view", ["--example", "parabola-relu"], "3 "),
                              ("hidden-units view", ["--example", "parabola-relu"], "5 ")):
        term = Terminal(args)
        term.wait_for(*FIRST_FRAME_NEEDLES)
        term.wait_for(b"ready", timeout=30)
        term.read_for(2.5)  # torch's warm-up finishes in the background
        term.send(keys)
        term.read_for(0.5)  # the run gets going
        t0 = time.perf_counter()
        term.read_for(4.0)
        rate = term.bytes_between(t0, t0 + 4.0) / 4.0 / 1000
        term.close()
        rows.append(Row(f"terminal traffic, {label}", f"{rate:.1f} KB/s while training (120x40, xterm-256color)",
                        "< 40 KB/s", rate < 40))
    return rows


def _headless_rate(config, seconds: float) -> float:
    from engine import RunController

    controller = RunController(config)
    thread = threading.Thread(target=controller.run, daemon=True)
    thread.start()
    while controller.epoch == 0:
        time.sleep(0.001)
    e0, t0 = controller.epoch, time.perf_counter()
    time.sleep(seconds)
    rate = (controller.epoch - e0) / (time.perf_counter() - t0)
    controller.stop()
    thread.join()
    return rate


async def _app_rate(config, seconds: float) -> tuple[float, float, int]:
    """Epochs a second inside the app at its fastest speed; also the slowest chart frame seen meanwhile."""
    from tui.app import NudgeApp

    app = NudgeApp(config, warm_up=False, speed="max")
    frames = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        while app.session.controller is None or app.session.controller.epoch == 0:
            await asyncio.sleep(0.001)
        controller = app.session.controller
        e0, t0 = controller.epoch, time.perf_counter()
        await asyncio.sleep(seconds)
        rate = (controller.epoch - e0) / (time.perf_counter() - t0)
        # One redraw of both charts from the UI's full history: the data work, then plotext's build.
        for _ in range(10):
            started = time.perf_counter()
            for chart in (app.loss_chart, app.fit_chart):
                chart.mark_dirty()
                chart.redraw()
                chart.render()
            frames.append(time.perf_counter() - started)
        rows = len(app.session.history)
        await pilot.press("q")
    return rate, statistics.median(frames), rows


def seeds_rows(rounds: int = 3, seeds: int = 64) -> list[Row]:
    """Many seeds at max speed: the chart frame with the loss band and the fit's band (64 members: past 16, the
    fit shades the band), and the terminal traffic meanwhile."""
    from engine import RunConfig

    config = RunConfig.for_example("parabola-relu", epochs=10_000_000, seeds=seeds)
    _headless_rate(config, 0.5)  # compile or load the kernel first
    frames, rows = [], 0
    for _ in range(rounds):
        _, frame, rows = asyncio.run(_app_rate(config, 2.0))
        frames.append(frame)
    f = statistics.median(frames)
    out = [Row(f"chart frame, {seeds} seeds", f"{f * 1e3:.1f} ms for loss + fit charts with their bands at 120x40 "
               f"({rows:,}-row history, median of {rounds})", "< 15 ms", f < 0.015)]
    term = Terminal(["--example", "parabola-relu", "--epochs", "10000000", "--seeds", str(seeds)])
    term.wait_for(*FIRST_FRAME_NEEDLES)
    term.wait_for(b"ready", timeout=30)
    term.read_for(2.5)  # torch's warm-up finishes in the background
    term.send("ss ")  # max speed, then start
    term.read_for(0.5)
    t0 = time.perf_counter()
    term.read_for(4.0)
    rate = term.bytes_between(t0, t0 + 4.0) / 4.0 / 1000
    term.close()
    out.append(Row(f"terminal traffic, {seeds} seeds at max speed", f"{rate:.1f} KB/s while training (120x40, "
                   "xterm-256color)", "< 40 KB/s", rate < 40))
    return out


def ui_rows(rounds: int = 3) -> list[Row]:
    from engine import RunConfig

    config = RunConfig.for_example("parabola-relu", epochs=10_000_000)
    _headless_rate(config, 0.5)  # compile or load the kernel first
    headless, inside, frames = [], [], []
    for _ in range(rounds):  # alternate the two sides
        headless.append(_headless_rate(config, 2.0))
        rate, frame, rows = asyncio.run(_app_rate(config, 2.0))
        inside.append(rate)
        frames.append(frame)
    h, a, f = statistics.median(headless), statistics.median(inside), statistics.median(frames)
    return [
        Row("UI cost", f"{a / h:.2f} ({a:,.0f} epochs/s in the app at max speed vs {h:,.0f} headless)",
            ">= 0.85", a / h >= 0.85),
        Row("chart frame", f"{f * 1e3:.1f} ms for loss + fit charts at 120x40 ({rows:,}-row history)",
            "< 15 ms", f < 0.015),
    ]
