"""The scannability matrix: every pattern × every eye shape × {plain, gradient, logo,
frame + call to action}, in PNG and in SVG (rasterised by resvg), decoded by zxing-cpp to the
exact payload; long payloads (a vCard) at every error correction level in every format; and
raster, SVG and PDF outputs of one style showing the same picture."""

from __future__ import annotations

from typing import Any, get_args

import numpy as np
import pytest

from qrstack_common.render.spec import EyeShape, Pattern
from qrstack_renderer import RenderSpec, render
from tests.unit.renderer.samples import LOGO, URL, VCARD
from tests.unit.renderer.scanning import Scan, scan_image, to_image

PATTERNS: tuple[str, ...] = get_args(Pattern)
EYES: tuple[str, ...] = get_args(EyeShape)
LOOKS: dict[str, dict[str, Any]] = {
    "plain": {},
    "gradient": {"gradient": {"type": "linear", "from": "#0d47a1", "to": "#6a1b9a", "angle": 45}},
    "logo": {"logo": LOGO},
    "frame": {"frame": "box", "ctaText": "SCAN ME"},
}


def _spec(fmt: str, pattern: str, eye: str, look: str, **extra: Any) -> RenderSpec:
    style = {"pattern": pattern, "corners": eye, **LOOKS[look]}
    return RenderSpec.model_validate(
        {"data": URL, "format": fmt, "scale": 4, "style": style, **extra}
    )


def test_matrix_covers_every_style() -> None:
    assert len(PATTERNS) == 8
    assert len(EYES) == 9


@pytest.mark.parametrize("look", list(LOOKS))
@pytest.mark.parametrize("eye", EYES)
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_every_style_scans(fmt: str, pattern: str, eye: str, look: str, scan: Scan) -> None:
    image = render(_spec(fmt, pattern, eye, look))
    assert scan(image.body, fmt) == [URL]


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "jpeg", "webp"])
def test_vcard_scans_at_every_level(fmt: str, level: str, scan: Scan) -> None:
    spec = RenderSpec.model_validate(
        {
            "data": VCARD,
            "format": fmt,
            "scale": 4,
            "errorCorrection": level,
            "style": {"pattern": "rounded", "corners": "extra-rounded", "foreground": "#1a237e"},
        }
    )
    assert scan(render(spec).body, fmt) == [VCARD]


@pytest.mark.parametrize("pattern", ["dots", "classy-rounded", "vertical-stripe"])
@pytest.mark.parametrize("look", ["logo", "frame", "gradient"])
def test_vcard_scans_styled(pattern: str, look: str, scan: Scan) -> None:
    style = {"pattern": pattern, "corners": "leaf", **LOOKS[look]}
    spec = RenderSpec.model_validate({"data": VCARD, "scale": 4, "style": style})
    assert scan(render(spec).body, "png") == [VCARD]


@pytest.mark.parametrize("fmt", ["pdf", "jpeg", "webp"])
@pytest.mark.parametrize("look", list(LOOKS))
def test_other_formats_scan_styled(fmt: str, look: str, scan: Scan) -> None:
    assert scan(render(_spec(fmt, "dots", "circle", look)).body, fmt) == [URL]


@pytest.mark.parametrize(
    "style",
    [
        {"pattern": "dots", "corners": "leaf"},
        {
            "pattern": "classy-rounded",
            "corners": "circle",
            "gradient": {"type": "radial", "from": "#0d47a1", "to": "#4a148c"},
        },
        {"pattern": "rounded", "logo": LOGO},
        {"pattern": "extra-rounded", "frame": "rounded", "ctaText": "SCAN ME"},
        {"centerIcon": {"id": "instagram"}, "background": "#fff8e1"},
        {"pattern": "horizontal-stripe", "centerText": "MENU", "corners": "pin"},
    ],
)
def test_png_svg_and_pdf_show_the_same_picture(style: dict[str, Any]) -> None:
    # 144 dpi: PDFium at scale 2 gives exactly the PNG's pixel size.
    pictures = {}
    for fmt in ("png", "svg", "pdf"):
        spec = RenderSpec.model_validate(
            {"data": URL, "format": fmt, "scale": 6, "dpi": 144, "style": style}
        )
        pictures[fmt] = np.asarray(to_image(render(spec).body, fmt), np.float32)
    for fmt in ("svg", "pdf"):
        assert pictures[fmt].shape == pictures["png"].shape
        difference = np.abs(pictures[fmt] - pictures["png"]).mean(axis=2)
        # Edges differ by anti-aliasing only: small on average, and hardly any pixel differs
        # by more than a quarter of the range.
        assert difference.mean() < 2.5
        assert (difference > 64).mean() < 0.005


def test_svg_check_really_rasterises_our_svg() -> None:
    # A broken SVG must not pass as a scan: the rasteriser has to draw what we wrote.
    body = render(_spec("svg", "dots", "circle", "plain")).body
    assert scan_image(to_image(body, "svg")) == [URL]
    blank = body.replace(b'fill-rule="evenodd"', b'fill-rule="evenodd" opacity="0"')
    assert scan_image(to_image(blank, "svg")) == []
