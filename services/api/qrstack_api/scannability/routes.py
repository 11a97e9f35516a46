"""`POST /v1/scannability` and `GET /v1/codes/{id}/scannability`: will it scan once printed?

The API resolves a saved code to what its image encodes and its stored style, then asks the
renderer, where the pixels and the decoders are (`POST {renderer}/v1/scannability`); the
renderer caches scores by design hash.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.paths import code_id_of
from qrstack_api.codes.store import get_code
from qrstack_api.codes.view import image_data
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.openapi import operation
from qrstack_api.scannability.model import CodeScoreQuery, ScannabilityBody, ScannabilityView
from qrstack_api.upstream import UPSTREAM, relay_response
from qrstack_common.http import read_model, validate
from qrstack_common.ids import PATH_PATTERN
from qrstack_common.payloads import find_type

routes = web.RouteTableDef()


async def code_design(request: web.Request, code_id: UUID) -> dict[str, Any]:
    """A saved code's design as the renderer draws its image (404 for another workspace's)."""
    principal = principal_of(request)
    row = await get_code(request.app[POOL], principal.workspace_id, code_id)
    design: dict[str, Any] = {"data": image_data(request.app[SETTINGS], row)}
    payload_type = find_type(row["type"])
    if payload_type is not None and payload_type.error_correction:
        design["errorCorrection"] = payload_type.error_correction
    if row["style"]:
        design["style"] = row["style"]
    return design


async def ask_renderer(request: web.Request, design: dict[str, Any]) -> web.Response:
    settings = request.app[SETTINGS]
    return await relay_response(
        request.app[UPSTREAM],
        "POST",
        f"{settings.renderer_url}/v1/scannability",
        service="renderer",
        json=design,
    )


@routes.post("/v1/scannability")
@operation(
    summary="Score how well a design scans once printed (grade A–F, per-condition results)",
    tag="images",
    body=ScannabilityBody,
    responses={200: ScannabilityView},
    errors=(400, 404),
    scope="codes:read",
    description="Decodes the rendered design with zxing-cpp and OpenCV under distance, "
    "blur, JPEG, tilt, low light and glare; reports contrast, the codewords a logo destroys "
    "against the error-correction budget and the minimum printed size for the distance.",
)
async def score(request: web.Request) -> web.Response:
    body = await read_model(request, ScannabilityBody)
    sent = body.model_dump(by_alias=True, exclude_none=True, exclude={"code_id"})
    if body.code_id is not None:
        design = {**await code_design(request, body.code_id), **sent}
    else:
        design = sent
    return await ask_renderer(request, design)


@routes.get(f"/v1/codes/{{code_id:{PATH_PATTERN}}}/scannability")
@operation(
    summary="A saved code's scannability score (?scanDistanceMm=, ?printSizeMm=)",
    tag="images",
    responses={200: ScannabilityView},
    query=CodeScoreQuery,
    errors=(400, 404),
    scope="codes:read",
)
async def code_score(request: web.Request) -> web.Response:
    query = {k: v for k, v in request.query.items() if k in ("scanDistanceMm", "printSizeMm")}
    code_id = code_id_of(request)
    body = validate(ScannabilityBody, {"codeId": str(code_id), **query})
    sent = body.model_dump(by_alias=True, exclude_none=True, exclude={"code_id"})
    return await ask_renderer(request, {**await code_design(request, code_id), **sent})
