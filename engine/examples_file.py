"""Custom examples from a TOML file (`nudge --examples FILE`), listed beside the built-in ones.

    [[example]]
    id = "damped-wave"
    title = "A damped wave"                  # optional (the id); summary and explanation are optional too
    target = "exp(-x^2 / 8) * sin(3 * x)"
    epochs = 600                             # any setting of the custom example, as in a config file
    hidden = [32, 32]

    [[example]]
    id = "my-points"
    data = "points.csv"                      # relative to this file's folder
    x_col = "time"
    y_col = "height"

Each entry is the `custom` example with its own id, texts and defaults: its settings are checked by the same
rules as a config file's (RunConfig.for_example, strict), and a problem is a ConfigError that names the file,
the entry and the key.
"""

from __future__ import annotations

import os
import re
from types import MappingProxyType
from typing import Any

from .config import ConfigError, RunConfig, quoted, resolve_custom, shortened_path
from .config_file import read_config_file
from .examples import Example, add_examples, example_ids, get_example

MAX_EXAMPLES = 100
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_TEXTS = {"title": 80, "summary": 200, "explanation": 2000}  # the texts an entry may give, and their lengths


def _problem(path: str, entry: str, message: str) -> ConfigError:
    return ConfigError("examples", f"{shortened_path(path)!r}: {entry}{message}")


def read_examples_file(path: str) -> list[Example]:
    """The file's examples, each validated, or ConfigError naming the file, the entry and the key."""
    try:
        data = read_config_file(path)
    except ConfigError as exc:  # cannot be read, not TOML, too large: said as the file's own problem
        raise ConfigError("examples", exc.explanation()) from None
    unknown = [key for key in data if key != "example"]
    if unknown:
        raise _problem(path, "", f"{quoted(unknown[0])} is not a key of an examples file; each example is an "
                                 "[[example]] table with an id, a target or data, and its settings")
    entries = data.get("example")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise _problem(path, "", "holds no [[example]] tables; each example is an [[example]] table with an id "
                                 "and a target or data")
    if len(entries) > MAX_EXAMPLES:
        raise _problem(path, "", f"holds {len(entries):,} examples; at most {MAX_EXAMPLES}")
    taken = set(example_ids())
    out = []
    for number, entry in enumerate(entries, start=1):
        example = _example(path, number, dict(entry), taken)
        taken.add(example.id)
        out.append(example)
    return out


def load_examples_file(path: str) -> list[Example]:
    """Read the file's examples and add them to the registry (nudge list, nudge run ID, the app's list)."""
    examples = read_examples_file(path)
    add_examples(examples)
    return examples


def _example(path: str, number: int, entry: dict[str, Any], taken: set[str]) -> Example:
    example_id = entry.pop("id", None)
    where = f"example {number}: "
    if not isinstance(example_id, str) or not _ID.match(example_id):
        raise _problem(path, where, f"id: {quoted(example_id)} is not allowed; expected 1 to 40 lower-case "
                                    "letters, digits, - or _, starting with a letter or digit")
    where = f"example {number} ({example_id}): "
    if example_id in taken:
        raise _problem(path, where, "id: already taken; each example needs an id of its own")
    texts = {}
    for key, limit in _TEXTS.items():
        value = entry.pop(key, None)
        if value is not None and (not isinstance(value, str) or not value.strip() or len(value) > limit):
            raise _problem(path, where, f"{key}: {quoted(value)} is not allowed; expected text of 1 to {limit} "
                                        "characters")
        texts[key] = value.strip() if isinstance(value, str) else None
    if not str(entry.get("target", "")).strip() and not str(entry.get("data", "")).strip():
        raise _problem(path, where, "needs a target (an expression in x) or data (a CSV file)")
    data = entry.get("data")
    if isinstance(data, str) and data.strip() and not os.path.isabs(data.strip()):
        entry["data"] = os.path.join(os.path.dirname(os.path.abspath(path)), data.strip())
    for key in ("example", "version"):
        if key in entry:
            raise _problem(path, where, f"{key}: not a setting of an example entry")
    try:  # the custom example's rules, as a config file with these settings
        config = RunConfig.for_example("custom", strict=True, **entry)
    except ConfigError as exc:
        raise _problem(path, where, exc.message("file")) from None
    base = get_example("custom")
    defaults = dict(base.defaults)
    defaults.update({name: getattr(config, name) for name in entry})
    defaults["target"], defaults["data"] = config.target, config.data  # one of them, the other cleared
    what = f"y = {config.target}" if config.target else f"the points in {os.path.basename(config.data)}"
    example = Example(
        id=example_id,
        title=texts["title"] or example_id,
        summary=texts["summary"] or f"Your own example: {what}.",
        explanation=texts["explanation"] or (f"A custom example from {os.path.basename(path)}: {what}. "
                                             + base.explanation),
        kind=base.kind, target=base.target, target_text=base.target_text, truth_text=base.truth_text,
        defaults=MappingProxyType(defaults), custom=True)
    return resolve_custom(example, config.target, config.data)
