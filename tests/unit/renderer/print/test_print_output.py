"""Print output read back as a print shop would: PDFs rasterised with PDFium at 150 dpi and
decoded with zxing-cpp, boxes measured in mm, colour operators and module paths counted."""

from __future__ import annotations

import io
import re
import zlib

import numpy as np
import pypdfium2  # type: ignore[import-untyped]
import pytest
from PIL import Image

from qrstack_common.errors import ApiError
from qrstack_renderer.print.labels import write_label_sheet
from qrstack_renderer.print.model import LabelSheetSpec, PrintSpec
from qrstack_renderer.print.outline import trace
from qrstack_renderer.print.output import print_output
from tests.unit.renderer.samples import LOGO
from tests.unit.renderer.scanning import scan_image, to_image

URL = "https://qr.example/autumn-menu"
MM = 72 / 25.4


def _pages(pdf: bytes, dpi: int = 150) -> list[Image.Image]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in doc]
    finally:
        doc.close()


def _content(pdf: bytes) -> str:
    streams = re.findall(
        rb"/Filter /FlateDecode /Length \d+ >>\nstream\n(.*?)\nendstream", pdf, re.S
    )
    return "\n".join(zlib.decompress(s).decode("latin-1") for s in streams if s[:1] == b"x")


def _box(pdf: bytes, name: str) -> list[float]:
    match = re.search(rf"/{name} \[([^\]]+)\]".encode(), pdf)
    assert match is not None
    return [float(v) for v in match.group(1).split()]


def test_vector_pdf_is_one_module_path_in_pure_black_and_decodes_at_150_dpi() -> None:
    spec = PrintSpec.model_validate({"data": URL, "sizeMm": 40, "bleedMm": 3, "colour": "k"})
    pdf = print_output(spec).body
    content = _content(pdf)
    assert content.count("f*") == 1  # modules and eyes: one path, filled once
    assert "0 0 0 1 k\n" in content and " rg" not in content
    assert b"/Separation" not in pdf and b"/DeviceN" not in pdf
    [page] = _pages(pdf)
    assert scan_image(page) == [URL]
    trim = _box(pdf, "TrimBox")
    assert (trim[2] - trim[0]) / MM == pytest.approx(40, abs=0.01)
    bleed = _box(pdf, "BleedBox")
    assert (bleed[2] - bleed[0]) / MM == pytest.approx(46, abs=0.01)
    media = _box(pdf, "MediaBox")
    assert (media[2] - media[0]) / MM == pytest.approx(40 + 2 * (3 + 6), abs=0.01)


def test_square_modules_are_traced_as_regions() -> None:
    block = np.zeros((4, 4), bool)
    block[1:3, 1:3] = True
    assert trace(block) == [[(1, 1), (3, 1), (3, 3), (1, 3)]]
    ring = np.ones((3, 3), bool)
    ring[1, 1] = False
    assert sorted(len(loop) for loop in trace(ring)) == [4, 4]


def test_styled_cmyk_pdf_with_a_logo_decodes_and_uses_only_process_colours() -> None:
    spec = PrintSpec.model_validate(
        {
            "data": URL,
            "sizeMm": 30,
            "colour": "cmyk",
            "cropMarks": False,
            "bleedMm": 0,
            "style": {"pattern": "rounded", "corners": "leaf", "foreground": "#1a237e",
                      "logo": LOGO},
        }
    )  # fmt: skip
    pdf = print_output(spec).body
    content = _content(pdf)
    assert " k\n" in content and " rg" not in content
    assert b"/DeviceCMYK" in pdf and b"/Separation" not in pdf
    [page] = _pages(pdf)
    assert scan_image(page) == [URL]
    media = _box(pdf, "MediaBox")
    assert media[2] / MM == pytest.approx(30, abs=0.01)


def test_png_carries_its_dpi_and_measures_the_size_in_mm() -> None:
    image = print_output(
        PrintSpec.model_validate({"data": URL, "format": "png", "sizeMm": 50, "dpi": 600})
    )
    png = Image.open(io.BytesIO(image.body))
    assert png.width == round(50 / 25.4 * 600)
    assert png.info["dpi"] == pytest.approx((600, 600), abs=0.01)
    assert scan_image(to_image(image.body, "png")) == [URL]


def test_too_many_pixels_for_a_png_is_a_400_on_size() -> None:
    with pytest.raises(ApiError) as refused:
        print_output(
            PrintSpec.model_validate({"data": URL, "format": "png", "sizeMm": 300, "dpi": 1200})
        )
    assert refused.value.issues[0].path == ("sizeMm",)


def test_svg_has_real_dimensions() -> None:
    image = print_output(PrintSpec.model_validate({"data": URL, "format": "svg", "sizeMm": 25}))
    assert b'width="25mm" height="25.000mm"' in image.body
    # resvg-py refuses absolute units, so it is shown the size a 96 dpi viewer gives 25 mm.
    at_96_dpi = image.body.replace(b'width="25mm" height="25.000mm"', b'width="94" height="94"')
    assert scan_image(to_image(at_96_dpi, "svg")) == [URL]


def test_every_label_on_every_page_decodes_to_its_own_short_url() -> None:
    urls = [f"https://qr.example/label-{i:02d}" for i in range(14)]
    sheet = LabelSheetSpec.model_validate(
        {
            "paper": "Letter",
            "rows": 3,
            "columns": 3,
            "labels": [{"data": u, "caption": u.removeprefix("https://")} for u in urls],
        }
    )
    pdf = write_label_sheet(sheet)
    pages = _pages(pdf)
    assert len(pages) == 2
    doc = pypdfium2.PdfDocument(pdf)
    width, height = doc[0].get_size()
    doc.close()
    assert (width / MM, height / MM) == pytest.approx((215.9, 279.4), abs=0.01)
    found = [text for page in pages for text in scan_image(page)]
    assert sorted(found) == urls


def test_a_grid_too_fine_for_the_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 10 mm"):
        LabelSheetSpec.model_validate({"rows": 40, "columns": 20, "labels": [{"data": URL}]})
