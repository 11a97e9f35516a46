"""The design as the renderer draws it, without the guard's refusals: the scorer must see
(and explain) a design the renderer would refuse.

The error correction is raised under a centre element exactly as `render` raises it, the
centre element is planned and the modules it clears are known, and the picture is painted as
a greyscale raster at SCALE pixels per module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from qrstack_common.render.contrast import contrast_ratio, relative_luminance
from qrstack_common.render.spec import RenderSpec, Style
from qrstack_renderer.compose import compose, placement
from qrstack_renderer.formats.bitmap import plain_image
from qrstack_renderer.formats.raster import paint_raster
from qrstack_renderer.matrix import QrMatrix
from qrstack_renderer.render import encode_code, is_plain
from qrstack_renderer.scannability.model import ScoreRequest

SCALE = 8
"""Pixels per module of the clean render every condition starts from."""


@dataclass(frozen=True, eq=False)
class Design:
    image: Image.Image
    """Greyscale, SCALE px per module, flattened onto white."""
    matrix: QrMatrix
    covered: NDArray[np.bool_] | None
    """Modules the centre element clears (symbol coordinates), None without one."""


def _style_colors(style: Style) -> tuple[list[str], list[str]]:
    if style.gradient is not None and style.gradient.target == "foreground":
        darks = [style.gradient.from_, style.gradient.to]
    else:
        darks = [style.foreground]
    darks += [c for c in (style.eye_outer, style.eye_inner) if c]
    if style.gradient is not None and style.gradient.target == "background":
        lights = [style.gradient.from_, style.gradient.to]
    else:
        lights = ["#ffffff" if style.background == "transparent" else style.background]
    return darks, lights


def worst_contrast(style: Style) -> tuple[float, bool]:
    """(lowest contrast ratio of any dark colour against any light one, inverted?)."""
    darks, lights = _style_colors(style)
    inverted = any(relative_luminance(d) >= relative_luminance(li) for d in darks for li in lights)
    return min(contrast_ratio(d, li) for d in darks for li in lights), inverted


def draw(request: ScoreRequest) -> Design:
    """Paint the design; 400 only for what cannot be drawn at all (data too long, a logo
    that is not a readable image or not inline)."""
    style = request.style
    matrix, centre = encode_code(style, request.data, request.error_correction)
    spec = RenderSpec.model_validate(
        {
            "data": request.data,
            "scale": SCALE,
            "margin": request.margin,
            "errorCorrection": matrix.error_correction,
            "style": style,
        }
    )
    side = matrix.size + 2 * spec.margin
    if is_plain(style):
        place = placement(spec, side, side)
        image = plain_image(matrix, spec.margin, place, style.foreground, style.background)
    else:
        image = paint_raster(compose(spec, matrix, centre))
    flat = Image.new("RGBA", image.size, "white")
    flat.alpha_composite(image.convert("RGBA"))
    covered = centre.cleared_cells(matrix.size) if centre is not None else None
    return Design(flat.convert("L"), matrix, covered)
