"""A metrics file's text: the CSV columns and the JSON lines, exact numbers, one column per member."""

import csv
import io
import json
import math

import numpy as np
import pytest

from engine import ConfigError, MetricChunk, MetricsText, RunConfig, history_chunk, metrics_format, nudge_version


def chunk(first, n, members=1, weights=False):
    epochs = np.arange(first, first + n, dtype=np.int64)
    loss = 1.0 / epochs
    c = MetricChunk(epoch=epochs, loss=loss)
    if members > 1:
        c.losses = np.stack([loss * (k + 1) for k in range(members)])
        c.losses[1, -1] = np.nan  # member 1 stopped
    if weights:
        c.weight, c.bias, c.grad, c.prediction = loss + 2, loss - 1, -loss, loss * 3
    return c


def test_csv_has_a_header_then_one_exact_row_per_epoch_across_chunks():
    text = MetricsText(RunConfig.for_example("linear-3x"), "csv")
    out = text.start() + text.rows(chunk(1, 3, weights=True)) + text.rows(chunk(4, 2, weights=True)) + text.end({})
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["epoch", "loss", "weight", "bias", "grad", "prediction", "version"]
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4, 5]
    assert [float(r["loss"]) for r in rows] == [1 / e for e in range(1, 6)]  # repr: the same floats back
    assert {r["version"] for r in rows} == {nudge_version()}


def test_many_seeds_get_one_loss_column_per_member_named_by_its_seed():
    config = RunConfig.for_example("parabola-sigmoid", seeds=3, seed=5)
    out = MetricsText(config, "csv").rows(chunk(1, 2, members=3))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["epoch", "loss", "loss_seed5", "loss_seed6", "loss_seed7", "version"]
    assert float(rows[1]["loss_seed7"]) == 3 / 2 and math.isnan(float(rows[1]["loss_seed6"]))


def test_jsonl_starts_with_the_version_and_settings_and_ends_with_the_result():
    config = RunConfig.for_example("linear-3x", epochs=2)
    text = MetricsText(config, "jsonl")
    lines = [json.loads(x) for x in (text.start() + text.rows(chunk(1, 2)) + text.end({"event": "done"})).splitlines()]
    assert lines[0] == {"event": "start", "version": nudge_version(), "settings": config.to_dict()}
    assert [r["epoch"] for r in lines[1:-1]] == [1, 2]
    assert lines[-1] == {"event": "done", "version": nudge_version()}
    assert text.end(None) == ""  # a run cut short without a result: the rows so far, no closing line


def test_a_loss_that_blew_up_is_null_in_json_and_nan_or_inf_in_csv():
    c = MetricChunk(epoch=np.array([1, 2]), loss=np.array([math.inf, math.nan]))
    assert [json.loads(x)["loss"] for x in MetricsText(RunConfig.for_example("linear-3x"), "jsonl").rows(c).splitlines()] \
        == [None, None]
    assert MetricsText(RunConfig.for_example("linear-3x"), "csv").rows(c).splitlines()[1:] == \
        [f"1,inf,{nudge_version()}", f"2,nan,{nudge_version()}"]


def test_the_apps_history_columns_make_a_chunk():
    c = chunk(1, 4, weights=True)
    assert history_chunk({**c.columns(), "unknown": np.zeros(4)}).columns().keys() == c.columns().keys()


@pytest.mark.parametrize("name, fmt", [("m.csv", "csv"), ("M.CSV", "csv"), ("a/b.jsonl", "jsonl")])
def test_the_format_follows_the_file_name(name, fmt):
    assert metrics_format(name) == fmt


@pytest.mark.parametrize("name", ["m.txt", "m", "csv", "m.csv.gz"])
def test_other_names_are_refused_saying_what_is_allowed(name):
    with pytest.raises(ConfigError, match="expected a name ending in .csv or .jsonl"):
        metrics_format(name)
