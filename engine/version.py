"""nudge's version, as installed: the one string `nudge --version` prints and every file nudge writes carries."""

from __future__ import annotations

from functools import lru_cache

UNKNOWN_VERSION = "0+unknown"  # run from a source tree that was never installed


@lru_cache(maxsize=1)
def nudge_version() -> str:
    """The installed package's version (importlib.metadata), or UNKNOWN_VERSION when it is not installed."""
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - every supported Python has it
        return UNKNOWN_VERSION
    try:
        return version("nudge")
    except PackageNotFoundError:
        return UNKNOWN_VERSION
