"""Decode a logo `data:` URI into an image the renderer can place.

Accepted: PNG, JPEG and SVG, at most 1 MiB decoded. The declared type must match the bytes
(PNG and JPEG are opened by Pillow and checked; SVG must parse as an `<svg>` document and may
not reference anything outside itself, so rendering it can never read a file or the
network). SVG logos are rasterised with resvg for raster and PDF output and embedded as they
are in SVG output. Optional background removal makes the colour around the logo (taken from
its border) transparent where it touches the border, keeping same-coloured areas inside.
Every refusal is a 400 `validation_failed` on `style.logo`.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import urllib.parse
from dataclasses import dataclass

import numpy as np
import resvg_py
from PIL import Image, ImageDraw, UnidentifiedImageError

from qrstack_common.errors import ApiError, Issue, validation_failed

LOGO_MEDIA_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
LOGO_MAX_BYTES = 1 << 20
LOGO_MAX_PIXELS = 4096 * 4096
SVG_RASTER_PX = 1024
BACKGROUND_TOLERANCE = 48
"""How far (Euclidean, 0-255 RGB) a pixel may be from the border colour and still count as
background when removing it."""

_DATA_URI = re.compile(
    r"data:(?P<type>[\w.+-]+/[\w.+-]+)(?P<params>(?:;[^,;]*)*),(?P<data>.*)", re.S
)
_EXTERNAL_REF = re.compile(
    r"""(?:href|src)\s*=\s*["'](?!\s*(?:#|data:))""" r"""|url\(\s*["']?(?!\s*(?:#|data:))""",
    re.I,
)


@dataclass(frozen=True, eq=False)
class LogoImage:
    """A decoded logo: `image` (RGBA) to paint, and what an SVG output embeds."""

    image: Image.Image
    source: bytes
    media_type: str

    @property
    def aspect(self) -> float:
        """Width over height."""
        return self.image.width / self.image.height


def _refuse(reason: str) -> ApiError:
    return validation_failed([Issue(("style", "logo"), reason)])


def parse_data_uri(uri: str) -> tuple[str, bytes]:
    """The media type and bytes of a `data:` URI (base64 or percent-encoded)."""
    match = _DATA_URI.fullmatch(uri.strip())
    if match is None:
        raise _refuse("not a data: URI like data:image/png;base64,…")
    media_type = match.group("type").lower()
    if media_type == "image/jpg":
        media_type = "image/jpeg"
    if media_type not in LOGO_MEDIA_TYPES:
        raise _refuse(
            f"{media_type} is not a logo type; use image/png, image/jpeg or image/svg+xml"
        )
    payload = match.group("data")
    if ";base64" in match.group("params").lower():
        if len(payload) > (LOGO_MAX_BYTES * 4) // 3 + 8:
            raise _refuse(f"the logo is larger than {LOGO_MAX_BYTES} bytes")
        try:
            data = base64.b64decode(payload, validate=False)
        except binascii.Error as exc:
            raise _refuse(f"the logo's base64 is invalid: {exc}") from exc
    else:
        data = urllib.parse.unquote_to_bytes(payload)
    if len(data) > LOGO_MAX_BYTES:
        raise _refuse(f"the logo is {len(data)} bytes; at most {LOGO_MAX_BYTES} allowed")
    if not data:
        raise _refuse("the logo is empty")
    return media_type, data


def _raster(media_type: str, data: bytes) -> Image.Image:
    expected = "PNG" if media_type == "image/png" else "JPEG"
    try:
        image = Image.open(io.BytesIO(data))
        if image.format != expected:
            raise _refuse(f"the logo is declared {media_type} but its bytes are {image.format}")
        if image.width * image.height > LOGO_MAX_PIXELS:
            raise _refuse(f"the logo is {image.width}×{image.height} px; at most 4096×4096")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise _refuse(f"the logo is not a readable {expected} image") from exc
    return image.convert("RGBA")


def _svg(data: bytes) -> Image.Image:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse("the SVG logo is not UTF-8 text") from exc
    if "<svg" not in text:
        raise _refuse("the logo is declared image/svg+xml but has no <svg> element")
    if _EXTERNAL_REF.search(text) or "<!ENTITY" in text:
        raise _refuse(
            "the SVG logo references external files or defines entities; embed images as "
            "data: URIs and convert text to paths"
        )
    try:
        png = resvg_py.svg_to_bytes(svg_string=text, width=SVG_RASTER_PX, skip_system_fonts=True)
    except ValueError as exc:
        raise _refuse(f"the SVG logo cannot be drawn: {exc}") from exc
    return Image.open(io.BytesIO(bytes(png))).convert("RGBA")


def remove_background(image: Image.Image) -> Image.Image:
    """Make the border-connected area close to the border's most common colour transparent."""
    rgba = np.asarray(image.convert("RGBA")).copy()
    border = np.concatenate([rgba[0], rgba[-1], rgba[:, 0], rgba[:, -1]])
    opaque = border[border[:, 3] > 127]
    if len(opaque) == 0:
        return image
    colours, counts = np.unique(opaque[:, :3], axis=0, return_counts=True)
    key = colours[np.argmax(counts)].astype(np.int32)
    distance = np.sqrt(((rgba[..., :3].astype(np.int32) - key) ** 2).sum(axis=2))
    similar = Image.fromarray(
        np.where(distance <= BACKGROUND_TOLERANCE, 255, 0).astype(np.uint8)
    ).copy()  # a writable copy: floodfill cannot write into an array-backed image
    h, w = rgba.shape[:2]
    for x, y in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)):
        if similar.getpixel((x, y)) == 255:
            ImageDraw.floodfill(similar, (x, y), 128, thresh=0)
    background = np.asarray(similar) == 128
    rgba[..., 3] = np.where(background, 0, rgba[..., 3])
    return Image.fromarray(rgba, "RGBA")


def decode_logo(uri: str, remove_bg: bool) -> LogoImage:
    """Decode and check a logo data URI; see the module docstring."""
    media_type, data = parse_data_uri(uri)
    image = _svg(data) if media_type == "image/svg+xml" else _raster(media_type, data)
    if image.getbbox() is None:
        raise _refuse("the logo is fully transparent")
    if remove_bg:
        image = remove_background(image)
        out = io.BytesIO()
        image.save(out, "PNG")
        return LogoImage(image, out.getvalue(), "image/png")
    return LogoImage(image, data, media_type)
