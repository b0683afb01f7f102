"""Did the net find the curve? The seed's rule for its parabola nets, made a measurement.

The notebook says of its sigmoid net: "if you get a straight line, then the network didn't converge. Try
running it again". Here a trained (or training) net is compared with the best straight line through the same
training points (least squares, slope and intercept): ratio = model MSE / line MSE. A net that bent its way
onto the curve leaves a small fraction of the line's error; one stuck on a line leaves all of it.

Measured with the seed's defaults (2000 epochs; `RunController(RunConfig.for_example(id, seed=s)).run()`):
the best line through y = x² on x = −5..5 is the flat y = 10, MSE 78 exactly. The ratios fall in three
clusters and nothing between them:
- parabola-sigmoid, seeds 0..63: 45 seeds found the curve, ratio 0.031-0.041 (seed 0: MSE 2.43, ratio 0.031);
  seeds 3 and 4 fit one arm of the parabola and stay flat on the other side, ratio 0.638 (MSE 49.8), still
  0.637 after 20,000 epochs; 17 seeds (2, 5, 6, 7, 9, ...) stay on the flat line, ratio 1.000 (MSE 78.0).
- parabola-relu with 2 or 3 hidden units, seeds 0..47: found 0.006-0.13, one arm 0.637, flat 1.000.
- parabola-noisy (noise before squaring, so even a good fit keeps the noise), seeds 0..47: curves found
  0.002-0.353 (seed 13 at 0.353 follows the parabola and splits the difference on two wild points); seeds 2,
  17, 30 stay flat, 1.00-1.22 (above 1: a flat line is not the best line through noisy points).
- parabola-relu's defaults (10, 10): 0.000-0.011 for seeds 0..15.
So FOUND_RATIO = 0.4 sits above every curve measured (the worst, noisy, at 0.353; the seed's own sigmoid net at
most 0.041, ten times lower) and below the one-arm fit (0.637); LINE_RATIO = 0.9 sits between the one-arm fit
and the flat line (1.0). While seed 0 trains, its ratio goes 0.79 (epoch 100), 0.40 (300), 0.21 (500), 0.03
(2000): the verdict turns to "found" as the curve visibly forms.

The rule does not apply where a straight line is the right answer or the only one possible: a model without
a non-linear hidden layer (it can only draw lines), a straight-line target (linear-3x, linear-noisy), or so
few distinct points that a line passes through them all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..config import RunConfig
from ..data import Dataset, make_data
from ..models import predict

FOUND_RATIO = 0.4  # model MSE under 40% of the best line's: the curve is found (measurements above)
LINE_RATIO = 0.9  # 90% or more of the line's error: no better than a straight line


@dataclass(frozen=True)
class CurveCheck:
    applies: bool  # False for linear models, linear targets, or too few points
    verdict: str  # "found", "partial", "line", "diverged" or "not applicable"
    found: bool | None  # None when the rule does not apply
    model_mse: float  # the model's mean squared error on the training points
    line_mse: float  # the best straight line's
    ratio: float  # model_mse / line_mse (nan when the rule does not apply)
    line_slope: float  # the best line, y = slope·x + intercept, for drawing it beside the fit
    line_intercept: float
    sentence: str  # the verdict in plain words


def best_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Least-squares straight line through the points: (slope, intercept, its MSE). Needs 2+ distinct x."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    design = np.stack([x, np.ones_like(x)], axis=1)
    (slope, intercept), *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(slope), float(intercept), float(np.mean((design @ [slope, intercept] - y) ** 2))


def judge(model_mse: float, line_mse: float, finished: bool = True) -> tuple[str, str]:
    """(verdict, sentence) for a net whose MSE is model_mse where the best line's is line_mse (> 0). While a
    run is still training (`finished=False`) the sentences say "so far": a net often sits on the line for
    hundreds of epochs before it bends."""
    if not math.isfinite(model_mse):
        return "diverged", "the run blew up: its error is not a number any more, so there is no curve to judge"
    ratio = model_mse / line_mse
    share = f"{ratio:.0%}" if ratio >= 0.01 else "under 1%"
    if ratio < FOUND_RATIO:
        return "found", f"found the curve: its error is {share} of the best straight line's"
    if ratio < LINE_RATIO:
        tail = "try another seed" if finished else "if it stays there, try another seed"
        return "partial", (f"bent only part of the way{'' if finished else ' so far'}: its error is {share} of "
                           f"the best straight line's (often one arm of the parabola fitted and the other side "
                           f"flat); {tail}")
    if finished:
        return "line", ("stuck near a straight line: try another seed (the notebook: if you get a straight "
                        "line, the network didn't converge)")
    return "line", "no better than a straight line so far: if it stays there, try another seed"


def curve_check(x: np.ndarray, y: np.ndarray, prediction: np.ndarray, finished: bool = True) -> CurveCheck:
    """The rule on arrays: training points (x, y) and the model's prediction at each x."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    with np.errstate(all="ignore"):
        model_mse = float(np.mean((np.asarray(prediction, np.float64) - y) ** 2))
    if len(np.unique(x)) < 3:
        return _not_applicable(model_mse, "too few points: a straight line passes through every one of them")
    slope, intercept, line_mse = best_line(x, y)
    if line_mse <= 1e-12 * max(1.0, float(np.mean(y * y))):
        return _not_applicable(model_mse, "the points lie on a straight line, so a line is the right answer",
                               slope, intercept, line_mse)
    verdict, sentence = judge(model_mse, line_mse, finished)
    return CurveCheck(True, verdict, verdict == "found", model_mse, line_mse, model_mse / line_mse, slope,
                      intercept, sentence)


def found_curve(config: RunConfig, flat: np.ndarray, data: Dataset | None = None, *,
                finished: bool = True) -> CurveCheck:
    """The rule for one member of a run: `flat` is its parameter vector (`learner.flat_params()[k]`), `data`
    its training set (default: the config's; member k of a many-seed run has `make_data(config, seed + k)`).
    Pass `finished=False` while the run is still training."""
    if not config.example.is_torch or not config.hidden:
        return _not_applicable(math.nan, "the model is a straight line (no hidden layer), so it cannot bend")
    if all(a == "identity" for a in config.activations):
        return _not_applicable(math.nan, "every activation is the identity, so the net is one straight line")
    data = make_data(config) if data is None else data
    # a data file has no true function: its own points say whether the target is a straight line
    truth = config.example.truth(data.x.astype(np.float64)) if config.example.truth_text else data.y.astype(np.float64)
    if len(np.unique(data.x)) >= 3 and best_line(data.x, truth)[2] <= 1e-12 * max(1.0, float(np.mean(truth ** 2))):
        return _not_applicable(math.nan, f"the target ({config.example.target_text}) is a straight line, so a "
                                         "line is the right answer")
    prediction = predict(flat, config.layer_sizes, config.activations, data.x)
    return curve_check(data.x, data.y, prediction, finished)


def _not_applicable(model_mse: float, why: str, slope: float = math.nan, intercept: float = math.nan,
                    line_mse: float = math.nan) -> CurveCheck:
    return CurveCheck(False, "not applicable", None, model_mse, line_mse, math.nan, slope, intercept,
                      f"does not apply: {why}")
