"""The network as the seed explains it: every node is a dot product of its inputs and its weights, plus a
bias, passed through an activation.

From a flat parameter vector (the layout of `engine.layout`: per layer W (out x in, row-major), then b) and
the config's layer sizes and activations:
- `forward_trace`: a forward pass that keeps every layer's weighted sums z and outputs a (numpy, float64);
- `node_terms` / `format_node`: one node's terms and the seed-style line
  `h1 = 0.82·(−1.3) + 0.11·(2.0) + b(0.40) = −0.45`, then `relu(−0.45) = 0`;
- `network_view`: each layer's weights, biases and values for one x, for drawing the net;
- `explain_lines`: the whole net's arithmetic for one x, as lines of text.

Layers are numbered from 0 (the first Linear); units from 0. Names shown to people count from 1: the input
is x, hidden units are h1, h2 ... (h1_1, h2_3 ... when there are several hidden layers), the output is y.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..layout import param_count
from ..models import activate
from .numfmt import factor, short


@dataclass(frozen=True)
class LayerTrace:
    """One Linear layer (and the activation after it) applied to a batch of inputs."""

    inputs: np.ndarray  # [N, in]: what enters the layer
    z: np.ndarray  # [N, out]: inputs @ W.T + b, the weighted sums
    a: np.ndarray  # [N, out]: act(z); the output layer has no activation, so a is z there
    activation: str  # "identity" for the output layer


@dataclass(frozen=True)
class NodeTerms:
    """One node's dot product for one input x: sum(inputs * weights) + bias = z, then act(z) = a."""

    layer: int
    unit: int
    name: str  # h1, h2_3, y
    input_names: tuple[str, ...]  # x, or the previous layer's unit names
    inputs: np.ndarray  # [in]
    weights: np.ndarray  # [in]: this node's row of W
    products: np.ndarray  # [in]: weights * inputs, the terms of the sum
    bias: float
    z: float  # products.sum() + bias
    activation: str  # "identity" for the output node
    a: float  # act(z): what the node passes on


@dataclass(frozen=True)
class LayerView:
    """One layer for drawing: its weights (shade by |w| / max_abs_weight, colour by sign) and its values."""

    layer: int
    weight: np.ndarray  # [out, in]
    bias: np.ndarray  # [out]
    max_abs_weight: float  # largest |w| in this layer (0 when all are 0)
    activation: str  # "identity" for the output layer
    names: tuple[str, ...]  # the layer's unit names
    z: np.ndarray  # [out] weighted sums for the chosen x
    a: np.ndarray  # [out] outputs for the chosen x


@dataclass(frozen=True)
class NetworkView:
    x: float
    input_names: tuple[str, ...]  # ("x",)
    layers: tuple[LayerView, ...]
    output: float  # the prediction at x
    max_abs_weight: float  # over all layers, for one shading scale across the net


def layer_params(flat: np.ndarray, sizes: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W [out, in], b [out]) per layer, as float64 copies of the flat vector's float32 values."""
    flat = np.asarray(flat).reshape(-1)
    if len(flat) != param_count(sizes):
        raise ValueError(f"expected {param_count(sizes)} parameters for layer sizes {tuple(sizes)}, got {len(flat)}")
    out, offset = [], 0
    for i in range(len(sizes) - 1):
        n_in, n_out = int(sizes[i]), int(sizes[i + 1])
        w = np.asarray(flat[offset:offset + n_in * n_out], np.float64).reshape(n_out, n_in)
        offset += n_in * n_out
        b = np.asarray(flat[offset:offset + n_out], np.float64)
        offset += n_out
        out.append((w, b))
    return out


def layer_activations(sizes: Sequence[int], activations: Sequence[str]) -> list[str]:
    """The activation after each Linear layer: the config's per hidden layer, then "identity" for the output."""
    hidden = len(sizes) - 2
    if len(activations) != hidden:
        raise ValueError(f"expected {hidden} activation names for layer sizes {tuple(sizes)}, got {len(activations)}")
    return [*activations, "identity"]


def unit_names(sizes: Sequence[int]) -> list[tuple[str, ...]]:
    """Names of the units each layer produces (the input's name is "x")."""
    hidden = len(sizes) - 2
    names = []
    for i in range(1, len(sizes)):
        if i == len(sizes) - 1:
            names.append(("y",) if sizes[i] == 1 else tuple(f"y{j + 1}" for j in range(sizes[i])))
        elif hidden == 1:
            names.append(tuple(f"h{j + 1}" for j in range(sizes[i])))
        else:
            names.append(tuple(f"h{i}_{j + 1}" for j in range(sizes[i])))
    return names


def forward_trace(flat: np.ndarray, sizes: Sequence[int], activations: Sequence[str],
                  xs: np.ndarray) -> list[LayerTrace]:
    """The forward pass of `models.predict`, step for step (same float64 arithmetic, same order), keeping
    every layer: so `trace[-1].a[:, 0]` equals `models.predict(flat, sizes, activations, xs)`."""
    acts = layer_activations(sizes, activations)
    h = np.asarray(xs, dtype=np.float64).reshape(-1, 1)
    trace = []
    with np.errstate(all="ignore"):  # a blown-up run's parameters draw as inf/nan, not as warnings
        for (w, b), act in zip(layer_params(flat, sizes), acts):
            z = h @ w.T + b
            a = activate(act, z) if act != "identity" else z
            trace.append(LayerTrace(h, z, a, act))
            h = a
    return trace


def node_terms(flat: np.ndarray, sizes: Sequence[int], activations: Sequence[str], x: float,
               layer: int, unit: int) -> NodeTerms:
    """Node (layer, unit)'s dot product for input x: each incoming value times its weight, the bias, the sum
    and the activation's output."""
    n_layers = len(sizes) - 1
    if not 0 <= layer < n_layers or not 0 <= unit < sizes[layer + 1]:
        raise ValueError(f"no unit {unit} in layer {layer} of a net with layer sizes {tuple(sizes)}")
    trace = forward_trace(flat, sizes, activations, np.array([x]))
    return _terms(trace, layer_params(flat, sizes), unit_names(sizes), layer, unit)


def _terms(trace: list[LayerTrace], params: list[tuple[np.ndarray, np.ndarray]], names: list[tuple[str, ...]],
           layer: int, unit: int) -> NodeTerms:
    step, (w, b) = trace[layer], params[layer]
    inputs = step.inputs[0].copy()
    return NodeTerms(
        layer=layer, unit=unit, name=names[layer][unit],
        input_names=("x",) if layer == 0 else names[layer - 1],
        inputs=inputs, weights=w[unit].copy(), products=w[unit] * inputs, bias=float(b[unit]),
        z=float(step.z[0, unit]), activation=step.activation, a=float(step.a[0, unit]),
    )


def format_node(terms: NodeTerms) -> list[str]:
    """The node's arithmetic as the seed writes it, one or two lines:

        h1 = 0.82·(−1.3) + 0.11·(2.0) + b(0.40) = −0.45
        relu(−0.45) = 0

    Each term is weight·(input); a negative weight gets parentheses too; the bias is b(...). The output node
    (no activation) has only the first line.
    """
    parts = [f"{factor(w)}·({short(v)})" for w, v in zip(terms.weights, terms.inputs)]
    parts.append(f"b({short(terms.bias)})")
    lines = [f"{terms.name} = {' + '.join(parts)} = {short(terms.z)}"]
    if terms.activation != "identity":
        lines.append(f"{terms.activation}({short(terms.z)}) = {short(terms.a)}")
    return lines


def network_view(flat: np.ndarray, sizes: Sequence[int], activations: Sequence[str], x: float) -> NetworkView:
    """Every layer's weights, biases and values at input x, for drawing the network."""
    trace = forward_trace(flat, sizes, activations, np.array([x]))
    names = unit_names(sizes)
    layers = []
    for i, ((w, b), step) in enumerate(zip(layer_params(flat, sizes), trace)):
        finite = np.abs(w[np.isfinite(w)])
        layers.append(LayerView(
            layer=i, weight=w, bias=b, max_abs_weight=float(finite.max()) if finite.size else 0.0,
            activation=step.activation, names=names[i], z=step.z[0].copy(), a=step.a[0].copy(),
        ))
    return NetworkView(
        x=float(x), input_names=("x",), layers=tuple(layers), output=float(trace[-1].a[0, 0]),
        max_abs_weight=max(layer.max_abs_weight for layer in layers),
    )


def explain_lines(flat: np.ndarray, sizes: Sequence[int], activations: Sequence[str], x: float) -> list[str]:
    """One input's way through the whole net, node by node, as lines of text (for `nudge explain`):

        x = 2.0
        layer 1 (sigmoid)
          h1 = 0.82·(2.0) + b(0.40) = 2.0
          sigmoid(2.0) = 0.89
          ...
        output
          y = ... = 3.4
    """
    trace = forward_trace(flat, sizes, activations, np.array([x]))
    params, names = layer_params(flat, sizes), unit_names(sizes)
    lines = [f"x = {short(x)}"]
    for layer, step in enumerate(trace):
        lines.append("output" if layer == len(trace) - 1 else f"layer {layer + 1} ({step.activation})")
        for unit in range(sizes[layer + 1]):
            lines += ["  " + line for line in format_node(_terms(trace, params, names, layer, unit))]
    return lines
