"""HTTP routes of /v1 analytics: a code's analytics, scans and CSV, and the workspace's
analytics and CSV. The analytics service answers; the API checks the caller, the code's
workspace and the plan, resolves workspace filters to code ids in PostgreSQL, and relays."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import orjson
from aiohttp import web

from qrstack_api.accounts.principal import Principal, principal_of
from qrstack_api.analytics.model import (
    AnalyticsQuery,
    CodeAnalytics,
    ScanPage,
    ScansQuery,
    WindowQuery,
    WorkspaceAnalytics,
    WorkspaceAnalyticsQuery,
)
from qrstack_api.analytics.scope import FILTERS, workspace_code_ids
from qrstack_api.codes.paths import CODE_PATH, code_id_of
from qrstack_api.codes.store import get_code
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.openapi import operation
from qrstack_api.plans import require_feature
from qrstack_api.upstream import UPSTREAM, relay_response
from qrstack_common.ids import public_id

_AUTH_PARAMS = frozenset({"apiKey", "workspaceId"})  # never forwarded to internal services

routes = web.RouteTableDef()


def _forwarded(request: web.Request, dropped: frozenset[str] = frozenset()) -> dict[str, str]:
    return {k: v for k, v in request.query.items() if k not in _AUTH_PARAMS | dropped}


def _with_public_ids(response: web.Response) -> web.Response:
    """The analytics service's answer with code ids in their /v1 spelling (`code_…`): the
    answer's `codeId` and each of `topCodes[].codeId`."""
    if response.status != 200 or response.content_type != "application/json":
        return response
    answer = orjson.loads(response.body)  # type: ignore[arg-type]
    if not isinstance(answer, dict):
        return response
    found = [answer, *(answer.get("topCodes") or [])]
    for item in found:
        if isinstance(item, dict) and isinstance(item.get("codeId"), str):
            item["codeId"] = public_id("code", UUID(item["codeId"]))
    response.body = orjson.dumps(answer)
    return response


async def code_answer(
    app: web.Application,
    principal: Principal,
    code_id: UUID,
    tail: str,
    params: Mapping[str, str],
    *,
    csv: bool = False,
) -> web.Response:
    """The analytics service's answer about one code of the workspace (`tail`: analytics,
    scans, scans.csv), ids in their /v1 spelling; the /v1 routes and the MCP tools call it."""
    row = await get_code(app[POOL], principal.workspace_id, code_id)
    if csv:
        require_feature(principal.plan, "csv_export")
    settings = app[SETTINGS]
    response = await relay_response(
        app[UPSTREAM],
        "GET",
        f"{settings.analytics_url}/internal/v1/workspaces/{row['workspace_id']}"
        f"/codes/{row['id']}/{tail}",
        service="analytics",
        params=dict(params),
    )
    response = _with_public_ids(response)
    disposition = response.headers.get("Content-Disposition")
    if disposition is not None:  # the file is named by the code's /v1 id
        response.headers["Content-Disposition"] = disposition.replace(
            str(row["id"]), public_id("code", row["id"])
        )
    return response


async def _code(request: web.Request, tail: str, *, csv: bool = False) -> web.Response:
    code_id = code_id_of(request)
    return await code_answer(
        request.app, principal_of(request), code_id, tail, _forwarded(request), csv=csv
    )


@routes.get(f"{CODE_PATH}/analytics")
@operation(
    summary="A code's scan analytics: totals, series, breakdowns, hour of day, day of week",
    description="Shaped as TurtleQR documents it (totals.uniqueIpHashes, byCountry, byDevice, "
    "byHour[24], byDayOfWeek[7], 0 = Sunday), with byRegion, byCity, byOs, byBrowser, "
    "byReferer and unique counts per row beside. Hours, days and buckets are local to tz.",
    tag="analytics",
    query=AnalyticsQuery,
    responses={200: CodeAnalytics},
    errors=(400, 404),
    scope="analytics:read",
)
async def code_analytics(request: web.Request) -> web.Response:
    return await _code(request, "analytics")


@routes.get(f"{CODE_PATH}/scans")
@operation(
    summary="A code's scans, newest first, cursor-paginated (data + nextCursor)",
    description="nextCursor is an ISO 8601 timestamp; any timestamp a client builds itself "
    "works as a cursor too (scans at or before it).",
    tag="analytics",
    query=ScansQuery,
    responses={200: ScanPage},
    errors=(400, 404),
    scope="analytics:read",
)
async def scans(request: web.Request) -> web.Response:
    return await _code(request, "scans")


@routes.get(f"{CODE_PATH}/scans.csv")
@operation(
    summary="CSV export of a code's scans (RFC 4180, ≤ 100,000 rows, default range 30d; Pro+)",
    description='Content-Disposition: attachment; filename="scans-{id}-{range}.csv". Columns: '
    "scannedAt, country, region, city, device, os, browser, referer, then scanId, outcome, "
    "language, isBot, botReason, ruleId, variant, target, domain, slug.",
    tag="analytics",
    query=WindowQuery,
    responses={200: {"text/csv": "CSV"}},
    errors=(400, 402, 404),
    scope="analytics:read",
)
async def scans_csv(request: web.Request) -> web.Response:
    return await _code(request, "scans.csv", csv=True)


async def _workspace(request: web.Request, tail: str) -> web.Response:
    principal = principal_of(request)
    code_ids = await workspace_code_ids(request.app[POOL], principal.workspace_id, request.query)
    settings = request.app[SETTINGS]
    url = f"{settings.analytics_url}/internal/v1/workspaces/{principal.workspace_id}/{tail}"
    body: Any = None if code_ids is None else {"codeIds": [str(c) for c in code_ids]}
    response = await relay_response(
        request.app[UPSTREAM],
        "GET" if body is None else "POST",
        url,
        service="analytics",
        json=body,
        params=_forwarded(request, FILTERS),
    )
    if tail == "analytics":
        await _name_top_codes(request.app[POOL], principal.workspace_id, response)
    return _with_public_ids(response)


async def _name_top_codes(pool: Any, workspace_id: UUID, response: web.Response) -> None:
    """Each of `topCodes` with the code's `label` and `slug` (one query for all of them) and
    `deleted` (a deleted code's scans still count in its range)."""
    if response.status != 200 or response.content_type != "application/json":
        return
    answer = orjson.loads(response.body)  # type: ignore[arg-type]
    top = answer.get("topCodes") if isinstance(answer, dict) else None
    if not top:
        return
    rows = await pool.fetch(
        "SELECT id, name, slug, deleted_at IS NOT NULL AS deleted FROM codes"
        " WHERE workspace_id = $1 AND id = ANY($2::uuid[])",
        workspace_id,
        [UUID(t["codeId"]) for t in top],
    )
    known = {str(row["id"]): row for row in rows}
    for entry in top:
        row = known.get(entry["codeId"])
        entry["label"] = row["name"] if row is not None else None
        entry["slug"] = row["slug"] if row is not None else None
        entry["deleted"] = row["deleted"] if row is not None else True
    response.body = orjson.dumps(answer)


@routes.get("/v1/analytics")
@operation(
    summary="Workspace analytics: the per-code answer over all (or some) codes, plus topCodes",
    description="Filters: folderId (or none), tag, type, codeIds (all of them must hold). "
    "Only the caller's workspace is ever read.",
    tag="analytics",
    query=WorkspaceAnalyticsQuery,
    responses={200: WorkspaceAnalytics},
    errors=(400,),
    scope="analytics:read",
)
async def workspace_analytics(request: web.Request) -> web.Response:
    return await _workspace(request, "analytics")


@routes.get("/v1/analytics.csv")
@operation(
    summary="Workspace analytics as CSV (section, key, scans, uniqueIpHashes, share; Pro+)",
    description='Content-Disposition: attachment; filename="analytics-{workspace}-{range}.csv".',
    tag="analytics",
    query=WorkspaceAnalyticsQuery,
    responses={200: {"text/csv": "CSV"}},
    errors=(400, 402),
    scope="analytics:read",
)
async def workspace_analytics_csv(request: web.Request) -> web.Response:
    require_feature(principal_of(request).plan, "csv_export")
    return await _workspace(request, "analytics.csv")
