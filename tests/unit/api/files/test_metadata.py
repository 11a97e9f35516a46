"""Location and camera metadata leave a photo; its image data stays byte for byte."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, ImageCms
from unit.api.files.samples import image_bytes, located_photo, pixels

from qrstack_api.files.formats import GIF, JPEG, PNG, WEBP
from qrstack_api.files.metadata import DamagedImage, strip_metadata


def _opened(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


@pytest.mark.parametrize("progressive", [False, True])
def test_a_jpeg_loses_gps_camera_xmp_and_comment_but_not_a_pixel(progressive: bool) -> None:
    original = located_photo("JPEG", progressive=progressive)
    stripped = strip_metadata(original, JPEG)
    image = _opened(stripped)
    assert not image.getexif() and "xmp" not in image.info and "comment" not in image.info
    assert b"PhoneMaker" not in stripped and b"GPS" not in stripped and b"home" not in stripped
    assert pixels(stripped) == pixels(original)
    assert len(stripped) < len(original)


def test_a_jpeg_keeps_its_orientation_and_nothing_else_of_its_exif() -> None:
    original = located_photo("JPEG", orientation=6)
    stripped = strip_metadata(original, JPEG, orientation=6)
    exif = _opened(stripped).getexif()
    assert dict(exif) == {ExifTags.Base.Orientation: 6}
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert pixels(stripped) == pixels(original)


def test_an_upright_jpeg_gets_no_exif_at_all() -> None:
    stripped = strip_metadata(located_photo("JPEG", orientation=1), JPEG, orientation=1)
    assert b"Exif" not in stripped and not _opened(stripped).getexif()


def test_a_jpeg_keeps_its_colour_profile_and_drops_what_follows_the_image() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = image_bytes("JPEG", icc_profile=profile) + b"vendor trailer with secrets"
    stripped = strip_metadata(original, JPEG)
    assert _opened(stripped).info["icc_profile"] == profile
    assert stripped.endswith(b"\xff\xd9") and b"secrets" not in stripped


def test_a_png_loses_its_text_and_exif_chunks_only() -> None:
    original = located_photo("PNG")
    stripped = strip_metadata(original, PNG)
    image = _opened(stripped)
    assert not image.getexif() and not image.text
    assert b"Someone Private" not in stripped and b"52.52" not in stripped
    assert pixels(stripped) == pixels(original)


def test_a_webp_loses_exif_and_xmp_and_its_header_says_so() -> None:
    original = located_photo("WEBP")
    stripped = strip_metadata(original, WEBP)
    image = _opened(stripped)
    assert not image.getexif() and "xmp" not in image.info
    assert int.from_bytes(stripped[4:8], "little") == len(stripped) - 8
    vp8x = stripped.index(b"VP8X")
    assert stripped[vp8x + 8] & 0x0C == 0  # the EXIF and XMP flags are cleared
    assert pixels(stripped) == pixels(original)


def test_a_gif_is_kept_as_sent() -> None:
    original = image_bytes("GIF")
    assert strip_metadata(original, GIF) == original


@pytest.mark.parametrize(("fmt", "media_type"), [("JPEG", JPEG), ("PNG", PNG), ("WEBP", WEBP)])
def test_a_truncated_container_is_damaged(fmt: str, media_type: str) -> None:
    whole = located_photo(fmt)
    with pytest.raises(DamagedImage):
        strip_metadata(whole[: len(whole) // 3], media_type)
