"""No burst of keys freezes the app. Each key that notifies (or redraws) is sent 1500 times at once, as a
paste or a key-repeat backlog delivers them, with toasts on; then the app must still answer. Textual 8.2.8
froze for good here (a toast mounted after its notification expired spins Timer._run), so each burst runs
in a subprocess with a deadline: a frozen loop would hang this test's own loop too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 120  # seconds for a burst to be handled on a loaded 2-core machine; frozen means never

BURST = """
import asyncio, sys
from textual import events
sys.path.insert(0, {tests!r})
from tui_helpers import make_app

async def main():
    app = make_app({example!r}, speed="max", epochs=300)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("space")
        for key in {keys!r}:
            for _ in range({count} if key not in ("g", "a") else {count} // 5):  # g and a each start a run  # what the driver's input thread does with each key it reads
                app.post_message(events.Key(key, key if len(key) == 1 else None))
            await pilot.pause(1)  # the burst and its notifications are handled by now, or never
            await pilot.press("question_mark")  # the app still answers keys
            print("alive", key, type(app.screen).__name__, len(app._notifications), flush=True)
            await pilot.press("escape")

asyncio.run(main())
"""

# every key that notifies: m (marker), + at the top preset and - at the bottom (a warning each), d (defaults),
# g (new seed), a (no non-linearity); and 2, a view that does not apply (it redraws, as l and e do)
BURSTS = {"linear-3x": ["m", "plus", "g"], "nudge-3x": ["minus", "d"], "parabola-relu": ["2", "a"]}


@pytest.mark.parametrize("example", list(BURSTS))
def test_bursts_of_keys_leave_the_app_answering(example):
    keys = BURSTS[example]
    code = BURST.format(tests=str(ROOT / "tests" / "tui"), keys=keys, count=1500, example=example)
    try:
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                             timeout=DEADLINE)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"a burst froze the app (no answer within {DEADLINE} s); it answered after: {exc.stdout}")
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [line.split() for line in out.stdout.strip().splitlines() if line.startswith("alive")]
    assert [line[1] for line in lines] == keys
    for _, key, screen, toasts in lines:
        assert screen == "HelpScreen", key
        assert int(toasts) <= 1, f"{key}: toasts piled up instead of replacing each other"
