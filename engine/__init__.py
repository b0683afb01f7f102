"""nudge's headless engine: the seed notebook's examples, their hyperparameters, and runs you can steer.

    from engine import RunConfig, RunController
    config = RunConfig.for_example("parabola-relu", lr=0.01)
    result = RunController(config).run()

Importing this package does not import torch (or numba): they load when a run builds its model.
"""

from .config import ACTIVATIONS, FIELDS, FIELDS_BY_NAME, OPTIMIZERS, ConfigError, Field, RunConfig
from .controller import (COMPLETED, CONVERGED_STATE, DIVERGED_STATE, FAILED, FINAL_STATES, LOADING, PAUSED,
                         READY, RUNNING, STOPPED, Event, HyperChanged, Progress, RunController, RunResult,
                         StateChanged)
from .data import Dataset, eval_grid, make_data
from .examples import EXAMPLES, Example, example_ids, get_example
from .history import Change, History
from .learner import preload
from .metrics import MetricChunk
from .report import format_row, format_summary, log_due, log_interval, log_lines

__all__ = [
    "ACTIVATIONS", "FIELDS", "FIELDS_BY_NAME", "OPTIMIZERS", "ConfigError", "Field", "RunConfig",
    "COMPLETED", "CONVERGED_STATE", "DIVERGED_STATE", "FAILED", "FINAL_STATES", "LOADING", "PAUSED", "READY",
    "RUNNING", "STOPPED", "Event", "HyperChanged", "Progress", "RunController", "RunResult", "StateChanged",
    "Dataset", "eval_grid", "make_data", "EXAMPLES", "Example", "example_ids", "get_example",
    "Change", "History", "preload", "MetricChunk", "format_row", "format_summary", "log_due", "log_interval", "log_lines",
]
