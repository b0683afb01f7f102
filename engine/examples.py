"""The seed notebook's examples, as data: one registry, one entry each.

An entry says what the example teaches, where its data comes from, which model the seed builds and the
seed's hyperparameters. Nothing here imports torch: the list, the CLI's help and the TUI's first frame read
it before any training starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np

#: A target takes x and one standard-normal draw per point (already scaled by the noise level) and
#: returns y. With zero noise it is the true function the fit chart draws.
Target = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    summary: str  # one line, for lists
    explanation: str  # a paragraph, for help screens
    kind: str  # "nudge" (framework-free learner) or "torch"
    target: Target
    target_text: str  # the target as a formula a person reads
    truth_text: str  # the noise-free function, or "" when the data is not a function plus noise
    defaults: Mapping[str, Any] = field(default_factory=dict)
    #: A person's own target or data (the `custom` entry, or one from `nudge --examples FILE`): the settings
    #: target, data, x_col and y_col apply, and RunConfig.example gives the target its config names.
    custom: bool = False

    @property
    def is_torch(self) -> bool:
        return self.kind == "torch"

    @property
    def scopes(self) -> frozenset[str]:
        """What a setting's `applies` may name to apply here: "all", the kind, and "custom" for custom ones."""
        return frozenset({"all", self.kind, *(("custom",) if self.custom else ())})

    def truth(self, xs: np.ndarray) -> np.ndarray:
        """The noise-free target at xs (what the model should learn)."""
        xs = np.asarray(xs, dtype=np.float64)
        return self.target(xs, np.zeros_like(xs))


def _custom_target(x: np.ndarray, e: np.ndarray) -> np.ndarray:
    """The custom entry's own default target, for code that reads the registry without a config (a config's
    target, whatever it is, comes from RunConfig.example)."""
    from .expression import parse_expression  # the expression language needs the config's errors

    return parse_expression(CUSTOM_TARGET).evaluate(x) + e


CUSTOM_TARGET = "sin(x) * x"


def _example(**kw: Any) -> Example:
    kw["defaults"] = MappingProxyType(dict(kw["defaults"]))
    return Example(**kw)


# Shared seed settings, so each entry below lists only what makes it different.
_SGD = {"optimizer": "sgd", "batch_size": 1, "weight_decay": 0.0, "zero_grad": True, "noise": 0.0}

EXAMPLES: tuple[Example, ...] = (
    _example(
        id="nudge-3x",
        title="Nudge a weight by hand (no framework)",
        summary="Learn b in f(x)=3x from one sample by stepping the weight toward the target.",
        explanation=(
            "The simplest learner there is. Start with a random weight b in [0, 1), predict b*x for the one "
            "sample (x=3, y=9), look at the error, and nudge b by a fixed step in the direction that shrinks "
            "it. Stop when the error is within the tolerance. Because the step never shrinks, the error "
            "rarely reaches exactly zero: the learner gets close, not exact. Data, a training loop and "
            "inference: every example after this one has the same three parts."
        ),
        kind="nudge",
        target=lambda x, e: 3.0 * x + e,
        target_text="y = 3x",
        truth_text="3x",
        defaults={"step": 0.05, "tolerance": 0.1, "sample_x": 3.0, "sample_y": 9.0, "epochs": 90,
                  "seed": 0, "eval_min": -1.0, "eval_max": 6.0},
    ),
    _example(
        id="linear-3x",
        title="PyTorch learns f(x)=3x",
        summary="One Linear(1,1) layer, SGD with momentum, six points on y=3x.",
        explanation=(
            "The same lesson with PyTorch: a Linear(1,1) layer holds the weight (and a bias) and SGD does "
            "the nudging. Each sample's squared error is differentiated (backward) and the optimizer moves "
            "every parameter against its gradient, scaled by the learning rate. Momentum keeps part of the "
            "previous move. Watch the weight approach 3 and the bias approach 0."
        ),
        kind="torch",
        target=lambda x, e: 3.0 * x + e,
        target_text="y = 3x",
        truth_text="3x",
        defaults={**_SGD, "lr": 0.01, "momentum": 0.2, "epochs": 201, "seed": 0, "hidden": (),
                  "activation": (), "x_min": 1.0, "x_max": 6.0, "points": 6, "eval_min": -2.0,
                  "eval_max": 10.0},
    ),
    _example(
        id="linear-noisy",
        title="Linear regression on noisy data",
        summary="Fit a straight line through y = x plus Gaussian noise.",
        explanation=(
            "Real data is noisy. The points lie on y = x plus a random draw from a normal distribution, so "
            "no line passes through all of them: the loss cannot reach zero, and per-sample SGD keeps "
            "pulling the line toward whichever point it saw last. The loss settles at the noise level, not "
            "at zero. Raise the noise, or change the seed for other noise."
        ),
        kind="torch",
        target=lambda x, e: x + e,
        target_text="y = x + noise",
        truth_text="x",
        defaults={**_SGD, "lr": 0.001, "momentum": 0.2, "epochs": 101, "seed": 0, "hidden": (),
                  "activation": (), "noise": 1.0, "x_min": 0.0, "x_max": 9.0, "points": 10,
                  "eval_min": -3.0, "eval_max": 15.0},
    ),
    _example(
        id="parabola-sigmoid",
        title="A parabola with a tiny sigmoid net",
        summary="Linear(1,2), Sigmoid, Linear(2,1) on y=x^2; often ends as a straight line.",
        explanation=(
            "A straight line cannot bend, so the model needs a hidden layer with a non-linear activation. "
            "Two sigmoid units give it two smooth steps to build a curve from. With so few units and a "
            "small learning rate it often stalls on a straight line for hundreds of epochs, and some seeds "
            "never leave it: the seed notebook says 'if you get a straight line, run it again'. Outside "
            "the training range the sigmoids flatten out, so the net's predictions beyond x=5 stop rising "
            "(extrapolation fails)."
        ),
        kind="torch",
        target=lambda x, e: x**2 + e,
        target_text="y = x^2",
        truth_text="x^2",
        defaults={**_SGD, "lr": 0.001, "momentum": 0.1, "epochs": 2000, "seed": 0, "hidden": (2,),
                  "activation": ("sigmoid",), "x_min": -5.0, "x_max": 5.0, "points": 11,
                  "eval_min": -5.0, "eval_max": 10.0},
    ),
    _example(
        id="parabola-relu",
        title="More layers and nodes: a ReLU net",
        summary="Linear(1,10), ReLU, Linear(10,10), ReLU, Linear(10,1) on y=x^2.",
        explanation=(
            "More units and a second hidden layer. Each ReLU unit is a hinge, and the net sums hinges "
            "into a piecewise-straight curve that can hug the parabola; the training loss falls far "
            "lower than the sigmoid net's. Past the training range, though, the last hinges carry on as "
            "straight lines: evaluated on -10..10, the fit drifts away from x^2."
        ),
        kind="torch",
        target=lambda x, e: x**2 + e,
        target_text="y = x^2",
        truth_text="x^2",
        defaults={**_SGD, "lr": 0.001, "momentum": 0.1, "epochs": 2000, "seed": 0, "hidden": (10, 10),
                  # one activation name serves every hidden layer, so --hidden can change their count
                  "activation": ("relu",), "x_min": -5.0, "x_max": 5.0, "points": 11,
                  "eval_min": -10.0, "eval_max": 10.0},
    ),
    _example(
        id="parabola-noisy",
        title="A noisy non-linear target",
        summary="y = (x + noise)^2 with a sigmoid-then-ReLU net, Linear(1,5)..Linear(5,1).",
        explanation=(
            "The noise is added to x before squaring, so points far from zero scatter widely. The net mixes "
            "a sigmoid layer and a ReLU layer. It cannot (and should not) pass through every point: the "
            "best fit follows the trend, and the loss stays well above zero. Try less noise to see the "
            "parabola return, or more epochs to watch it chase the noise."
        ),
        kind="torch",
        target=lambda x, e: (x + e) ** 2,
        target_text="y = (x + noise)^2",
        truth_text="x^2",
        defaults={**_SGD, "lr": 0.001, "momentum": 0.1, "epochs": 1000, "seed": 0, "hidden": (5, 5),
                  "activation": ("sigmoid", "relu"), "noise": 1.0, "x_min": -5.0, "x_max": 5.0,
                  "points": 11, "eval_min": -8.0, "eval_max": 8.0},
    ),
    _example(
        id="custom",
        title="Your own target or data",
        summary="Any function of x you type (sin(x) * x, x^3 - 2*x, ...), or x,y points from a CSV file.",
        explanation=(
            "Type a function of x as the target (sin(x) * x, abs(x), exp(-x^2), where(x > 0, x, 0); ^ is a "
            "power) or name a CSV file of x,y rows as the data, and watch a net learn it. The defaults suit "
            "most smooth targets on -5..5: 21 points; two hidden layers of 16 tanh units, smooth curves "
            "rather than ReLU's hinges; Adam at lr 0.01 on the whole set each step, since Adam scales its "
            "steps per weight, so one rate suits targets of different sizes; 500 epochs. The fit is drawn 30% "
            "past the data on each side, to show how it extrapolates."
        ),
        kind="torch",
        target=_custom_target,
        target_text=f"y = {CUSTOM_TARGET}",
        truth_text=CUSTOM_TARGET,
        # Chosen by measurement (8 seeds each, the kernel): with these defaults sin(x) * x, x^2, abs(x),
        # exp(-x^2), where(x > 0, x, 0), tanh(3x) and sin(2x) end with a loss under 2% of the target's variance
        # for every seed, in a few milliseconds of training; 300 epochs left x^2 and sin(2x) 3-5x higher, and
        # lr 0.03 or 0.05 left a seed of x^2 on a flat line. A large target (x^3 - 2x, up to 115) needs more
        # epochs or a larger lr.
        defaults={"optimizer": "adam", "lr": 0.01, "momentum": 0.0, "batch_size": 0, "weight_decay": 0.0,
                  "zero_grad": True, "noise": 0.0, "epochs": 500, "seed": 0, "hidden": (16, 16),
                  "activation": ("tanh",), "x_min": -5.0, "x_max": 5.0, "points": 21,
                  "target": CUSTOM_TARGET, "data": "", "x_col": "1", "y_col": "2"},
        custom=True,
    ),
)

#: Custom examples loaded from a file (`nudge --examples FILE`), after the built-in ones, in file order.
_ADDED: list[Example] = []
_BY_ID = {example.id: example for example in EXAMPLES}


def all_examples() -> tuple[Example, ...]:
    """The built-in examples, then any loaded from a file."""
    return (*EXAMPLES, *_ADDED)


def example_ids() -> list[str]:
    return [example.id for example in all_examples()]


def add_examples(examples: list[Example]) -> None:
    """Register custom examples (engine/examples_file.py reads them) beside the built-in ones, for the rest
    of the process. An id already taken is refused by the reader, not here."""
    for example in examples:
        _ADDED.append(example)
        _BY_ID[example.id] = example


def remove_added_examples() -> None:
    """Forget the examples added by add_examples (tests use it to leave the registry as they found it)."""
    for example in _ADDED:
        _BY_ID.pop(example.id, None)
    _ADDED.clear()


def get_example(example_id: str) -> Example:
    """The example with this id; KeyError names the ones that exist."""
    try:
        return _BY_ID[example_id]
    except KeyError:
        raise KeyError(
            f"unknown example {example_id!r}; choose one of: {', '.join(example_ids())}"
        ) from None
