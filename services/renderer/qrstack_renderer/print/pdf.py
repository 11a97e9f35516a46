"""One code as a print-ready PDF: the trim box is the code at `sizeMm`, the background runs
`bleedMm` beyond it, and crop marks sit outside the bleed.

Boxes: `TrimBox` is the finished size, `BleedBox` the trim plus bleed, `MediaBox` the bleed
plus room for the crop marks (5 mm marks, starting where the bleed ends). The marks are
0.25 pt lines of 100 % K; nothing in the file is a spot colour.
"""

from __future__ import annotations

from qrstack_common.render.spec import RenderSpec
from qrstack_renderer.compose import compose
from qrstack_renderer.drawing import Drawing
from qrstack_renderer.formats.pdf import OnePage, PdfDocument
from qrstack_renderer.formats.svg import num
from qrstack_renderer.print.model import MM, PrintSpec
from qrstack_renderer.print.painting import PrintPainter, drawing_ops
from qrstack_renderer.render import check

MARK_MM = 5.0
MARK_GAP_MM = 1.0
"""Room between the bleed's edge and where a crop mark starts."""


def print_drawing(spec: PrintSpec) -> Drawing:
    """The guarded drawing of `spec` (400 for a style that would not scan)."""
    render_spec = RenderSpec.model_validate(
        {
            "data": spec.data,
            "format": "pdf",
            "margin": spec.margin,
            "errorCorrection": spec.error_correction,
            "style": spec.style,
            "scale": 10,  # vector output: only module units matter; 10 px passes the size check
        }
    )
    checked = check(render_spec)
    return compose(render_spec, checked.matrix, checked.centre)


def _crop_marks(trim: tuple[float, float, float, float], offset: float) -> str:
    """Eight short lines at the trim's corners, `offset` pt outside the trim."""
    x0, y0, x1, y1 = trim
    length = MARK_MM * MM
    lines = []
    for x, dx in ((x0, -1), (x1, 1)):
        for y, dy in ((y0, -1), (y1, 1)):
            lines.append(
                f"{num(x + dx * offset)} {num(y)} m {num(x + dx * (offset + length))} {num(y)} l"
            )
            lines.append(
                f"{num(x)} {num(y + dy * offset)} m {num(x)} {num(y + dy * (offset + length))} l"
            )
    return "q 0 0 0 1 K 0.25 w\n" + "\n".join(lines) + "\nS Q"


def write_print_pdf(spec: PrintSpec) -> bytes:
    drawing = print_drawing(spec)
    module_pt = spec.size_mm * MM / drawing.width
    trim_w, trim_h = drawing.width * module_pt, drawing.height * module_pt
    bleed = spec.bleed_mm * MM
    slug = (MARK_MM + MARK_GAP_MM) * MM if spec.crop_marks else 0.0
    edge = bleed + slug
    page_w, page_h = trim_w + 2 * edge, trim_h + 2 * edge
    trim = (edge, edge, edge + trim_w, edge + trim_h)

    doc = PdfDocument()
    page = OnePage.reserve(doc)
    painter = PrintPainter(doc, spec.colour)
    ops: list[str] = []
    if drawing.background is not None and spec.colour != "k":  # in 100 % K the paper is light
        low, wide, tall = edge - bleed, trim_w + 2 * bleed, trim_h + 2 * bleed
        ops.append(
            painter.fill(drawing.background, f"{num(low)} {num(low)} {num(wide)} {num(tall)} re")
        )
    ops.append(
        drawing_ops(
            drawing,
            painter,
            left=edge,
            top=edge + trim_h,
            module_pt=module_pt,
            square=spec.style.pattern == "square",
            background=False,
        )
    )
    if spec.crop_marks:
        ops.append(_crop_marks(trim, bleed + MARK_GAP_MM * MM))
    content = doc.stream("", "\n".join(ops).encode())
    boxes = (
        f"/MediaBox [0 0 {num(page_w)} {num(page_h)}] "
        f"/BleedBox [{num(edge - bleed)} {num(edge - bleed)} {num(edge + trim_w + bleed)} "
        f"{num(edge + trim_h + bleed)}] "
        f"/TrimBox [{' '.join(num(v) for v in trim)}]"
    )
    return page.finish(boxes, painter.resources(), content)
