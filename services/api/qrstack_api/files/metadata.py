"""Removing what a photo tells about where and how it was taken, without re-encoding it.

Carousel images are served to anyone who scans the code, and phone photos carry their GPS
position, camera and time in EXIF and XMP. `strip_metadata` rewrites the container and leaves
the compressed image data byte for byte as uploaded, so nothing is lost in quality and
animations survive:

- JPEG: drops APP1 (EXIF, XMP), APP3-APP13 (IPTC and vendor data), APP15, comments, the APP2
  segments other than the ICC colour profile (MPF, FlashPix) and anything after the end of the
  image (secondary images, vendor trailers). Keeps APP0 (JFIF), the ICC profile and APP14
  (Adobe: needed to decode CMYK). The EXIF orientation, when it is not "upright", is written
  back as a minimal EXIF block holding only that tag, so photos are not shown sideways.
- PNG: drops the eXIf, tEXt, zTXt, iTXt and tIME chunks and anything after IEND.
- WebP: drops the EXIF and XMP chunks (and clears their flags in VP8X).
- GIF carries no EXIF; it is kept as uploaded.

Each function raises `DamagedImage` when the container's structure is broken.
"""

from __future__ import annotations

from qrstack_api.files.formats import GIF, JPEG, PNG, WEBP


class DamagedImage(ValueError):
    """The file's container structure is broken (truncated, or lengths that do not add up)."""


def strip_metadata(content: bytes, media_type: str, *, orientation: int | None = None) -> bytes:
    """`content` without its metadata (see the module docstring). `orientation` (EXIF 1-8) is
    kept in a JPEG; other types ignore it."""
    if media_type == JPEG:
        return strip_jpeg(content, orientation=orientation)
    if media_type == PNG:
        return strip_png(content)
    if media_type == WEBP:
        return strip_webp(content)
    if media_type == GIF:
        return content
    raise ValueError(f"not an image type: {media_type}")


_APP0, _APP2, _APP14, _COM, _SOS, _EOI = 0xE0, 0xE2, 0xEE, 0xFE, 0xDA, 0xD9


def _keep_jpeg_segment(marker: int, body: bytes) -> bool:
    if marker == _APP0:
        return True
    if marker == _APP2:
        return body.startswith(b"ICC_PROFILE\x00")
    if marker == _APP14:
        return body.startswith(b"Adobe")
    return not (0xE0 <= marker <= 0xEF or marker == _COM)


def orientation_segment(orientation: int) -> bytes:
    """An APP1 EXIF segment holding only the orientation tag (0x0112, one SHORT)."""
    tiff = (
        b"MM\x00\x2a" + (8).to_bytes(4, "big")  # big-endian TIFF header, IFD0 at offset 8
        + (1).to_bytes(2, "big")  # one entry
        + (0x0112).to_bytes(2, "big") + (3).to_bytes(2, "big") + (1).to_bytes(4, "big")
        + orientation.to_bytes(2, "big") + b"\x00\x00"  # the value, padded to 4 bytes
        + (0).to_bytes(4, "big")  # no next IFD
    )  # fmt: skip
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at `pos` ends: the next marker that is neither a
    stuffed 0xFF00 nor a restart marker (RST0-7); len(data) when there is none."""
    while True:
        found = data.find(b"\xff", pos)
        if found < 0 or found + 1 >= len(data):
            return len(data)
        following = data[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos = found + 2
            continue
        return found


def strip_jpeg(data: bytes, *, orientation: int | None = None) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise DamagedImage("does not start with a JPEG start-of-image marker")
    out = bytearray(b"\xff\xd8")
    pending_orientation = orientation is not None and orientation != 1
    pos, size = 2, len(data)
    while True:
        if pos >= size:
            raise DamagedImage("ends before its image data")
        if data[pos] != 0xFF:
            raise DamagedImage(f"has no segment marker at byte {pos}")
        while pos < size and data[pos] == 0xFF:  # fill bytes may precede a marker
            pos += 1
        if pos >= size:
            raise DamagedImage("ends inside a marker")
        marker = data[pos]
        pos += 1
        if marker == _EOI:
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out += bytes((0xFF, marker))
            continue
        if pos + 2 > size:
            raise DamagedImage("ends inside a segment header")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > size:
            raise DamagedImage(f"has a segment longer than the file at byte {pos}")
        body = data[pos + 2 : pos + length]
        if pending_orientation and marker != _APP0:
            # EXIF belongs right after SOI, or after the JFIF APP0 when there is one.
            assert orientation is not None
            out += orientation_segment(orientation)
            pending_orientation = False
        if _keep_jpeg_segment(marker, body):
            out += bytes((0xFF, marker)) + data[pos : pos + length]
        pos += length
        if marker == _SOS:
            end = _scan_end(data, pos)
            out += data[pos:end]
            pos = end
            if pos >= size:  # no end-of-image marker: the decoder check decides
                break
    out += b"\xff\xd9"
    return bytes(out)


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_METADATA = frozenset((b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"))


def strip_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise DamagedImage("does not start with the PNG signature")
    out = bytearray(_PNG_SIGNATURE)
    pos, size = len(_PNG_SIGNATURE), len(data)
    while True:
        if pos + 8 > size:
            raise DamagedImage("ends before its IEND chunk")
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length  # length, type, data, CRC
        if end > size:
            raise DamagedImage(f"has a {kind!r} chunk longer than the file")
        if kind not in _PNG_METADATA:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            return bytes(out)


_WEBP_METADATA = frozenset((b"EXIF", b"XMP "))
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def strip_webp(data: bytes) -> bytes:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise DamagedImage("is not a RIFF WEBP file")
    riff_end = 8 + int.from_bytes(data[4:8], "little")
    if riff_end > len(data):
        raise DamagedImage("is shorter than its RIFF header says")
    chunks = bytearray()
    pos = 12
    while pos < riff_end:
        if pos + 8 > riff_end:
            raise DamagedImage("ends inside a chunk header")
        kind = data[pos : pos + 4]
        length = int.from_bytes(data[pos + 4 : pos + 8], "little")
        end = pos + 8 + length + (length & 1)  # chunks are padded to an even size
        if pos + 8 + length > riff_end:
            raise DamagedImage(f"has a {kind!r} chunk longer than the file")
        if kind == b"VP8X" and length >= 1:
            flags = data[pos + 8] & ~(_VP8X_EXIF | _VP8X_XMP)
            chunks += data[pos : pos + 8] + bytes((flags,)) + data[pos + 9 : end]
        elif kind not in _WEBP_METADATA:
            chunks += data[pos:end]
        pos = end
    return b"RIFF" + (len(chunks) + 4).to_bytes(4, "little") + b"WEBP" + bytes(chunks)
