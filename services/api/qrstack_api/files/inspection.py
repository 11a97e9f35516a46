"""Deciding whether an uploaded file is what it claims, and what is kept of it.

`inspect_pdf` and `inspect_image` are pure and CPU-bound (hashing, decoding): run them in an
executor. Both raise `ApiError`:
- 415 `unsupported_media_type` when the declared type is not accepted, or the content's
  signature is not the declared type (a PNG sent as application/pdf);
- 400 `validation_failed` on `file` when an image of an accepted type does not decode, or is
  larger than `MAX_PIXELS`.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from qrstack_api.files.formats import (
    IMAGE_TYPES,
    JPEG,
    LABELS,
    PDF,
    PILLOW_FORMATS,
    described,
    sniffed_media_type,
)
from qrstack_api.files.metadata import DamagedImage, strip_metadata
from qrstack_common.errors import ApiError, Issue, validation_failed

# Decoding needs width × height × 4 bytes: 50 megapixels (200 MB) is more than any phone
# camera takes and bounds what one upload can make the server allocate.
MAX_PIXELS = 50_000_000
FILENAME_MAX_CHARS = 255
_ORIENTATION_TAG = 0x0112


@dataclass(frozen=True)
class PreparedFile:
    """An accepted file: the bytes to store and what the API says about them."""

    content: bytes
    media_type: str
    sha256: bytes
    original_filename: str | None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)


def clean_filename(raw: str | None) -> str | None:
    """The client's file name, safe to store and show: the last path component, without
    control or bidirectional-formatting characters (which can disguise an extension), at most
    255 characters (the extension kept). None when nothing is left."""
    if raw is None:
        return None
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs",
                                                                        "Zl", "Zp"))  # fmt: skip
    name = name.strip().strip(".").strip()
    if len(name) > FILENAME_MAX_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = stem[: FILENAME_MAX_CHARS - len(extension) - 1] + "." + extension
        else:
            name = name[:FILENAME_MAX_CHARS]
    return name or None


def _unsupported(detail: str) -> ApiError:
    return ApiError("unsupported_media_type", detail)


def inspect_pdf(content: bytes, declared: str, filename: str | None) -> PreparedFile:
    """Accept a PDF declared as application/pdf whose content starts with `%PDF-`."""
    if declared != PDF:
        raise _unsupported(f"The file is declared as {declared}; a pdf code takes application/pdf.")
    actual = sniffed_media_type(content[:16])
    if actual != PDF:
        raise _unsupported(
            f"The file is declared as application/pdf but does not start with %PDF- "
            f"(its content is {described(actual)})."
        )
    return PreparedFile(content, PDF, hashlib.sha256(content).digest(), clean_filename(filename))


def _exif_orientation(content: bytes) -> int | None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            value = image.getexif().get(_ORIENTATION_TAG)
    except Exception:  # unreadable EXIF is dropped anyway; the decode check judges the image
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def inspect_image(content: bytes, declared: str, filename: str | None) -> PreparedFile:
    """Accept a JPEG, PNG, WebP or GIF image whose content is the declared type and decodes,
    with its metadata removed (`files.metadata`)."""
    if declared not in IMAGE_TYPES:
        raise _unsupported(
            f"The file is declared as {declared}; carousel images are image/jpeg, image/png, "
            "image/webp or image/gif."
        )
    actual = sniffed_media_type(content[:16])
    if actual != declared:
        raise _unsupported(
            f"The file is declared as {declared} but its content is {described(actual)}."
        )
    label = LABELS[declared]
    orientation = _exif_orientation(content) if declared == JPEG else None
    try:
        kept = strip_metadata(content, declared, orientation=orientation)
    except DamagedImage as exc:
        raise validation_failed([Issue(("file",), f"is not a readable {label}: {exc}")]) from exc
    width, height = _decoded_size(kept, declared, label)
    return PreparedFile(
        kept,
        declared,
        hashlib.sha256(kept).digest(),
        clean_filename(filename),
        width=width,
        height=height,
    )


def _decoded_size(content: bytes, media_type: str, label: str) -> tuple[int, int]:
    """Decode the image (its first frame) completely; 400 when Pillow cannot, or when it is
    larger than MAX_PIXELS (checked from the header, before decoding)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if PILLOW_FORMATS.get(image.format or "") != media_type:
                    raise validation_failed(
                        [Issue(("file",), f"is not a readable {label} (Pillow reads it as "
                               f"{image.format})")]
                    )  # fmt: skip
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise validation_failed(
                        [Issue(("file",), f"is {width}×{height} pixels; at most "
                               f"{MAX_PIXELS // 1_000_000} megapixels are accepted")]
                    )  # fmt: skip
                image.load()
    except ApiError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError, EOFError, Image.DecompressionBombWarning) as exc:  # fmt: skip
        raise validation_failed([Issue(("file",), f"is not a readable {label}: {exc}")]) from exc
    return width, height
