"""A run's result keeps parameters as numpy until it is written, and the final JSON leaves out members'
parameters when all of them together are large (saying so), instead of running out of memory."""

from __future__ import annotations

import json

import numpy as np

from engine import RunConfig, RunController
from engine.controller import MEMBER_PARAMS_LIMIT


def test_params_stay_numpy_until_json():
    result = RunController(RunConfig.for_example("parabola-relu", seeds=3, epochs=5)).run()
    assert all(isinstance(p, np.ndarray) and p.dtype == np.float32 for p in result.params)
    assert [p.shape for p in result.params] == [(10,), (10,), (100,), (10,), (10,), (1,)]
    for member in result.runs:
        assert all(isinstance(p, np.ndarray) for p in member["params"])
    out = json.loads(json.dumps(result.to_json()))
    assert out["params"] == [p.tolist() for p in result.params]
    assert [len(p) for p in out["runs"][2]["params"]] == [10, 10, 100, 10, 10, 1]
    np.testing.assert_array_equal(np.concatenate(out["runs"][0]["params"]), np.concatenate(result.params))


def test_members_params_are_left_out_past_the_limit_and_the_json_says_so():
    result = RunController(RunConfig.for_example("parabola-relu", seeds=4, epochs=2)).run()
    total = 4 * 141
    kept = result.to_json(member_params_limit=total)
    assert all("params" in r and "params_omitted" not in r for r in kept["runs"])
    left = result.to_json(member_params_limit=total - 1)
    assert all("params" not in r and r["params_omitted"] is True for r in left["runs"])
    assert left["params"] == kept["params"]  # the run's own (member 0's) params are always there
    assert [r["seed"] for r in left["runs"]] == [0, 1, 2, 3] and all("loss" in r for r in left["runs"])


def test_a_large_many_seed_run_writes_a_bounded_final_line():
    config = RunConfig.for_example("parabola-relu", seeds=64, hidden="256,256", epochs=1)
    result = RunController(config).run()
    per_member = sum(p.size for p in result.params)
    assert 64 * per_member > MEMBER_PARAMS_LIMIT
    line = json.dumps(result.to_json())
    assert len(line) < 25 * per_member + 64 * 200  # member 0's params (~22 characters a number), short entries
    assert all(r["params_omitted"] for r in json.loads(line)["runs"])
