"""A benchmark row and the table that prints them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    what: str
    measured: str
    target: str
    ok: bool


def render(rows: list[Row]) -> str:
    w0 = max(len(r.what) for r in rows)
    w1 = max(len(r.measured) for r in rows)
    w2 = max(len(r.target) for r in rows)
    lines = [f"{'what':<{w0}}  {'measured':<{w1}}  {'target':<{w2}}  ok", "-" * (w0 + w1 + w2 + 10)]
    for r in rows:
        lines.append(f"{r.what:<{w0}}  {r.measured:<{w1}}  {r.target:<{w2}}  {'yes' if r.ok else 'NO'}")
    return "\n".join(lines)
