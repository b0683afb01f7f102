"""The flat parameter layout of a net from 1 input to 1 output with these layer sizes: per layer its weight
(out x in, row-major) then its bias, in `model.parameters()` order. Torch-free, so the config's checks, the
kernel and the drawing code share it."""

from __future__ import annotations

from typing import Sequence


def param_shapes(sizes: Sequence[int]) -> list[tuple[int, ...]]:
    """Shapes of the parameter tensors, in `parameters()` order."""
    shapes: list[tuple[int, ...]] = []
    for i in range(len(sizes) - 1):
        shapes += [(int(sizes[i + 1]), int(sizes[i])), (int(sizes[i + 1]),)]
    return shapes


def param_count(sizes: Sequence[int]) -> int:
    """How many numbers the net holds."""
    sizes = [int(s) for s in sizes]
    return sum(sizes[i + 1] * sizes[i] + sizes[i + 1] for i in range(len(sizes) - 1))
