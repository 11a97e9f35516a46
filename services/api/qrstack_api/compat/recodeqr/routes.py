"""RecodeQR's QR code management (seed 002): `/api/qr-codes`, `/api/qr-codes/<code_id>` and
`/api/qr-codes/<code_id>.<format>`, with a Bearer API key of the workspace.

Bodies and answers are RecodeQR's (see `body` and `view`); the codes are the workspace's
codes, the same ones /v1 and U2QR show. DELETE removes a code for good (RecodeQR deletes
permanently; /v1's soft delete is not used). Deleted codes are not found here.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.store import create_code, update_code
from qrstack_api.codes.totals import total_scans
from qrstack_api.codes.view import image_data
from qrstack_api.compat.deletion import delete_named_code
from qrstack_api.compat.identifiers import find_code_by_name
from qrstack_api.compat.recodeqr.body import MAX_BODY_BYTES, Mode, code_input, recodeqr_names
from qrstack_api.compat.recodeqr.images import IMAGE_FORMATS, render_image
from qrstack_api.compat.recodeqr.listing import PageQuery, page_of_codes
from qrstack_api.compat.recodeqr.view import recodeqr_code
from qrstack_api.context import HASHER, POOL, SETTINGS
from qrstack_api.upstream import ANALYTICS_OUTAGE, UPSTREAM
from qrstack_common.errors import ApiError
from qrstack_common.http import json_response, read_json, validate
from qrstack_common.payloads import find_type

_CODE = "/api/qr-codes/{code_ref:[^/.]+}"

routes = web.RouteTableDef()


async def _totals(request: web.Request, rows: list[Any]) -> dict[Any, int] | None:
    if not rows:
        return {}
    settings = request.app[SETTINGS]
    return await total_scans(
        request.app[UPSTREAM],
        settings.analytics_url,
        rows[0]["workspace_id"],
        [row["id"] for row in rows],
        request.app[ANALYTICS_OUTAGE],
    )


async def _answer(request: web.Request, row: Any, status: int = 200) -> web.Response:
    totals = await _totals(request, [row])
    return json_response(
        recodeqr_code(row, None if totals is None else totals[row["id"]]), status=status
    )


@routes.get("/api/qr-codes")
async def list_codes(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("codes:read")
    query = validate(PageQuery, dict(request.query))
    rows, total = await page_of_codes(
        request.app[POOL], principal.workspace_id, query.page, query.size
    )
    totals = await _totals(request, rows)
    return json_response(
        {
            "data": [recodeqr_code(r, None if totals is None else totals[r["id"]]) for r in rows],
            "total": total,
            "page": query.page,
            "page_size": query.size,
            "page_count": -(-total // query.size),
        }
    )


@routes.post("/api/qr-codes")
async def create(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("codes:write")
    inp = code_input(await read_json(request, max_bytes=MAX_BODY_BYTES), "create")
    with recodeqr_names():
        async with request.app[POOL].acquire() as conn, conn.transaction():
            row = await create_code(conn, principal, inp, request.app[HASHER])
    return json_response(recodeqr_code(row, 0), status=201)


@routes.get(_CODE)
async def read(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("codes:read")
    row = await find_code_by_name(
        request.app[POOL], principal.workspace_id, request.match_info["code_ref"]
    )
    return await _answer(request, row)


async def _update(request: web.Request, mode: Mode) -> web.Response:
    principal = principal_of(request)
    principal.require("codes:write")
    pool = request.app[POOL]
    current = await find_code_by_name(pool, principal.workspace_id, request.match_info["code_ref"])
    inp = code_input(await read_json(request, max_bytes=MAX_BODY_BYTES), mode, current)
    with recodeqr_names():
        async with pool.acquire() as conn, conn.transaction():
            # PUT replaces RecodeQR's fields (code_input sends every one of them) and keeps
            # what only /v1 has; so both verbs are a partial update of the /v1 code.
            row = await update_code(
                conn, principal, current["id"], inp, request.app[HASHER], replace=False
            )
    return await _answer(request, row)


@routes.put(_CODE)
async def put(request: web.Request) -> web.Response:
    return await _update(request, "put")


@routes.patch(_CODE)
async def patch(request: web.Request) -> web.Response:
    return await _update(request, "patch")


@routes.delete(_CODE)
async def delete(request: web.Request) -> web.Response:
    return await delete_named_code(request, request.match_info["code_ref"], purge=True)


@routes.get(_CODE + ".{fmt:[^/.]+}")
async def image(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("codes:read")
    fmt = request.match_info["fmt"].lower()
    if fmt not in IMAGE_FORMATS:
        raise ApiError(
            "not_found", f"There is no {fmt!r} format; use one of {', '.join(IMAGE_FORMATS)}."
        )
    row = await find_code_by_name(
        request.app[POOL], principal.workspace_id, request.match_info["code_ref"]
    )
    spec: dict[str, Any] = {"data": image_data(request.app[SETTINGS], row), "format": fmt}
    payload_type = find_type(row["type"])
    if payload_type is not None and payload_type.error_correction:
        spec["errorCorrection"] = payload_type.error_correction
    if row["style"]:
        spec["style"] = row["style"]
    return await render_image(request, spec)
