"""The centre element (logo, centre text or social icon): its size, the modules it clears
and its layers.

The element sits in the middle of the symbol on a cleared rectangle of whole modules (its
box plus half a module of padding), so no module is cut in half. What it may cover is the
guard's question: the cleared area as a share of the symbol (`area`) and whether it stays off
the finder, separator and timing patterns (`clears_function_patterns`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from qrstack_common.render.spec import SocialIcon, Style
from qrstack_renderer.drawing import ImageLayer, Layer, Paint, ShapeLayer, Solid
from qrstack_renderer.logos.images import LogoImage
from qrstack_renderer.styles.icons import icon_pieces
from qrstack_renderer.styles.text import text_shape, text_width

PADDING = 0.5
"""Modules of clear space around the element."""
TEXT_CAP_RATIO = 0.085
"""Capital height of centre text over the symbol's side."""
TEXT_DESCENT = 0.35
"""Room below the baseline, over the capital height (for g, j, p, q, y)."""
TIMING = 6
"""Row and column of the timing patterns; finders and separators span 0..7."""


@dataclass(frozen=True, eq=False)
class CentrePlan:
    """An element of `width` × `height` modules centred on the symbol."""

    width: float
    height: float
    logo: LogoImage | None = None
    text: str | None = None
    icon: SocialIcon | None = None

    def cleared_range(self, n: int) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) of the cleared cells in symbol coordinates, end exclusive."""
        half_w = self.width / 2 + PADDING
        half_h = self.height / 2 + PADDING
        centre = n / 2
        x0 = math.floor(centre - half_w + 1e-9)
        x1 = math.ceil(centre + half_w - 1e-9)
        y0 = math.floor(centre - half_h + 1e-9)
        y1 = math.ceil(centre + half_h - 1e-9)
        return x0, y0, x1, y1

    def cleared_cells(self, n: int) -> NDArray[np.bool_]:
        """True for every module the element clears."""
        x0, y0, x1, y1 = self.cleared_range(n)
        mask = np.zeros((n, n), bool)
        mask[max(0, y0) : y1, max(0, x0) : x1] = True
        return mask

    def area(self, n: int) -> float:
        """The share of the symbol's modules cleared."""
        x0, y0, x1, y1 = self.cleared_range(n)
        return (x1 - x0) * (y1 - y0) / (n * n)

    def clears_function_patterns(self, n: int) -> bool:
        """Whether the cleared cells reach a finder, separator or timing pattern."""
        x0, y0, x1, y1 = self.cleared_range(n)
        low = TIMING + 2  # finders, separators and timing lie in 0..7 and n-8..n-1
        return min(x0, y0) < low or max(x1, y1) > n - low

    def layers(self, sym_x: int, sym_y: int, n: int, paint: Paint) -> list[Layer]:
        """The element's layers; text takes the modules' paint."""
        x = sym_x + (n - self.width) / 2
        y = sym_y + (n - self.height) / 2
        if self.logo is not None:
            box = (x, y, self.width, self.height)
            return [ImageLayer(self.logo.image, box, self.logo.source, self.logo.media_type)]
        if self.icon is not None:
            return [
                ShapeLayer(shape, Solid(color))
                for shape, color in icon_pieces(self.icon, x, y, self.width)
            ]
        assert self.text is not None
        cap = self.height / (1 + TEXT_DESCENT)
        shape, _ = text_shape(self.text, sym_x + n / 2, y + cap / 2, cap)
        return [ShapeLayer(shape, paint)] if shape else []


def plan_centre(style: Style, n: int, logo: LogoImage | None) -> CentrePlan | None:
    """Size the style's centre element for a symbol of `n` modules (None if it has none)."""
    if logo is not None:
        longest = style.logo_size * n
        if logo.aspect >= 1:
            return CentrePlan(longest, longest / logo.aspect, logo=logo)
        return CentrePlan(longest * logo.aspect, longest, logo=logo)
    if style.center_icon is not None:
        side = style.center_icon.scale * n
        return CentrePlan(side, side, icon=style.center_icon.id)
    if style.center_text is not None:
        text = style.center_text.strip()
        cap = max(1.5, n * TEXT_CAP_RATIO)
        return CentrePlan(text_width(text, cap), cap * (1 + TEXT_DESCENT), text=text)
    return None
