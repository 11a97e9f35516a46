"""Write a `Drawing` as a one-page vector PDF (PDF 1.4), by hand.

Modules, eyes, text and frames are filled paths (even-odd, `f*`); gradients are axial or
radial shadings painted through the shape as a clip; a logo is an RGB image with a soft mask
for its transparency. The page measures the image's pixel size at the requested DPI, so a
300 px code at 300 DPI prints one inch wide. Text is already outlines, so no font is embedded.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

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
from qrstack_renderer.formats.raster import rgb_of
from qrstack_renderer.formats.svg import num
from qrstack_renderer.geometry import Outline, Shape

LOGO_MAX_PX = 1024


def outline_ops(outline: Outline, dx: float = 0.0, dy: float = 0.0) -> str:
    parts = [f"{num(outline.start[0] + dx)} {num(outline.start[1] + dy)} m"]
    for seg in outline.segments:
        coords = " ".join(num(v + (dx if i % 2 == 0 else dy)) for i, v in enumerate(seg))
        parts.append(f"{coords} {'l' if len(seg) == 2 else 'c'}")
    parts.append("h")
    return "\n".join(parts)


def shape_ops(shape: Shape) -> str:
    return "\n".join(outline_ops(o) for o in shape)


def _module_ops(layer: ModuleLayer) -> str:
    ox, oy = layer.origin
    parts: list[str] = []
    cells = layer.cells.tolist()
    for y, row in enumerate(cells):
        for x, index in enumerate(row):
            if index >= 0:
                parts.extend(outline_ops(o, ox + x, oy + y) for o in layer.shapes[index])
    return "\n".join(parts)


class PdfDocument:
    """Collects the PDF objects; object numbers start at 1."""

    def __init__(self) -> None:
        self.objects: list[bytes] = []

    def add(self, body: bytes) -> int:
        self.objects.append(body)
        return len(self.objects)

    def set(self, number: int, body: bytes) -> None:
        self.objects[number - 1] = body

    def stream(self, header: str, data: bytes, compress: bool = True) -> int:
        if compress:
            data = zlib.compress(data, 6)
            header += " /Filter /FlateDecode"
        return self.add(
            f"<< {header} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
        )

    def serialize(self, root: int) -> bytes:
        out = io.BytesIO()
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self.objects, start=1):
            offsets.append(out.tell())
            out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
        xref = out.tell()
        out.write(f"xref\n0 {len(self.objects) + 1}\n0000000000 65535 f \n".encode())
        for offset in offsets:
            out.write(f"{offset:010d} 00000 n \n".encode())
        out.write(
            f"trailer\n<< /Size {len(self.objects) + 1} /Root {root} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n".encode()
        )
        return out.getvalue()


@dataclass(frozen=True)
class OnePage:
    """The catalog, page tree and page of a one-page PDF: reserved first (objects 1 to 3),
    written once the content and resources are."""

    doc: PdfDocument
    catalog: int
    pages: int
    page: int

    @classmethod
    def reserve(cls, doc: PdfDocument) -> OnePage:
        return cls(doc, doc.add(b""), doc.add(b""), doc.add(b""))

    def finish(self, boxes: str, resources: str, content: int) -> bytes:
        """Write the three objects (`boxes`: the page's /MediaBox and any other boxes) and
        serialise the document."""
        doc = self.doc
        doc.set(self.catalog, f"<< /Type /Catalog /Pages {self.pages} 0 R >>".encode())
        doc.set(self.pages, f"<< /Type /Pages /Kids [{self.page} 0 R] /Count 1 >>".encode())
        doc.set(
            self.page,
            (
                f"<< /Type /Page /Parent {self.pages} 0 R {boxes} "
                f"/Resources {resources} /Contents {content} 0 R >>"
            ).encode(),
        )
        return doc.serialize(self.catalog)


def _rgb(color: str) -> str:
    return " ".join(num(c / 255) for c in rgb_of(color))


def shading(paint: GradientPaint, space: str, start: str, end: str) -> bytes:
    """The shading dictionary of a linear or radial gradient from colour components `start`
    to `end` (written in `space`)."""
    function = f"<< /FunctionType 2 /Domain [0 1] /C0 [{start}] /C1 [{end}] /N 1 >>"
    if paint.kind == "radial":
        cx, cy = paint.p0
        coords = f"{num(cx)} {num(cy)} 0 {num(cx)} {num(cy)} {num(paint.radius)}"
        kind = 3
    else:
        coords = " ".join(num(v) for v in (*paint.p0, *paint.p1))
        kind = 2
    return (
        f"<< /ShadingType {kind} /ColorSpace {space} /Coords [{coords}] "
        f"/Function {function} /Extend [true true] >>".encode()
    )


class PdfPainter:
    """Turns paints into content-stream operators, registering shadings as needed."""

    def __init__(self, doc: PdfDocument) -> None:
        self.doc = doc
        self.shadings: dict[GradientPaint, str] = {}
        self.shading_numbers: dict[str, int] = {}

    def fill(self, paint: Paint, path: str) -> str:
        if isinstance(paint, Solid):
            return f"{_rgb(paint.color)} rg\n{path}\nf*"
        name = self.shadings.get(paint)
        if name is None:
            name = f"Sh{len(self.shadings)}"
            number = self.doc.add(shading(paint, "/DeviceRGB", _rgb(paint.start), _rgb(paint.end)))
            self.shadings[paint] = name
            self.shading_numbers[name] = number
        return f"q\n{path}\nW* n\n/{name} sh\nQ"


def logo_pixels(layer: ImageLayer) -> tuple[Image.Image, NDArray[np.uint8]]:
    """The logo as RGBA, at most LOGO_MAX_PX on its longer side, and its pixel array."""
    picture = layer.image.convert("RGBA")
    if max(picture.size) > LOGO_MAX_PX:
        picture.thumbnail((LOGO_MAX_PX, LOGO_MAX_PX))
    return picture, np.asarray(picture)


def masked_image(doc: PdfDocument, rgba: NDArray[np.uint8], pixels: bytes, space: str) -> int:
    """An image XObject of `pixels` in colour `space`, soft-masked by `rgba`'s alpha."""
    h, w = rgba.shape[:2]
    header = f"/Type /XObject /Subtype /Image /Width {w} /Height {h} /BitsPerComponent 8"
    mask = doc.stream(header + " /ColorSpace /DeviceGray", rgba[..., 3].tobytes())
    return doc.stream(header + f" /ColorSpace {space} /SMask {mask} 0 R", pixels)


def image_xobject(doc: PdfDocument, layer: ImageLayer) -> int:
    _, rgba = logo_pixels(layer)
    return masked_image(doc, rgba, rgba[..., :3].tobytes(), "/DeviceRGB")


def _page_matrix(p: Placement, dpi: int) -> tuple[float, float, str]:
    unit = 72.0 / dpi
    width, height = p.width * unit, p.height * unit
    k = p.scale * unit
    cm = f"{num(k)} 0 0 {num(-k)} {num(p.pad_x * unit)} {num(height - p.pad_y * unit)} cm"
    return width, height, cm


def write_pdf(drawing: Drawing) -> bytes:
    """The drawing as a one-page PDF, page size = pixel size at `drawing.dpi`."""
    p = drawing.placement
    doc = PdfDocument()
    page = OnePage.reserve(doc)
    painter = PdfPainter(doc)
    width, height, cm = _page_matrix(p, drawing.dpi)
    ops: list[str] = [cm]
    if drawing.background is not None:
        vx, vy = -p.pad_x / p.scale, -p.pad_y / p.scale
        rect = f"{num(vx)} {num(vy)} {num(p.width / p.scale)} {num(p.height / p.scale)} re"
        ops.append(painter.fill(drawing.background, rect))
    images: dict[str, int] = {}
    for layer in drawing.layers:
        if isinstance(layer, ModuleLayer):
            path = _module_ops(layer)
            if path:
                ops.append(painter.fill(layer.paint, path))
        elif isinstance(layer, ShapeLayer):
            ops.append(painter.fill(layer.paint, shape_ops(layer.shape)))
        else:
            name = f"Im{len(images)}"
            images[name] = image_xobject(doc, layer)
            x, y, w, h = layer.box
            ops.append(f"q {num(w)} 0 0 {num(-h)} {num(x)} {num(y + h)} cm /{name} Do Q")
    content = doc.stream("", "\n".join(ops).encode())
    resources = pdf_resources(painter.shading_numbers.items(), images.items())
    return page.finish(f"/MediaBox [0 0 {num(width)} {num(height)}]", resources, content)


def pdf_resources(shadings: Iterable[tuple[str, int]], images: Iterable[tuple[str, int]]) -> str:
    shading = " ".join(f"/{name} {number} 0 R" for name, number in shadings)
    xobject = " ".join(f"/{name} {number} 0 R" for name, number in images)
    return f"<< /Shading << {shading} >> /XObject << {xobject} >> >>"
