"""Decode a logo `data:` URI into an image the renderer can place.

Accepted: PNG, JPEG and SVG, at most 1 MiB decoded (the URI's shape is checked by the render
contract, `qrstack_common.render.logos`). The declared type must match the bytes (PNG and
JPEG are opened by Pillow and checked; SVG must parse as an `<svg>` document and may not
reference anything outside itself, so rendering it can never read a file or the network).
SVG logos are rasterised with resvg for raster and PDF output and embedded as they are in SVG
output. Optional background removal makes the colour around the logo (taken from
its border) transparent where it touches the border, keeping same-coloured areas inside.
Every refusal is a 400 `validation_failed` on `style.logo`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
import resvg_py
from PIL import Image, ImageDraw, UnidentifiedImageError

from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.render.logos import parse_data_uri

LOGO_MAX_PIXELS = 4096 * 4096
SVG_RASTER_PX = 1024
BACKGROUND_TOLERANCE = 48
"""How far (Euclidean, 0-255 RGB) a pixel may be from the border colour and still count as
background when removing it."""

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
