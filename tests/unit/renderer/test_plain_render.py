"""Plain codes: every format decodes to the exact payload, with the right size and type."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from qrstack_common.errors import ApiError
from qrstack_renderer import RenderSpec, render
from qrstack_renderer.matrix import encode
from tests.unit.renderer.scanning import Scan, to_image

URL = "https://example.com/autumn-menu?utm_source=print"


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "jpeg", "webp"])
def test_plain_code_scans_in_every_format(fmt: str, scan: Scan) -> None:
    image = render(RenderSpec(data=URL, format=fmt))
    assert scan(image.body, fmt) == [URL]


def test_png_is_a_png_with_dpi_and_requested_size() -> None:
    image = render(RenderSpec.model_validate({"data": URL, "size": 500, "dpi": 600}))
    assert image.media_type == "image/png"
    png = Image.open(io.BytesIO(image.body))
    assert png.format == "PNG"
    assert png.size == (500, 500)
    assert png.info["dpi"] == pytest.approx((600, 600), abs=0.1)


def test_scale_sets_pixels_per_module() -> None:
    # Version 4 (33 modules) + 2 × 4 quiet zone = 41 modules at 6 px each.
    assert encode(URL, "M").version == 4
    image = render(RenderSpec.model_validate({"data": URL, "scale": 6}))
    assert Image.open(io.BytesIO(image.body)).size == (41 * 6, 41 * 6)


def test_quiet_zone_is_background() -> None:
    image = render(RenderSpec.model_validate({"data": URL, "scale": 5, "margin": 6}))
    pixels = to_image(image.body, "png").load()
    assert pixels is not None
    for i in range(0, 6 * 5):
        assert pixels[i, i] == (255, 255, 255)
    assert pixels[6 * 5, 6 * 5] == (0, 0, 0)  # first module of the top-left finder


def test_same_spec_same_bytes_and_etag() -> None:
    a = render(RenderSpec(data=URL))
    b = render(RenderSpec(data=URL))
    c = render(RenderSpec(data=URL + "x"))
    assert a.body == b.body
    assert a.etag == b.etag
    assert a.etag != c.etag


def test_payload_too_long_is_refused_with_reason() -> None:
    with pytest.raises(ApiError) as err:
        render(RenderSpec.model_validate({"data": "é" * 2000, "errorCorrection": "H"}))
    assert err.value.status == 400
    assert err.value.issues[0].path == ("data",)
    assert "errorCorrection" in err.value.issues[0].reason
