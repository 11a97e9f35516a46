"""Paint a `Drawing` into pixels (for PNG, JPEG and WebP).

Shapes are filled with the even-odd rule by XOR-ing each outline's polygon sampled 4×4 per
pixel (8×8 for module tiles, 2×2 or 1×1 for frame-sized shapes) and box-filtering down, which
gives anti-aliased edges that match resvg's and PDFium's within a fraction of a level. Data
modules are drawn from tiles: each distinct module shape is rasterised once per scale
(memoised) and the grid of cells is assembled with numpy, so a styled code costs little more
than a plain one. Layers are composited in premultiplied float32, in strips of rows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from qrstack_renderer.drawing import (
    Drawing,
    GradientPaint,
    ImageLayer,
    ModuleLayer,
    Paint,
    Placement,
    ShapeLayer,
    Solid,
)
from qrstack_renderer.geometry import Outline, Shape, bounds

Float = NDArray[np.float32]
STRIP_ROWS = 256
_HUGE_SHAPE_SAMPLES = 16_000_000
_MAX_SUPERSAMPLED_PIXELS = 1_000_000
"""Above this many samples a shape is sampled 2×2 per pixel: large shapes (frames) are
mostly straight, pixel-aligned edges that gain nothing from finer sampling."""


def rgb_of(color: str) -> tuple[int, int, int]:
    """`#rrggbb` as integers."""
    value = int(color[1:], 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


class Canvas:
    """A premultiplied RGBA float canvas that layers are composited onto."""

    def __init__(self, placement: Placement) -> None:
        self.placement = placement
        self.rgb: Float = np.zeros((placement.height, placement.width, 3), np.float32)
        self.alpha: Float = np.zeros((placement.height, placement.width), np.float32)

    def fill(self, paint: Paint) -> None:
        """Cover the whole image with `paint` (the background)."""
        p = self.placement
        for y0 in range(0, p.height, STRIP_ROWS):
            y1 = min(p.height, y0 + STRIP_ROWS)
            self.rgb[y0:y1] = self._colors(paint, 0, y0, p.width, y1)
        self.alpha[:] = 1.0

    def _colors(self, paint: Paint, x0: int, y0: int, x1: int, y1: int) -> Float:
        """The paint's colours over a region: one RGB triple, or (h, w, 3) for a gradient
        (computed for the region only: most layers cover a small part of the canvas)."""
        if isinstance(paint, Solid):
            return np.array(rgb_of(paint.color), np.float32) / 255.0
        return _gradient_colors(paint, self.placement, x0, y0, x1, y1)

    def paint(self, x0: int, y0: int, coverage: Float, paint: Paint) -> None:
        """Composite `paint` over the region at (x0, y0) through `coverage` (0..1)."""
        h, w = coverage.shape
        x1, y1 = min(x0 + w, self.placement.width), min(y0 + h, self.placement.height)
        cx, cy = max(0, -x0), max(0, -y0)
        x0, y0 = max(0, x0), max(0, y0)
        if x1 <= x0 or y1 <= y0:
            return
        # Strips of rows bound the temporaries of large images (a 4096 px code).
        for top in range(y0, y1, STRIP_ROWS):
            bottom = min(y1, top + STRIP_ROWS)
            cov = coverage[cy + top - y0 : cy + bottom - y0, cx : cx + (x1 - x0)]
            colors = self._colors(paint, x0, top, x1, bottom)
            self._over(x0, top, x1, bottom, colors * cov[..., None], cov)

    def place(self, x0: int, y0: int, image: Image.Image) -> None:
        """Composite an RGBA image with its top-left at (x0, y0)."""
        rgba = np.asarray(image.convert("RGBA"), np.float32) / 255.0
        h, w = rgba.shape[:2]
        x1, y1 = min(x0 + w, self.placement.width), min(y0 + h, self.placement.height)
        cx, cy = max(0, -x0), max(0, -y0)
        x0, y0 = max(0, x0), max(0, y0)
        if x1 <= x0 or y1 <= y0:
            return
        part = rgba[cy : cy + (y1 - y0), cx : cx + (x1 - x0)]
        alpha = part[..., 3]
        self._over(x0, y0, x1, y1, part[..., :3] * alpha[..., None], alpha)

    def _over(self, x0: int, y0: int, x1: int, y1: int, premul: Float, alpha: Float) -> None:
        keep = 1.0 - alpha
        self.rgb[y0:y1, x0:x1] = premul + self.rgb[y0:y1, x0:x1] * keep[..., None]
        self.alpha[y0:y1, x0:x1] = alpha + self.alpha[y0:y1, x0:x1] * keep

    def image(self, opaque: bool) -> Image.Image:
        """The result as RGB when `opaque`, else RGBA with straight alpha."""
        if opaque:
            return Image.fromarray(_to_bytes(self.rgb), "RGB")
        alpha = self.alpha[..., None]
        np.divide(self.rgb, alpha, out=self.rgb, where=alpha > 0)
        rgba = np.concatenate([self.rgb, alpha], axis=2)
        return Image.fromarray(_to_bytes(rgba), "RGBA")


def _to_bytes(values: Float) -> NDArray[np.uint8]:
    """0..1 floats to bytes, in place (the canvas is done with) to spare big temporaries."""
    np.multiply(values, 255.0, out=values)
    values += 0.5
    np.clip(values, 0, 255, out=values)
    out: NDArray[np.uint8] = values.astype(np.uint8)
    return out


def _gradient_colors(
    paint: GradientPaint, p: Placement, x0: int, y0: int, x1: int, y1: int
) -> Float:
    """The gradient's colours (0..1) over the pixel region, shape (h, w, 3)."""
    t = _gradient_position(paint, p, x0, y0, x1, y1)
    start = np.array(rgb_of(paint.start), np.float32) / 255.0
    end = np.array(rgb_of(paint.end), np.float32) / 255.0
    return start + t[..., None] * (end - start)


def _gradient_position(g: GradientPaint, p: Placement, x0: int, y0: int, x1: int, y1: int) -> Float:
    """Where each pixel centre falls between the gradient's start (0) and end (1)."""
    xs = (np.arange(x0, x1, dtype=np.float32) + 0.5 - p.pad_x) / p.scale
    ys = (np.arange(y0, y1, dtype=np.float32) + 0.5 - p.pad_y) / p.scale
    dx = xs[None, :] - g.p0[0]
    dy = ys[:, None] - g.p0[1]
    if g.kind == "radial":
        t = np.sqrt(dx * dx + dy * dy) / g.radius
    else:
        vx, vy = g.p1[0] - g.p0[0], g.p1[1] - g.p0[1]
        t = (dx * vx + dy * vy) / (vx * vx + vy * vy)
    return np.clip(t, 0.0, 1.0).astype(np.float32)


def shape_coverage(
    outlines: Sequence[Outline],
    scale: float,
    offset_x: float,
    offset_y: float,
    supersample: int = 4,
) -> tuple[int, int, Float]:
    """Rasterise outlines given in modules at `scale` px per module, shifted by the offset in
    pixels, sampling `supersample`² points per pixel (halved for very large shapes).
    Returns the integer pixel origin of the covered box and its coverage (0..1)."""
    bx0, by0, bx1, by1 = bounds(outlines)
    x0 = int(np.floor(bx0 * scale + offset_x))
    y0 = int(np.floor(by0 * scale + offset_y))
    w = max(1, int(np.ceil(bx1 * scale + offset_x)) - x0)
    h = max(1, int(np.ceil(by1 * scale + offset_y)) - y0)
    ss = supersample
    while ss > 2 and w * h * ss * ss > _MAX_SUPERSAMPLED_PIXELS:
        ss //= 2
    if w * h * ss * ss > _HUGE_SHAPE_SAMPLES:
        ss = 1  # a frame around a poster-sized code: pixels are too small to need it
    k = scale * ss
    steps = max(4, min(24, int(scale * ss / 2)))
    # Pillow fills the pixels from floor(left) to floor(right) inclusive, one too many:
    # drawing half a pixel further and eroding the right/bottom pixel fills exactly the
    # pixels whose centres are inside, so coverage matches what vector renderers draw.
    # Each outline is drawn only over its own box, then XOR-ed in (even-odd fill).
    mask = np.zeros((h * ss, w * ss), bool)
    for outline in outlines:
        points = [
            (x * k + (offset_x - x0) * ss + 0.5, y * k + (offset_y - y0) * ss + 0.5)
            for x, y in outline.polygon(steps)
        ]
        left = max(0, int(min(p[0] for p in points)))
        top = max(0, int(min(p[1] for p in points)))
        right = min(w * ss, int(max(p[0] for p in points)) + 1)
        bottom = min(h * ss, int(max(p[1] for p in points)) + 1)
        if right <= left or bottom <= top:
            continue
        layer = Image.new("1", (right - left + 1, bottom - top + 1), 0)
        ImageDraw.Draw(layer).polygon([(x - left, y - top) for x, y in points], fill=1)
        filled = np.asarray(layer)
        mask[top:bottom, left:right] ^= filled[:-1, :-1] & filled[:-1, 1:] & filled[1:, :-1]
    # Pillow's box reduction averages the samples of each pixel faster than numpy does.
    samples = Image.fromarray(mask.view(np.uint8) * np.uint8(255), "L")
    coverage = np.asarray(samples.reduce(ss), np.float32) / 255.0
    return x0, y0, coverage


@functools.lru_cache(maxsize=256)
def _tile_set(shapes: tuple[Shape, ...], scale: int) -> Float:
    """Coverage tiles of the cell shapes at `scale`, plus an empty last tile.

    Memoised: a pure function of its arguments, and the same few styles are drawn over and
    over, so each is rasterised once per scale. The array is read-only."""
    tiles = np.zeros((len(shapes) + 1, scale, scale), np.float32)
    for i, shape in enumerate(shapes):
        # Tiles are tiny, so they can afford finer sampling.
        x0, y0, cov = shape_coverage(shape, scale, 0.0, 0.0, supersample=8)
        h, w = cov.shape
        # Shapes never leave their cell; clip the rasteriser's edge pixel back into it.
        ys, xs = slice(max(0, y0), min(scale, y0 + h)), slice(max(0, x0), min(scale, x0 + w))
        tiles[i, ys, xs] = cov[ys.start - y0 : ys.stop - y0, xs.start - x0 : xs.stop - x0]
    tiles.flags.writeable = False
    return tiles


@functools.lru_cache(maxsize=256)
def _aligned_coverage(shape: Shape, scale: int) -> tuple[int, int, Float]:
    """`shape_coverage` for shapes at whole-module positions (eyes), memoised like tiles:
    at integer offsets the pixels do not depend on where the shape sits."""
    x0, y0, cov = shape_coverage(shape, scale, 0.0, 0.0)
    cov.flags.writeable = False
    return x0, y0, cov


def _module_coverage(layer: ModuleLayer, scale: int) -> Float:
    """The coverage of the whole module grid, assembled from one tile per shape."""
    tiles = _tile_set(layer.shapes, scale)
    cells = np.where(layer.cells < 0, len(layer.shapes), layer.cells)
    grid = tiles[cells]
    n_y, n_x = layer.cells.shape
    return grid.transpose(0, 2, 1, 3).reshape(n_y * scale, n_x * scale)


def paint_raster(drawing: Drawing) -> Image.Image:
    """The drawing as a Pillow image: RGB over an opaque background, else RGBA."""
    p = drawing.placement
    canvas = Canvas(p)
    if drawing.background is not None:
        canvas.fill(drawing.background)
    for layer in drawing.layers:
        if isinstance(layer, ModuleLayer):
            cov = _module_coverage(layer, p.scale)
            ox, oy = layer.origin
            canvas.paint(ox * p.scale + p.pad_x, oy * p.scale + p.pad_y, cov, layer.paint)
        elif isinstance(layer, ShapeLayer):
            if layer.aligned:
                x0, y0, cov = _aligned_coverage(layer.shape, p.scale)
                x0, y0 = x0 + p.pad_x, y0 + p.pad_y
            else:
                x0, y0, cov = shape_coverage(layer.shape, p.scale, p.pad_x, p.pad_y)
            canvas.paint(x0, y0, cov, layer.paint)
        else:
            _place_image(canvas, layer, p)
    return canvas.image(opaque=drawing.background is not None)


def _place_image(canvas: Canvas, layer: ImageLayer, p: Placement) -> None:
    x, y, w, h = layer.box
    px0 = round(x * p.scale + p.pad_x)
    py0 = round(y * p.scale + p.pad_y)
    pw = max(1, round(w * p.scale))
    ph = max(1, round(h * p.scale))
    fitted = layer.image.convert("RGBA").resize((pw, ph), Image.Resampling.LANCZOS)
    canvas.place(px0, py0, fitted)
