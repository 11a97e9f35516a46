"""Reading rendered images back the way a phone would: zxing-cpp decodes every format.

SVG is rasterised with resvg and PDF with PDFium first, so the tests check what those
formats really draw, not the data we meant to draw.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pypdfium2  # type: ignore[import-untyped]
import resvg_py
import zxingcpp
from PIL import Image

Scan = Callable[[bytes, str], list[str]]


def to_image(body: bytes, fmt: str) -> Image.Image:
    """The pixels a viewer shows for `body`, composited onto white."""
    if fmt == "svg":
        png = bytes(resvg_py.svg_to_bytes(svg_string=body.decode()))
        image: Image.Image = Image.open(io.BytesIO(png))
    elif fmt == "pdf":
        pdf = pypdfium2.PdfDocument(body)
        try:
            image = pdf[0].render(scale=2).to_pil()
        finally:
            pdf.close()
    else:
        image = Image.open(io.BytesIO(body))
    image = image.convert("RGBA")
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, image).convert("RGB")


def scan_image(image: Image.Image) -> list[str]:
    """Every QR code zxing-cpp finds, as text (no 'try harder' inversions)."""
    found = zxingcpp.read_barcodes(np.asarray(image.convert("L")))
    return [barcode.text for barcode in found]
