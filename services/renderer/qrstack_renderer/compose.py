"""Lay a code out as a `Drawing`: canvas, background, modules, eyes, centre element, frame.

The composer only arranges; whether the arrangement scans is checked before it runs
(`qrstack_renderer.guard`), and painting is the formats' job.
"""

from __future__ import annotations

import numpy as np

from qrstack_common.errors import Issue, validation_failed
from qrstack_common.render.spec import RenderSpec
from qrstack_renderer.drawing import (
    Drawing,
    Layer,
    ModuleLayer,
    Paint,
    Placement,
    ShapeLayer,
    Solid,
)
from qrstack_renderer.matrix import FINDER_SIZE, QrMatrix
from qrstack_renderer.styles.centre import CentrePlan
from qrstack_renderer.styles.eyes import eye_shapes
from qrstack_renderer.styles.frames import frame_layers, plan_frame
from qrstack_renderer.styles.paints import gradient_paint
from qrstack_renderer.styles.patterns import cell_shapes, depends_on_neighbours, neighbour_codes

DEFAULT_SCALE = 10


def placement(spec: RenderSpec, canvas_w: int, canvas_h: int) -> Placement:
    """Pixels per module and padding for the requested `size` or `scale`.

    With `size`, modules get the largest whole number of pixels that fits (crisp edges, no
    resampling) and the rest becomes extra quiet zone split evenly around the canvas.
    Fails with 400 on `size` when not even one pixel per module fits.
    """
    if spec.size is None:
        scale = spec.scale or DEFAULT_SCALE
        return Placement(scale, 0, 0, canvas_w * scale, canvas_h * scale)
    scale = spec.size // canvas_w
    if scale < 1:
        raise validation_failed(
            [Issue(("size",), f"this code needs at least {canvas_w} px; use size ≥ {canvas_w}")]
        )
    spare = spec.size - canvas_w * scale
    return Placement(scale, spare // 2, spare // 2, spec.size, canvas_h * scale + spare)


def finder_mask(matrix: QrMatrix) -> np.ndarray:
    """True on the three 7×7 finder patterns, which the eyes draw instead of the modules."""
    mask = np.zeros(matrix.dark.shape, bool)
    for x, y in matrix.finder_origins():
        mask[y : y + FINDER_SIZE, x : x + FINDER_SIZE] = True
    return mask


def compose(spec: RenderSpec, matrix: QrMatrix, centre: CentrePlan | None) -> Drawing:
    """The drawing of `matrix` styled by `spec.style`, with its centre element (logo, text
    or icon) already sized. Fails with 400 on `size` when it is too small."""
    style = spec.style
    n = matrix.size
    frame = plan_frame(style, n + 2 * spec.margin)
    sym_x = frame.symbol_x + spec.margin
    sym_y = frame.symbol_y + spec.margin
    place = placement(spec, frame.width, frame.height)

    dark_paint: Paint = Solid(style.foreground)
    background: Paint | None = (
        None if style.background == "transparent" else Solid(style.background)
    )
    if style.gradient is not None:
        if style.gradient.target == "foreground":
            dark_paint = gradient_paint(style.gradient, (sym_x, sym_y, n, n))
        else:
            background = gradient_paint(style.gradient, (0, 0, frame.width, frame.height))

    data = matrix.dark & ~finder_mask(matrix)
    if centre is not None:
        data &= ~centre.cleared_cells(n)
    shapes = cell_shapes(style.pattern)
    if depends_on_neighbours(style.pattern):
        cells = np.where(data, neighbour_codes(data), -1).astype(np.int16)
    else:
        cells = np.where(data, 0, -1).astype(np.int16)

    layers: list[Layer] = [*frame_layers(frame, style)]
    layers.append(ModuleLayer((sym_x, sym_y), cells, shapes, dark_paint))
    outer = Solid(style.eye_outer) if style.eye_outer else dark_paint
    inner = Solid(style.eye_inner) if style.eye_inner else dark_paint
    for eye, (fx, fy) in enumerate(matrix.finder_origins()):
        ring, pupil = eye_shapes(style.corners, eye, sym_x + fx, sym_y + fy)
        layers.append(ShapeLayer(ring, outer, aligned=True))
        layers.append(ShapeLayer(pupil, inner, aligned=True))
    if centre is not None:
        layers.extend(centre.layers(sym_x, sym_y, n, dark_paint))
    return Drawing(frame.width, frame.height, background, tuple(layers), place, spec.dpi)
