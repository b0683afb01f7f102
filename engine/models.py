"""The seed's networks: built as torch modules (the source of truth), evaluated in numpy for drawing.

A model is `nn.Sequential(Linear, act, Linear, act, ..., Linear)` from 1 input to 1 output. Its initial
weights are what the notebook gets from `torch.manual_seed(seed)` and then building its layers in that order
(its activations hold no parameters), bit for bit, so a seed reproduces the notebook's run. They are drawn
from a `torch.Generator` of the run's own, though, never from torch's global one: `torch.manual_seed` is
process-wide, and anything else drawing from it meanwhile (the app warming torch up on another thread, a
second run) would shift the draws.
Its parameters flatten, in `parameters()` order, into one float32 vector: W1 (out x in, row-major), b1, W2, ...
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .config import RunConfig
from .layout import param_shapes

if TYPE_CHECKING:
    import torch
    import torch.nn


def build_module(config: RunConfig, seed: int | None = None) -> "torch.nn.Module":
    """The config's network with the initial weights `torch.manual_seed(seed)` + default init would give,
    drawn from a private generator: safe while other threads use torch's global RNG."""
    import torch
    from torch import nn

    makers = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
              "leaky_relu": nn.LeakyReLU, "identity": nn.Identity}
    sizes = config.layer_sizes
    generator = torch.Generator().manual_seed(config.seed if seed is None else seed)
    layers: list[nn.Module] = []
    for i in range(len(sizes) - 1):
        layers.append(seeded_linear(sizes[i], sizes[i + 1], generator))
        if i < len(sizes) - 2:
            layers.append(makers[config.activations[i]]())
    return nn.Sequential(*layers)


def seeded_linear(n_in: int, n_out: int, generator: "torch.Generator") -> "torch.nn.Linear":
    """`nn.Linear(n_in, n_out)` initialised from `generator` exactly as `nn.Linear.reset_parameters` does
    from the global generator (see `init_linear_`). The layer is made without its own init (`skip_init`),
    so building it draws nothing from the global generator either."""
    from torch import nn

    layer = nn.utils.skip_init(nn.Linear, n_in, n_out)
    init_linear_(layer.weight, layer.bias, generator)
    return layer


def init_linear_(weight: "torch.Tensor", bias: "torch.Tensor", generator: "torch.Generator") -> None:
    """Fill a Linear layer's weight [out, in] and bias [out] as `nn.Linear.reset_parameters` does, drawing
    from `generator`: the weight by kaiming_uniform_(a=sqrt(5)), then the bias uniform in +-1/sqrt(fan_in)."""
    import torch
    from torch import nn

    with torch.no_grad():
        nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
        fan_in, _ = nn.init._calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        nn.init.uniform_(bias, -bound, bound, generator=generator)


def initial_flat(config: RunConfig, seed: int | None = None) -> np.ndarray:
    """`flatten_module(build_module(config, seed))` without building the module: the same draws in the same
    order into plain tensors, flattened in `parameters()` order (float32). What the kernel starts from."""
    import torch

    sizes = config.layer_sizes
    generator = torch.Generator().manual_seed(config.seed if seed is None else seed)
    parts = []
    for i in range(len(sizes) - 1):
        weight, bias = torch.empty(sizes[i + 1], sizes[i]), torch.empty(sizes[i + 1])
        init_linear_(weight, bias, generator)
        parts += [weight.reshape(-1), bias]
    return torch.cat(parts).numpy()


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


def split_params(flat: np.ndarray, sizes: Sequence[int], copy: bool = True) -> list[np.ndarray]:
    """The flat vector as one flat array per parameter tensor: copies (so they outlive a buffer that goes
    on changing), or views of `flat` with copy=False (when `flat` is a copy already)."""
    out, offset = [], 0
    for shape in param_shapes(sizes):
        n = int(np.prod(shape))
        out.append(np.array(flat[offset:offset + n], copy=True) if copy else flat[offset:offset + n])
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


def predict_members(flats: np.ndarray, sizes: Sequence[int], activations: Sequence[str],
                    xs: np.ndarray) -> np.ndarray:
    """predict() for K members at once, [K, len(xs)]: one batched matmul a layer instead of K small ones (the fit
    chart redraws 64 members' curves several times a second; one by one they cost 2.2 ms a frame). Its sums may
    run in another order than predict()'s, so a value can differ from it in float64's last bits: for drawing."""
    flats = np.asarray(flats)
    k = flats.shape[0]
    h = np.repeat(np.asarray(xs, dtype=np.float64).reshape(1, -1, 1), k, axis=0)
    offset = 0
    for i in range(len(sizes) - 1):
        n_in, n_out = sizes[i], sizes[i + 1]
        w = np.asarray(flats[:, offset:offset + n_in * n_out], np.float64).reshape(k, n_out, n_in)
        offset += n_in * n_out
        b = np.asarray(flats[:, offset:offset + n_out], np.float64)
        offset += n_out
        h = h @ w.transpose(0, 2, 1) + b[:, None, :]
        if i < len(sizes) - 2:
            h = activate(activations[i], h)
    with np.errstate(all="ignore"):
        return h[:, :, 0]


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
