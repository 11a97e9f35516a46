"""Finder eye shapes: the 7×7 outer ring and the 3×3 inner eye of each finder pattern.

Readers find a symbol by the finders' 1:1:3:1:1 runs and by their straight outer edges
(zxing-cpp cannot locate circular finders). So every outer ring here is a square whose corner
radii leave at least three modules of straight edge on every side; the distinctive shape of
"circle", "leaf", "pin" and the rest is carried by the inner eye and the ring's hole, which
readers measure only through their centre lines.

Corners are named by role so one table serves all three eyes: `out` is the corner pointing
away from the symbol, `in` the one pointing at its centre, `side` the other two.
"""

from __future__ import annotations

from dataclasses import dataclass

from qrstack_common.render.spec import EyeShape
from qrstack_renderer.geometry import Outline, Shape, circle, moved, polygon, rounded_rect

MAX_OUTER_RADIUS = 2.0
"""Largest outer-ring corner radius, in modules: it leaves 3 of the 7 modules straight."""


@dataclass(frozen=True)
class _Radii:
    out: float
    inward: float
    side: float


@dataclass(frozen=True)
class _EyeStyle:
    ring: _Radii
    hole: _Radii
    inner: _Radii | None
    """None: the inner eye is not a rounded square (circle, cross)."""


def _all(r: float) -> _Radii:
    return _Radii(r, r, r)


_STYLES: dict[EyeShape, _EyeStyle] = {
    "square": _EyeStyle(_all(0), _all(0), _all(0)),
    "rounded": _EyeStyle(_all(1.0), _all(0.5), _all(0.6)),
    "extra-rounded": _EyeStyle(_all(2.0), _all(1.2), _all(1.1)),
    "circle": _EyeStyle(_all(1.0), _all(0.6), None),
    "leaf": _EyeStyle(_Radii(2.0, 2.0, 0), _Radii(1.2, 1.2, 0), _Radii(1.5, 1.5, 0)),
    "pin": _EyeStyle(_all(1.0), _all(0.5), _Radii(0, 1.5, 1.5)),
    "inpoint": _EyeStyle(_Radii(1.5, 0, 1.5), _Radii(0.8, 0, 0.8), _Radii(1.2, 0, 1.2)),
    "outpoint": _EyeStyle(_Radii(0, 1.5, 1.5), _Radii(0, 0.8, 0.8), _Radii(0, 1.2, 1.2)),
    "cross": _EyeStyle(_all(0.5), _all(0), None),
}

# Which corner (top-left, top-right, bottom-right, bottom-left) plays which role, per eye:
# top-left eye, top-right eye, bottom-left eye.
_ROLES: tuple[tuple[str, str, str, str], ...] = (
    ("out", "side", "in", "side"),
    ("side", "out", "side", "in"),
    ("side", "in", "side", "out"),
)


def _corners(radii: _Radii, eye: int) -> tuple[float, float, float, float]:
    by_role = {"out": radii.out, "in": radii.inward, "side": radii.side}
    tl, tr, br, bl = (by_role[role] for role in _ROLES[eye])
    return tl, tr, br, bl


def _cross() -> Outline:
    """A plus filling the 3×3 inner square along both centre lines."""
    a, b = 2.0 + 0.6, 2.0 + 2.4
    return polygon(
        [
            (a, 2),
            (b, 2),
            (b, a),
            (5, a),
            (5, b),
            (b, b),
            (b, 5),
            (a, 5),
            (a, b),
            (2, b),
            (2, a),
            (a, a),
        ]
    )


def eye_shapes(shape: EyeShape, eye: int, x: float, y: float) -> tuple[Shape, Shape]:
    """The outer ring and the inner eye of finder `eye` (0 top-left, 1 top-right,
    2 bottom-left) whose top-left module is at canvas position (x, y)."""
    style = _STYLES[shape]
    ring = (
        rounded_rect(0, 0, 7, 7, _corners(style.ring, eye)),
        rounded_rect(1, 1, 5, 5, _corners(style.hole, eye)),
    )
    inner: Outline
    if style.inner is not None:
        inner = rounded_rect(2, 2, 3, 3, _corners(style.inner, eye))
    elif shape == "circle":
        inner = circle(3.5, 3.5, 1.5)
    else:
        inner = _cross()
    return moved(ring, x, y), moved((inner,), x, y)
