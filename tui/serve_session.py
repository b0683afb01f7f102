"""What each `nudge serve` session runs: the app (the same `nudge` command line), tied to its server.

tui/serve.py ends every session when it stops. Should the server die without doing so (SIGKILL, a crash), the
kernel sends this process SIGTERM (Linux's parent-death signal), which the app takes as "quit": no session
outlives its server. The server's pid, passed in the environment, closes the gap where the server died before
the signal was asked for.
"""

from __future__ import annotations

import os
import signal
import sys

SERVER_PID_ENV = "NUDGE_SERVE_PID"  # the server sets it for each session it starts
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def tie_to_server(environ=os.environ) -> bool:
    """Ask for SIGTERM when the server goes; False if it has already gone (or this is no session)."""
    server = environ.get(SERVER_PID_ENV, "")
    if not server.isdigit():
        return True
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # no prctl here: the server's own shutdown still ends sessions
            pass
    return os.getppid() == int(server)


def main(argv: list[str] | None = None) -> int:
    if not tie_to_server():
        return 1
    from .cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
