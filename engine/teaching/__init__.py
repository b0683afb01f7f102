"""The teaching views' numbers: pure functions of a model's parameters that make the notebook's ideas visible.

Each module holds one idea, computes with numpy only (no torch, no Textual: importing this package loads
neither) and returns small dataclasses a chart widget draws as they are. Parameters come as one member's flat
float32 vector (`controller.learner.flat_params()[k]`) with the config's layer sizes and activations.

- `loss_curve`: the loss against the weight for y = w·x + b, its tangent (the gradient), its optimum and
  where the next SGD or momentum step lands (linear-3x, linear-noisy);
- `fixed_step`: nudge-3x's fixed steps on its one-sample loss curve: do they land within the tolerance, or
  bounce between two weights for ever, and why;
- `network`: a node as a dot product (terms, sum, activation), the seed-style formula
  `h1 = 0.82·(−1.3) + 0.11·(2.0) + b(0.40) = −0.45`, each layer's weights and values for drawing the net;
- `activations`: each activation's value and slope over a grid, and what it does to a weighted sum;
- `units`: the last hidden layer's units as curves that, with the output bias, sum to the prediction;
- `curve_found`: did a parabola net find the curve, or stay on a straight line (the seed's "run it again")?
- `explain`: one input's way through a run's model, as lines of text;
- `numfmt`: how these views write a number (2-3 significant digits, a true minus sign).
"""

from .activations import ABOUT as ACTIVATION_ABOUT, Activation, ActivationCurve, activation_curve
from .activations import slope as activation_slope, value as activation_value
from .curve_found import FOUND_RATIO, LINE_RATIO, CurveCheck, best_line, curve_check, found_curve
from .explain import explain_text
from .fixed_step import FixedStepOutcome, FixedStepView, fixed_step_outcome, fixed_step_view, fixed_step_view_for
from .loss_curve import LossCurve, Step, loss_curve, loss_curve_for
from .network import (LayerTrace, LayerView, NetworkView, NodeTerms, explain_lines, format_node, forward_trace,
                      network_view, node_terms)
from .numfmt import short as short_number
from .units import UnitCurve, UnitCurves, UnitShape, unit_curves

__all__ = [
    "ACTIVATION_ABOUT", "Activation", "ActivationCurve", "activation_curve", "activation_slope", "activation_value",
    "FOUND_RATIO", "LINE_RATIO", "CurveCheck", "best_line", "curve_check", "found_curve",
    "explain_text",
    "FixedStepOutcome", "FixedStepView", "fixed_step_outcome", "fixed_step_view", "fixed_step_view_for",
    "LossCurve", "Step", "loss_curve", "loss_curve_for",
    "LayerTrace", "LayerView", "NetworkView", "NodeTerms", "explain_lines", "format_node", "forward_trace",
    "network_view", "node_terms",
    "short_number",
    "UnitCurve", "UnitCurves", "UnitShape", "unit_curves",
]
