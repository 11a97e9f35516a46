"""`print_output(spec)`: one code for print as PDF (vector, mm, bleed, crop marks), SVG with
its size in mm, or PNG whose pixels and stored DPI make exactly `sizeMm`."""

from __future__ import annotations

import hashlib
import re

from qrstack_common import codec
from qrstack_common.errors import Issue, validation_failed
from qrstack_common.render.spec import MAX_IMAGE_PX, RenderSpec
from qrstack_renderer.print.model import PrintSpec
from qrstack_renderer.print.pdf import write_print_pdf
from qrstack_renderer.render import MEDIA_TYPES, RENDERER_REVISION, RenderedImage, render

_SVG_SIZE = re.compile(rb'width="(\d+)" height="(\d+)"')


def _render_spec(spec: PrintSpec, size: int | None) -> RenderSpec:
    fields = {
        "data": spec.data,
        "format": spec.format,
        "margin": spec.margin,
        "errorCorrection": spec.error_correction,
        "dpi": spec.dpi,
        "style": spec.style,
    }
    if size is not None:
        fields["size"] = size
    return RenderSpec.model_validate(fields)


def print_output(spec: PrintSpec) -> RenderedImage:
    """The print file of `spec`; 400 for a style that would not scan or a PNG too large."""
    etag = f'"print-{hash_print(spec)}"'
    if spec.format == "pdf":
        return RenderedImage(write_print_pdf(spec), MEDIA_TYPES["pdf"], etag)
    if spec.format == "png":
        px = round(spec.size_mm / 25.4 * spec.dpi)
        if px > MAX_IMAGE_PX:
            most = MAX_IMAGE_PX / spec.dpi * 25.4
            raise validation_failed(
                [
                    Issue(
                        ("sizeMm",),
                        f"{px} px at {spec.dpi} dpi is over {MAX_IMAGE_PX} px; at this dpi use "
                        f"sizeMm ≤ {most:.0f}, or ask for PDF or SVG",
                    )
                ]
            )
        image = render(_render_spec(spec, px))
        return RenderedImage(image.body, image.media_type, etag)
    image = render(_render_spec(spec, None))
    match = _SVG_SIZE.search(image.body)
    assert match is not None
    width_px, height_px = int(match.group(1)), int(match.group(2))
    height_mm = spec.size_mm * height_px / width_px
    sized = f'width="{spec.size_mm:g}mm" height="{height_mm:.3f}mm"'.encode()
    body = image.body[: match.start()] + sized + image.body[match.end() :]
    return RenderedImage(body, image.media_type, etag)


def hash_print(spec: PrintSpec) -> str:
    """The content address of a print file (with the renderer's revision)."""
    canonical = codec.dumps([RENDERER_REVISION, "print", spec.model_dump(mode="json")])
    return hashlib.sha256(canonical).hexdigest()[:32]
