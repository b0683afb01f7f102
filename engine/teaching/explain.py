"""`explain_text`: one input's way through a run's model, as the lines a `nudge explain` command would print.

Every model of the registry is covered: nudge-3x's y = w·x (one weight, no bias), the one-weight Linear(1,1)
examples and the hidden-layer nets, node by node in the seed's dot-product style (see `network.format_node`).
"""

from __future__ import annotations

import numpy as np

from ..config import RunConfig
from .network import explain_lines
from .numfmt import factor, short


def explain_text(config: RunConfig, flat: np.ndarray, x: float) -> list[str]:
    """The model's arithmetic at input x, one line per step, headed by the example and its net.

    `flat` is one member's parameter vector (`controller.learner.flat_params()[k]`)."""
    flat = np.asarray(flat).reshape(-1)
    if not config.example.is_torch:  # the framework-free learner holds one weight and no bias
        w = float(flat[0])
        return [f"{config.example_id}: y = w·x, one weight", f"x = {short(x)}",
                f"  y = {factor(w)}·({short(x)}) = {short(w * float(x))}"]
    net = "-".join(str(n) for n in config.layer_sizes)
    acts = ", ".join(config.activations) or "no activation"
    return [f"{config.example_id}: net {net} ({acts})", *explain_lines(flat, config.layer_sizes,
                                                                        config.activations, x)]
