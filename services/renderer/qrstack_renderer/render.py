"""`render(spec) -> RenderedImage`: the whole renderer as one pure function.

Encode the payload, check the style would scan, lay it out, paint it in the requested
format. The same spec always gives the same bytes, so `content_address(spec)` is a valid
ETag and cache key. Fails with `ApiError` 400 `validation_failed` (fields and reasons) for a payload
that does not fit or a style that would not scan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from qrstack_common import codec
from qrstack_common.errors import Issue, validation_failed
from qrstack_common.render.contrast import contrast_issues
from qrstack_common.render.spec import ImageFormat, RenderSpec, Style
from qrstack_renderer.compose import compose, placement
from qrstack_renderer.formats.bitmap import encode_raster, plain_image
from qrstack_renderer.formats.pdf import write_pdf
from qrstack_renderer.formats.raster import paint_raster
from qrstack_renderer.formats.svg import write_svg
from qrstack_renderer.guard import centre_issues, module_size_issues, refuse_if_any, text_issues
from qrstack_renderer.logos.images import decode_logo
from qrstack_renderer.matrix import encode, encode_raised
from qrstack_renderer.styles.centre import plan_centre

RENDERER_REVISION = "1"
"""Part of every content address: bump it when the same spec starts drawing different pixels."""

MEDIA_TYPES: dict[ImageFormat, str] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}


@dataclass(frozen=True)
class RenderedImage:
    body: bytes
    media_type: str
    etag: str
    """Quoted strong ETag: the spec's content address."""


def content_address(spec: RenderSpec) -> str:
    """The content address of a render: equal specs give equal images."""
    canonical = codec.dumps([RENDERER_REVISION, spec.model_dump(mode="json")])
    return hashlib.sha256(canonical).hexdigest()[:32]


def is_plain(style: Style) -> bool:
    """Square modules and eyes in solid colours, nothing else: the fast raster path."""
    return (
        style.pattern == "square"
        and style.corners == "square"
        and style.gradient is None
        and style.eye_outer in (None, style.foreground)
        and style.eye_inner in (None, style.foreground)
        and not style.has_centre
        and style.effective_frame == "none"
    )


def render(spec: RenderSpec) -> RenderedImage:
    """Render `spec` in its format. See the module docstring for failures.

    Under a centre element (logo, text, icon) the error correction is raised to the
    highest level the payload fits, never below the requested one.
    """
    style = spec.style
    refuse_if_any(contrast_issues(style) + text_issues(style))
    logo = None
    if style.logo is not None:
        if not style.logo.startswith("data:"):
            raise validation_failed(
                [
                    Issue(
                        ("style", "logo"), "fetch logo URLs first (LogoFetcher) or send a data: URI"
                    )
                ]
            )
        logo = decode_logo(style.logo, style.remove_logo_background)
    if style.has_centre:
        matrix = encode_raised(spec.data, spec.error_correction)
    else:
        matrix = encode(spec.data, spec.error_correction)
    centre = plan_centre(style, matrix.size, logo)
    if centre is not None:
        refuse_if_any(centre_issues(style, centre, matrix, len(spec.data)))
    side = matrix.size + 2 * spec.margin
    if spec.format not in ("svg", "pdf") and is_plain(style):
        place = placement(spec, side, side)
        image = plain_image(matrix, spec.margin, place, style.foreground, style.background)
        body = encode_raster(image, spec.format, spec.dpi)
    else:
        drawing = compose(spec, matrix, centre)
        refuse_if_any(module_size_issues(spec, drawing.placement.scale, drawing.width))
        if spec.format == "svg":
            body = write_svg(drawing)
        elif spec.format == "pdf":
            body = write_pdf(drawing)
        else:
            body = encode_raster(paint_raster(drawing), spec.format, spec.dpi)
    return RenderedImage(body, MEDIA_TYPES[spec.format], f'"{content_address(spec)}"')
