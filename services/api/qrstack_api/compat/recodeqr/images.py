"""Images for RecodeQR clients, drawn by the renderer service.

The renderer answers a refusal (a style that would not scan, a logo it cannot read) with the
/v1 error envelope; it is turned back into an `ApiError` in RecodeQR's names, so the client sees
it in RecodeQR's error shape like every other error.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from qrstack_api.compat.recodeqr.body import in_recodeqr_names
from qrstack_api.upstream import relay_render
from qrstack_common import codec
from qrstack_common.errors import STATUS_BY_CODE, ApiError, Issue

IMAGE_FORMATS = ("png", "jpeg", "svg", "pdf")


async def render_image(request: web.Request, spec: dict[str, Any]) -> web.Response:
    """The renderer's image for `spec` (a `RenderSpec` body), or its refusal raised as an
    `ApiError`; 503 when the renderer cannot be reached. `If-None-Match` is passed on."""
    response = await relay_render(request, spec)
    if response.status >= 400:
        raise in_recodeqr_names(renderer_refusal(response))
    return response


def renderer_refusal(response: web.Response) -> ApiError:
    """The renderer's error answer as the `ApiError` it was raised as."""
    try:
        body: Any = codec.loads(response.body if isinstance(response.body, bytes) else b"")
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    code = body.get("error")
    if code not in STATUS_BY_CODE:
        code = "bad_gateway" if response.status >= 500 else "bad_request"
    issues = [
        Issue(tuple(i.get("path", ())), str(i.get("reason", "")))
        for i in body.get("issues", ())
        if isinstance(i, dict)
    ]
    detail = str(body.get("detail") or f"The renderer refused the image ({response.status}).")
    headers = {"Retry-After": v} if (v := response.headers.get("Retry-After")) else {}
    return ApiError(code, detail, issues, headers)
