"""A `Drawing` as PDF content at any place and size on a page, in a print colour mode.

The data modules and every eye drawn in the same paint go into one path, filled once: for
square modules the path is the traced outline of the dark regions (`outline.py`), so there
is not a single internal edge for a RIP to render as a seam.
"""

from __future__ import annotations

import numpy as np

from qrstack_renderer.drawing import (
    Drawing,
    GradientPaint,
    ImageLayer,
    ModuleLayer,
    Paint,
    ShapeLayer,
    Solid,
)
from qrstack_renderer.formats.pdf import (
    PdfDocument,
    logo_pixels,
    masked_image,
    outline_ops,
    shading,
    shape_ops,
)
from qrstack_renderer.formats.svg import num
from qrstack_renderer.print.colour import (
    ColourMode,
    cmyk_pixels,
    color_components,
    fill_operator,
)
from qrstack_renderer.print.outline import loop_ops, trace


class PrintPainter:
    """Fills paths in a colour mode; registers shadings and images with the document."""

    def __init__(self, doc: PdfDocument, mode: ColourMode) -> None:
        self.doc = doc
        self.mode = mode
        self.shadings: dict[str, int] = {}
        self.images: dict[str, int] = {}
        self._shading_names: dict[GradientPaint, str] = {}

    def fill(self, paint: Paint, path: str) -> str:
        if isinstance(paint, Solid):
            return f"{fill_operator(paint.color, self.mode)}\n{path}\nf*"
        if self.mode == "k":  # a gradient of dark colours is ink: 100 % K
            return f"0 0 0 1 k\n{path}\nf*"
        name = self._shading_names.get(paint)
        if name is None:
            name = f"Sh{len(self._shading_names)}"
            space = "/DeviceCMYK" if self.mode == "cmyk" else "/DeviceRGB"
            start = color_components(paint.start, self.mode)
            end = color_components(paint.end, self.mode)
            self.shadings[name] = self.doc.add(shading(paint, space, start, end))
            self._shading_names[paint] = name
        return f"q\n{path}\nW* n\n/{name} sh\nQ"

    def image(self, layer: ImageLayer) -> str:
        """Register the logo (RGB, CMYK or grey by mode, soft-masked); its XObject name."""
        picture, rgba = logo_pixels(layer)
        if self.mode == "k":
            pixels, space = np.asarray(picture.convert("L")).tobytes(), "/DeviceGray"
        elif self.mode == "cmyk":
            pixels, space = cmyk_pixels(rgba[..., :3]).tobytes(), "/DeviceCMYK"
        else:
            pixels, space = rgba[..., :3].tobytes(), "/DeviceRGB"
        name = f"Im{len(self.images)}"
        self.images[name] = masked_image(self.doc, rgba, pixels, space)
        return name

    def resources(self, extra: str = "") -> str:
        shading = " ".join(f"/{n} {number} 0 R" for n, number in self.shadings.items())
        xobject = " ".join(f"/{n} {number} 0 R" for n, number in self.images.items())
        return f"<< /Shading << {shading} >> /XObject << {xobject} >> {extra}>>"


def _module_path(layer: ModuleLayer, square: bool) -> str:
    ox, oy = layer.origin
    if square:
        return loop_ops(trace(layer.cells >= 0), ox, oy)
    parts: list[str] = []
    for y, row in enumerate(layer.cells.tolist()):
        for x, index in enumerate(row):
            if index >= 0:
                parts.extend(outline_ops(o, ox + x, oy + y) for o in layer.shapes[index])
    return "\n".join(parts)


def drawing_ops(
    drawing: Drawing,
    painter: PrintPainter,
    *,
    left: float,
    top: float,
    module_pt: float,
    square: bool,
    background: bool = True,
) -> str:
    """Content that paints `drawing` with its canvas' top-left at (`left`, `top`) in page
    points (PDF's y axis points up) and `module_pt` points per module. `square` says the
    data modules are plain squares (traced as regions). In 100 % K the background is the
    paper and is not painted."""
    ops = [f"q {num(module_pt)} 0 0 {num(-module_pt)} {num(left)} {num(top)} cm"]
    if background and drawing.background is not None and painter.mode != "k":
        rect = f"0 0 {drawing.width} {drawing.height} re"
        ops.append(painter.fill(drawing.background, rect))
    modules = next((la for la in drawing.layers if isinstance(la, ModuleLayer)), None)
    eyes = [
        la
        for la in drawing.layers
        if modules is not None
        and isinstance(la, ShapeLayer)
        and la.aligned
        and la.paint == modules.paint
    ]
    in_module_path = {id(la) for la in eyes}
    for layer in drawing.layers:
        if isinstance(layer, ModuleLayer):
            paths = [_module_path(layer, square), *(shape_ops(eye.shape) for eye in eyes)]
            path = "\n".join(p for p in paths if p)
            if path:
                ops.append(painter.fill(layer.paint, path))
        elif isinstance(layer, ShapeLayer):
            if id(layer) not in in_module_path:
                ops.append(painter.fill(layer.paint, shape_ops(layer.shape)))
        else:
            name = painter.image(layer)
            x, y, w, h = layer.box
            ops.append(f"q {num(w)} 0 0 {num(-h)} {num(x)} {num(y + h)} cm /{name} Do Q")
    ops.append("Q")
    return "\n".join(ops)
