"""Colours and gradients of a style, as paints placed on the canvas, and their contrast.

Contrast follows WCAG's relative luminance: readers need dark modules on a light ground with
a luminance contrast ratio of at least 4:1.
"""

from __future__ import annotations

import math

from qrstack_renderer.drawing import GradientPaint, Paint
from qrstack_renderer.spec import Gradient


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of `#rrggbb`, 0 (black) to 1 (white)."""
    value = int(color[1:], 16)
    r, g, b = (
        s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
        for s in (((value >> shift) & 255) / 255 for shift in (16, 8, 0))
    )
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours, 1 to 21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


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
