"""Settings from a TOML file: the same keys and the same checks as the command line's flags.

    example = "parabola-relu"
    lr = 0.003
    hidden = [16, 16]

Python 3.10 reads TOML with `tomli` (the same parser that became 3.11's `tomllib`).
"""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from .config import ConfigError, RunConfig

MAX_CONFIG_BYTES = 1 << 20  # a settings file is a few hundred bytes; anything this large is not one


def read_config_file(path: str) -> dict[str, Any]:
    """The file's table, or ConfigError saying what is wrong with it (never an OSError or a traceback)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError("config", f"config: cannot read {path!r}: {exc.strerror or exc}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError("config", f"config: {path!r} is larger than {MAX_CONFIG_BYTES // 1024} KiB; "
                                    "a settings file is a few lines")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("config", f"config: {path!r} is not valid TOML: it is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config", f"config: {path!r} is not valid TOML: {exc}") from None
    except RecursionError:  # arrays or tables nested hundreds deep
        raise ConfigError("config", f"config: {path!r} nests too deeply to be a settings file") from None


def load_config_file(path: str) -> RunConfig:
    """A RunConfig from a TOML file: `example` plus any settings, each checked."""
    return RunConfig.from_mapping(read_config_file(path))
