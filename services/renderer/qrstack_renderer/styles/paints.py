"""Gradients of a style as paints placed on the canvas.

(Their contrast is the render contract's check: `qrstack_common.render.contrast`.)
"""

from __future__ import annotations

import math

from qrstack_common.render.spec import Gradient
from qrstack_renderer.drawing import GradientPaint, Paint


def gradient_paint(gradient: Gradient, box: tuple[float, float, float, float]) -> Paint:
    """The gradient spread over `box` = (x, y, w, h) in canvas modules.

    Linear: the gradient line passes through the box centre at `angle` and is just long
    enough that the two far corners get the pure end colours (as CSS does). Radial: centred
    on the box, reaching the end colour at the corners.
    """
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    if gradient.type == "radial":
        radius = math.hypot(w, h) / 2
        return GradientPaint("radial", gradient.from_, gradient.to, (cx, cy), (cx, cy), radius)
    angle = math.radians(gradient.angle)
    dx, dy = math.cos(angle), math.sin(angle)
    half = (abs(w * dx) + abs(h * dy)) / 2
    p0 = (cx - dx * half, cy - dy * half)
    p1 = (cx + dx * half, cy + dy * half)
    return GradientPaint("linear", gradient.from_, gradient.to, p0, p1, half)
