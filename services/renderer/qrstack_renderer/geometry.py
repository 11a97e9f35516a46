"""Vector shapes in module units: the one description every output format draws from.

A `Shape` is a list of closed outlines made of straight lines and cubic Béziers (arcs are
approximated by cubics, which PDF and SVG both draw natively). Outlines are filled with the
even-odd rule everywhere (SVG `fill-rule="evenodd"`, PDF `f*`, the rasteriser's XOR), so a
ring is an outer outline plus an inner one. Raster, SVG and PDF outputs all draw these same
outlines, which is why the three look the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Control-point distance for a quarter circle drawn as one cubic Bézier.
KAPPA = 4.0 * (math.sqrt(2.0) - 1.0) / 3.0

Point = tuple[float, float]
Segment = tuple[float, ...]
"""`(x, y)` for a line to (x, y), `(x1, y1, x2, y2, x, y)` for a cubic Bézier."""


@dataclass(frozen=True)
class Outline:
    """One closed outline: a start point and the segments back to it."""

    start: Point
    segments: tuple[Segment, ...]

    def moved(self, dx: float, dy: float, k: float = 1.0) -> Outline:
        """This outline scaled by `k` about the origin, then moved by (dx, dy)."""
        sx, sy = self.start
        return Outline(
            (sx * k + dx, sy * k + dy),
            tuple(
                tuple(v * k + (dx if i % 2 == 0 else dy) for i, v in enumerate(seg))
                for seg in self.segments
            ),
        )

    def polygon(self, steps: int = 8) -> list[Point]:
        """The outline as straight pieces; each cubic becomes `steps` lines."""
        points: list[Point] = [self.start]
        x0, y0 = self.start
        for seg in self.segments:
            if len(seg) == 2:
                points.append((seg[0], seg[1]))
            else:
                x1, y1, x2, y2, x3, y3 = seg
                for i in range(1, steps + 1):
                    t = i / steps
                    u = 1.0 - t
                    a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
                    points.append(
                        (a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3)
                    )
            x0, y0 = points[-1]
        return points

    def bounds(self) -> tuple[float, float, float, float]:
        xs = [self.start[0], *(v for seg in self.segments for v in seg[0::2])]
        ys = [self.start[1], *(v for seg in self.segments for v in seg[1::2])]
        return min(xs), min(ys), max(xs), max(ys)


Shape = tuple[Outline, ...]


def moved(shape: Iterable[Outline], dx: float, dy: float, k: float = 1.0) -> Shape:
    return tuple(o.moved(dx, dy, k) for o in shape)


def bounds(shape: Sequence[Outline]) -> tuple[float, float, float, float]:
    """The (x0, y0, x1, y1) box around every control point of `shape` (never empty)."""
    boxes = [o.bounds() for o in shape]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def rounded_rect(
    x: float,
    y: float,
    w: float,
    h: float,
    radii: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0),
) -> Outline:
    """A rectangle whose corners (top-left, top-right, bottom-right, bottom-left) are rounded
    by the given radii, each clipped to half the shorter side. Drawn clockwise."""
    cap = min(w, h) / 2.0
    tl, tr, br, bl = (max(0.0, min(r, cap)) for r in radii)
    segs: list[Segment] = []
    segs.append((x + w - tr, y))
    if tr:
        segs.append((x + w - tr + tr * KAPPA, y, x + w, y + tr - tr * KAPPA, x + w, y + tr))
    segs.append((x + w, y + h - br))
    if br:
        segs.append(
            (x + w, y + h - br + br * KAPPA, x + w - br + br * KAPPA, y + h, x + w - br, y + h)
        )
    segs.append((x + bl, y + h))
    if bl:
        segs.append((x + bl - bl * KAPPA, y + h, x, y + h - bl + bl * KAPPA, x, y + h - bl))
    segs.append((x, y + tl))
    if tl:
        segs.append((x, y + tl - tl * KAPPA, x + tl - tl * KAPPA, y, x + tl, y))
    return Outline((x + tl, y), tuple(segs))


def circle(cx: float, cy: float, r: float) -> Outline:
    return rounded_rect(cx - r, cy - r, 2 * r, 2 * r, (r, r, r, r))


def polygon(points: Sequence[Point]) -> Outline:
    """A closed outline through `points` with straight sides."""
    return Outline(points[0], tuple((x, y) for x, y in points[1:]))
