"""HTTP routes of a code's image: `/v1/codes/{id}.{format}` and `/v1/codes/{id}/image`, the
code in its stored style, drawn by the renderer (`qrstack_api.upstream.relay_render`)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.paths import CODE_PATH, code_id_of
from qrstack_api.codes.store import get_code
from qrstack_api.codes.view import image_data
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.openapi import operation
from qrstack_api.upstream import relay_render
from qrstack_common.errors import Issue, validation_failed
from qrstack_common.payloads import find_type

IMAGE_FORMATS = ("png", "svg", "pdf", "jpeg", "webp")
_IMAGE_MEDIA = {
    "image/png": "PNG", "image/svg+xml": "SVG", "application/pdf": "PDF",
    "image/jpeg": "JPEG", "image/webp": "WebP",
}  # fmt: skip

routes = web.RouteTableDef()


async def _image(request: web.Request, fmt: str) -> web.Response:
    principal = principal_of(request)
    row = await get_code(request.app[POOL], principal.workspace_id, code_id_of(request))
    settings = request.app[SETTINGS]
    spec: dict[str, Any] = {"data": image_data(settings, row), "format": fmt}
    issues: list[Issue] = []
    for name in ("size", "scale", "margin", "dpi"):
        if name in request.query:
            try:
                spec[name] = int(request.query[name])
            except ValueError:
                issues.append(Issue((name,), "must be an integer"))
    if issues:
        raise validation_failed(issues)
    payload_type = find_type(row["type"])
    ecc = request.query.get("errorCorrection") or (
        payload_type.error_correction if payload_type else None
    )
    if ecc:
        spec["errorCorrection"] = ecc
    if row["style"]:
        spec["style"] = row["style"]
    return await relay_render(request, spec)


@routes.get(f"{CODE_PATH}.{{fmt:{'|'.join(IMAGE_FORMATS)}}}")
@operation(
    summary="The code's image in its stored style (?size=, ?margin=, ?errorCorrection=)",
    tag="images",
    responses={200: _IMAGE_MEDIA},
    errors=(400, 404),
    scope="codes:read",
)
async def image(request: web.Request) -> web.Response:
    return await _image(request, request.match_info["fmt"])


@routes.get(f"{CODE_PATH}/image")
@operation(
    summary="The code's image; ?format=png|svg|pdf|jpeg|webp",
    tag="images",
    responses={200: _IMAGE_MEDIA},
    errors=(400, 404),
    scope="codes:read",
)
async def image_by_query(request: web.Request) -> web.Response:
    fmt = request.query.get("format", "png").lower()
    if fmt not in IMAGE_FORMATS:
        raise validation_failed([Issue(("format",), f"one of {', '.join(IMAGE_FORMATS)}")])
    return await _image(request, fmt)
