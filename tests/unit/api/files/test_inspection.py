"""What an upload is accepted as: the declared type and the content must agree, images must
decode, and what is kept carries no location."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from unit.api.files.samples import image_bytes, located_photo, pdf_bytes, pixels

from qrstack_api.files.formats import declared_media_type, sniffed_media_type
from qrstack_api.files.inspection import clean_filename, inspect_image, inspect_pdf
from qrstack_common.errors import ApiError

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _refused(call: object, *args: object) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value


def test_a_pdf_is_kept_as_sent_with_its_digest_and_a_clean_name() -> None:
    content = pdf_bytes()
    prepared = inspect_pdf(content, "application/pdf", "C:\\Users\\me\\Menu\u202egpj.pdf")
    assert prepared.content == content and prepared.media_type == "application/pdf"
    assert prepared.sha256 == hashlib.sha256(content).digest() and prepared.size == len(content)
    assert prepared.original_filename == "Menugpj.pdf"


def test_a_png_declared_as_pdf_is_415_naming_what_it_is() -> None:
    error = _refused(inspect_pdf, image_bytes("PNG"), "application/pdf", "x.pdf")
    assert error.status == 415 and "PNG image" in error.detail


def test_a_pdf_declared_as_anything_else_is_415() -> None:
    error = _refused(inspect_pdf, pdf_bytes(), "application/octet-stream", "x.pdf")
    assert error.status == 415 and "application/pdf" in error.detail


def test_a_pdf_signature_must_open_the_file() -> None:
    # Lenient readers skip junk before %PDF-; a file that is also HTML must not pass.
    error = _refused(inspect_pdf, b"<html>" + pdf_bytes(), "application/pdf", None)
    assert error.status == 415


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"), ("GIF", "image/gif")],
)
def test_each_image_type_is_accepted_with_its_size(fmt: str, media_type: str) -> None:
    prepared = inspect_image(image_bytes(fmt), media_type, "photo")
    assert prepared.media_type == media_type and (prepared.width, prepared.height) == (24, 16)
    assert prepared.sha256 == hashlib.sha256(prepared.content).digest()


def test_an_accepted_photo_keeps_no_location() -> None:
    original = located_photo("JPEG", orientation=8)
    prepared = inspect_image(original, "image/jpeg", "IMG_0001.JPG")
    with Image.open(io.BytesIO(prepared.content)) as image:
        assert dict(image.getexif()) == {0x0112: 8}
    assert pixels(prepared.content) == pixels(original)


@pytest.mark.parametrize(
    ("content", "declared", "named"),
    [
        (image_bytes("JPEG"), "image/png", "JPEG image"),
        (SVG, "image/svg+xml", "image/svg+xml"),
        (SVG, "image/png", "none of"),
        (b"<!doctype html><p>hi</p>", "image/gif", "none of"),
        (pdf_bytes(), "image/jpeg", "PDF"),
    ],
)
def test_an_image_whose_content_or_type_is_not_accepted_is_415(
    content: bytes, declared: str, named: str
) -> None:
    error = _refused(inspect_image, content, declared, None)
    assert error.status == 415 and named in error.detail


def test_an_image_that_does_not_decode_is_400_on_file() -> None:
    whole = image_bytes("JPEG")
    error = _refused(inspect_image, whole[: len(whole) - 200], "image/jpeg", None)
    assert error.status == 400 and error.issues[0].path == ("file",)


def test_an_image_over_50_megapixels_is_refused_before_decoding() -> None:
    buffer = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(buffer, "PNG")
    error = _refused(inspect_image, buffer.getvalue(), "image/png", None)
    assert error.status == 400 and "10000×6000" in error.issues[0].reason


def test_declared_types_are_read_leniently_and_signatures_strictly() -> None:
    assert declared_media_type("Image/JPG; charset=binary") == "image/jpeg"
    assert declared_media_type(None) == "application/octet-stream"
    assert sniffed_media_type(b"RIFF\x00\x00\x00\x00WAVE") is None
    assert sniffed_media_type(b"GIF89a\x01\x00") == "image/gif"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("report\r\n.pdf", "report.pdf"),
        ("  .hidden.pdf ", "hidden.pdf"),
        ("...", None),
        (None, None),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
        ("Speisekarte Ü.pdf", "Speisekarte Ü.pdf"),
    ],
)
def test_file_names_keep_only_their_last_visible_component(raw: str | None, clean: str) -> None:
    assert clean_filename(raw) == clean
