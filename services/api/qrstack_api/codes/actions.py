"""What can be done with codes, given the app and the principal acting: create, list, read,
update, delete. The /v1 routes (`codes/routes.py`) and the MCP tools (`qrstack_api.mcp`) both
call these, so a code is validated, stored and shown one way whatever the caller spoke."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.principal import Principal
from qrstack_api.codes.design import refuse_unscannable
from qrstack_api.codes.input import parse_code_body
from qrstack_api.codes.model import CodeListQuery, DeleteQuery
from qrstack_api.codes.patching import merged_body
from qrstack_api.codes.store import create_code, delete_code, get_code, list_codes, update_code
from qrstack_api.codes.style_shape import with_default_colours
from qrstack_api.codes.totals import ScanCounts, cap_usage, scan_counts
from qrstack_api.codes.view import code_view
from qrstack_api.context import HASHER, POOL, SETTINGS
from qrstack_api.db.pool import Connection
from qrstack_api.scannability.policy import require_scannable
from qrstack_api.upstream import ANALYTICS_OUTAGE, RENDERER_OUTAGE, UPSTREAM
from qrstack_common.errors import Issue, validation_failed
from qrstack_common.http import validate
from qrstack_common.payloads import PAYLOAD_TYPES, find_type


async def views(
    app: web.Application, workspace_id: UUID, rows: Sequence[Any]
) -> list[dict[str, Any]]:
    """Codes as /v1 shows them, with their scan counts (null when analytics cannot say now)
    and, for capped codes, what the cap counted: one analytics request, one query at most."""
    settings = app[SETTINGS]
    ids = [row["id"] for row in rows]
    counts = await scan_counts(
        app[UPSTREAM], settings.analytics_url, workspace_id, ids, app[ANALYTICS_OUTAGE]
    )
    used = await cap_usage(app[POOL], rows)
    now = datetime.now(UTC)
    return [
        code_view(settings, row, None if counts is None else counts[id_], used.get(id_), now=now)
        for row in rows
        for id_ in (row["id"],)
    ]


async def shown(app: web.Application, row: Any) -> dict[str, Any]:
    """One code as /v1 shows it (`views`)."""
    [view] = await views(app, row["workspace_id"], [row])
    return view


async def create_on(
    conn: Connection, app: web.Application, principal: Principal, body: Any
) -> dict[str, Any]:
    """Validate a create body, store the code (outbox event in the same transaction) once its
    design is known to scan; its view. One transaction on `conn` (a bulk item's own)."""
    inp = parse_code_body(with_default_colours(body), partial=False)
    async with conn.transaction():
        row = await create_code(conn, principal, inp, app[HASHER])
        await refuse_unscannable(app[UPSTREAM], app[SETTINGS], row, app[RENDERER_OUTAGE])
        await require_scannable(app, row)
    return code_view(app[SETTINGS], row, ScanCounts.none(), 0)


async def create_one(app: web.Application, principal: Principal, body: Any) -> dict[str, Any]:
    async with app[POOL].acquire() as conn:
        return await create_on(conn, app, principal, body)


async def list_page(
    app: web.Application, principal: Principal, raw_query: Mapping[str, Any]
) -> dict[str, Any]:
    """One page of the workspace's codes (`data` + `nextCursor`) for a `CodeListQuery`."""
    # An empty parameter means "not given" (clients often send `cursor=` on the first page).
    query = validate(CodeListQuery, {k: v for k, v in raw_query.items() if v != ""})
    if query.type is not None:
        found = find_type(query.type)
        if found is None:
            valid = ", ".join(PAYLOAD_TYPES)
            raise validation_failed(
                [Issue(("type",), f"unknown type {query.type!r}; valid: {valid}")]
            )
        query = query.model_copy(update={"type": found.name})
    rows, next_cursor = await list_codes(app[POOL], principal.workspace_id, query)
    page = await views(app, principal.workspace_id, rows)
    if query.status in ("active", "limit_reached"):
        page = [v for v in page if v["status"] == query.status]
    return {"data": page, "nextCursor": next_cursor}


async def read_one(app: web.Application, principal: Principal, code_id: UUID) -> dict[str, Any]:
    return await shown(app, await get_code(app[POOL], principal.workspace_id, code_id))


async def update_one(
    app: web.Application, principal: Principal, code_id: UUID, body: Any, *, replace: bool
) -> dict[str, Any]:
    """PUT (`replace`) or PATCH (a JSON Merge Patch of the stored code) one code."""
    pool = app[POOL]
    current = await get_code(pool, principal.workspace_id, code_id)
    if not replace:
        body = merged_body(body, current)
    inp = parse_code_body(
        body, partial=not replace, current_type=current["type"], current_dynamic=current["dynamic"]
    )
    async with pool.acquire() as conn, conn.transaction():
        row = await update_code(conn, principal, code_id, inp, app[HASHER], replace=replace)
        if "style" in inp.sent or inp.payload is not None or "slug" in inp.sent:
            await refuse_unscannable(app[UPSTREAM], app[SETTINGS], row, app[RENDERER_OUTAGE])
        await require_scannable(app, row)
    return await shown(app, row)


async def delete_one(
    app: web.Application, principal: Principal, code_id: UUID, query: DeleteQuery
) -> None:
    async with app[POOL].acquire() as conn, conn.transaction():
        await delete_code(conn, principal.workspace_id, code_id, purge=query.purge)
