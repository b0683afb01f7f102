"""`nudge serve` in a real browser: the page draws the app, the keyboard drives it, a run unfolds and
finishes, a saved file arrives as a download, and a second browser gets a session of its own."""

from __future__ import annotations

import os
import time

import pytest

pytest.importorskip("textual_serve", reason="nudge serve needs the serve extra: pip install '.[serve]'")

from engine import RunConfig, load_config_file  # noqa: E402

from .browser_helpers import TAP_WEBSOCKET, browser, drawn_text, statuses  # noqa: E402
from .serve_helpers import HANG_GUARD, children, serving  # noqa: E402

EPOCHS = 20


def wait_for(page, check, what: str):
    """Poll the page until `check(page)` is truthy; returns it (fails after HANG_GUARD seconds)."""
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        result = check(page)
        if result:
            return result
        page.wait_for_timeout(100)
    pytest.fail(f"the page never showed {what}; it showed {statuses(page)[-3:]}")


def test_a_browser_runs_the_app_saves_as_a_download_and_a_second_browser_gets_its_own_session(tmp_path):
    sync_api, chromium = browser()
    folder = tmp_path / "server"  # the server's working folder: a file saved in a browser must not land here
    folder.mkdir()
    with serving("--example", "linear-3x", "--epochs", str(EPOCHS), cwd=str(folder)) as (server, url), \
            sync_api.sync_playwright() as playwright:
        chrome = playwright.chromium.launch(executable_path=chromium)
        try:
            pages, downloads = [], []

            def download(route):  # what the browser fetches as a download: kept, then passed on unchanged
                response = route.fetch()
                downloads.append((response.headers.get("content-disposition"), response.body()))
                route.fulfill(response=response)

            for size in ({"width": 1280, "height": 800}, {"width": 1000, "height": 700}):
                context = chrome.new_context(viewport=size)  # a browser of its own: its cookies, its connection
                context.add_init_script(TAP_WEBSOCKET)
                context.route("**/download/**", download)
                pages.append(context.new_page())
                pages[-1].goto(url)
            page, other = pages
            for each in pages:
                each.wait_for_function("document.body.classList.contains('-first-byte')", timeout=HANG_GUARD * 1000)
                wait_for(each, lambda p: any(s[1:] == (0, EPOCHS) for s in statuses(p)), f"the status at 0/{EPOCHS}")
            if os.path.isdir("/proc"):
                assert len(children(server.pid)) == 2  # one app process per browser

            page.click("#terminal")  # the keyboard goes to the terminal, as a user's click makes it
            page.keyboard.press("Space")
            # at the default speed (a run over about 5 s) the status shows the count while it grows ...
            running = lambda p: [e for word, e, _ in statuses(p) if word == "running" and 0 < e < EPOCHS]
            wait_for(page, lambda p: len(set(running(p))) >= 2, "a growing epoch count")
            counts = running(page)
            assert counts == sorted(counts) and counts[-1] > counts[0]
            # ... and "max" speed (s twice) finishes the rest at once
            page.keyboard.press("s")
            page.keyboard.press("s")
            wait_for(page, lambda p: ("finished", EPOCHS, EPOCHS) in statuses(p), f"finished {EPOCHS}/{EPOCHS}")
            page.screenshot(path=str(tmp_path / "served.png"))
            if os.environ.get("NUDGE_SERVE_SCREENSHOT"):
                page.screenshot(path=os.environ["NUDGE_SERVE_SCREENSHOT"])

            # ctrl+s saves the settings: in a browser they arrive as a download, and the server's disk gets nothing
            page.keyboard.press("Control+s")
            wait_for(page, lambda p: "Save settings" in drawn_text(p), "the file name prompt")
            page.keyboard.press("Enter")  # the name it suggests
            wait_for(page, lambda p: downloads, "a download")
            (disposition, body), = downloads
            assert disposition == "attachment; filename=linear-3x.toml"
            (tmp_path / "got.toml").write_bytes(body)
            assert load_config_file(str(tmp_path / "got.toml")) == RunConfig.for_example("linear-3x", epochs=EPOCHS)
            assert list(folder.iterdir()) == []

            # The second browser, open all along, showed nothing of that run: its own app, still at epoch 0.
            other.wait_for_timeout(300)  # a frame's time, for anything that would leak to arrive
            assert statuses(other) and all(
                word in ("ready", "loading torch…") and epoch == 0 for word, epoch, _ in statuses(other))
        finally:
            chrome.close()
