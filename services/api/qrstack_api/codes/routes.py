"""HTTP routes of /v1/codes: the code resource (its image: `codes/images.py`; its analytics:
`analytics/`)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.design import refuse_unscannable
from qrstack_api.codes.input import parse_code_body
from qrstack_api.codes.model import (
    BulkCreate,
    BulkItemResult,
    BulkResult,
    CodeList,
    CodeListQuery,
    CodeView,
    DeleteQuery,
)
from qrstack_api.codes.patching import merged_body
from qrstack_api.codes.paths import CODE_PATH, code_id_of
from qrstack_api.codes.store import (
    create_code,
    delete_code,
    get_code,
    list_codes,
    restore_code,
    update_code,
)
from qrstack_api.codes.style_shape import with_default_colours
from qrstack_api.codes.totals import total_scans
from qrstack_api.codes.view import code_view
from qrstack_api.context import HASHER, POOL, SETTINGS
from qrstack_api.openapi import operation
from qrstack_api.openapi.code_body import CODE_BODY, CODE_PATCH
from qrstack_api.scannability.policy import require_scannable
from qrstack_api.upstream import UPSTREAM
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.http import json_response, read_json, read_model, validate
from qrstack_common.payloads import PAYLOAD_TYPES, find_type

routes = web.RouteTableDef()


async def _one_total(request: web.Request, row: Any) -> int | None:
    settings = request.app[SETTINGS]
    totals = await total_scans(
        request.app[UPSTREAM], settings.analytics_url, row["workspace_id"], [row["id"]]
    )
    return None if totals is None else totals[row["id"]]


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
    principal = principal_of(request)
    inp = parse_code_body(with_default_colours(await read_json(request)), partial=False)
    async with request.app[POOL].acquire() as conn, conn.transaction():
        row = await create_code(conn, principal, inp, request.app[HASHER])
        await refuse_unscannable(request.app[UPSTREAM], request.app[SETTINGS], row)
        await require_scannable(request, row)
    view = code_view(request.app[SETTINGS], row, 0)
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
    principal = principal_of(request)
    # An empty parameter means "not given" (clients often send `cursor=` on the first page).
    query = validate(CodeListQuery, {k: v for k, v in request.query.items() if v != ""})
    if query.type is not None:
        found = find_type(query.type)
        if found is None:
            valid = ", ".join(PAYLOAD_TYPES)
            raise validation_failed(
                [Issue(("type",), f"unknown type {query.type!r}; valid: {valid}")]
            )
        query = query.model_copy(update={"type": found.name})
    rows, next_cursor = await list_codes(request.app[POOL], principal.workspace_id, query)
    settings = request.app[SETTINGS]
    totals = await total_scans(
        request.app[UPSTREAM], settings.analytics_url, principal.workspace_id,
        [row["id"] for row in rows],
    )  # fmt: skip
    views = [
        code_view(settings, row, None if totals is None else totals[row["id"]]) for row in rows
    ]
    if query.status in ("active", "limit_reached"):
        views = [v for v in views if v["status"] == query.status]
    return json_response({"data": views, "nextCursor": next_cursor})


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
    settings = request.app[SETTINGS]
    results: list[dict[str, Any]] = []
    async with request.app[POOL].acquire() as conn:
        for index, item in enumerate(body.items):
            try:
                inp = parse_code_body(with_default_colours(item), partial=False)
                async with conn.transaction():
                    row = await create_code(conn, principal, inp, request.app[HASHER])
                    await refuse_unscannable(request.app[UPSTREAM], settings, row)
                    await require_scannable(request, row)
            except ApiError as exc:
                results.append({"index": index, "status": exc.status, "error": exc.body()})
                continue
            results.append({"index": index, "status": 201, "code": code_view(settings, row, 0)})
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
    principal = principal_of(request)
    row = await get_code(request.app[POOL], principal.workspace_id, code_id_of(request))
    return json_response(code_view(request.app[SETTINGS], row, await _one_total(request, row)))


async def _update(request: web.Request, *, replace: bool) -> web.Response:
    principal = principal_of(request)
    code_id = code_id_of(request)
    raw = await read_json(request)
    pool = request.app[POOL]
    current = await get_code(pool, principal.workspace_id, code_id)
    if not replace:
        raw = merged_body(raw, current)
    inp = parse_code_body(
        raw, partial=not replace, current_type=current["type"], current_dynamic=current["dynamic"]
    )
    async with pool.acquire() as conn, conn.transaction():
        row = await update_code(conn, principal, code_id, inp, request.app[HASHER], replace=replace)
        if "style" in inp.sent or inp.payload is not None or "slug" in inp.sent:
            await refuse_unscannable(request.app[UPSTREAM], request.app[SETTINGS], row)
        await require_scannable(request, row)
    return json_response(code_view(request.app[SETTINGS], row, await _one_total(request, row)))


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
    principal = principal_of(request)
    purge = validate(DeleteQuery, dict(request.query)).purge
    async with request.app[POOL].acquire() as conn, conn.transaction():
        await delete_code(conn, principal.workspace_id, code_id_of(request), purge=purge)
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
    return json_response(code_view(request.app[SETTINGS], row, await _one_total(request, row)))
