"""`render(spec) -> RenderedImage`: the whole renderer as one pure function.

Encode the payload, check the style would scan (`check`, which `POST /v1/check` answers
alone), lay it out, paint it in the requested format. The same spec always gives the same
bytes, so `content_address(spec)` is a valid ETag and cache key. Fails with `ApiError` 400
`validation_failed` (fields and reasons) for a payload that does not fit or a style that
would not scan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from qrstack_common import codec
from qrstack_common.errors import Issue, validation_failed
from qrstack_common.render.contrast import contrast_issues
from qrstack_common.render.spec import ErrorCorrection, ImageFormat, RenderSpec, Style
from qrstack_renderer.compose import compose, placement
from qrstack_renderer.formats.bitmap import encode_raster, plain_image
from qrstack_renderer.formats.pdf import write_pdf
from qrstack_renderer.formats.raster import paint_raster
from qrstack_renderer.formats.svg import write_svg
from qrstack_renderer.guard import centre_issues, module_size_issues, refuse_if_any, text_issues
from qrstack_renderer.logos.images import decode_logo
from qrstack_renderer.matrix import QrMatrix, encode, encode_raised
from qrstack_renderer.styles.centre import CentrePlan, plan_centre
from qrstack_renderer.styles.frames import plan_frame

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


RASTER_FORMATS = ("png", "jpeg", "webp")


def refuse_above_budget(spec: RenderSpec, width: int, height: int, max_pixels: int | None) -> None:
    """400 for a raster image of more than `max_pixels` (painting one costs ~28 bytes a pixel:
    the budget is what bounds the renderer's memory; vector formats cost no pixels)."""
    if max_pixels is None or spec.format not in RASTER_FORMATS or width * height <= max_pixels:
        return
    field = "scale" if spec.scale is not None else "size"
    raise validation_failed(
        [
            Issue(
                (field,),
                f"the image would be {width}×{height} px ({width * height / 1e6:.1f} megapixels); "
                f"this renderer paints at most {max_pixels / 1e6:.1f} megapixels: ask for a "
                f"smaller {field}, or svg or pdf",
            )
        ]
    )


@dataclass(frozen=True, eq=False)
class CheckedSpec:
    """A spec that passed every check: its symbol and its sized centre element."""

    matrix: QrMatrix
    centre: CentrePlan | None


def encode_code(
    style: Style, data: str, error_correction: ErrorCorrection
) -> tuple[QrMatrix, CentrePlan | None]:
    """The payload's matrix and the plan of its centre element (logo, text, icon), if any.

    Under a centre element the error correction is raised to the highest level the payload
    fits, never below `error_correction`. The logo must be inline (a data: URI): 400 otherwise,
    and for bytes that are not a readable image; 400 too for a payload that does not fit.
    """
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
        matrix = encode_raised(data, error_correction)
    else:
        matrix = encode(data, error_correction)
    return matrix, plan_centre(style, matrix.size, logo)


def check(spec: RenderSpec, *, max_pixels: int | None = None) -> CheckedSpec:
    """Every refusal `render(spec)` can give, without drawing: contrast, text, the logo's
    bytes, the payload's fit, the centre element against the error correction, the image
    size and the module size, and (with `max_pixels`) the pixel budget. Raises `ApiError` 400
    `validation_failed` like `render`.

    Under a centre element (logo, text, icon) the error correction is raised to the
    highest level the payload fits, never below the requested one.
    """
    style = spec.style
    refuse_if_any(contrast_issues(style) + text_issues(style))
    matrix, centre = encode_code(style, spec.data, spec.error_correction)
    if centre is not None:
        refuse_if_any(centre_issues(style, centre, matrix, len(spec.data)))
    frame = plan_frame(style, matrix.size + 2 * spec.margin)
    place = placement(spec, frame.width, frame.height)
    refuse_if_any(module_size_issues(spec, place.scale, frame.width))
    refuse_above_budget(spec, place.width, place.height, max_pixels)
    return CheckedSpec(matrix, centre)


def render(spec: RenderSpec, *, max_pixels: int | None = None) -> RenderedImage:
    """Render `spec` in its format once `check(spec)` passed; see the module docstring. A
    raster image of more than `max_pixels` is refused before it is painted."""
    style = spec.style
    checked = check(spec, max_pixels=max_pixels)
    matrix, centre = checked.matrix, checked.centre
    side = matrix.size + 2 * spec.margin
    if spec.format not in ("svg", "pdf") and is_plain(style):
        place = placement(spec, side, side)
        image = plain_image(matrix, spec.margin, place, style.foreground, style.background)
        body = encode_raster(image, spec.format, spec.dpi)
    else:
        drawing = compose(spec, matrix, centre)
        if spec.format == "svg":
            body = write_svg(drawing)
        elif spec.format == "pdf":
            body = write_pdf(drawing)
        else:
            body = encode_raster(paint_raster(drawing), spec.format, spec.dpi)
    return RenderedImage(body, MEDIA_TYPES[spec.format], f'"{content_address(spec)}"')
