"""Module patterns: the shape of one data module, given which neighbours are dark.

Every shape stays inside its unit cell and covers the cell's centre with at least 0.8 of a
module, which is what readers sample; rounded corners appear only where no neighbour
continues the shape, so runs of modules stay solid.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from qrstack_common.render.spec import Pattern
from qrstack_renderer.geometry import Shape, circle, rounded_rect

UP, RIGHT, DOWN, LEFT = 1, 2, 4, 8
DOT_RADIUS = 0.45
"""Dots smaller than ~0.35 of a module stop decoding; 0.45 keeps a clear margin."""
STRIPE_INSET = 0.1


def neighbour_codes(dark: NDArray[np.bool_]) -> NDArray[np.int16]:
    """For every cell, the UP/RIGHT/DOWN/LEFT bits of its dark neighbours."""
    d = dark.astype(np.int16)
    codes = np.zeros(dark.shape, np.int16)
    codes[1:, :] |= d[:-1, :] * UP
    codes[:-1, :] |= d[1:, :] * DOWN
    codes[:, 1:] |= d[:, :-1] * LEFT
    codes[:, :-1] |= d[:, 1:] * RIGHT
    return codes


def depends_on_neighbours(pattern: Pattern) -> bool:
    return pattern not in ("square", "dots")


def cell_shapes(pattern: Pattern) -> tuple[Shape, ...]:
    """The cell shapes of a pattern: one shape, or 16 indexed by neighbour code."""
    if pattern == "square":
        return ((rounded_rect(0, 0, 1, 1),),)
    if pattern == "dots":
        return ((circle(0.5, 0.5, DOT_RADIUS),),)
    return tuple(_shape(pattern, code) for code in range(16))


def _open(code: int, *sides: int) -> bool:
    return not any(code & side for side in sides)


def _shape(pattern: Pattern, code: int) -> Shape:
    if pattern == "horizontal-stripe":
        r = 0.5 - STRIPE_INSET
        left = r if _open(code, LEFT) else 0.0
        right = r if _open(code, RIGHT) else 0.0
        h = 1 - 2 * STRIPE_INSET
        return (rounded_rect(0, STRIPE_INSET, 1, h, (left, right, right, left)),)
    if pattern == "vertical-stripe":
        r = 0.5 - STRIPE_INSET
        top = r if _open(code, UP) else 0.0
        bottom = r if _open(code, DOWN) else 0.0
        w = 1 - 2 * STRIPE_INSET
        return (rounded_rect(STRIPE_INSET, 0, w, 1, (top, top, bottom, bottom)),)
    tl_open = _open(code, UP, LEFT)
    tr_open = _open(code, UP, RIGHT)
    br_open = _open(code, DOWN, RIGHT)
    bl_open = _open(code, DOWN, LEFT)
    if pattern == "rounded":
        main = side = 0.25
    elif pattern == "extra-rounded":
        main = side = 0.5
    elif pattern == "classy":
        main, side = 0.5, 0.0
    else:  # classy-rounded
        main, side = 0.5, 0.2
    radii = (
        main if tl_open else 0.0,
        side if tr_open else 0.0,
        main if br_open else 0.0,
        side if bl_open else 0.0,
    )
    return (rounded_rect(0, 0, 1, 1, radii),)
