"""Hyperparameters: one validated RunConfig, and the field table the CLI, the TUI form and config files share.

Every value a person can type passes through `Field.parse` (text) or `Field.check` (a value from a file or
from code); both raise ConfigError, whose explanation (the value, shortened, and what is allowed) is the
same wherever it is shown; only the name of the field follows the place: `--x-min` on the command line,
`x_min` in a TOML file, `x from` in the app's form (`ConfigError.message(where)`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Mapping, Sequence, Union

import numpy as np

from .examples import Example, example_ids, get_example
from .layout import param_count

ACTIVATIONS = ("relu", "sigmoid", "tanh", "leaky_relu", "identity")
OPTIMIZERS = ("sgd", "adam")
BACKENDS = ("auto", "kernel", "autograd")

MAX_HIDDEN_LAYERS = 8
MAX_UNITS = 512
MAX_SEEDS = 1024

# Seeds x parameters, the same budget on every machine. A member holds its parameters and 3x as many floats
# of optimizer state and gradient (engine/kernel.py state_size), all float32: 16 bytes a parameter, so 16M
# is about 256 MB of training state. Training a slice of an epoch at a time keeps a start-of-epoch copy of
# both (16 bytes more) and two 4-byte snapshots for the UI, so the engine peaks at about 40 bytes a
# member-parameter: 640 MB at the budget (8 x 1.84M measured: a 0.97 GB process, torch included). The
# largest single net the fields admit, 8 hidden layers of 512 (1,840,129 parameters), fits alone, and 8
# seeds of it still do.
MAX_SEED_PARAMS = 16_000_000
BYTES_PER_PARAM = 16
# Seeds x points needs no budget of its own: the fields bound it at 1,024 x 10,000 = 10.24M values per data
# array (x and y, float32, per member and stacked), about +170 MB peak measured at that extreme.

QUOTE_LIMIT = 40  # a message quotes at most about this many characters of a value
PATH_LIMIT = 160  # and of a file's path (its end, which names the file, is kept)

#: Where a message is shown, which decides how it names fields: "cli" (--x-min), "file" (x_min, the TOML
#: key, also the engine's own name and str(exc)), "form" (x from, the form's label).
WHERES = ("cli", "file", "form")

# Settings that are not in the field table: how each place names them.
_OTHER_NAMES = {
    "seeds": {"cli": "--seeds", "form": "seeds"},
    "backend": {"cli": "--backend"},
    "config": {"cli": "--config"},
    "load_weights": {"cli": "--load-weights"},  # engine/weights.py
    "save_weights": {"cli": "--save-weights"},
    # a sweep's seed axis and a race's own settings (engine/sweep.py, engine/race.py)
    "seed_range": {"cli": "--seed-range", "form": "seed range"},
    "sgd_lr": {"cli": "--sgd-lr", "form": "sgd lr"},
    "momentum_lr": {"cli": "--momentum-lr", "form": "momentum lr"},
    "adam_lr": {"cli": "--adam-lr", "form": "adam lr"},
    "reach": {"cli": "--reach"},
    "examples": {"cli": "--examples"},
}


def quoted(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """`repr(value)` for a message, at most about `limit` characters: a longer value is cut, with an ellipsis
    and its length, so a 100,000-character flag does not make a 100 KB line."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - an int past Python's digit limit, or any value that cannot print itself
        if isinstance(value, int):
            return f"a whole number of about {int(value.bit_length() * math.log10(2)) + 1:,} digits"
        return f"a value of type {type(value).__name__}"
    if len(text) <= limit:
        return text
    if isinstance(value, str):
        cut = value[:limit]
        while len(repr(cut)) > limit - 1 and cut:
            cut = cut[:-1]
        shown = repr(cut)
        return f"{shown[:-1]}…{shown[-1]} ({len(value):,} characters)"
    size = f" ({len(value):,} items)" if isinstance(value, (list, tuple, dict, set)) else ""
    return f"{text[:limit - 1]}…{size}"


def shortened(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Text (a name, an argument) cut to about `limit` characters, unquoted."""
    return text if len(text) <= limit else f"{text[:limit - 1]}… ({len(text):,} characters)"


def shortened_path(path: Any, limit: int = PATH_LIMIT) -> str:
    """A file's path for a message: whole up to `limit` characters, else its end (the file's name)."""
    text = str(path)
    return text if len(text) <= limit else f"…{text[-(limit - 1):]}"


@dataclass(frozen=True)
class Ref:
    """A field named inside a message's explanation; named as the place where the message is shown does."""

    name: str


Naming = Union[str, Callable[[str], str]]


def field_name(name: str, where: Naming = "file") -> str:
    """How `where` ("cli", "file", "form", or a function of the name) names the setting `name`."""
    if callable(where):
        return where(name)
    if where not in WHERES:
        raise ValueError(f"where: {where!r}; expected one of {', '.join(WHERES)}")
    f = FIELDS_BY_NAME.get(name)
    if f is not None:
        return {"cli": f.cli_flag, "file": f.name, "form": f.label}[where]
    return _OTHER_NAMES.get(name, {}).get(where, shortened(name))


class ConfigError(ValueError):
    """A setting is wrong. `field` names it (the engine's name; None for whole-config problems).

    The explanation (the value, shortened, and what is allowed) is the same wherever it is shown; the name
    in front of it follows the place: `message("cli")` -> "--x-min: ...", `message("file")` -> "x_min: ...",
    `message("form")` -> "x from: ...". `str(exc)` is `message("file")`, the engine's own names. A message
    that names other fields renders them the same way. `where` and `source` say where the value came from
    when the raiser knows (load_config_file sets "file" and the path).
    """

    def __init__(self, field: str | None, body: str | Sequence[str | Ref], *, where: str | None = None,
                 source: str | None = None):
        if isinstance(body, str):
            if field and body.startswith(f"{field}: "):  # the older style, name included: keep the explanation
                body = body[len(field) + 2:]
            parts: tuple[str | Ref, ...] = (body,)
        else:
            parts = tuple(body)
        self.field = field
        self.parts = parts
        self.where = where
        self.source = source
        super().__init__(self.message("file"))

    def __reduce__(self):  # pickles (and copies) like any exception, with its parts
        return (_rebuild_config_error, (self.field, self.parts, self.where, self.source))

    def __str__(self) -> str:
        return self.message("file")

    def name(self, where: Naming = "file") -> str | None:
        """The field as `where` names it (None for a problem of the whole config)."""
        return None if self.field is None else field_name(self.field, where)

    def explanation(self, where: Naming = "file") -> str:
        """The message without the field's name in front: identical wherever it is shown, apart from the
        names of other fields it mentions."""
        return "".join(field_name(p.name, where) if isinstance(p, Ref) else p for p in self.parts)

    def message(self, where: Naming = "file") -> str:
        """`<name>: <explanation>`, the name as `where` says it ("cli", "file" or "form")."""
        name = self.name(where)
        return self.explanation(where) if name is None else f"{name}: {self.explanation(where)}"


def _rebuild_config_error(field, parts, where, source) -> ConfigError:
    return ConfigError(field, parts, where=where, source=source)


def _refs(names: Iterable[str]) -> list[str | Ref]:
    """Names as a comma-separated list of references."""
    out: list[str | Ref] = []
    for i, name in enumerate(names):
        if i:
            out.append(", ")
        out.append(Ref(name))
    return out


def _fail(name: str, value: Any, allowed: str) -> ConfigError:
    return ConfigError(name, f"{quoted(value)} is not allowed; {allowed}")


def _float(name: str, value: Any, lo: float, hi: float, lo_open: bool = False, hi_open: bool = False) -> float:
    lo_s = f"{'>' if lo_open else '>='} {lo:g}"
    hi_s = f"{'<' if hi_open else '<='} {hi:g}"
    allowed = f"expected a number {lo_s} and {hi_s}"
    original = value
    if isinstance(value, bool):
        raise _fail(name, value, allowed)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ConfigError(name, f"empty; {allowed}")
        try:
            value = float(text)
        except ValueError:
            raise _fail(name, value, allowed) from None
    if not isinstance(value, (int, float)):
        raise _fail(name, value, allowed)
    try:
        value = float(value)
    except OverflowError:  # an int beyond any float
        raise _fail(name, original, allowed) from None
    if not math.isfinite(value):
        raise _fail(name, original, allowed)
    if value < lo or value > hi or (lo_open and value == lo) or (hi_open and value == hi):
        raise _fail(name, original, allowed)
    return value


def _int(name: str, value: Any, lo: int, hi: int) -> int:
    allowed = f"expected a whole number from {lo:,} to {hi:,}"
    original = value
    if isinstance(value, bool):
        raise _fail(name, value, allowed)
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        if not text:
            raise ConfigError(name, f"empty; {allowed}")
        if len(text) > 40:  # no whole number in range is this long; int() of a huge text is slow or refused
            raise _fail(name, value, allowed)
        try:
            value = int(text)
        except ValueError:
            raise _fail(name, value, allowed) from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not lo <= value <= hi:
        raise _fail(name, original, allowed)
    return value


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    text = value.strip().lower().replace("-", "_") if isinstance(value, str) else None
    if text not in choices:
        raise _fail(name, value, f"expected one of: {', '.join(choices)}")
    return text


def _bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
    raise _fail(name, value, "expected on or off (true or false)")


def _split(value: Any) -> list[Any]:
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("", "none", "-"):
            return []
        return [part.strip() for part in text.split(",", MAX_HIDDEN_LAYERS + 1)]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _hidden(name: str, value: Any) -> tuple[int, ...]:
    allowed = (f"expected up to {MAX_HIDDEN_LAYERS} layer sizes, each from 1 to {MAX_UNITS}, "
               "separated by commas (e.g. 10,10), or none for a single linear layer")
    parts = _split(value)
    if len(parts) > MAX_HIDDEN_LAYERS:
        raise _fail(name, value, allowed)
    try:
        sizes = tuple(_int(name, p, 1, MAX_UNITS) for p in parts)
    except ConfigError:
        raise _fail(name, value, allowed) from None
    return sizes


def _activation(name: str, value: Any) -> tuple[str, ...]:
    allowed = f"expected one of {', '.join(ACTIVATIONS)}, or one per hidden layer separated by commas"
    parts = _split(value)
    if len(parts) > MAX_HIDDEN_LAYERS:
        raise _fail(name, value, allowed)
    try:
        return tuple(_choice(name, p, ACTIVATIONS) for p in parts)
    except ConfigError:
        raise _fail(name, value, allowed) from None


def _batch(name: str, value: Any) -> int:
    if isinstance(value, str) and value.strip().lower() in ("full", "all"):
        return 0
    allowed = "expected a whole number from 1 to 100,000, or 'full' (0) for the whole data set"
    try:
        return _int(name, value, 0, 100_000)
    except ConfigError:
        raise _fail(name, value, allowed) from None


def _target(name: str, value: Any) -> str:
    """An expression in x, as its canonical text; "" for none (a data file gives the points instead)."""
    from .expression import parse_expression  # it raises this module's ConfigError

    if isinstance(value, str) and not value.strip():
        return ""
    return parse_expression(value).text


MAX_PATH = 4096


def _path(name: str, value: Any) -> str:
    """A file's path as typed (checked when the file is read); "" for none."""
    if not isinstance(value, str):
        raise _fail(name, value, "expected the path of a CSV file, as text")
    text = value.strip()
    if len(text) > MAX_PATH or "\x00" in text:
        raise _fail(name, value, "expected the path of a CSV file")
    return text


def _column(name: str, value: Any) -> str:
    """A column of the data file: a number counting from 1, or a header's name (data_file.py checks it)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = value.strip() if isinstance(value, str) else None
    if not text or len(text) > 100 or not text.isprintable():
        raise _fail(name, value, "expected a column of the data file: a number counting from 1, or a header's name")
    return text


@dataclass(frozen=True)
class Field:
    """One hyperparameter: how to read it, check it and describe it, wherever it is typed."""

    name: str
    label: str
    help: str
    check: Callable[[Any], Any]  # value or text -> clean value, or ConfigError
    applies: str = "torch"  # "torch", "nudge", "all" or "custom" (one of Example.scopes)
    flag: str = ""  # CLI flag; derived from the name when empty
    metavar: str = ""

    @property
    def cli_flag(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")

    def parse(self, value: Any) -> Any:
        return self.check(value)

    def applies_to(self, example: Example) -> bool:
        return self.applies in example.scopes

    def format(self, value: Any) -> str:
        """The value as a person would type it back in."""
        if isinstance(value, tuple):
            return ",".join(str(v) for v in value) if value else "none"
        if isinstance(value, bool):
            return "on" if value else "off"
        if self.name == "batch_size" and value == 0:
            return "full"
        if isinstance(value, float):
            short = f"{value:g}"  # 6 significant digits read best, but only when nothing is lost
            return short if float(short) == value else repr(value)
        return str(value)


FIELDS: tuple[Field, ...] = (
    Field("target", "target", "the function to learn, in x: sin(x) * x, x^2, abs(x), where(x > 0, x, 0)",
          lambda v: _target("target", v), applies="custom", metavar="EXPR"),
    Field("data", "data file", "a CSV file of x,y rows to learn instead of a target (the file decides the range)",
          lambda v: _path("data", v), applies="custom", metavar="FILE.csv"),
    Field("x_col", "x column", "the data file's x column: a header's name, or a number counting from 1",
          lambda v: _column("x_col", v), applies="custom", metavar="COL"),
    Field("y_col", "y column", "the data file's y column: a header's name, or a number counting from 1",
          lambda v: _column("y_col", v), applies="custom", metavar="COL"),
    Field("lr", "learning rate", "size of each nudge along the gradient",
          lambda v: _float("lr", v, 0.0, 10.0, lo_open=True), flag="--lr", metavar="F"),
    Field("momentum", "momentum", "share of the previous step kept (SGD); Adam ignores it",
          lambda v: _float("momentum", v, 0.0, 1.0, hi_open=True), metavar="F"),
    Field("epochs", "epochs", "passes over the training data (iterations for nudge-3x)",
          lambda v: _int("epochs", v, 1, 10_000_000), applies="all", metavar="N"),
    Field("seed", "seed", "random seed for initial weights and noise",
          lambda v: _int("seed", v, 0, 2**31 - 1), applies="all", metavar="N"),
    Field("hidden", "hidden layers", "units per hidden layer, e.g. 10,10; none for a plain linear model",
          lambda v: _hidden("hidden", v), metavar="N,N"),
    Field("activation", "activation", f"per hidden layer: {', '.join(ACTIVATIONS)}",
          lambda v: _activation("activation", v), metavar="NAME[,NAME]"),
    Field("optimizer", "optimizer", "sgd or adam",
          lambda v: _choice("optimizer", v, OPTIMIZERS), metavar="NAME"),
    Field("batch_size", "batch size", "1 = per sample as in the notebook; N = mini-batches; full = whole set",
          lambda v: _batch("batch_size", v), metavar="N"),
    Field("weight_decay", "weight decay", "L2 penalty added to each gradient",
          lambda v: _float("weight_decay", v, 0.0, 10.0), metavar="F"),
    Field("noise", "noise", "standard deviation of the Gaussian noise in the data",
          lambda v: _float("noise", v, 0.0, 100.0), metavar="F"),
    Field("x_min", "x from", "left end of the training range",
          lambda v: _float("x_min", v, -1e4, 1e4), metavar="F"),
    Field("x_max", "x to", "right end of the training range",
          lambda v: _float("x_max", v, -1e4, 1e4), metavar="F"),
    Field("points", "points", "number of evenly spaced training points",
          lambda v: _int("points", v, 1, 10_000), metavar="N"),
    Field("test_fraction", "test fraction",
          "share of the points held out of training, to test on (every k-th point)",
          lambda v: _float("test_fraction", v, 0.0, 0.5), metavar="F"),
    Field("eval_min", "eval from", "left end of the range the fit is drawn over (extrapolation)",
          lambda v: _float("eval_min", v, -1e4, 1e4), applies="all", metavar="F"),
    Field("eval_max", "eval to", "right end of the range the fit is drawn over",
          lambda v: _float("eval_max", v, -1e4, 1e4), applies="all", metavar="F"),
    Field("zero_grad", "zero grad", "clear gradients before each step (off reproduces the notebook's bug)",
          lambda v: _bool("zero_grad", v)),
    Field("step", "step", "fixed size of each nudge",
          lambda v: _float("step", v, 0.0, 100.0, lo_open=True), applies="nudge", metavar="F"),
    Field("tolerance", "tolerance", "stop when |error| is at most this",
          lambda v: _float("tolerance", v, 0.0, 1e6, lo_open=True), applies="nudge", metavar="F"),
    Field("sample_x", "sample x", "the one training input", lambda v: _float("sample_x", v, -1e4, 1e4),
          applies="nudge", flag="--x", metavar="F"),
    Field("sample_y", "sample y", "the one training target", lambda v: _float("sample_y", v, -1e6, 1e6),
          applies="nudge", flag="--y", metavar="F"),
)

FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

# Seeds sit beside the table (the CLI has its own --seeds, a file its own key), but the app's form shows them
# as a field, with the same range and messages.
SEEDS_FIELD = Field("seeds", "seeds", "train K seeds at once (seed..seed+K-1); the charts show their median and "
                    "spread", lambda v: _int("seeds", v, 1, MAX_SEEDS), applies="all", flag="--seeds",
                    metavar="K")


_OTHER_SETTINGS = ("seeds", "backend")  # settings beside the field table (a file or the CLI sets them)


def check_applies(example: Example, names: Iterable[str]) -> None:
    """The one rule for settings given explicitly (a flag or a config file's key): a field that does not
    apply to the example is refused, not ignored, since ignoring it would let a typo or a wrong example
    pass. ConfigError names the first such field and lists the example's own settings."""
    for name in names:
        f = FIELDS_BY_NAME.get(name)
        if f is not None and not f.applies_to(example):
            own = [g.name for g in FIELDS if g.applies_to(example)]
            raise ConfigError(name, [f"does not apply to {example.id}; its settings are ", *_refs(own)])


def _example(example_id: Any) -> Example:
    if not isinstance(example_id, str):
        raise ConfigError("example", f"{quoted(example_id)} is not allowed; expected the id of an example, "
                                     f"one of: {', '.join(example_ids())}")
    if not example_id.strip():
        raise ConfigError("example", f"empty; choose one of: {', '.join(example_ids())}")
    try:
        return get_example(example_id)
    except KeyError:
        raise ConfigError("example", f"no example is called {quoted(example_id)}; "
                                     f"choose one of: {', '.join(example_ids())}") from None


@dataclass(frozen=True)
class RunConfig:
    """Everything that decides a run. Build it with `RunConfig.for_example`, which validates."""

    example_id: str  # the registry id; a config file names it `example`
    lr: float = 0.01
    momentum: float = 0.0
    epochs: int = 100
    seed: int = 0
    hidden: tuple[int, ...] = ()
    activation: tuple[str, ...] = ()
    optimizer: str = "sgd"
    batch_size: int = 1  # 0 = the whole training set
    weight_decay: float = 0.0
    noise: float = 0.0
    x_min: float = -5.0
    x_max: float = 5.0
    points: int = 11
    test_fraction: float = 0.0  # share of the points held out of training (engine.data.held_out)
    eval_min: float = -5.0
    eval_max: float = 5.0
    zero_grad: bool = True
    step: float = 0.05
    tolerance: float = 0.1
    sample_x: float = 3.0
    sample_y: float = 9.0
    target: str = ""  # custom examples: an expression in x (engine/expression.py), or "" with a data file
    data: str = ""  # custom examples: a CSV file's path (engine/data_file.py)
    x_col: str = "1"
    y_col: str = "2"
    seeds: int = 1  # K members trained together: seeds seed..seed+K-1
    backend: str = "auto"

    # -- building -------------------------------------------------------------------------------------

    @classmethod
    def for_example(cls, example_id: str, *, strict: bool = False, **overrides: Any) -> "RunConfig":
        """The example's defaults with overrides applied, validated. Overrides may be text or values; None
        means not given. `strict` (the CLI's flags, a config file): an override of a field that does not
        apply to the example is refused (check_applies) instead of being carried along unused."""
        example = _example(example_id)
        given = {name: value for name, value in overrides.items() if value is not None}
        if strict:
            check_applies(example, given)
        values: dict[str, Any] = dict(example.defaults)
        values.update(given)
        if example.custom:
            _custom_values(values, given, strict)
        config = cls(example_id=example.id).with_values(**values)
        if example.custom and not {"eval_min", "eval_max"} & (set(given) | set(example.defaults)):
            # the fit is drawn 30% past the data on each side, wherever the data (or the file) lies
            lo, hi = custom_eval_range(config.x_min, config.x_max)
            config = config.with_values(eval_min=lo, eval_max=hi)
        return config

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "RunConfig":
        """From a config file's table: `example` plus any settings, by the CLI's rules (strict): unknown keys
        and settings that do not apply to the example are errors."""
        data = dict(data)
        if "example" not in data:
            raise ConfigError("example", 'missing; a config names its example, e.g. example = "linear-3x"')
        example_id = data.pop("example")
        data.pop("version", None)  # the nudge that wrote the file (engine/config_toml.py): any version reads
        known = [f.name for f in FIELDS] + list(_OTHER_SETTINGS)
        for key in data:
            if key not in known:
                raise ConfigError(str(key), ["unknown setting; known: ", *_refs(["example", *known])])
        return cls.for_example(example_id, strict=True, **data)

    def with_values(self, **values: Any) -> "RunConfig":
        """A copy with these fields replaced, each checked, then the whole checked."""
        clean: dict[str, Any] = {}
        for name, value in values.items():
            if name in FIELDS_BY_NAME:
                clean[name] = FIELDS_BY_NAME[name].parse(value)
            elif name == "seeds":
                clean[name] = SEEDS_FIELD.parse(value)
            elif name == "backend":
                clean[name] = _choice("backend", value, BACKENDS)
            elif name in ("example", "example_id"):
                raise ConfigError("example", "cannot be changed on a config; build a new one")
            else:
                raise ConfigError(name, "unknown setting")
        config = replace(self, **clean)
        if config.data and not config.target and config.example.custom:  # the file decides the points and their range
            points = config.data_file()
            config = replace(config, points=len(points.x), x_min=float(points.x.min()), x_max=float(points.x.max()))
        config.validate()
        return config

    def validate(self) -> None:
        """Checks that span fields. Raises ConfigError."""
        for f in FIELDS:  # values built by hand (not through with_values) are checked here too
            f.parse(getattr(self, f.name))
        _int("seeds", self.seeds, 1, MAX_SEEDS)
        _choice("backend", self.backend, BACKENDS)
        example = _example(self.example_id)
        if example.custom:
            self._validate_custom()
        if example.is_torch:
            if self.hidden and self.activation and len(self.activation) not in (1, len(self.hidden)):
                raise ConfigError("activation", (
                    f"{len(self.activation)} names for {len(self.hidden)} hidden layers; "
                    "give one name for all layers or one per layer"))
            if self.hidden and not self.activation:
                raise ConfigError("activation", "missing; hidden layers need an activation, e.g. relu")
            if self.x_min >= self.x_max and self.points > 1 and not self.data:
                raise ConfigError("x_max", [f"{self.x_max:g} must be greater than ", Ref("x_min"),
                                            f" ({self.x_min:g})"])
            if self.test_fraction > 0:
                held = held_out_count(self.points, self.test_fraction)
                if held < 1:
                    raise ConfigError("test_fraction", [
                        f"{self.test_fraction:g} holds out no point: it takes 1 point in every "
                        f"{held_out_step(self.test_fraction):,}, the first being point number "
                        f"{held_out_step(self.test_fraction) // 2 + 1:,}, and there are {self.points:,} ",
                        Ref("points"), "; raise it or use more ", Ref("points")])
                if self.points - held < 2:
                    raise ConfigError("test_fraction", [
                        f"{self.test_fraction:g} of {self.points:,} ", Ref("points"), f" holds out {held:,} and "
                        f"leaves {self.points - held:,} to train on; at least 2 must remain: lower it or use "
                        f"more ", Ref("points")])
            params = param_count(self.layer_sizes)
            if self.seeds * params > MAX_SEED_PARAMS:
                raise ConfigError("hidden", (
                    f"{self.seeds:,} seeds x {params:,} parameters = {_millions(self.seeds * params)} is over the "
                    f"limit of {_millions(MAX_SEED_PARAMS)} seeds x parameters (about "
                    f"{MAX_SEED_PARAMS * BYTES_PER_PARAM // 1_000_000:,} MB of training state); "
                    "use fewer seeds or smaller layers"))
        elif self.sample_x == 0:
            raise ConfigError("sample_x", "0 is not allowed; the prediction weight * x would stay 0 "
                                          "whatever the weight, so nudging could never reach y")
        if self.eval_min >= self.eval_max:
            raise ConfigError("eval_max", [f"{self.eval_max:g} must be greater than ", Ref("eval_min"),
                                           f" ({self.eval_min:g})"])

    # -- derived -------------------------------------------------------------------------------------

    def _validate_custom(self) -> None:
        if self.target and self.data:
            raise ConfigError("data", ["a data file and a ", Ref("target"), " exclude each other; give one of them"])
        if not self.target and not self.data:
            raise ConfigError("target", ["missing; give an expression in x (e.g. sin(x) * x), or give ", Ref("data")])
        if self.data:
            points = self.data_file()
            if len(points.x) != self.points or points.x.min() != self.x_min or points.x.max() != self.x_max:
                raise ConfigError("data", [f"the file has {len(points.x):,} rows from x={points.x.min():g} to "
                                           f"{points.x.max():g}; ", Ref("points"), ", ", Ref("x_min"), " and ",
                                           Ref("x_max"), " come from it"])
        else:
            from .expression import parse_expression

            xs = np.linspace(self.x_min, self.x_max, self.points) if self.points > 1 else np.array([self.x_min])
            parse_expression(self.target).finite_values(xs)  # a target undefined on the data cannot be learnt

    def data_file(self):
        """The custom example's data file, read (cached) with this config's columns; ConfigError if it cannot be."""
        from .data_file import read_data_file

        return read_data_file(self.data, self.x_col, self.y_col)

    @property
    def example(self) -> Example:
        example = get_example(self.example_id)
        return resolve_custom(example, self.target, self.data) if example.custom else example

    @property
    def activations(self) -> tuple[str, ...]:
        """One activation name per hidden layer (none without hidden layers, whatever was given)."""
        if not self.hidden:
            return ()
        if len(self.activation) == 1:
            return self.activation * len(self.hidden)
        return self.activation

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return (1, *self.hidden, 1)

    @property
    def train_points(self) -> int:
        """The points a torch example trains on: `points` less those held out (test_fraction)."""
        return self.points - held_out_count(self.points, self.test_fraction)

    @property
    def effective_batch(self) -> int:
        n = 1 if not self.example.is_torch else self.train_points
        return n if self.batch_size == 0 else min(self.batch_size, n)

    def relevant_fields(self) -> list[Field]:
        return [f for f in FIELDS if f.applies_to(self.example)]

    def unused_fields(self) -> set[str]:
        """Fields that apply to the example but that this config does not use: a custom example's data
        settings when it has a target; its target and range when a data file decides the points."""
        if not self.example.custom:
            return set()
        return set(DATA_DECIDES) | {"target"} if self.data else {"data", "x_col", "y_col"}

    def to_dict(self) -> dict[str, Any]:
        """The settings that matter for this example, as plain values (TOML/JSON friendly)."""
        out: dict[str, Any] = {"example": self.example_id}
        unused = self.unused_fields()
        for f in self.relevant_fields():
            if f.name in unused:
                continue
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        if self.seeds != 1:
            out["seeds"] = self.seeds
        if self.backend != "auto":
            out["backend"] = self.backend
        return out

    def settings_text(self) -> str:
        """The settings a person would check first, in one line."""
        if not self.example.is_torch:
            return (f"step {self.step:g}, tolerance {self.tolerance:g}, "
                    f"sample ({self.sample_x:g}, {self.sample_y:g}), up to {self.epochs} iterations, seed {self.seed}")
        net = "-".join(str(n) for n in self.layer_sizes)
        acts = ",".join(self.activations) or "linear"
        batch = "full" if self.batch_size == 0 else str(self.batch_size)
        what = ""
        if self.example.custom:
            what = (f"data {shortened_path(self.data, 60)} ({self.points:,} rows), " if self.data else
                    f"y = {self.target}, x from {self.x_min:g} to {self.x_max:g}, {self.points:,} points, ")
        return (f"{what}net {net} ({acts}), {self.optimizer} lr {self.lr:g} momentum {self.momentum:g}, "
                f"batch {batch}, {self.epochs} epochs, seed {self.seed}")

    def describe(self) -> str:
        """One line: the example and its main settings."""
        return f"{self.example_id}: {self.settings_text()}"


#: With a data file, these come from the file: giving them too is refused.
DATA_DECIDES = ("x_min", "x_max", "points")


def _custom_values(values: dict[str, Any], given: Mapping[str, Any], strict: bool) -> None:
    """A custom example's target and data file exclude each other: one given explicitly replaces the other's
    default. With a data file (given or the example's own), the range and point count given too are refused."""
    target_given = bool(str(given.get("target", "")).strip())
    data_given = bool(str(given.get("data", "")).strip())
    if target_given and not data_given and "data" not in given:
        values["data"] = ""
    if data_given and not target_given and "target" not in given:
        values["target"] = ""
    if strict and str(values.get("data", "")).strip():
        for name in DATA_DECIDES:
            if name in given:
                raise ConfigError(name, ["not allowed with ", Ref("data"), ", which decides the points and their range"])
    if strict and not str(values.get("data", "")).strip():
        for name in ("x_col", "y_col"):
            if name in given:
                raise ConfigError(name, ["applies only when ", Ref("data"), " is given"])


def layered(below: Mapping[str, Any], above: Mapping[str, Any]) -> dict[str, Any]:
    """Settings given over others (flags over a config file's): `above` wins, and a custom example's target
    given above replaces the data file below it (with its columns), a data file above replaces the target and
    the range below it, as the two exclude each other."""
    out = dict(below)
    if "target" in above:
        for name in ("data", "x_col", "y_col"):
            out.pop(name, None)
    if "data" in above:
        for name in ("target", *DATA_DECIDES):
            out.pop(name, None)
    out.update(above)
    return out


def custom_eval_range(x_min: float, x_max: float) -> tuple[float, float]:
    """The range a custom example's fit is drawn over when none is set: the training range and 30% of its
    width on each side, so that extrapolation shows (-5..5 gives -8..8)."""
    span = (x_max - x_min) or 2.0
    return max(-1e4, x_min - 0.3 * span), min(1e4, x_max + 0.3 * span)


def resolve_custom(example: Example, target: str, data: str) -> Example:
    """A custom example as a config makes it: its target the config's expression (with the noise added), or
    no true function when a data file gives the points."""
    if data:
        return replace(example, target=_no_target, target_text=f"y from {shortened_path(data, 60)}", truth_text="")
    from .expression import parse_expression

    expression = parse_expression(target)
    return replace(example, target=lambda x, e: expression.evaluate(x) + e,
                   target_text=f"y = {expression.text}", truth_text=expression.text)


def _no_target(x: np.ndarray, e: np.ndarray) -> np.ndarray:
    return np.full(np.shape(x), np.nan)  # a data file has no true function (truth_text is "")


def held_out_step(fraction: float) -> int:
    """k: with a test fraction f > 0, every k-th point is held out, k = round(1 / f)."""
    return max(1, round(1.0 / fraction))


def held_out_count(points: int, fraction: float) -> int:
    """How many of `points` points a test fraction holds out: indices k//2, k//2 + k, ... below `points`."""
    if fraction <= 0:
        return 0
    k = held_out_step(fraction)
    first = k // 2
    return 0 if first >= points else (points - 1 - first) // k + 1


def _millions(n: int) -> str:
    """269M, 16M, 1.8M: a count of values in a message."""
    return f"{n / 1e6:.1f}M" if n < 10_000_000 else f"{round(n / 1e6):,}M"
