"""A run's settings as TOML text: what `--save-config` and the app's save key write, and what `--config`
reads back to the very same RunConfig.

Every setting that matters for the example is written (not only those that differ from its defaults: a
later nudge may change a default, and the file must still reproduce the run). Floats are written with
`repr`, the shortest text that reads back as the same float, so the round trip is exact. The file says
which nudge wrote it (`version`, which any version reads and ignores).
"""

from __future__ import annotations

import math
from typing import Any

from .config import RunConfig
from .version import nudge_version


def toml_value(value: Any) -> str:
    """One TOML value: a bool, an int, a finite float, a string or a list of those."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a setting cannot be {value!r}")
        return repr(value)  # '0.001', '1e-05', '3.0': each valid TOML, each the exact float back
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def toml_string(text: str) -> str:
    """A TOML basic string: quotes and backslashes escaped, control characters (and DEL) as \\uXXXX."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def config_toml(config: RunConfig) -> str:
    """The settings file for `config`: `nudge run --config FILE` trains the same run."""
    lines = [
        "# nudge settings: `nudge run --config THIS_FILE` trains this run again, `nudge --config THIS_FILE`",
        "# opens it in the app. Flags given beside --config override these values.",
        f"version = {toml_string(nudge_version())}",
    ]
    for key, value in config.to_dict().items():
        lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines) + "\n"
