"""HTTP routes of a code's image: `/v1/codes/{id}.{format}` and `/v1/codes/{id}/image`, the
code in its stored style, drawn by the renderer (`qrstack_api.upstream.relay_render`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.principal import Principal, principal_of
from qrstack_api.codes.model import ImageFormatQuery, ImageQuery
from qrstack_api.codes.paths import CODE_PATH, code_id_of
from qrstack_api.codes.store import get_code
from qrstack_api.codes.view import image_data
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.openapi import operation
from qrstack_api.upstream import render
from qrstack_common.http import validate
from qrstack_common.payloads import find_type

PRIVATE_IMAGE = "private, no-cache"
IMAGE_FORMATS = ("png", "svg", "pdf", "jpeg", "webp")
_IMAGE_MEDIA = {
    "image/png": "PNG", "image/svg+xml": "SVG", "application/pdf": "PDF",
    "image/jpeg": "JPEG", "image/webp": "WebP",
}  # fmt: skip

routes = web.RouteTableDef()


async def code_image(
    app: web.Application,
    principal: Principal,
    code_id: UUID,
    fmt: str,
    query: ImageQuery,
    if_none_match: str | None = None,
) -> web.Response:
    """The renderer's answer for the code's image in `fmt` (the image, a 304 for a matching
    `if_none_match`, or its refusal); the /v1 image routes and the MCP render tool call it."""
    row = await get_code(app[POOL], principal.workspace_id, code_id)
    settings = app[SETTINGS]
    spec: dict[str, Any] = {
        "data": image_data(settings, row),
        **query.model_dump(by_alias=True, exclude_none=True, exclude={"format"}),
        "format": fmt,
    }
    payload_type = find_type(row["type"])
    if "errorCorrection" not in spec and payload_type and payload_type.error_correction:
        spec["errorCorrection"] = payload_type.error_correction
    if row["style"]:
        spec["style"] = row["style"]
    return await render(app, spec, if_none_match)


async def _image(request: web.Request, fmt: str, query: ImageQuery) -> web.Response:
    response = await code_image(
        request.app,
        principal_of(request),
        code_id_of(request),
        fmt,
        query,
        request.headers.get("If-None-Match"),
    )
    # The image changes with the code (style, target) and needs a key: no shared cache keeps
    # it and every reuse is revalidated with its ETag (a 304 when nothing changed).
    response.headers["Cache-Control"] = PRIVATE_IMAGE
    return response


@routes.get(f"{CODE_PATH}.{{fmt:{'|'.join(IMAGE_FORMATS)}}}")
@operation(
    summary="The code's image in its stored style (?size=, ?margin=, ?errorCorrection=)",
    tag="images",
    query=ImageQuery,
    responses={200: _IMAGE_MEDIA},
    headers={200: ("ETag", "Cache-Control")},
    errors=(400, 404, 503),
    scope="codes:read",
)
async def image(request: web.Request) -> web.Response:
    query = validate(ImageQuery, dict(request.query))
    return await _image(request, request.match_info["fmt"], query)


@routes.get(f"{CODE_PATH}/image")
@operation(
    summary="The code's image; ?format=png|svg|pdf|jpeg|webp",
    tag="images",
    query=ImageFormatQuery,
    responses={200: _IMAGE_MEDIA},
    headers={200: ("ETag", "Cache-Control")},
    errors=(400, 404, 503),
    scope="codes:read",
)
async def image_by_query(request: web.Request) -> web.Response:
    query = validate(ImageFormatQuery, dict(request.query))
    return await _image(request, query.format, query)
