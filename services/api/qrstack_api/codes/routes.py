"""HTTP routes of /v1/codes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.model import CodeCreate, code_json
from qrstack_api.codes.store import create_code, get_code
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.settings import ApiSettings
from qrstack_api.upstream import UPSTREAM, relay_response
from qrstack_common.errors import ApiError
from qrstack_common.http import json_response, read_model

IMAGE_FORMATS = ("png", "svg", "pdf", "jpeg", "webp")
_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

_AUTH_PARAMS = frozenset({"apiKey", "workspaceId"})  # never forwarded to internal services

routes = web.RouteTableDef()


def short_url(settings: ApiSettings, row: Any) -> str:
    if row["domain"]:
        return f"{settings.custom_domain_scheme}://{row['domain']}/{row['slug']}"
    return f"{settings.short_url_base.rstrip('/')}/{row['slug']}"


def _code_id(request: web.Request) -> UUID:
    try:
        return UUID(request.match_info["code_id"])
    except ValueError:
        raise ApiError("not_found", "Code not found.") from None


@routes.post("/v1/codes")
async def create(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("codes:write")
    body = await read_model(request, CodeCreate)
    row = await create_code(request.app[POOL], principal.workspace_id, body)
    settings = request.app[SETTINGS]
    return json_response(code_json(row, short_url=short_url(settings, row)), status=201)


@routes.get(f"/v1/codes/{{code_id:{_UUID}}}")
async def read(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("codes:read")
    row = await get_code(request.app[POOL], principal.workspace_id, _code_id(request))
    return json_response(code_json(row, short_url=short_url(request.app[SETTINGS], row)))


@routes.get(f"/v1/codes/{{code_id:{_UUID}}}.{{fmt:{'|'.join(IMAGE_FORMATS)}}}")
async def image(request: web.Request) -> web.Response:
    """The code's image, rendered by the renderer service from its short URL."""
    principal = principal_of(request)
    principal.require("codes:read")
    row = await get_code(request.app[POOL], principal.workspace_id, _code_id(request))
    settings = request.app[SETTINGS]
    spec: dict[str, Any] = {"data": short_url(settings, row), "format": request.match_info["fmt"]}
    for name in ("size", "scale", "margin", "dpi"):
        if name in request.query:
            try:
                spec[name] = int(request.query[name])
            except ValueError:
                raise ApiError("validation_failed", f"{name} must be an integer.") from None
    if "errorCorrection" in request.query:
        spec["errorCorrection"] = request.query["errorCorrection"]
    if row["style"]:
        spec["style"] = row["style"]
    headers = {}
    if inm := request.headers.get("If-None-Match"):
        headers["If-None-Match"] = inm
    return await relay_response(
        request.app[UPSTREAM],
        "POST",
        f"{settings.renderer_url}/v1/render",
        service="renderer",
        json=spec,
        headers=headers,
    )


@routes.get(f"/v1/codes/{{code_id:{_UUID}}}/analytics")
async def analytics(request: web.Request) -> web.Response:
    """Scan analytics of the code, answered by the analytics service."""
    principal = principal_of(request)
    principal.require("analytics:read")
    row = await get_code(request.app[POOL], principal.workspace_id, _code_id(request))
    settings = request.app[SETTINGS]
    return await relay_response(
        request.app[UPSTREAM],
        "GET",
        f"{settings.analytics_url}/internal/v1/workspaces/{row['workspace_id']}"
        f"/codes/{row['id']}/analytics",
        service="analytics",
        params={k: v for k, v in request.query.items() if k not in _AUTH_PARAMS},
    )
