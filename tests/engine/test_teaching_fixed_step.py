"""nudge-3x on its loss curve: fixed steps toward y/x either land within the tolerance or bounce for ever."""

import random

import numpy as np
import pytest

from engine import RunConfig, RunController
from engine.teaching.fixed_step import fixed_step_outcome, fixed_step_view, fixed_step_view_for


def simulate(w, x, y, step, tolerance, limit=10_000):
    """The learner's own loop (engine/learners/fixed_step.py): the weights it visits until it stops."""
    visited = []
    for _ in range(limit):
        visited.append(w)
        err = x * w - y
        if abs(err) <= tolerance:
            return visited, True
        w = w - step if err >= 0 else w + step
    return visited, False


def test_the_seeds_settings_always_land_because_the_step_is_narrower_than_the_band():
    # x=3, tolerance 0.1: the band around w*=3 is 2*0.1/3 = 0.067 wide, wider than the step 0.05
    for w0 in (0.0, 0.3, 0.844, 0.999):
        out = fixed_step_outcome(w0, 3.0, 9.0, 0.05, 0.1)
        assert out.lands and out.max_sure_step == pytest.approx(0.2 / 3)
        assert abs(out.lands_at * 3 - 9) <= 0.1
        visited, stopped = simulate(w0, 3.0, 9.0, 0.05, 0.1)
        assert stopped and out.steps == len(visited) - 1 and out.lands_at == pytest.approx(visited[-1])


def test_a_step_wider_than_the_band_can_bounce_for_ever_and_says_why():
    out = fixed_step_outcome(0.5, 3.0, 9.0, 0.2, 0.1)  # reachable weights 2.9 and 3.1: errors -0.3, +0.3
    assert not out.lands and out.steps is None
    assert out.pair == pytest.approx((2.9, 3.1)) and out.pair_errors == pytest.approx((-0.3, 0.3))
    assert out.reason.startswith("it bounces between w = 2.9 and 3.1") and "never stops" in out.reason
    visited, stopped = simulate(0.5, 3.0, 9.0, 0.2, 0.1, limit=100)
    assert not stopped and set(np.round(visited[-4:], 9)) == {2.9, 3.1}


def test_a_wide_step_still_lands_when_the_start_lines_up_with_the_target():
    out = fixed_step_outcome(0.01, 3.0, 9.0, 0.2, 0.1)  # 0.01 + 15 * 0.2 = 3.01: error 0.03
    assert out.lands and out.steps == 15 and out.lands_at == pytest.approx(3.01)


@pytest.mark.parametrize("seed", range(40))
def test_the_outcome_matches_the_learners_own_loop(seed):
    rng = random.Random(seed)
    w0, x, y = rng.uniform(-5, 5), rng.uniform(0.2, 4), rng.uniform(-10, 10)
    step, tolerance = rng.uniform(0.01, 0.5), rng.uniform(0.01, 0.5)
    out = fixed_step_outcome(w0, x, y, step, tolerance)
    visited, stopped = simulate(w0, x, y, step, tolerance)
    assert out.lands == stopped
    if stopped:
        assert out.steps == len(visited) - 1 and out.lands_at == pytest.approx(visited[-1], abs=1e-9)
    else:
        assert sorted(set(np.round(visited[-4:], 9))) == pytest.approx(list(out.pair), abs=1e-9)


def test_a_weight_already_within_the_tolerance_stops_where_it_is():
    out = fixed_step_outcome(3.02, 3.0, 9.0, 0.05, 0.1)
    assert out.lands and out.steps == 0 and out.pair is None and "stops here" in out.reason


def test_with_a_negative_x_the_rule_walks_away_from_the_target():
    out = fixed_step_outcome(0.5, -3.0, -9.0, 0.05, 0.1)
    assert not out.lands and out.target == 3.0 and "away" in out.reason
    visited, stopped = simulate(0.5, -3.0, -9.0, 0.05, 0.1, limit=50)
    assert not stopped and abs(visited[-1] - 3.0) > abs(visited[0] - 3.0)


def test_the_view_draws_the_single_sample_loss_the_next_nudge_and_the_bounce_pair():
    view = fixed_step_view(0.5, 3.0, 9.0, 0.2, 0.1, path=[0.1, 0.3, 0.5])
    np.testing.assert_allclose(view.loss, (view.ws * 3.0 - 9.0) ** 2)
    assert view.error == pytest.approx(-7.5) and view.current_loss == pytest.approx(56.25)
    assert view.next_weight == pytest.approx(0.7) and view.next_loss == pytest.approx((0.7 * 3 - 9) ** 2)
    for w in (0.1, 3.0, *view.outcome.pair):
        assert view.ws[0] < w < view.ws[-1]


def test_for_the_nudge_example_the_view_starts_from_the_learners_weight():
    config = RunConfig.for_example("nudge-3x", epochs=1)
    controller = RunController(config)
    controller.run()
    flat = controller.learner.flat_params()[0]
    view = fixed_step_view_for(config, flat, path=controller.history.column("weight"))
    assert view.weight == flat[0] and view.outcome.lands
    full = RunController(RunConfig.for_example("nudge-3x"))
    result = full.run()
    # one iteration done; the learner stops on the iteration that sees the landing weight
    assert result.epochs == 1 + view.outcome.steps + 1
    assert full.learner.flat_params()[0][0] == pytest.approx(view.outcome.lands_at)
