"""The media types a file may have, and how its first bytes show which one it really is.

Only these five types are ever stored or served: nothing a browser would run as a document
(HTML, SVG, XML) can be uploaded, whatever a client declares.
"""

from __future__ import annotations

from typing import Final

PDF: Final = "application/pdf"
JPEG: Final = "image/jpeg"
PNG: Final = "image/png"
WEBP: Final = "image/webp"
GIF: Final = "image/gif"
IMAGE_TYPES: Final = (JPEG, PNG, WEBP, GIF)

EXTENSIONS: Final = {PDF: "pdf", JPEG: "jpg", PNG: "png", WEBP: "webp", GIF: "gif"}
LABELS: Final = {PDF: "PDF", JPEG: "JPEG image", PNG: "PNG image", WEBP: "WebP image",
                 GIF: "GIF image"}  # fmt: skip
# Pillow's format name → media type.
PILLOW_FORMATS: Final = {"JPEG": JPEG, "PNG": PNG, "WEBP": WEBP, "GIF": GIF}
# Spellings clients send for the same type.
_ALIASES: Final = {"image/jpg": JPEG, "image/pjpeg": JPEG, "image/x-png": PNG}
UNDECLARED: Final = "application/octet-stream"


def declared_media_type(header: str | None) -> str:
    """The media type of a Content-Type header value, lower case and without parameters;
    `application/octet-stream` when none was sent."""
    if not header:
        return UNDECLARED
    media_type = header.split(";", 1)[0].strip().lower()
    return _ALIASES.get(media_type, media_type) or UNDECLARED


def sniffed_media_type(head: bytes) -> str | None:
    """The type the content's signature shows (its first 12 bytes suffice), or None when it
    is none of the five. A PDF must start with `%PDF-` at byte 0: a file with anything in
    front of it (which lenient readers skip) could be another format as well."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    return None


def described(media_type: str | None) -> str:
    """How an answer names a type: "a PNG image", or the media type itself."""
    if media_type is None:
        return "none of PDF, JPEG, PNG, WebP or GIF"
    label = LABELS.get(media_type)
    return f"a {label}" if label else media_type
