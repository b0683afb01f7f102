"""K seeds trained at once: member k is exactly the single run with seed S+k."""

import numpy as np
import pytest

from engine import RunConfig, RunController


def run(example, **overrides):
    return RunController(RunConfig.for_example(example, **overrides)).run()


@pytest.mark.parametrize("backend", ["autograd", "auto"])
@pytest.mark.parametrize("example,epochs", [("parabola-relu", 120), ("parabola-noisy", 100), ("nudge-3x", 90)])
def test_member_k_equals_the_single_run_with_seed_s_plus_k(example, epochs, backend):
    # Bit for bit, on every CPU: a member goes through the very operations, in the same order, that its single
    # run does (the autograd loop trains members one after another; the kernel's lanes repeat its scalar
    # arithmetic lane by lane), so nothing can round differently.
    many = run(example, seeds=4, seed=10, epochs=epochs, backend=backend)
    assert [r["seed"] for r in many.runs] == [10, 11, 12, 13]
    for member in many.runs:
        single = run(example, seed=member["seed"], epochs=epochs, backend=backend)
        assert member["status"] == single.status
        for got, want in zip(member["params"], single.params):
            np.testing.assert_array_equal(got, want)
        assert member["loss"] == single.loss


def test_the_run_loss_is_the_median_of_its_members():
    controller = RunController(RunConfig.for_example("parabola-sigmoid", seeds=5, epochs=40))
    result = controller.run()
    assert result.loss == pytest.approx(float(np.median([r["loss"] for r in result.runs])))


def test_a_diverged_member_stops_while_the_others_finish():
    # At this learning rate some seeds of the ReLU net blow up and others do not.
    result = run("parabola-relu", seeds=8, lr=0.02, epochs=300)
    statuses = {r["status"] for r in result.runs}
    assert statuses == {"diverged", "completed"}
    assert result.status == "completed"
    for r in result.runs:
        if r["status"] == "diverged":
            assert r["epochs"] < 300
            assert r["loss"] is None or r["loss"] > 1e6


def test_all_members_diverging_is_a_diverged_run():
    result = run("linear-3x", seeds=3, lr=1.0)
    assert result.status == "diverged" and all(r["status"] == "diverged" for r in result.runs)
