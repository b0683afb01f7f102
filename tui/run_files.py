"""The files `nudge run` writes beside its output: `--save-config`, `--metrics` (and, with weights, more).

Every path is checked before training starts (an existing file without `--force`, a missing or unwritable
folder: one line naming it, exit 2 or 1), so a long run never ends by failing to save. The settings file is
written at once; the metrics file fills a temporary file as the rows are drained and takes its name when the
run ends, however it ends (Ctrl-C included: the file then holds the epochs so far, the same as the output).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

from engine import (AtomicFile, MetricsText, Progress, RunConfig, RunResult, WriteError, check_target, config_toml,
                    load_weights, metrics_format, weights_bytes, write_atomic)


def add_file_flags(parser: argparse.ArgumentParser) -> None:
    """`nudge run`'s file flags."""
    group = parser.add_argument_group("files (each complete or absent; an existing file is kept unless --force)")
    group.add_argument("--save-config", default=None, metavar="FILE.toml",
                       help="write these settings as a TOML file that --config reads back to the same run")
    group.add_argument("--metrics", default=None, metavar="FILE.csv|FILE.jsonl",
                       help="write every epoch's metrics (a Ctrl-C keeps the epochs so far)")
    group.add_argument("--save-weights", default=None, metavar="FILE.pt",
                       help="write the trained model's state_dict (PyTorch) when the run ends")
    group.add_argument("--load-weights", default=None, metavar="FILE.pt",
                       help="start from these weights (a state_dict of this model) instead of the seed's; "
                            "the optimizer starts fresh")
    group.add_argument("--force", action="store_true", help="overwrite files that exist")


def run_files(args: argparse.Namespace, config: RunConfig) -> RunFiles:
    """The files the flags ask for, checked and prepared (WriteError, or ConfigError for a metrics file's name)."""
    files = RunFiles(config, save_config=args.save_config, metrics=args.metrics, save_weights=args.save_weights,
                     force=args.force)
    if args.load_weights is not None:
        files.initial_params = load_weights(args.load_weights, config)  # ConfigError names what does not fit
    files.prepare()
    return files


def write_error_line(exc: WriteError) -> str:
    """The CLI's line for a file it cannot write."""
    return f"nudge: {exc}; use --force to overwrite it" if exc.exists else f"nudge: {exc}"


@dataclass
class RunFiles:
    config: RunConfig
    save_config: str | None = None
    metrics: str | None = None
    save_weights: str | None = None
    force: bool = False
    initial_params: Any = None  # loaded weights to start from (flat), or None
    _metrics_file: AtomicFile | None = None
    _metrics_text: MetricsText | None = None
    written: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.save_weights is not None and not self.config.example.is_torch:
            weights_bytes(self.config, [])  # the engine's refusal: nudge-3x has no PyTorch model
        if self.metrics is not None:
            self._metrics_text = MetricsText(self.config, metrics_format(self.metrics))  # ConfigError: the suffix

    @property
    def any(self) -> bool:
        return bool(self.save_config or self.metrics)

    def prepare(self) -> None:
        """Before training: refuse what could not be written (WriteError), write the settings, open the
        metrics file's temporary file."""
        seen: set[str] = set()
        for path in (self.save_config, self.metrics, self.save_weights):
            if path is None:
                continue
            if path in seen:
                raise WriteError(path, "given for two files")
            seen.add(path)
            check_target(path, self.force)
        if self.save_config is not None:
            write_atomic(self.save_config, config_toml(self.config), force=self.force)
            self.written.append(self.save_config)
        if self.metrics is not None:
            self._metrics_file = AtomicFile(self.metrics, force=self.force).open()
            self._metrics_file.write(self._metrics_text.start())

    def take(self, events: list) -> None:
        """The drained events' rows into the metrics file."""
        if self._metrics_file is None:
            return
        for event in events:
            if isinstance(event, Progress):
                self._metrics_file.write(self._metrics_text.rows(event.chunk))

    def finish(self, result: RunResult | None) -> None:
        """The run ended (with a result, or cut short without one): the metrics file takes its name, and the
        weights are written (those of the last finished epoch, a stopped run's too)."""
        if self.save_weights is not None and result is not None:
            write_atomic(self.save_weights, weights_bytes(self.config, result.params), force=self.force)
            self.written.append(self.save_weights)
        if self._metrics_file is None:
            return
        f, self._metrics_file = self._metrics_file, None
        try:
            f.write(self._metrics_text.end(None if result is None else result.to_json()))
            f.commit()
        except BaseException:
            f.discard()
            raise
        self.written.append(self.metrics)

    def discard(self) -> None:
        if self._metrics_file is not None:
            self._metrics_file.discard()
            self._metrics_file = None
