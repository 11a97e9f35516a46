"""A code laid out for drawing: a canvas in module units and the layers painted on it.

The composer (`qrstack_renderer.compose`) turns a spec into a `Drawing`; each output format
(`formats/`) paints the same `Drawing`, so PNG, SVG and PDF show the same picture.
Coordinates are in modules with (0, 0) at the canvas' top-left; `Placement` maps them to
pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from qrstack_renderer.geometry import Point, Shape


@dataclass(frozen=True)
class Solid:
    color: str
    """`#rrggbb`."""


@dataclass(frozen=True)
class GradientPaint:
    """A two-stop gradient in canvas coordinates, padded beyond its ends.

    Linear: colour goes from `start` at `p0` to `end` at `p1`. Radial: from `start` at `p0`
    (the centre) to `end` at distance `radius`.
    """

    kind: str
    start: str
    end: str
    p0: Point
    p1: Point
    radius: float


Paint = Solid | GradientPaint


@dataclass(frozen=True, eq=False)
class ModuleLayer:
    """The data modules: `cells[y, x]` indexes `shapes` (a shape in the unit cell), -1 for
    an empty cell. `origin` is the canvas position of cell (0, 0)."""

    origin: tuple[int, int]
    cells: NDArray[np.int16]
    shapes: tuple[Shape, ...]
    paint: Paint


@dataclass(frozen=True)
class ShapeLayer:
    """One shape in canvas coordinates: eyes, text, icons, frames. `aligned` marks a shape
    whose pixels do not depend on its whole-module position (eyes), so a rasteriser may
    reuse them."""

    shape: Shape
    paint: Paint
    aligned: bool = False


@dataclass(frozen=True, eq=False)
class ImageLayer:
    """A picture (the logo) fitted into `box` = (x, y, w, h) in canvas modules.

    `image` is RGBA for raster and PDF output; `source` and `media_type` are what the SVG
    output embeds (the original SVG logo stays vector there).
    """

    image: Image.Image
    box: tuple[float, float, float, float]
    source: bytes
    media_type: str


Layer = ModuleLayer | ShapeLayer | ImageLayer


@dataclass(frozen=True)
class Placement:
    """How canvas modules map to output pixels: `scale` pixels per module, the canvas'
    top-left at (`pad_x`, `pad_y`), in an image of `width` × `height` pixels."""

    scale: int
    pad_x: int
    pad_y: int
    width: int
    height: int


@dataclass(frozen=True, eq=False)
class Drawing:
    """Everything to paint, back to front. `background` None means transparent."""

    width: int
    height: int
    background: Paint | None
    layers: tuple[Layer, ...]
    placement: Placement
    dpi: int
