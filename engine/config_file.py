"""Settings from a TOML file: the same keys, the same checks and the same rules as the command line's flags.

    example = "parabola-relu"
    lr = 0.003
    hidden = [16, 16]

A key that is not a setting, or a setting that does not apply to the example (`lr` for nudge-3x), is refused
with the explanation the flag would get (RunConfig.from_mapping is strict, like the CLI). Every problem is a
ConfigError, never a traceback: a file that cannot be read, is not UTF-8 or not TOML, nests hundreds deep, or
holds a number too long for Python to convert.

Python 3.10 reads TOML with `tomli` (the same parser that became 3.11's `tomllib`).
"""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from .config import ConfigError, RunConfig, shortened_path

MAX_CONFIG_BYTES = 1 << 20  # a settings file is a few hundred bytes; anything this large is not one


def read_config_file(path: str) -> dict[str, Any]:
    """The file's table, or ConfigError saying what is wrong with it (never an OSError or a traceback)."""
    name = repr(shortened_path(path))
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError("config", f"cannot read {name}: {exc.strerror or exc}") from None
    except ValueError:  # a path with a NUL character in it
        raise ConfigError("config", f"cannot read {name}: not a valid file name") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError("config", f"{name} is larger than {MAX_CONFIG_BYTES // 1024} KiB; "
                                    "a settings file is a few lines")
    return parse_config_text(raw, name)


def parse_config_text(raw: bytes | str, name: str = "the config") -> dict[str, Any]:
    """TOML text (bytes are decoded as UTF-8) as a table, or ConfigError. `name` says which file, in messages."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return tomllib.loads(text)
    except UnicodeDecodeError:
        raise ConfigError("config", f"{name} is not valid TOML: it is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config", f"{name} is not valid TOML: {exc}") from None
    except RecursionError:  # arrays or inline tables nested hundreds deep
        raise ConfigError("config", f"{name} nests too deeply to be a settings file") from None
    except ValueError as exc:  # a number past Python's digit limit for int(), an impossible date
        reason = str(exc).split(";")[0]  # not Python's advice to raise the limit
        raise ConfigError("config", f"{name} is not valid TOML: {reason}") from None


def load_config_file(path: str) -> RunConfig:
    """A RunConfig from a TOML file: `example` plus any settings, each checked by the CLI's rules. A problem
    with a setting is a ConfigError with `where="file"` and `source=path`, so it can be shown as
    `path: x_min: ...` (the file's own key)."""
    data = read_config_file(path)
    try:
        return RunConfig.from_mapping(data)
    except ConfigError as exc:
        exc.where, exc.source = "file", str(path)
        raise
