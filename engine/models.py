"""The seed's networks: built as torch modules (the source of truth), evaluated in numpy for drawing.

A model is `nn.Sequential(Linear, act, Linear, act, ..., Linear)` from 1 input to 1 output. Building its
layers in that order after `torch.manual_seed(seed)` draws the same initial weights as the seed's own
classes (their activations hold no parameters), so a seed reproduces the notebook's run.
Its parameters flatten, in `parameters()` order, into one float32 vector: W1 (out x in, row-major), b1, W2, ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from .config import RunConfig
from .layout import param_shapes

if TYPE_CHECKING:
    import torch.nn


def build_module(config: RunConfig, seed: int | None = None) -> "torch.nn.Module":
    import torch
    from torch import nn

    makers = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
              "leaky_relu": nn.LeakyReLU, "identity": nn.Identity}
    sizes = config.layer_sizes
    torch.manual_seed(config.seed if seed is None else seed)
    layers: list[nn.Module] = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(makers[config.activations[i]]())
    return nn.Sequential(*layers)


def flatten_module(module: "torch.nn.Module") -> np.ndarray:
    import torch

    with torch.no_grad():
        return torch.cat([p.detach().reshape(-1) for p in module.parameters()]).numpy().astype(np.float32)


def load_flat(module: "torch.nn.Module", flat: np.ndarray) -> None:
    """Write a flat parameter vector back into the module's tensors."""
    import torch

    offset = 0
    with torch.no_grad():
        for p in module.parameters():
            n = p.numel()
            p.copy_(torch.from_numpy(np.ascontiguousarray(flat[offset:offset + n], dtype=np.float32)).view_as(p))
            offset += n


def split_flat(flat: np.ndarray, sizes: Sequence[int]) -> list[list[float]]:
    """The flat vector as one list per parameter tensor (the CLI's `params`)."""
    out, offset = [], 0
    for shape in param_shapes(sizes):
        n = int(np.prod(shape))
        out.append([float(v) for v in flat[offset:offset + n]])
        offset += n
    return out


def activate(name: str, z: np.ndarray) -> np.ndarray:
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-np.clip(z, -60.0, 60.0)))
    if name == "tanh":
        return np.tanh(z)
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.01 * z)
    return z


def predict(flat: np.ndarray, sizes: Sequence[int], activations: Sequence[str], xs: np.ndarray) -> np.ndarray:
    """The network's output at each x, from a flat parameter vector: no torch, no gradients."""
    h = np.asarray(xs, dtype=np.float64).reshape(-1, 1)
    offset = 0
    for i in range(len(sizes) - 1):
        n_in, n_out = sizes[i], sizes[i + 1]
        w = np.asarray(flat[offset:offset + n_in * n_out], np.float64).reshape(n_out, n_in)
        offset += n_in * n_out
        b = np.asarray(flat[offset:offset + n_out], np.float64)
        offset += n_out
        h = h @ w.T + b
        if i < len(sizes) - 2:
            h = activate(activations[i], h)
    with np.errstate(all="ignore"):
        return h[:, 0]
