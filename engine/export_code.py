"""A run as a standalone PyTorch script: `nudge code ID [flags]` and the app's code screen.

The script imports numpy and torch, never nudge, and reads top to bottom like the seed notebook, corrected:
the settings, the data, the model, the loss, the optimizer, the loop with `optimizer.zero_grad()` in place
(left out, and said so, when the run reproduces the notebook's bug). Run, it trains to the very parameters
`nudge run ID [flags] --backend autograd` ends on, bit for bit, because it does the same operations in the
same order:
- the data as engine/data.py makes it: numpy's linspace in float64, the noise from
  `np.random.default_rng(seed).standard_normal(points) * noise`, the target's own expression (`target_source`,
  held to the registry's function by a test; for a custom target, the parsed expression's `numpy_source()`;
  for a custom CSV file, a reader with engine/data_file.py's rules and the columns it found), then float32; the
  held-out points as engine/data.held_out picks them;
- the initial weights from `torch.manual_seed(seed)` and then building the layers in order, which is what the
  engine's private generator reproduces (engine/models.py, tests/engine/test_run_seeding.py);
- the loop of engine/learners/autograd.py: per batch in data order, zero_grad, forward, the mean of
  (y - prediction)**2, backward, step; the optimizer built with the same arguments.
A run that blows up stops by the engine's rule (the loss non-finite or over 10^6 times the starting loss); the
script measures the starting loss in float32 where the engine uses float64, so only a loss within rounding of
that limit could stop one epoch apart.

Nothing a person typed becomes code: numbers are written by `repr` of the checked values, the example's id and
any other text as `repr` strings, activations through a fixed table of class names.
For nudge-3x the script is the framework-free loop (Python's `random`, no torch).
"""

from __future__ import annotations


from .config import ConfigError, RunConfig, held_out_step
from .layout import param_count
from .learners.base import EXPLOSION_FACTOR
from .report import log_interval
from .version import nudge_version

#: Each built-in example's target as numpy source in `x` (float64 array) and `eps` (the scaled noise), the very
#: expression of its registry function (engine/examples.py), so the script's y equals the engine's bit for bit.
TARGET_SOURCES: dict[str, str] = {
    "linear-3x": "3.0 * x + eps",
    "linear-noisy": "x + eps",
    "parabola-sigmoid": "x**2 + eps",
    "parabola-relu": "x**2 + eps",
    "parabola-noisy": "(x + eps) ** 2",
}

PRINTED_PARAMS = 20  # a script prints its trained parameters up to this many, else the model's layers

_MODULES = {"relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "leaky_relu": "nn.LeakyReLU()",
            "identity": "nn.Identity()"}

def check_exportable(config: RunConfig) -> None:
    """ConfigError when the run cannot be one script: many seeds (a script trains one model)."""
    if config.seeds != 1:
        raise ConfigError("seeds", f"{config.seeds} seeds: a script trains one model; use --seed S for the one "
                                   f"you want (a run of K seeds trains seeds {config.seed}..{config.seed + config.seeds - 1})")


def target_source(config: RunConfig) -> str:
    """The example's target as numpy source in `x` and `eps`; ConfigError when nudge has none for it."""
    if config.example.custom and config.target:  # generated from the parsed expression, never the typed text
        from .expression import parse_expression

        return f"({parse_expression(config.target).numpy_source()}) + eps"
    try:
        return TARGET_SOURCES[config.example_id]
    except KeyError:
        raise ConfigError("example", f"{config.example_id!r} has no script form yet") from None


def _from_file(config: RunConfig) -> bool:
    """A custom example whose points come from a CSV file (`--data`), not from a target."""
    return config.example.custom and bool(config.data) and not config.target


def data_lines(config: RunConfig) -> list[str]:
    """Lines that set `x` and `y` (float64 numpy arrays, one value per point, in data order) as engine/data.py
    makes them."""
    if _from_file(config):
        return _csv_data_lines(config)
    return [
        "# Evenly spaced inputs, the example's target, and Gaussian noise drawn from the seed (numpy, float64).",
        "x = np.linspace(X_MIN, X_MAX, POINTS) if POINTS > 1 else np.array([X_MIN])",
        "eps = np.random.default_rng(SEED).standard_normal(POINTS) * NOISE  # one normal draw per point",
        f"y = {target_source(config)}",
    ]


def _csv_data_lines(config: RunConfig) -> list[str]:
    """A custom example's points from its CSV file, read by the rules of engine/data_file.py (the columns
    resolved here, by nudge, as the run resolved them), with the run's noise added to y."""
    from .data_file import read_data_file

    points = read_data_file(config.data, config.x_col, config.y_col)
    return [
        f"DATA_FILE = {config.data!r}  # the CSV file the run read (a relative path is from where nudge ran)",
        f"X_COLUMN, Y_COLUMN = {points.x_index!r}, {points.y_index!r}  # counted from 0: "
        f"{points.x_name!r} and {points.y_name!r}",
        f"HAS_HEADER = {points.has_header!r}  # whether the first row names the columns",
        "",
        "",
        "def read_points(path):",
        '    """x and y from a CSV file, read as nudge reads it: blank lines and lines starting with # skipped; the',
        "    separator is a comma, a semicolon or a tab (whichever the first row has), else spaces; quotes around",
        '    a value are dropped."""',
        "    with open(path, \"rb\") as f:",
        "        text = f.read().decode(\"utf-8-sig\")",
        "    lines = [line.strip() for line in text.splitlines()]",
        "    lines = [line for line in lines if line and not line.startswith(\"#\")]",
        "    separator = next((s for s in (\",\", \";\", \"\\t\") if s in lines[0]), None)",
        "",
        "    def cells(line):",
        "        parts = line.split(separator) if separator else line.split()",
        "        return [part.strip().strip('\"').strip(\"'\").strip() for part in parts]",
        "",
        "    rows = [cells(line) for line in (lines[1:] if HAS_HEADER else lines)]",
        "    return np.array([float(r[X_COLUMN]) for r in rows]), np.array([float(r[Y_COLUMN]) for r in rows])",
        "",
        "",
        "# Your points in file order (the order they train in), and Gaussian noise drawn from the seed added to y.",
        "x, y = read_points(DATA_FILE)",
        "eps = np.random.default_rng(SEED).standard_normal(len(x)) * NOISE  # one normal draw per point",
        "y = y + eps",
    ]


def code_script(config: RunConfig) -> str:
    """The run as a standalone script (text)."""
    check_exportable(config)
    if not config.example.is_torch:
        return _fixed_step_script(config)
    return _torch_script(config)


def _header(config: RunConfig, what: str) -> list[str]:
    # Only nudge's own words go in the docstring: the example's title and id (which a person may have written,
    # for a custom example) are repr strings below it, so no text can close the docstring.
    return [f'"""A run nudge trained, {what}', "", f"Written by nudge {nudge_version()} (`nudge code`).", '"""',
            ""]


def _torch_script(config: RunConfig) -> str:
    c = config
    one_weight = not c.hidden
    has_test = c.test_fraction > 0
    batch_note = ("1: one sample per step, as the notebook" if c.effective_batch == 1 else
                  "the whole training set per step" if c.effective_batch == c.train_points else
                  "samples per step (mini-batches, in data order)")
    lines = _header(c, "as a standalone PyTorch script.\n\n"
                    "Run it with python: it trains the same model, from the same seed, on the same data and with the\n"
                    "same loop as nudge, and ends on the same parameters as nudge's autograd backend. The trained\n"
                    "network is `model`.")
    lines += [
        "import math",
        "",
        "import numpy as np",
        "import torch",
        "from torch import nn",
        "",
        f"NUDGE_VERSION = {nudge_version()!r}  # the nudge that wrote this script",
        f"EXAMPLE = {c.example_id!r}  # {c.example.title!r}",
        "",
        "# --- the settings " + "-" * 80,
        f"SEED = {c.seed!r}  # decides the initial weights and the noise",
        f"EPOCHS = {c.epochs!r}  # passes over the training data",
        f"LR = {c.lr!r}  # the learning rate: how far each step nudges the weights",
    ]
    if c.optimizer == "sgd":
        lines.append(f"MOMENTUM = {c.momentum!r}  # the share of the previous step kept")
    lines += [
        f"WEIGHT_DECAY = {c.weight_decay!r}  # an L2 penalty added to each gradient",
        f"BATCH_SIZE = {c.effective_batch!r}  # {batch_note}",
        *([] if _from_file(c) else
          [f"X_MIN, X_MAX, POINTS = {c.x_min!r}, {c.x_max!r}, {c.points!r}  # the training inputs"]),
        f"NOISE = {c.noise!r}  # standard deviation of the noise in the data",
    ]
    if has_test:
        lines.append(f"HOLD_OUT_EVERY = {held_out_step(c.test_fraction)!r}  # test fraction {c.test_fraction!r}: "
                     "every k-th point is kept out of training")
    lines += ["", "# --- the data " + "-" * 84]
    lines += data_lines(c)
    lines += [
        "# torch trains in float32, its default: convert once, as nudge does.",
        "x, y = x.astype(np.float32), np.asarray(y, dtype=np.float64).astype(np.float32)",
    ]
    if has_test:
        lines += [
            "# Hold out every k-th point from the (k/2)-th on: the model never trains on them, and their loss after",
            "# each epoch shows how well it does on points it has not seen.",
            "held_out = np.zeros(len(x), dtype=bool)",
            "held_out[HOLD_OUT_EVERY // 2::HOLD_OUT_EVERY] = True",
            "X_test = torch.from_numpy(x[held_out]).view(-1, 1)",
            "Y_test = torch.from_numpy(y[held_out]).view(-1, 1)",
            "x, y = x[~held_out], y[~held_out]",
        ]
    lines += [
        "# One row per sample, one column: the single input (and the single output).",
        "X = torch.from_numpy(x).view(-1, 1)",
        "Y = torch.from_numpy(y).view(-1, 1)",
        "",
        "# --- the model " + "-" * 83,
        "# Seed torch's generator, then build the layers in order: each nn.Linear draws its initial weights",
        "# (then its bias) from it, so the same seed always gives the same starting network.",
        "torch.manual_seed(SEED)",
        "model = nn.Sequential(",
    ]
    sizes, acts = c.layer_sizes, c.activations
    for i in range(len(sizes) - 1):
        lines.append(f"    nn.Linear({sizes[i]!r}, {sizes[i + 1]!r}),")
        if i < len(sizes) - 2:
            lines.append(f"    {_MODULES[acts[i]]},")
    lines += [
        ")",
        "",
        "",
        "def loss_function(prediction, actual):",
        "    # The mean of the squared errors over the batch (for one sample: its squared error).",
        "    return ((actual - prediction) ** 2).mean()",
        "",
        "",
    ]
    if c.optimizer == "adam":
        lines.append("optimizer = torch.optim.Adam(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)")
    else:
        lines.append("optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, "
                     "weight_decay=WEIGHT_DECAY)")
    every = log_interval(c.epochs)
    lines += [
        "",
        "# --- the training loop " + "-" * 75,
        "with torch.no_grad():",
        "    start_loss = loss_function(model(X), Y).item()",
        f"limit = {EXPLOSION_FACTOR!r} * max(start_loss, 1.0)  # a loss past this means the run blew up",
        "",
        "for epoch in range(1, EPOCHS + 1):",
        "    for start in range(0, len(X), BATCH_SIZE):  # the samples in data order, BATCH_SIZE at a time",
        "        x_batch, y_batch = X[start:start + BATCH_SIZE], Y[start:start + BATCH_SIZE]",
    ]
    if c.zero_grad:
        lines.append("        optimizer.zero_grad()  # forget the last step's gradients, or they pile up")
    else:
        lines.append("        # zero_grad is off, as in the notebook's loop: without optimizer.zero_grad() each "
                     "backward()")
        lines.append("        # adds to the gradients of every step before, and the steps grow.")
    lines += [
        "        prediction = model(x_batch)  # forward: what the model says now",
        "        loss = loss_function(prediction, y_batch)  # how wrong it is",
        "        loss.backward()  # the gradient: which way each weight should move to shrink the loss",
        "        optimizer.step()  # nudge every weight against its gradient",
        "",
        "    with torch.no_grad():  # measuring only: no gradients",
        "        epoch_loss = loss_function(model(X), Y).item()",
    ]
    report = "f\"epoch {epoch:5}  loss {epoch_loss:.6g}"
    if has_test:
        lines.append("        test_loss = loss_function(model(X_test), Y_test).item()")
        report += "  test loss {test_loss:.6g}"
    if one_weight:
        report += "  weight {model[0].weight.item():.4f}  bias {model[0].bias.item():+.4f}"
    report += "\""
    lines += [
        f"    if epoch == 1 or epoch % {every!r} == 0 or epoch == EPOCHS:",
        f"        print({report})",
        "    if not math.isfinite(epoch_loss) or epoch_loss > limit:",
        "        print(f\"the loss blew up at epoch {epoch}: try a smaller learning rate\")",
        "        break",
        "",
        "# The trained network is `model`: model(torch.tensor([[2.0]])) is its prediction at x = 2.",
    ]
    if param_count(sizes) <= PRINTED_PARAMS:
        lines += ["for name, parameter in model.named_parameters():",
                  "    print(name, parameter.detach().numpy().ravel().tolist())"]
    else:
        lines.append("print(model)")
    return "\n".join(lines) + "\n"


def _fixed_step_script(config: RunConfig) -> str:
    c = config
    lines = _header(c, "as a standalone script: the framework-free loop.\n\n"
                    "No PyTorch: one weight, one sample, and a fixed nudge toward the target until the error is\n"
                    "within the tolerance. It ends on the same weight as nudge.")
    lines += [
        "import random",
        "",
        f"NUDGE_VERSION = {nudge_version()!r}  # the nudge that wrote this script",
        f"EXAMPLE = {c.example_id!r}  # {c.example.title!r}",
        f"SEED = {c.seed!r}",
        f"ITERATIONS = {c.epochs!r}  # at most this many nudges",
        f"STEP = {c.step!r}  # how far each nudge moves the weight",
        f"TOLERANCE = {c.tolerance!r}  # stop once |error| is at most this",
        f"X, Y = {c.sample_x!r}, {c.sample_y!r}  # the one training sample",
        "",
        "# A random starting weight in [0, 1), from a generator seeded with SEED.",
        "weight = random.Random(SEED).uniform(0.0, 1.0)",
        "",
        "for iteration in range(1, ITERATIONS + 1):",
        "    error = X * weight - Y  # the prediction minus the target",
        "    if iteration == 1 or iteration % 10 == 0:",
        "        print(f\"iteration {iteration:3}: weight {weight:.3f}, error {error:+.3f}\")",
        "    if abs(error) <= TOLERANCE:",
        "        print(f\"close enough after {iteration} iterations: weight {weight:.4f}\")",
        "        break",
        "    # Too high: nudge the weight down; too low: up. Always by the same step.",
        "    weight = weight - STEP if error >= 0 else weight + STEP",
        "",
        "",
        "def model(x):",
        "    \"\"\"The trained model: the prediction for input x.\"\"\"",
        "    return weight * x",
        "",
        "",
        "print('weight', weight)",
    ]
    return "\n".join(lines) + "\n"
