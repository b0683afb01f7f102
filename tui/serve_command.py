"""`nudge serve`: the flags, the checks made before anything listens, and each session's command line.

The app's own flags (--example, the hyperparameters, --config, --no-mouse) are validated here by the same code
as the app's (tui/cli.py's config_from_args builds a RunConfig), so a bad flag is one line and exit 2 before the
server starts, not a broken page in every browser. Each session then runs `python -m tui.serve_session` with
those flags as an argument list: no shell ever parses them (tui/serve.py starts the process directly); the
printed command is `shlex.join`ed, so it can be pasted into a shell as it is.

Nothing here imports Textual or textual-serve: `nudge --help` stays light, and a missing `[serve]` extra is one
line (exit 2) rather than an ImportError.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import shlex
import sys
from urllib.parse import urlsplit

from engine import FIELDS, RunConfig, quoted

from .exit_codes import EXIT_INVALID, EXIT_OK

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 8
MAX_SESSIONS_LIMIT = 256  # a session is a process with PyTorch loaded; more than this is surely a typo


class ServeError(Exception):
    """Why `nudge serve` cannot start: one line for the user (exit 2)."""


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text[:6]) <= 65535:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not allowed; expected a port from 1 to 65535")
    return int(text)


def _sessions(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text[:6]) <= MAX_SESSIONS_LIMIT:
        raise argparse.ArgumentTypeError(
            f"{quoted(text)} is not allowed; expected a whole number from 1 to {MAX_SESSIONS_LIMIT}")
    return int(text)


_HOSTNAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?")


def _host(text: str) -> str:
    """An IP address or a host name (letters, digits, hyphens and dots, as DNS allows)."""
    try:
        ipaddress.ip_address(text)
        return text
    except ValueError:
        pass
    if not _HOSTNAME.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not allowed; expected an address of this machine, "
                                         "such as 127.0.0.1 or 0.0.0.0, or its name")
    return text


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The server's own flags; the app's flags are added beside them by tui/cli.py."""
    parser.add_argument("--host", type=_host, default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}: this machine only); "
                             "0.0.0.0 lets anyone who can reach the port in, and needs --public-url")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    parser.add_argument("--public-url", default=None, metavar="URL",
                        help="the address browsers use to reach this server, e.g. http://192.168.1.5:8000 "
                             "(the page tells the browser where to connect)")
    parser.add_argument("--max-sessions", type=_sessions, default=DEFAULT_MAX_SESSIONS, metavar="N",
                        help=f"at most N browser sessions at once (default {DEFAULT_MAX_SESSIONS}); "
                             "the next one is told the server is full (HTTP 503)")
    parser.add_argument("--example", default=argparse.SUPPRESS, metavar="ID", help="each session opens on this example")
    parser.add_argument("--no-mouse", action="store_true", default=argparse.SUPPRESS,
                        help="each session ignores the mouse")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_every_address(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return host in ("", "*")


def public_url(host: str, port: int, given: str | None) -> str:
    """Where browsers reach the server: `given` (checked), else http://HOST:PORT. Raises ServeError."""
    if given is None:
        if _is_every_address(host):
            raise ServeError(f"--host {host} listens on every address, which is no address a browser can open; "
                             "add --public-url with the address students use, e.g. "
                             f"--public-url http://192.168.1.5:{port}")
        shown = f"[{host}]" if ":" in host else host  # an IPv6 address goes in brackets in a URL
        return f"http://{shown}:{port}"
    parts = urlsplit(given)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ServeError(f"--public-url {quoted(given)} is not allowed; expected an address such as "
                         f"http://192.168.1.5:{port} or https://nudge.example.org")
    return given.rstrip("/")  # textual-serve appends /ws and /static/... to it


def session_argv(args: argparse.Namespace, config: RunConfig) -> list[str]:
    """The command each session runs: this Python, the session entry point, and the app's flags as given
    (already validated into `config`; every session validates them again, by the same code, and gets the same)."""
    flags = ["--example", config.example_id]
    if getattr(args, "config", None):
        flags += ["--config", os.path.abspath(args.config)]
        if not getattr(args, "example", None):  # the file names the example; naming it again is allowed only if equal
            flags = flags[2:]
    for name in [f.name for f in FIELDS] + ["seeds", "backend"]:
        value = getattr(args, name, None)
        if value is None:
            continue
        if name == "zero_grad":
            flags.append("--no-zero-grad")
            continue
        flag = next((f.cli_flag for f in FIELDS if f.name == name), f"--{name}")
        flags.append(f"{flag}={value}")  # glued, so a value such as -1e3 is never read as a flag
    if getattr(args, "no_mouse", False):
        flags.append("--no-mouse")
    if getattr(args, "examples", None):  # custom examples: every session lists them too
        flags = ["--examples", os.path.abspath(args.examples), *flags]
    return [sys.executable, "-m", "tui.serve_session", *flags]


def announce(host: str, port: int, url: str) -> tuple[list[str], list[str]]:
    """What the server says once it listens: the address and how to stop it (stdout), and a warning (stderr)
    when more than this machine can reach it."""
    shown = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    lines, warnings = [f"Serving nudge on {shown}"], []
    if _is_loopback(host):
        lines.append("Only this machine can open it (loopback); for a room: --host 0.0.0.0 --public-url http://ADDRESS:PORT")
    else:
        warnings.append(f"nudge: warning: anyone who can reach port {port} of this machine can use nudge "
                        "(no login, and each session runs on this machine's CPU); serve on a network you trust")
        if url != shown:
            lines.append(f"Browsers open {url}")
    lines.append("Press Ctrl+C to stop the server and every session")
    return lines, warnings


def _announce(host: str, port: int, url: str, argv: list[str], say) -> None:
    lines, warnings = announce(host, port, url)
    for line in warnings:
        say(line, file=sys.stderr, flush=True)
    for line in lines[:-1] + [f"Each session runs: {shlex.join(argv)}", lines[-1]]:
        say(line, flush=True)


def cmd_serve(args: argparse.Namespace, config: RunConfig, say=print) -> int:
    """Check the address, then serve until Ctrl-C or SIGTERM. `config` is the app's validated config."""
    try:
        url = public_url(args.host, args.port, args.public_url)
    except ServeError as exc:
        say(f"nudge: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        from .serve import serve
    except ImportError as exc:
        say(f"nudge: serving needs the serve extra ({exc}): pip install 'nudge[serve]'", file=sys.stderr)
        return EXIT_INVALID
    argv = session_argv(args, config)
    try:
        ended = serve(argv, host=args.host, port=args.port, public_url=url, max_sessions=args.max_sessions,
                      on_listening=lambda: _announce(args.host, args.port, url, argv, say))
    except ServeError as exc:
        say(f"nudge: {exc}", file=sys.stderr)
        return EXIT_INVALID
    say(f"Stopped; {ended} session{'' if ended == 1 else 's'} ended", flush=True)
    return EXIT_OK

