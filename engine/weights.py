"""Trained weights as a PyTorch file, and back: `--save-weights` / `--load-weights` and the app's weights key.

The file is the `state_dict()` of the `nn.Sequential` engine/models.py builds (`0.weight`, `0.bias`,
`2.weight`, ... : the Linear layers sit at even positions, activations between them hold no parameters), as
`torch.save` writes it, so plain PyTorch reads it: `model.load_state_dict(torch.load(path, weights_only=True))`.
The nudge that wrote it is in the state_dict's own metadata (`sd._metadata[""]["nudge_version"]`), which
`load_state_dict` passes over, so the file stays a plain state_dict.

Loading reads with `torch.load(..., weights_only=True)`, which unpickles tensors and plain containers only,
never arbitrary objects. The whole file is checked before any of it is used: every tensor the model needs, of
its shape, finite, and nothing else; a mismatch is refused with a message naming it, never loaded half way.
A state_dict holds the model only: training from it starts a fresh optimizer (no momentum, no Adam averages).
"""

from __future__ import annotations

import io
import os
from collections import OrderedDict
from typing import Any, Sequence

import numpy as np

from .config import ConfigError, RunConfig, shortened_path
from .layout import param_shapes
from .version import nudge_version

# The largest net the fields admit has 1.84M parameters (7.4 MB of float32): a weights file far beyond that
# is not one of nudge's.
MAX_WEIGHTS_BYTES = 64 << 20
FRESH_OPTIMIZER = ("the optimizer starts fresh: a state_dict holds the weights only, no momentum or Adam averages")


def state_keys(config: RunConfig) -> list[tuple[str, tuple[int, ...]]]:
    """(name, shape) of each tensor in the model's state_dict, in order."""
    shapes = param_shapes(config.layer_sizes)
    out = []
    for i, shape in enumerate(shapes):
        layer = 2 * (i // 2)  # Linear layers at 0, 2, 4, ... of the Sequential
        out.append((f"{layer}.{'weight' if i % 2 == 0 else 'bias'}", tuple(int(n) for n in shape)))
    return out


def _refuse_nudge_3x(config: RunConfig, field: str) -> None:
    if not config.example.is_torch:
        raise ConfigError(field, f"{config.example_id} has no PyTorch model: its one weight is in the "
                                     "metrics and the summary")


def weights_bytes(config: RunConfig, params: Sequence[np.ndarray]) -> bytes:
    """The state_dict file (bytes) of the model with these parameters (each tensor flattened, in
    `model.parameters()` order, as RunResult.params holds them)."""
    import torch

    _refuse_nudge_3x(config, "save_weights")
    from .models import build_module, load_flat

    module = build_module(config)
    load_flat(module, np.concatenate([np.ravel(p) for p in params]).astype(np.float32))
    state = module.state_dict()
    metadata = getattr(state, "_metadata", None)
    if metadata is not None:
        metadata[""] = dict(metadata.get("", {}), nudge_version=nudge_version())
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def file_version(state: Any) -> str | None:
    """The nudge that wrote a loaded state_dict, when it says."""
    metadata = getattr(state, "_metadata", None) or {}
    value = metadata.get("", {}).get("nudge_version") if isinstance(metadata, dict) else None
    return value if isinstance(value, str) else None


def load_weights(path: str, config: RunConfig) -> np.ndarray:
    """The parameters in a weights file, checked against `config`'s model, as one flat float32 vector in
    `parameters()` order (what RunController's `initial_params` takes). ConfigError (field "load_weights") names
    what is wrong: the file, its contents, or each tensor that does not fit."""
    _refuse_nudge_3x(config, "load_weights")
    name = repr(shortened_path(path))
    try:
        size = os.path.getsize(path)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "not a valid file name"
        raise ConfigError("load_weights", f"cannot read {name}: {reason}") from None
    if size > MAX_WEIGHTS_BYTES:
        raise ConfigError("load_weights", f"{name} is {size / 1e6:,.0f} MB, larger than any model nudge trains "
                                     f"({MAX_WEIGHTS_BYTES >> 20} MB at most)")
    import pickle

    import torch

    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ConfigError("load_weights", f"cannot read {name}: {exc.strerror or exc}") from None
    if not (magic.startswith(b"PK\x03\x04") or magic.startswith(b"\x80")):  # torch.save's zip, or a pickle
        raise ConfigError("load_weights", f"{name} is not a PyTorch weights file (torch.save writes one)")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except OSError as exc:
        raise ConfigError("load_weights", f"cannot read {name}: {exc.strerror or exc}") from None
    except pickle.UnpicklingError:  # weights_only refused an object that is not a tensor (or a broken pickle)
        raise ConfigError("load_weights", f"{name} holds objects other than tensors, or is damaged; only weights "
                                          "are loaded (torch.load with weights_only=True refused it)") from None
    except Exception as exc:  # noqa: BLE001 - not a torch file at all (zip, pickle or EOF errors of any kind)
        raise ConfigError("load_weights", f"{name} is not a PyTorch weights file ({type(exc).__name__})") from None
    return check_state(state, config, name)


def check_state(state: Any, config: RunConfig, name: str = "the file") -> np.ndarray:
    """A loaded state_dict checked against the model as a whole (every problem listed at once, up to a few),
    then flattened."""
    import torch

    if not isinstance(state, dict):
        raise ConfigError("load_weights", f"{name} holds a {type(state).__name__}, not a state_dict (a mapping of "
                                     "names to tensors)")
    want = state_keys(config)
    problems = []
    for key, shape in want:
        if key not in state:
            problems.append(f"{key} is missing")
            continue
        value = state[key]
        if not isinstance(value, torch.Tensor):
            problems.append(f"{key} is a {type(value).__name__}, not a tensor")
        elif tuple(value.shape) != shape:
            problems.append(f"{key} is {list(value.shape)}, this model's is {list(shape)}")
        elif not value.is_floating_point():
            problems.append(f"{key} holds {str(value.dtype).replace('torch.', '')} values, not floats")
        elif not bool(torch.isfinite(value).all()):
            problems.append(f"{key} holds values that are not finite (NaN or infinite)")
    extra = [str(k) for k in state if k not in dict(want)]
    if extra:
        problems.append(f"{len(extra)} tensor{'s' if len(extra) > 1 else ''} this model does not have "
                        f"({', '.join(repr(k[:40]) for k in extra[:3])}{', ...' if len(extra) > 3 else ''})")
    if problems:
        net = "-".join(str(n) for n in config.layer_sizes)
        shown = "; ".join(problems[:4]) + ("; ..." if len(problems) > 4 else "")
        raise ConfigError("load_weights", f"{name} does not fit the {net} net of these settings: {shown}; "
                                     "nothing was loaded")
    parts = [state[key].detach().to(torch.float32).reshape(-1).numpy() for key, _ in want]
    return np.concatenate(parts).astype(np.float32)


def ordered_state(config: RunConfig, flat: np.ndarray) -> "OrderedDict[str, Any]":
    """A flat vector as the model's state_dict (torch tensors), for tests and tools."""
    import torch

    out: OrderedDict[str, Any] = OrderedDict()
    offset = 0
    for key, shape in state_keys(config):
        n = int(np.prod(shape))
        out[key] = torch.from_numpy(np.array(flat[offset:offset + n], np.float32).reshape(shape))
        offset += n
    return out
