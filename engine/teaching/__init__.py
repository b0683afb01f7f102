"""The teaching views' numbers: pure functions of a model's parameters that make the notebook's ideas visible.

Each module holds one idea, computes with numpy only (no torch, no Textual) and returns small dataclasses a
chart widget draws as they are:
- `numfmt`: how a number is written in a formula (0.82, (−1.3), b(0.40));
- `activations`: each activation's value and slope over a grid, and what it does to a weighted sum;
- `network`: a node as a dot product (terms, sum, activation), the seed-style formula, the net per layer;
"""
