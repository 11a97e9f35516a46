"""The outline of a set of square modules, traced as whole regions.

Drawn square by square, neighbouring modules meet along edges that rasterisers and RIPs
may show as hairline seams. Traced as regions, a run of dark modules is one polygon whose
edges lie only where dark meets light: no seam can appear. Loops follow the boundary edges;
with the even-odd rule any pairing at a corner where two regions touch diagonally fills the
same area.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Loop = list[tuple[int, int]]


def _edges(dark: NDArray[np.bool_]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Directed boundary edges (dark on the right), by start point."""
    padded = np.pad(dark, 1)
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def add(a: tuple[int, int], b: tuple[int, int]) -> None:
        out.setdefault(a, []).append(b)

    for y, x in zip(*np.nonzero(dark), strict=True):
        y, x = int(y), int(x)
        if not padded[y, x + 1]:  # light above: top edge, left to right
            add((x, y), (x + 1, y))
        if not padded[y + 1, x + 2]:  # light to the right: right edge, downwards
            add((x + 1, y), (x + 1, y + 1))
        if not padded[y + 2, x + 1]:  # light below: bottom edge, right to left
            add((x + 1, y + 1), (x, y + 1))
        if not padded[y + 1, x]:  # light to the left: left edge, upwards
            add((x, y + 1), (x, y))
    return out


def trace(dark: NDArray[np.bool_]) -> list[Loop]:
    """Closed loops (corner points only, in module units) around the dark cells."""
    edges = _edges(dark)
    loops: list[Loop] = []
    while edges:
        start = next(iter(edges))
        loop = [start]
        point = start
        while True:
            targets = edges[point]
            nxt = targets.pop()
            if not targets:
                del edges[point]
            if nxt == start:
                break
            loop.append(nxt)
            point = nxt
        loops.append(_corners(loop))
    return loops


def _corners(loop: Loop) -> Loop:
    """The loop without the points in the middle of straight runs."""
    n = len(loop)
    kept = []
    for i, (x, y) in enumerate(loop):
        px, py = loop[i - 1]
        nx, ny = loop[(i + 1) % n]
        if (x - px, y - py) != (nx - x, ny - y):
            kept.append((x, y))
    return kept


def loop_ops(loops: list[Loop], dx: float = 0.0, dy: float = 0.0) -> str:
    """The loops as PDF path operators (m, l, h), moved by (dx, dy)."""
    parts: list[str] = []
    for loop in loops:
        (x0, y0), *rest = loop
        parts.append(f"{x0 + dx:g} {y0 + dy:g} m")
        parts.extend(f"{x + dx:g} {y + dy:g} l" for x, y in rest)
        parts.append("h")
    return "\n".join(parts)
