"""The words for where a run is and how each of its members ended: one vocabulary for the engine, the CLI's
JSON and the app.

Both are `str` enums whose members print as their value on every supported Python (3.12 changed how an
f-string shows a `(str, Enum)` member; `StrEnum` is 3.11+), so logs and JSON read `"converged"`, never
`RunState.CONVERGED`. The app's status line owns its own words for them.
"""

from __future__ import annotations

from enum import Enum


class _Word(str, Enum):
    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


class RunState(_Word):
    """A run's state. The last five are final: the run is over."""

    READY = "ready"
    LOADING = "loading"  # building the model (and importing torch the first time)
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"  # trained every epoch asked for
    CONVERGED = "converged"  # every member met its stopping rule (nudge-3x's tolerance)
    DIVERGED = "diverged"  # every member's loss blew up
    STOPPED = "stopped"  # stopped on request before the end
    FAILED = "failed"  # an error ended it

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES


FINAL_STATES = frozenset({RunState.COMPLETED, RunState.CONVERGED, RunState.DIVERGED, RunState.STOPPED,
                          RunState.FAILED})


class MemberStatus(_Word):
    """One member (seed) of a run, while the learner trains it."""

    RUNNING = "running"
    CONVERGED = "converged"
    DIVERGED = "diverged"
