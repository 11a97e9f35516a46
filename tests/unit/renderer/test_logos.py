"""Logos: PNG, JPEG and SVG data URIs decode and scan; bad or unsafe logos are refused."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from qrstack_common.errors import ApiError
from qrstack_renderer import RenderSpec, render
from qrstack_renderer.logos.images import decode_logo, remove_background
from tests.unit.renderer.samples import URL, data_uri, png_logo
from tests.unit.renderer.scanning import Scan

SVG_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<circle cx="5" cy="5" r="4" fill="#2e7d32"/></svg>'
)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(png_logo())).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("media_type", "data"),
    [("image/png", png_logo()), ("image/jpeg", _jpeg()), ("image/svg+xml", SVG_LOGO)],
)
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_each_logo_type_renders_and_scans(
    media_type: str, data: bytes, fmt: str, scan: Scan
) -> None:
    style = {"logo": data_uri(media_type, data), "pattern": "rounded"}
    spec = RenderSpec.model_validate({"data": URL, "format": fmt, "scale": 5, "style": style})
    assert scan(render(spec).body, fmt) == [URL]


def test_logo_is_drawn_in_the_centre() -> None:
    style = {"logo": data_uri("image/svg+xml", SVG_LOGO), "logoSize": 0.3}
    spec = RenderSpec.model_validate({"data": URL, "scale": 8, "style": style})
    image = Image.open(io.BytesIO(render(spec).body)).convert("RGB")
    centre = image.getpixel((image.width // 2, image.height // 2))
    assert centre == pytest.approx((0x2E, 0x7D, 0x32), abs=3)


def test_svg_logo_stays_vector_in_svg_output() -> None:
    style = {"logo": data_uri("image/svg+xml", SVG_LOGO)}
    body = render(RenderSpec.model_validate({"data": URL, "format": "svg", "style": style})).body
    assert b"data:image/svg+xml;base64," in body


def test_background_removal_clears_the_border_colour_only() -> None:
    logo = decode_logo(data_uri("image/png", png_logo((120, 80), (250, 250, 250))), False)
    cleared = np.asarray(remove_background(logo.image))
    assert cleared[0, 0, 3] == 0  # the border's colour is gone
    assert cleared[40, 20, 3] == 255  # the red ellipse stays
    assert cleared[40, 60, 3] == 255  # the same colour inside the ellipse stays (not connected)


@pytest.mark.parametrize(
    ("uri", "says"),
    [
        (data_uri("image/gif", b"GIF89a"), "not a logo type"),
        (data_uri("image/png", _jpeg()), "declared image/png but its bytes are JPEG"),
        (data_uri("image/png", b"not an image"), "not a readable PNG"),
        (data_uri("image/png", b"x" * ((1 << 20) + 1)), "at most 1048576"),
        ("data:image/png;base64,", "empty"),
        (
            data_uri(
                "image/svg+xml",
                b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
            ),
            "references external files",
        ),
        (
            data_uri(
                "image/svg+xml",
                b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://x/y)"/></svg>',
            ),
            "references external files",
        ),
        (data_uri("image/svg+xml", b"<html></html>"), "no <svg> element"),
    ],
)
def test_bad_logos_are_refused(uri: str, says: str) -> None:
    with pytest.raises(ApiError) as err:
        render(RenderSpec.model_validate({"data": URL, "style": {"logo": uri}}))
    assert err.value.status == 400
    assert err.value.issues[0].path == ("style", "logo")
    assert says in err.value.issues[0].reason


def test_unfetched_logo_url_is_refused_by_the_pure_renderer() -> None:
    spec = RenderSpec.model_validate({"data": URL, "style": {"logo": "https://example.com/l.png"}})
    with pytest.raises(ApiError) as err:
        render(spec)
    assert "fetch logo URLs first" in err.value.detail
