"""A sheet of labels: many codes on A4 or Letter pages, rows × columns, each with a caption.

Every label is a cell of the grid inside the page margins; its code is the largest square
that fits above the caption line, centred, and the caption (the short URL or a name) is
drawn as outlines of the renderer's font, shrunk to fit the cell's width. Labels beyond one
page's rows × columns continue on the next page.
"""

from __future__ import annotations

from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_renderer.formats.pdf import PdfDocument, shape_ops
from qrstack_renderer.formats.svg import num
from qrstack_renderer.print.colour import fill_operator
from qrstack_renderer.print.model import MM, PAPERS, LabelSheetSpec, PrintSpec
from qrstack_renderer.print.painting import PrintPainter, drawing_ops
from qrstack_renderer.print.pdf import print_drawing
from qrstack_renderer.styles.text import text_shape, text_width, unsupported_characters

CAPTION_COLOUR = "#000000"


def _caption_ops(
    text: str, centre: tuple[float, float], cap_pt: float, width: float, fill: str
) -> str:
    """The caption centred on `centre` (page points), shrunk to `width` if need be."""
    cap = min(cap_pt, cap_pt * width / max(text_width(text, cap_pt), 1e-6))
    shape, _ = text_shape(text, 0.0, 0.0, cap)  # in a y-down frame, flipped into the page
    if not shape:
        return ""
    x, y = centre
    return f"q {fill} 1 0 0 -1 {num(x)} {num(y)} cm\n{shape_ops(shape)}\nf*\nQ"


def write_label_sheet(sheet: LabelSheetSpec) -> bytes:
    paper_w, paper_h = (v * MM for v in PAPERS[sheet.paper])
    margin, gap = sheet.margin_mm * MM, sheet.gap_mm * MM
    cell_w = (paper_w - 2 * margin - (sheet.columns - 1) * gap) / sheet.columns
    cell_h = (paper_h - 2 * margin - (sheet.rows - 1) * gap) / sheet.rows
    caption_h = sheet.caption_mm * MM
    per_page = sheet.rows * sheet.columns

    doc = PdfDocument()
    catalog, pages = doc.add(b""), doc.add(b"")
    painter = PrintPainter(doc, sheet.colour)
    page_numbers: list[int] = []
    for first in range(0, len(sheet.labels), per_page):
        ops: list[str] = []
        for slot, label in enumerate(sheet.labels[first : first + per_page]):
            index = first + slot
            row, column = divmod(slot, sheet.columns)
            left = margin + column * (cell_w + gap)
            top = paper_h - margin - row * (cell_h + gap)
            try:
                drawing = print_drawing(
                    PrintSpec.model_validate(
                        {
                            "data": label.data,
                            "style": label.style or sheet.style,
                            "errorCorrection": label.error_correction or "M",
                        }
                    )
                )
            except ApiError as exc:
                raise validation_failed(
                    [Issue(("labels", index, *i.path), i.reason) for i in exc.issues]
                ) from exc
            side = min(cell_w, cell_h - caption_h)
            module_pt = side / max(drawing.width, drawing.height)
            code_w = drawing.width * module_pt
            ops.append(
                drawing_ops(
                    drawing,
                    painter,
                    left=left + (cell_w - code_w) / 2,
                    top=top,
                    module_pt=module_pt,
                    square=(label.style or sheet.style).pattern == "square",
                )
            )
            if label.caption and caption_h > 0:
                text = label.caption.strip()
                missing = unsupported_characters(text)
                if missing:
                    raise validation_failed(
                        [Issue(("labels", index, "caption"), f"the font cannot draw {missing!r}")]
                    )
                ops.append(
                    _caption_ops(
                        text,
                        (left + cell_w / 2, top - side - caption_h / 2),
                        caption_h * 0.55,
                        cell_w * 0.95,
                        fill_operator(CAPTION_COLOUR, sheet.colour),
                    )
                )
        content = doc.stream("", "\n".join(ops).encode())
        page_numbers.append(
            doc.add(
                (
                    f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {num(paper_w)} "
                    f"{num(paper_h)}] /Resources RES /Contents {content} 0 R >>"
                ).encode()
            )
        )
    resources = painter.resources().encode()
    for number in page_numbers:
        doc.set(number, doc.objects[number - 1].replace(b"RES", resources))
    kids = " ".join(f"{n} 0 R" for n in page_numbers)
    doc.set(catalog, f"<< /Type /Catalog /Pages {pages} 0 R >>".encode())
    doc.set(pages, f"<< /Type /Pages /Kids [{kids}] /Count {len(page_numbers)} >>".encode())
    return doc.serialize(catalog)
