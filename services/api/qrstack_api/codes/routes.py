"""HTTP routes of /v1/codes: the code resource (its image: `codes/images.py`; its analytics:
`analytics/`)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.actions import (
    create_on,
    create_one,
    delete_one,
    list_page,
    read_one,
    shown,
    update_one,
)
from qrstack_api.codes.model import (
    BulkCreate,
    BulkItemResult,
    BulkResult,
    CodeList,
    CodeListQuery,
    CodeView,
    DeleteQuery,
)
from qrstack_api.codes.paths import CODE_PATH, code_id_of
from qrstack_api.codes.store import restore_code
from qrstack_api.context import POOL
from qrstack_api.openapi import operation
from qrstack_api.openapi.code_body import CODE_BODY, CODE_PATCH
from qrstack_common.errors import ApiError
from qrstack_common.http import json_response, read_json, read_model, validate

routes = web.RouteTableDef()


@routes.post("/v1/codes")
@operation(
    summary="Create a code",
    tag="codes",
    body=CODE_BODY,
    responses={201: CodeView},
    headers={201: ("Location",)},
    errors=(400, 402, 409),
    scope="codes:write",
    description="Body: the code's fields, and for every type but url its content nested under "
    "the type's key (e.g. `wifi`, `card`, `menu`).",
)
async def create(request: web.Request) -> web.Response:
    view = await create_one(request.app, principal_of(request), await read_json(request))
    return json_response(view, status=201, headers={"Location": f"/v1/codes/{view['id']}"})


@routes.get("/v1/codes")
@operation(
    summary="List codes, newest first",
    tag="codes",
    query=CodeListQuery,
    responses={200: CodeList},
    errors=(400,),
    scope="codes:read",
)
async def list_(request: web.Request) -> web.Response:
    return json_response(await list_page(request.app, principal_of(request), request.query))


@routes.post("/v1/codes/bulk")
@operation(
    summary="Create up to 1000 codes; one result per item",
    tag="codes",
    body=BulkCreate,
    responses={200: BulkResult},
    errors=(400, 413),
    scope="codes:write",
)
async def bulk_create(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await read_model(request, BulkCreate, max_bytes=16 << 20)
    results: list[dict[str, Any]] = []
    async with request.app[POOL].acquire() as conn:
        for index, item in enumerate(body.items):
            try:
                view = await create_on(conn, request.app, principal, item)
            except ApiError as exc:
                results.append({"index": index, "status": exc.status, "error": exc.body()})
                continue
            results.append({"index": index, "status": 201, "code": view})
    created = sum(1 for r in results if r["status"] == 201)
    result = BulkResult(
        created=created,
        failed=len(results) - created,
        results=[BulkItemResult.model_validate(r) for r in results],
    )
    return json_response(result.model_dump(mode="json", by_alias=True))


@routes.get(CODE_PATH)
@operation(
    summary="Read a code", tag="codes", responses={200: CodeView}, errors=(404,),
    scope="codes:read",
)  # fmt: skip
async def read(request: web.Request) -> web.Response:
    return json_response(await read_one(request.app, principal_of(request), code_id_of(request)))


async def _update(request: web.Request, *, replace: bool) -> web.Response:
    raw = await read_json(request)
    view = await update_one(
        request.app, principal_of(request), code_id_of(request), raw, replace=replace
    )
    return json_response(view)


@routes.patch(CODE_PATH)
@operation(
    summary="Change some fields of a code (JSON Merge Patch: null clears, objects merge)",
    tag="codes",
    body=CODE_PATCH,
    responses={200: CodeView},
    errors=(400, 402, 404, 409),
    scope="codes:write",
)
async def patch(request: web.Request) -> web.Response:
    return await _update(request, replace=False)


@routes.put(CODE_PATH)
@operation(
    summary="Replace a code's fields (the slug is kept unless sent)",
    tag="codes",
    body=CODE_BODY,
    responses={200: CodeView},
    errors=(400, 402, 404, 409),
    scope="codes:write",
)
async def put(request: web.Request) -> web.Response:
    return await _update(request, replace=True)


@routes.delete(CODE_PATH)
@operation(
    summary="Delete a code (soft: restorable; ?purge=true removes it for good)",
    tag="codes",
    query=DeleteQuery,
    responses={204: None},
    errors=(404,),
    scope="codes:write",
)
async def delete(request: web.Request) -> web.Response:
    query = validate(DeleteQuery, dict(request.query))
    await delete_one(request.app, principal_of(request), code_id_of(request), query)
    return web.Response(status=204)


@routes.post(f"{CODE_PATH}/restore")
@operation(
    summary="Restore a deleted code", tag="codes", responses={200: CodeView},
    errors=(402, 404), scope="codes:write",
)  # fmt: skip
async def restore(request: web.Request) -> web.Response:
    principal = principal_of(request)
    async with request.app[POOL].acquire() as conn, conn.transaction():
        row = await restore_code(conn, principal, code_id_of(request))
    return json_response(await shown(request.app, row))
