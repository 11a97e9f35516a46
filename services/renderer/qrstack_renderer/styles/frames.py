"""Frames around the code and their call-to-action text.

The frame sits outside the quiet zone, so it never touches what readers need. Frames:
- `box`: a one-module border; with `ctaText`, a band under the code carries the text.
- `rounded`: the same with rounded corners.
- `banner-top`: the border with the band above the code.
- `label`: no border; the text is written under the code in the frame colour.
The band's text is drawn in the background colour (white when the background is
transparent) and shrinks to fit the band's width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qrstack_common.render.spec import Style
from qrstack_renderer.drawing import Layer, ShapeLayer, Solid
from qrstack_renderer.geometry import rounded_rect
from qrstack_renderer.styles.text import text_shape, text_width

BORDER = 1
BAND_RATIO = 0.18
"""Band height over the quiet-zone square's side."""
CAP_RATIO = 0.42
"""Capital letter height over the band height."""
TEXT_MARGIN = 1.5


@dataclass(frozen=True)
class FramePlan:
    """The canvas size (modules) and where the quiet-zone square of side `side` starts."""

    kind: str
    side: int
    width: int
    height: int
    symbol_x: int
    symbol_y: int
    band: tuple[float, float, float, float] | None
    """(x, y, w, h) of the text band, if the frame has text."""


def plan_frame(style: Style, side: int) -> FramePlan:
    kind = style.effective_frame
    text = (style.cta_text or "").strip()
    band_h = max(4, math.ceil(side * BAND_RATIO)) if text else 0
    if kind == "none":
        return FramePlan(kind, side, side, side, 0, 0, None)
    if kind == "label":
        band = (0.0, float(side), float(side), float(band_h)) if text else None
        return FramePlan(kind, side, side, side + band_h, 0, 0, band)
    width = side + 2 * BORDER
    height = side + 2 * BORDER + band_h
    top = kind == "banner-top"
    symbol_y = BORDER + (band_h if top else 0)
    band = None
    if text:
        band_y = 0.0 if top else float(side + 2 * BORDER)
        band = (0.0, band_y, float(width), float(band_h))
    return FramePlan(kind, side, width, height, BORDER, symbol_y, band)


def frame_layers(plan: FramePlan, style: Style) -> list[Layer]:
    """The frame outline and its text, back to front."""
    color = style.frame_color or style.foreground
    layers: list[Layer] = []
    if plan.kind in ("box", "rounded", "banner-top"):
        radius = 2.0 if plan.kind == "rounded" else 0.0
        outer = rounded_rect(0, 0, plan.width, plan.height, (radius,) * 4)
        hole = rounded_rect(plan.symbol_x, plan.symbol_y, plan.side, plan.side, (radius / 2,) * 4)
        layers.append(ShapeLayer((outer, hole), Solid(color)))
    text = (style.cta_text or "").strip()
    if plan.band is not None and text:
        x, y, w, h = plan.band
        cap = h * CAP_RATIO
        room = w - 2 * TEXT_MARGIN
        natural = text_width(text, cap)
        if natural > room:
            cap *= room / natural
        shape, _ = text_shape(text, x + w / 2, y + h / 2, cap)
        if shape:
            if plan.kind == "label":
                text_color = color
            elif style.background == "transparent":
                text_color = "#ffffff"
            else:
                text_color = style.background
            layers.append(ShapeLayer(shape, Solid(text_color)))
    return layers
