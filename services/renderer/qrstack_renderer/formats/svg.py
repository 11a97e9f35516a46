"""Write a `Drawing` as SVG: user units are modules, the pixel size is in width/height.

All data modules of one paint are a single `<path>` with the even-odd rule: adjacent modules
share edges inside one path, so no renderer shows hairline seams between them.
"""

from __future__ import annotations

import base64
from xml.sax.saxutils import quoteattr

from qrstack_renderer.drawing import (
    Drawing,
    GradientPaint,
    ImageLayer,
    ModuleLayer,
    Paint,
    ShapeLayer,
    Solid,
)
from qrstack_renderer.geometry import Outline, Shape


def num(value: float) -> str:
    """A coordinate with at most 4 decimals and no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _relative(outline: Outline) -> str:
    """The outline's segments relative to its start, closed: `l`/`c` ... `z`."""
    out: list[str] = []
    cx, cy = outline.start
    for seg in outline.segments:
        if len(seg) == 2:
            out.append(f"l{num(seg[0] - cx)} {num(seg[1] - cy)}")
        else:
            rel = [seg[i] - (cx if i % 2 == 0 else cy) for i in range(6)]
            out.append("c" + " ".join(num(v) for v in rel))
        cx, cy = seg[-2], seg[-1]
    out.append("z")
    return "".join(out)


def shape_path(shape: Shape) -> str:
    """Path data of a shape in absolute canvas coordinates."""
    return "".join(f"M{num(o.start[0])} {num(o.start[1])}{_relative(o)}" for o in shape)


def module_path(layer: ModuleLayer) -> str:
    """Path data of every module of the layer; each distinct cell shape is written once as
    relative commands and repeated at each cell's position."""
    templates = [[(o.start, _relative(o)) for o in shape] for shape in layer.shapes]
    ox, oy = layer.origin
    parts: list[str] = []
    n_y, n_x = layer.cells.shape
    cells = layer.cells.tolist()
    for y in range(n_y):
        row = cells[y]
        for x in range(n_x):
            index = row[x]
            if index < 0:
                continue
            for (sx, sy), rel in templates[index]:
                parts.append(f"M{num(ox + x + sx)} {num(oy + y + sy)}{rel}")
    return "".join(parts)


class _Paints:
    """Gives each gradient an id and writes its definition once."""

    def __init__(self) -> None:
        self.ids: dict[GradientPaint, str] = {}
        self.defs: list[str] = []

    def fill(self, paint: Paint) -> str:
        if isinstance(paint, Solid):
            return paint.color
        gid = self.ids.get(paint)
        if gid is None:
            gid = f"g{len(self.ids)}"
            self.ids[paint] = gid
            stops = (
                f'<stop offset="0" stop-color="{paint.start}"/>'
                f'<stop offset="1" stop-color="{paint.end}"/>'
            )
            if paint.kind == "radial":
                self.defs.append(
                    f'<radialGradient id="{gid}" gradientUnits="userSpaceOnUse" '
                    f'cx="{num(paint.p0[0])}" cy="{num(paint.p0[1])}" r="{num(paint.radius)}">'
                    f"{stops}</radialGradient>"
                )
            else:
                self.defs.append(
                    f'<linearGradient id="{gid}" gradientUnits="userSpaceOnUse" '
                    f'x1="{num(paint.p0[0])}" y1="{num(paint.p0[1])}" '
                    f'x2="{num(paint.p1[0])}" y2="{num(paint.p1[1])}">{stops}</linearGradient>'
                )
        return f"url(#{gid})"


def write_svg(drawing: Drawing) -> bytes:
    """The drawing as a standalone SVG document (UTF-8)."""
    p = drawing.placement
    vx, vy = -p.pad_x / p.scale, -p.pad_y / p.scale
    vw, vh = p.width / p.scale, p.height / p.scale
    paints = _Paints()
    body: list[str] = []
    if drawing.background is not None:
        body.append(
            f'<rect x="{num(vx)}" y="{num(vy)}" width="{num(vw)}" height="{num(vh)}" '
            f'fill="{paints.fill(drawing.background)}"/>'
        )
    for layer in drawing.layers:
        if isinstance(layer, ModuleLayer):
            d = module_path(layer)
            if d:
                body.append(
                    f'<path fill-rule="evenodd" fill="{paints.fill(layer.paint)}" d="{d}"/>'
                )
        elif isinstance(layer, ShapeLayer):
            body.append(
                f'<path fill-rule="evenodd" fill="{paints.fill(layer.paint)}" '
                f'd="{shape_path(layer.shape)}"/>'
            )
        else:
            body.append(_image(layer))
    defs = f"<defs>{''.join(paints.defs)}</defs>" if paints.defs else ""
    head = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.1" width="{p.width}" height="{p.height}" '
        f'viewBox="{num(vx)} {num(vy)} {num(vw)} {num(vh)}" shape-rendering="geometricPrecision">'
    )
    return (head + defs + "".join(body) + "</svg>").encode()


def _image(layer: ImageLayer) -> str:
    x, y, w, h = layer.box
    href = f"data:{layer.media_type};base64,{base64.b64encode(layer.source).decode()}"
    return (
        f'<image x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" '
        f'preserveAspectRatio="xMidYMid meet" xlink:href={quoteattr(href)}/>'
    )
