"""zxing-cpp's encoder (ours) and segno build equivalent symbols: the same error correction
level, a version no larger than segno's (zxing-cpp segments mixed text a little tighter, so a
long vCard may take one version less), and both decode to the same text. Masks, mode
segmentation and the ECI marker may differ; what a reader gets may not."""

from __future__ import annotations

import io

import numpy as np
import pytest
import segno
import zxingcpp
from PIL import Image

from qrstack_renderer.matrix import encode, encode_raised
from tests.unit.renderer.samples import URL, VCARD

PAYLOADS = [
    URL,
    "HELLO WORLD 123",
    "0123456789" * 5,
    "WIFI:T:WPA;S:Café\\;Bar;P:p\\:ss;H:false;;",
    "Grüße aus Köln — 日本語 ✓",
    VCARD,
]


def _decode(dark: np.ndarray) -> list[zxingcpp.Barcode]:
    pixels = np.where(np.pad(dark, 4), 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels).resize((pixels.shape[1] * 4, pixels.shape[0] * 4))
    return list(zxingcpp.read_barcodes(image))


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_zxing_and_segno_agree(payload: str, level: str) -> None:
    ours = encode(payload, level)  # type: ignore[arg-type]
    reference = segno.make_qr(payload, error=level.lower(), boost_error=False, encoding="utf-8")
    assert int(reference.version) - 1 <= ours.version <= int(reference.version)
    theirs = np.array(reference.matrix, dtype=bool)
    decoded_ours, decoded_theirs = _decode(ours.dark), _decode(theirs)
    assert [b.text for b in decoded_ours] == [payload]
    assert [b.text for b in decoded_theirs] == [payload]
    assert decoded_ours[0].ec_level == decoded_theirs[0].ec_level == level


def test_segno_png_and_ours_decode_alike() -> None:
    out = io.BytesIO()
    segno.make_qr(URL, error="m").save(out, kind="png", scale=4)
    theirs = zxingcpp.read_barcodes(Image.open(io.BytesIO(out.getvalue())))
    assert [b.text for b in theirs] == [b.text for b in _decode(encode(URL, "M").dark)] == [URL]


def test_raised_encoding_takes_the_highest_level_that_fits() -> None:
    assert encode_raised(URL, "L").error_correction == "H"
    assert encode_raised("https://example.com/" + "a" * 1800, "L").error_correction == "M"
    assert encode_raised(URL, "Q").error_correction == "H"
