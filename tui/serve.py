"""The web server behind `nudge serve`: textual-serve's Server with a session limit, a shutdown that leaves no
process behind, and errors as one line.

Each browser connection (a websocket) gets its own app process, so one student's run never shows in another's.
textual-serve starts that process through a shell (`create_subprocess_shell`); here it is started directly from
an argument list, so no shell parses the app's flags, and in a process group of its own, so ending a session
ends whatever the app started too. A session ends when its browser goes away, when its app quits, or when the
server stops: the app is asked to quit (textual-serve's "quit" message), then sent SIGTERM, then SIGKILL, each
after a short wait. The session process also asks the kernel to send it SIGTERM should the server die without
cleaning up (tui/serve_session.py), so not even a SIGKILLed server leaves a session running.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import re
import shlex
import signal
import socket
from typing import Callable

from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from engine import quoted, shortened

from .serve_session import SERVER_PID_ENV

log = logging.getLogger("textual-serve")

QUIT_WAIT = 2.0  # seconds a session's app gets to quit by itself, then again after SIGTERM, before SIGKILL
SHUTDOWN_WAIT = 3.0  # seconds aiohttp waits for open requests once the sessions are gone

EXTERNAL_FONT = re.compile(r"<link[^>]*?fonts\.googleapis\.com[^>]*>\s*", re.DOTALL)
FULL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>nudge: the server is full</title>
<style>body{background:#0c181f;color:#eee;font-family:monospace;display:flex;align-items:center;
justify-content:center;height:90vh;text-align:center}</style></head>
<body><div><h1>The server is full</h1>
<p>All sessions are in use (this server allows %(limit)d at once). Try again when someone closes theirs.</p>
<p><a style="color:#ac5af4" href="">Try again</a></p></div></body></html>
"""


class ServeProblem(Exception):
    """The server cannot listen: one line for the user."""


class Session(AppService):
    """One browser's app process: started without a shell, in its own process group, and ended for sure."""

    def __init__(self, argv: list[str], **kwargs) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self._ending = asyncio.Lock()

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        environment = self._build_environment(width=width, height=height)
        environment[SERVER_PID_ENV] = str(os.getpid())
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=environment, start_new_session=True)
        self._stdin = process.stdin
        return process

    async def run(self) -> None:
        """Stream the app to the browser; when the app has gone (it quit, or failed), close the browser's side."""
        await super().run()
        await self.remote_close()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def end(self) -> None:
        """Ask the app to quit; then SIGTERM, then SIGKILL its process group. Safe to call more than once."""
        async with self._ending:
            process = self._process
            if process is not None and process.returncode is None:
                if self._task is not None:
                    await self.send_meta({"type": "quit"})
                for sig in (signal.SIGTERM, signal.SIGKILL, None):
                    try:
                        await asyncio.wait_for(process.wait(), QUIT_WAIT)
                        break
                    except asyncio.TimeoutError:
                        if sig is not None:
                            self.kill(sig)
            # the app's children (if any) share its group: make sure none outlives it
            self.kill(signal.SIGKILL)
            if self._task is not None:
                await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
                try:
                    await asyncio.wait_for(self._task, QUIT_WAIT)
                except asyncio.TimeoutError:
                    pass
                self._task = None

    def kill(self, sig: int) -> None:
        if self._process is None:
            return
        try:
            os.killpg(self._process.pid, sig)  # the group's id is the app's pid (start_new_session)
        except (ProcessLookupError, PermissionError):
            pass


class NudgeServer(Server):
    """textual-serve's Server, serving `argv` to at most `max_sessions` browsers at once."""

    def __init__(self, argv: list[str], *, host: str, port: int, public_url: str, max_sessions: int) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title="nudge", public_url=public_url)
        self.argv = argv
        self.max_sessions = max_sessions
        self.sessions: set[Session] = set()
        self.sockets: set[web.WebSocketResponse] = set()
        self.closing = False
        self.ended = 0  # sessions open when the server was told to stop

    @property
    def full(self) -> bool:
        return self.closing or len(self.sessions) >= self.max_sessions

    def full_response(self) -> web.Response:
        return web.Response(status=503, content_type="text/html", text=FULL_PAGE % {"limit": self.max_sessions},
                            headers={"Retry-After": "30"})

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a banner here, before it listens; nudge says where it serves once it does."""

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.full:
            return self.full_response()
        response = await super().handle_index(request)
        # textual-serve's page asks Google for a font; the page connects to the app only once it has loaded,
        # so a classroom without internet (where that request fails slowly) would wait on it. The font the
        # terminal falls back to is the one it gets offline anyway.
        response.text = EXTERNAL_FONT.sub("", response.text)
        return response

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        # A page loaded just before the last place was taken reaches here too: it is refused the same way.
        if self.full:
            return self.full_response()
        websocket = web.WebSocketResponse(heartbeat=15)
        session = Session(self.argv, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                          close=websocket.close, download_manager=self.download_manager, debug=self.debug)
        self.sessions.add(session)  # counted before the first await, so connections at once cannot all get in
        try:
            await websocket.prepare(request)
            self.sockets.add(websocket)
            await session.start(to_int(request.query.get("width", "80"), 80),
                                to_int(request.query.get("height", "24"), 24))
            if not self.closing:  # a server stopping while this started: end it at once, below
                await self._process_messages(websocket, session)
        except asyncio.CancelledError:
            pass
        except web.HTTPException:  # not a websocket handshake: aiohttp answers 400
            raise
        except Exception as error:  # noqa: BLE001 - one broken session must not take the server down
            log.warning("a session failed: %s", error)
        finally:
            await session.end()
            self.sessions.discard(session)
            self.sockets.discard(websocket)
            if websocket.prepared:  # a handshake that failed has nothing to close
                await websocket.close()
        return websocket

    async def end_sessions(self) -> None:
        """Refuse new sessions and end every open one (their browsers are told the session ended)."""
        self.closing = True
        await asyncio.gather(*(s.end() for s in list(self.sessions)), return_exceptions=True)
        await asyncio.gather(*(ws.close(code=WSCloseCode.GOING_AWAY) for ws in list(self.sockets)),
                             return_exceptions=True)

    async def run(self, on_listening: Callable[[], None]) -> None:
        """Listen, call `on_listening`, serve until SIGINT, SIGTERM or SIGHUP, then end every session."""
        runner = web.AppRunner(await self._make_app(), handle_signals=False, access_log=None,
                               shutdown_timeout=SHUTDOWN_WAIT)
        await runner.setup()
        try:
            try:
                await web.TCPSite(runner, self.host, self.port).start()
            except (OSError, UnicodeError) as exc:  # UnicodeError: a name no resolver can encode
                raise ServeProblem(listen_problem(self.host, self.port, exc)) from None
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(sig, stop.set)
            on_listening()
            await stop.wait()
            self.ended = len(self.sessions)
            await self.end_sessions()
        finally:
            self.closing = True
            await runner.cleanup()
            for session in list(self.sessions):  # a session that started during the shutdown
                await session.end()


def listen_problem(host: str, port: int, exc: OSError | UnicodeError) -> str:
    if isinstance(exc, UnicodeError):
        return f"cannot listen on {quoted(host)}: this machine has no such address"
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is already in use on {shortened(host)} (another server?); choose another with --port"
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on port {port} (ports below 1024 need root); choose another with --port"
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):  # gaierror: a name that resolves to nothing
        return f"cannot listen on {quoted(host)}: this machine has no such address"
    return f"cannot listen on {quoted(host)} port {port}: {exc.strerror or exc}"


def serve(argv: list[str], *, host: str, port: int, public_url: str, max_sessions: int,
          on_listening: Callable[[], None]) -> int:
    """Serve `argv` (a session's command) until Ctrl-C or SIGTERM; returns how many sessions that ended. Raises
    ServeProblem (via tui/serve_command.py's ServeError) when it cannot listen."""
    from .serve_command import ServeError

    server = NudgeServer(argv, host=host, port=port, public_url=public_url, max_sessions=max_sessions)
    try:
        asyncio.run(server.run(on_listening))
    except ServeProblem as exc:
        raise ServeError(str(exc)) from None
    return server.ended
