"""A run's metrics as a file's text: CSV (one row per epoch) or JSON lines, written a chunk at a time.

CSV columns: `epoch`, `loss`, then what the run has (`test_loss`; `weight`, `bias`, `grad`, `prediction` for
one-weight models; `weight`, `error`, `next_weight` for nudge-3x), then for a many-seed run one `loss_seed<S>`
column per member (and `test_loss_seed<S>`), and last `version`, the nudge that wrote the file. Numbers are
written with `repr` (exact; `nan` where a member had stopped or a loss blew up).

JSON lines: a first object `{"event": "start", "version": ..., "settings": {...}}`, then one object per epoch
as `nudge run --format jsonl` prints them, then its closing `{"event": "done", ...}` when the run ended with
a result.

The text comes from here; engine/atomic.py makes the file complete or absent.
"""

from __future__ import annotations

import json
import os
from typing import Any, Sequence

import numpy as np

from .config import ConfigError, RunConfig, shortened_path
from .metrics import MetricChunk, json_safe
from .version import nudge_version

FORMATS = ("csv", "jsonl")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_MEMBER_COLUMNS = (("losses", "loss_seed"), ("test_losses", "test_loss_seed"))


def metrics_format(path: str) -> str:
    """"csv" or "jsonl", from the file's name; ConfigError (field "metrics") for any other."""
    suffix = os.path.splitext(str(path))[1].lower()
    if suffix not in _SUFFIXES:
        raise ConfigError(None, f"metrics file {shortened_path(path)!r}: expected a name ending in .csv or .jsonl")
    return _SUFFIXES[suffix]


def _number(value: Any) -> str:
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return repr(float(value))


class MetricsText:
    """The file's text in pieces: `start()` once, `rows(chunk)` for each chunk in epoch order, `end(result)`.
    Every chunk of a run has the same columns, so the CSV header comes from the first one."""

    def __init__(self, config: RunConfig, fmt: str):
        if fmt not in FORMATS:
            raise ValueError(f"fmt: {fmt!r}; expected one of {', '.join(FORMATS)}")
        self.config, self.fmt = config, fmt
        self.version = nudge_version()
        self.columns: list[str] | None = None
        self.rows_written = 0

    def start(self) -> str:
        if self.fmt == "jsonl":
            return json.dumps({"event": "start", "version": self.version, "settings": self.config.to_dict()}) + "\n"
        return ""  # the CSV header needs the first chunk's columns

    def header(self, chunk: MetricChunk) -> list[str]:
        seeds: Sequence[int] = [self.config.seed + k for k in range(self.config.seeds)]
        names = list(chunk.columns())
        for attr, prefix in _MEMBER_COLUMNS:
            if getattr(chunk, attr) is not None:
                names += [f"{prefix}{s}" for s in seeds]
        return names + ["version"]

    def rows(self, chunk: MetricChunk) -> str:
        if not len(chunk):
            return ""
        self.rows_written += len(chunk)
        if self.fmt == "jsonl":
            return "".join(json.dumps(json_safe(row)) + "\n" for row in chunk.rows())
        out = []
        if self.columns is None:
            self.columns = self.header(chunk)
            out.append(",".join(self.columns) + "\n")
        cols = chunk.columns()
        series = [cols[name].tolist() if name in cols else None for name in self.columns[:len(cols)]]
        members = [getattr(chunk, attr).T.tolist() for attr, _ in _MEMBER_COLUMNS if getattr(chunk, attr) is not None]
        for i in range(len(chunk)):
            fields = [_number(s[i]) if s is not None else "" for s in series]
            for m in members:
                fields += [_number(v) for v in m[i]]
            fields.append(self.version)
            out.append(",".join(fields) + "\n")
        return "".join(out)

    def end(self, result_json: dict[str, Any] | None) -> str:
        """The closing line (JSON lines only), from `RunResult.to_json()`; nothing without a result."""
        if self.fmt != "jsonl" or result_json is None:
            return ""
        return json.dumps({**result_json, "version": self.version}) + "\n"


def history_chunk(columns: dict[str, np.ndarray]) -> MetricChunk:
    """A History's columns (the app's record of a run) as one chunk, for `MetricsText.rows`."""
    known = {"epoch", "loss", "test_loss", "weight", "bias", "grad", "prediction", "error", "next_weight"}
    return MetricChunk(**{k: v for k, v in columns.items() if k in known})
