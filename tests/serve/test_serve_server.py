"""`nudge serve` as a server: where it listens, what it refuses, how many sessions it admits, and that stopping
it leaves no process behind. Each test starts the real command; sessions are opened with a websocket client
(the browser's part is tests/serve/test_serve_browser.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

pytest.importorskip("textual_serve", reason="nudge serve needs the serve extra: pip install '.[serve]'")
aiohttp = pytest.importorskip("aiohttp")

from .serve_helpers import HANG_GUARD, children, free_port, needs_proc, nudge_serve, read_line, running, serving, wait_until  # noqa: E402


def nudge(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True,
                          timeout=HANG_GUARD, stdin=subprocess.DEVNULL)


async def open_session(client: aiohttp.ClientSession, url: str):
    """A session as a browser opens one: the websocket, and the app's first bytes (so its process runs)."""
    ws = await client.ws_connect(f"{url}/ws?width=80&height=24")
    message = await ws.receive(timeout=HANG_GUARD)
    assert message.type == aiohttp.WSMsgType.BINARY, message
    return ws


def test_a_port_in_use_is_one_line_and_exit_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = nudge("serve", "--port", str(port))
    assert out.returncode == 2
    assert out.stderr == f"nudge: port {port} is already in use on 127.0.0.1 (another server?); choose another with --port\n"
    assert out.stdout == ""


def test_every_address_is_refused_without_a_public_url():
    out = nudge("serve", "--host", "0.0.0.0")
    assert out.returncode == 2
    assert out.stderr.startswith("nudge: --host 0.0.0.0 listens on every address") and "--public-url" in out.stderr


@pytest.mark.parametrize("url", ["ftp://host", "192.168.1.5:8000", "http://", "http://h/?q=1"])
def test_a_public_url_that_is_no_web_address_is_refused(url):
    out = nudge("serve", "--host", "0.0.0.0", "--public-url", url)
    assert out.returncode == 2 and out.stderr.startswith("nudge: --public-url ") and "not allowed" in out.stderr


def test_app_flags_are_checked_by_the_apps_own_code_before_serving():
    served = nudge("serve", "--example", "linear-3x", "--lr", "abc")
    run = nudge("run", "linear-3x", "--lr", "abc")
    assert served.returncode == run.returncode == 2
    assert served.stderr == run.stderr and served.stderr.startswith("nudge: --lr: 'abc' is not allowed")


async def test_every_address_warns_and_the_page_connects_to_the_public_url_only():
    port = free_port()
    proc = nudge_serve("--host", "0.0.0.0", "--port", str(port), "--public-url", f"http://127.0.0.1:{port}/")
    try:
        assert read_line(proc, "Serving nudge on ") == f"Serving nudge on http://0.0.0.0:{port}"
        warning = read_line(proc, "nudge: warning: ", "stderr")
        assert f"anyone who can reach port {port}" in warning
        async with aiohttp.ClientSession() as client:
            async with client.get(f"http://127.0.0.1:{port}/") as response:
                page = await response.text()
        # textual-serve writes the websocket's address into the page: the public one, not 0.0.0.0
        assert f'"ws://127.0.0.1:{port}/ws"' in page and "0.0.0.0" not in page
        assert "https://" not in page  # nothing from other hosts: a classroom without internet loads it at once
        async with aiohttp.ClientSession() as client:
            async with client.get(f"http://127.0.0.1:{port}/ws") as response:  # no websocket handshake
                assert response.status == 400
        assert children(proc.pid) == [] if os.path.isdir("/proc") else True  # and it started no session
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(HANG_GUARD) == 0


async def test_the_session_past_max_sessions_is_told_the_server_is_full():
    with serving("--max-sessions", "1") as (proc, url):
        async with aiohttp.ClientSession() as client:
            first = await open_session(client, url)
            async with client.get(url + "/") as response:
                assert response.status == 503
                assert "The server is full" in await response.text()
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(f"{url}/ws")
            assert refused.value.status == 503
            await first.close()  # the place is given back once that session has ended

            async def index_status() -> int:
                async with client.get(url + "/") as response:
                    return response.status
            for _ in range(int(HANG_GUARD / 0.1)):
                if await index_status() == 200:
                    break
                await __import__("asyncio").sleep(0.1)
            assert await index_status() == 200


@needs_proc
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
async def test_ctrl_c_or_sigterm_stops_the_server_and_every_session_process(sig):
    with serving("--epochs", "50") as (proc, url):
        command = read_line(proc, "Each session runs: ")
        assert command.endswith("-m tui.serve_session --example nudge-3x --epochs=50")
        async with aiohttp.ClientSession() as client:
            sessions = [await open_session(client, url) for _ in range(2)]
            pids = children(proc.pid)
            assert len(pids) == 2  # one app process per browser
            proc.send_signal(sig)
            assert proc.wait(HANG_GUARD) == 0
            assert read_line(proc, "Stopped") == "Stopped; 2 sessions ended"
            for ws in sessions:  # each browser is told its session ended
                while not ws.closed and (await ws.receive(timeout=HANG_GUARD)).type not in (
                        aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                    pass
    assert [pid for pid in pids if running(pid)] == []


@needs_proc
async def test_a_killed_server_leaves_no_session_running():
    """SIGKILL gives the server no chance to clean up: each session ends itself (tui/serve_session.py)."""
    with serving() as (proc, url):
        async with aiohttp.ClientSession() as client:
            await open_session(client, url)
            pids = children(proc.pid)
            assert len(pids) == 1
            proc.kill()
            proc.wait()
            wait_until(lambda: not running(pids[0]), "the orphaned session to end")


@pytest.mark.parametrize("flags,message", [
    (["--host", "h" * 5000], "nudge serve: argument --host: 'hhhh"),
    (["--host", "192.0.2.1"], "nudge: cannot listen on '192.0.2.1': this machine has no such address"),  # TEST-NET-1
    (["--port", "65536"], "nudge serve: argument --port: '65536' is not allowed"),
    (["--max-sessions", "0"], "nudge serve: argument --max-sessions: '0' is not allowed"),
])
def test_bad_server_flags_are_one_short_line_and_exit_2(flags, message):
    out = nudge("serve", *flags)
    assert out.returncode == 2 and out.stderr.startswith(message)
    assert out.stderr.count("\n") == 1 and len(out.stderr) < 400 and "Traceback" not in out.stderr
