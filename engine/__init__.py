"""nudge's headless engine: the seed notebook's examples, their hyperparameters, and runs you can steer.

    from engine import RunConfig, RunController
    config = RunConfig.for_example("parabola-relu", lr=0.01)
    result = RunController(config).run()

Comparisons: `run_race` (engine/race.py: SGD, momentum and Adam from the same start) and `run_sweep`
(engine/sweep.py: a grid of learning rate x momentum, or either x seed); their docstrings list their names.

Importing this package imports neither torch, numba nor Textual: torch and numba load when a run builds
its model, and nothing here ever imports the app.
"""

from .config import (ACTIVATIONS, BACKENDS, DATA_DECIDES, FIELDS, FIELDS_BY_NAME, OPTIMIZERS, QUOTE_LIMIT, SEEDS_FIELD,
                     ConfigError, Field, RunConfig, layered, quoted, shortened, shortened_path)
from .config_file import load_config_file, read_config_file
from .atomic import AtomicFile, WriteError, check_target, write_atomic
from .config_toml import config_toml
from .metrics_file import MetricsText, history_chunk, metrics_format
from .version import nudge_version
from .export_code import code_script
from .weights import FRESH_OPTIMIZER, load_weights, weights_bytes
from .controller import Event, HyperChanged, Progress, RunController, RunResult, StateChanged
from .data import Dataset, eval_grid, held_out, make_data, split
from .examples import EXAMPLES, Example, all_examples, example_ids, get_example
from .examples_file import load_examples_file, read_examples_file
from .expression import Expression, parse_expression
from .data_file import DataFile, read_data_file
from .history import Change, History
from .learners import warm_up
from .metrics import MetricChunk, json_safe
from .report import (curve_tally, format_number, format_row, format_summary, log_due, log_epochs, log_interval,
                     log_lines)
from .heatmap import HEAT_BINS, HeatScale, cell_text, heat_bins, heat_scale, legend as heat_legend, own_cell
from .race_view import racer_lines, racer_words
from .chart_labels import PlacedLabel, place_labels
from .runs import (MAX_PINS, MAX_RUNS, TABLE_COLUMNS, PinnedLine, RunLog, RunRecord, TableLayout, finish_record,
                   pinned_curves, pinned_lines, row_detail, run_row, settings_diff, table_layout)
from .spread import (MAX_FAINT, PERCENTILE_FROM, CurveSpread, band_quantiles, band_rule, curve_spread, member_band,
                     member_median)
from .race import (RACERS, Racer, RacerResult, RaceResult, ReachWatch, first_reach, race_configs, run_race,
                   starting_loss)
from .states import FINAL_STATES, MemberStatus, RunState
from .sweep import MAX_CELLS, SweepCell, SweepResult, parse_axis, parse_seed_range, run_sweep
from . import teaching

__all__ = [
    "ACTIVATIONS", "BACKENDS", "DATA_DECIDES", "FIELDS", "FIELDS_BY_NAME", "OPTIMIZERS", "QUOTE_LIMIT", "SEEDS_FIELD",
    "ConfigError",
    "Field",
    "RunConfig", "layered", "quoted", "shortened", "shortened_path",
    "load_config_file", "read_config_file",
    "AtomicFile", "WriteError", "check_target", "write_atomic", "config_toml", "MetricsText", "history_chunk",
    "metrics_format", "nudge_version", "code_script", "FRESH_OPTIMIZER", "load_weights", "weights_bytes",
    "Event", "HyperChanged", "Progress", "RunController", "RunResult", "StateChanged",
    "Dataset", "eval_grid", "held_out", "make_data", "split", "EXAMPLES", "Example", "all_examples", "example_ids", "get_example",
    "load_examples_file", "read_examples_file", "Expression", "parse_expression", "DataFile", "read_data_file",
    "Change", "History", "warm_up", "MetricChunk", "json_safe",
    "curve_tally", "format_number", "format_row", "format_summary", "log_due", "log_epochs", "log_interval", "log_lines",
    "HEAT_BINS", "HeatScale", "cell_text", "heat_bins", "heat_scale", "heat_legend", "own_cell",
    "racer_lines", "racer_words", "PlacedLabel", "place_labels",
    "MAX_PINS", "MAX_RUNS", "TABLE_COLUMNS", "PinnedLine", "RunLog", "RunRecord", "finish_record", "pinned_curves",
    "pinned_lines", "row_detail", "run_row", "settings_diff", "TableLayout", "table_layout",
    "MAX_FAINT", "PERCENTILE_FROM", "CurveSpread", "band_quantiles", "band_rule", "curve_spread", "member_band",
    "member_median",
    "FINAL_STATES", "MemberStatus", "RunState", "teaching",
    "RACERS", "Racer", "RacerResult", "RaceResult", "ReachWatch", "first_reach", "race_configs", "run_race", "starting_loss",
    "MAX_CELLS", "SweepCell", "SweepResult", "parse_axis", "parse_seed_range", "run_sweep",
]
