"""How the teaching views write a number: short enough to read in a formula, as the seed writes them.

The seed's node formula reads `h = 0.82·(−1.3) + 0.11·(2.0) + b(0.40) = −0.45`: two significant digits,
a true minus sign, trailing zeros kept (0.40, 2.0) so every number in a line looks alike.
"""

from __future__ import annotations

import math

MINUS = "\u2212"  # the typographic minus: "−1.3" reads better than "-1.3" beside "·" and "+"


def short(value: float) -> str:
    """A number in 2-3 significant digits: 0 as "0", 0.82, 0.40, −1.3, 2.0, 12.3, 140, 1.2e4, 3.0e−7.

    Two significant digits below 10 (enough to follow a sum by eye), one decimal from 10 to 100, whole
    numbers from 100 to 10,000, and scientific notation outside 0.001..10,000 so a line stays short.
    """
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "∞" if v > 0 else MINUS + "∞"
    if v == 0.0:
        return "0"
    a = abs(v)
    if 1e-3 <= a < 10:
        # Two significant digits, trailing zeros kept. Rounding can carry into the next decade
        # (9.96 -> "10.0", 0.0999 -> "0.100"): still at most three digits.
        decimals = max(1, 1 - math.floor(math.log10(a)))
        text = f"{a:.{decimals}f}"
    elif 10 <= a and round(a, 1) < 100:
        text = f"{a:.1f}"
    elif 100 <= round(a, 1) and round(a) < 1e4:
        text = f"{a:.0f}"
    else:
        mantissa, exponent = f"{a:.1e}".split("e")
        text = f"{mantissa}e{int(exponent)}".replace("-", MINUS)
    return (MINUS if v < 0 else "") + text


def factor(value: float) -> str:
    """A number as a factor in a product: negative ones in parentheses, 0.82 or (−0.82)."""
    text = short(value)
    return f"({text})" if text.startswith(MINUS) else text
