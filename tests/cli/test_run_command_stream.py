"""`nudge run --format jsonl` under pressure: Ctrl-C is prompt and truthful, a slow reader slows the run
instead of growing memory, and output that cannot be written is one line and a nonzero exit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def popen(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "tui.cli", "run", *args], cwd=ROOT, **kw)


def wait_for_size(path, size, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path) or os.path.getsize(path) < size:
        assert time.monotonic() < deadline, "no output"
        time.sleep(0.02)


@pytest.mark.parametrize("example, extra", [("linear-3x", []), ("parabola-sigmoid", ["--seeds", "64"])])
def test_ctrl_c_ends_a_large_jsonl_stream_at_once_with_a_truthful_last_line(tmp_path, example, extra):
    path = tmp_path / "out.jsonl"
    with open(path, "w") as out:
        proc = popen(example, "--epochs", "10000000", "--format", "jsonl", *extra, stdout=out,
                     stderr=subprocess.PIPE)
        wait_for_size(path, 1)  # training has started (torch loaded)
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        asked = time.monotonic()
        _, err = proc.communicate(timeout=30)
        took = time.monotonic() - asked
    assert proc.returncode == 130, err
    # Stopping and writing what was already trained take well under a second; a generous bound for the
    # interpreter's teardown (torch and numba take ~0.5-1 s to unload on this machine).
    assert took < 5.0
    lines = path.read_text().splitlines()
    final, last_row = json.loads(lines[-1]), json.loads(lines[-2])
    assert final["event"] == "done" and final["status"] == "stopped"
    assert final["epochs"] == last_row["epoch"] == len(lines) - 1  # every row written, none after the last
    assert final["loss"] == last_row["loss"]
    assert final["epochs"] < 10_000_000


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_a_reader_that_does_not_read_holds_memory_flat():
    # Before the bound, this grew ~100 MB/s: the run went on and its metrics piled up for the reader.
    # Now the run waits once the pipe is full and the controller holds at most CLI_BUFFER_VALUES numbers
    # (0.5 MB) plus one chunk (MAX_CHUNK_VALUES, 2 MB) plus one slice of JSON being written: a few MB.
    # 25 MB allows for the allocator's slack and the interpreter's own noise.
    proc = popen("parabola-sigmoid", "--seeds", "1024", "--epochs", "1000000", "--format", "jsonl",
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout.readline()  # started; from here on nobody reads
        time.sleep(1.5)  # the pipe fills, the writer blocks, the buffer fills, training waits
        before = rss_mb(proc.pid)
        time.sleep(3.0)
        after = rss_mb(proc.pid)
        assert after - before < 25, f"RSS grew from {before:.0f} MB to {after:.0f} MB"
        assert proc.poll() is None  # still there, waiting for its reader
    finally:
        proc.kill()
        proc.wait()


def test_ctrl_c_while_the_reader_is_slow_still_ends_with_the_stopped_summary():
    proc = popen("linear-3x", "--epochs", "10000000", "--format", "jsonl", stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE, bufsize=0)  # unbuffered: readline takes one line, no more
    assert proc.stdout.readline()
    time.sleep(1.0)  # nobody reads: the run is held back by the full pipe
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)  # now read everything
    assert proc.returncode == 130, err
    lines = out.decode().splitlines()
    final, last_row = json.loads(lines[-1]), json.loads(lines[-2])
    assert final["status"] == "stopped" and final["epochs"] == last_row["epoch"] == len(lines)  # +1 read above


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_a_full_device_is_one_line_and_exit_1(fmt):
    with open("/dev/full", "w") as full:
        proc = popen("linear-3x", "--format", fmt, stdout=full, stderr=subprocess.PIPE)
        _, err = proc.communicate(timeout=60)
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 1
    assert lines == ["nudge: cannot write the output: No space left on device"]


def test_a_second_ctrl_c_quits_even_when_nobody_reads_the_output():
    proc = popen("linear-3x", "--epochs", "10000000", "--format", "jsonl", stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE, bufsize=0)
    assert proc.stdout.readline()
    time.sleep(1.0)  # the pipe is full: the writer is blocked, and so the summary could never be written
    proc.send_signal(signal.SIGINT)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    asked = time.monotonic()
    try:
        proc.wait(timeout=10)
    finally:
        proc.kill()
    assert time.monotonic() - asked < 5.0
    assert proc.returncode == 130
    assert proc.stderr.read().decode().strip().splitlines() == ["nudge: interrupted again; output cut short"]
