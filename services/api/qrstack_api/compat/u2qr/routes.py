"""U2QR's QR code API (seed 003): `/api/v1/qrcodes` and `/api/v1/qrcodes/{shortCode}`, with the
workspace's API key in `X-API-Key`.

The list is every code of the workspace as one array (newest first), `?search=` keeping those
whose name contains the text (any case). `{shortCode}` is what the code's `shortCode` says (a
slug, or a static code's `code_id`); its /v1 id works too. DELETE is /v1's soft delete: the code
leaves every listing and its scans go to the workspace fallback, and /v1 can restore it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.model import CodeListQuery
from qrstack_api.codes.store import create_code, list_codes, update_code
from qrstack_api.codes.totals import total_scans
from qrstack_api.compat.deletion import delete_named_code
from qrstack_api.compat.identifiers import find_code_by_name
from qrstack_api.compat.u2qr.body import code_input, u2qr_names
from qrstack_api.compat.u2qr.view import u2qr_code
from qrstack_api.context import HASHER, POOL, SETTINGS
from qrstack_api.upstream import ANALYTICS_OUTAGE, UPSTREAM
from qrstack_common.errors import Issue, validation_failed
from qrstack_common.http import json_response, read_json

_CODE = "/api/v1/qrcodes/{short_code}"
_SEARCH_MAX = 200

routes = web.RouteTableDef()


@routes.get("/api/v1/qrcodes")
async def list_all(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("codes:read")
    search = request.query.get("search", "").strip()
    if len(search) > _SEARCH_MAX:
        raise validation_failed([Issue(("search",), f"must be at most {_SEARCH_MAX} characters")])
    settings = request.app[SETTINGS]
    query = CodeListQuery(q=search or None)
    items: list[dict[str, Any]] = []
    while True:
        # /v1's listing searches slug, name and target URL; U2QR's search is the name only.
        rows, cursor = await list_codes(request.app[POOL], principal.workspace_id, query)
        rows = [r for r in rows if search.casefold() in (r["name"] or "").casefold()]
        totals = await total_scans(
            request.app[UPSTREAM], settings.analytics_url, principal.workspace_id,
            [r["id"] for r in rows], request.app[ANALYTICS_OUTAGE],
        )  # fmt: skip
        items.extend(
            u2qr_code(settings, r, "list", None if totals is None else totals[r["id"]])
            for r in rows
        )
        if cursor is None:
            return json_response(items)
        query = query.model_copy(update={"cursor": cursor})


@routes.post("/api/v1/qrcodes")
async def create(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("codes:write")
    inp = code_input(await read_json(request))
    with u2qr_names():
        async with request.app[POOL].acquire() as conn, conn.transaction():
            row = await create_code(conn, principal, inp, request.app[HASHER])
    return json_response(u2qr_code(request.app[SETTINGS], row, "write"), status=201)


@routes.get(_CODE)
async def read(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("codes:read")
    row = await find_code_by_name(
        request.app[POOL], principal.workspace_id, request.match_info["short_code"]
    )
    return json_response(u2qr_code(request.app[SETTINGS], row, "get"))


@routes.put(_CODE)
async def update(request: web.Request) -> web.Response:
    principal = principal_of(request)
    principal.require("codes:write")
    pool = request.app[POOL]
    name = request.match_info["short_code"]
    current = await find_code_by_name(pool, principal.workspace_id, name)
    inp = code_input(await read_json(request), current)
    with u2qr_names():
        async with pool.acquire() as conn, conn.transaction():
            row = await update_code(
                conn, principal, current["id"], inp, request.app[HASHER], replace=False
            )
    return json_response(u2qr_code(request.app[SETTINGS], row, "write"))


@routes.delete(_CODE)
async def delete(request: web.Request) -> web.Response:
    return await delete_named_code(request, request.match_info["short_code"], purge=False)
