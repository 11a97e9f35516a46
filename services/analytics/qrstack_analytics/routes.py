"""The internal HTTP API the API service proxies to (JSON keys camelCase).

    GET  /internal/v1/workspaces/{ws}/codes/{code}/analytics   per-code analytics
    GET  /internal/v1/workspaces/{ws}/codes/{code}/scans       raw scans, newest first, cursor
    GET  /internal/v1/workspaces/{ws}/codes/{code}/scans.csv   the same as streamed CSV
    GET  /internal/v1/workspaces/{ws}/analytics                workspace analytics, top codes
    POST /internal/v1/workspaces/{ws}/analytics                the same over `{"codeIds": […]}`
    GET  /internal/v1/workspaces/{ws}/analytics.csv            (and POST) the same as CSV
    POST /internal/v1/workspaces/{ws}/totals                   all-time answered and refused
                                                               scans of many codes

Every ClickHouse call runs on the store's threads; handlers only await. Bad parameters are a
400 `validation_failed` naming each one.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from qrstack_analytics.queries.analytics import (
    DEFAULT_TOP,
    QueryContext,
    code_analytics,
    window_for,
    workspace_analytics,
)
from qrstack_analytics.queries.csv_export import (
    MAX_ROWS,
    analytics_csv,
    csv_text,
    export_filename,
)
from qrstack_analytics.queries.scan_list import page_json, parse_page_request, scans_query
from qrstack_analytics.queries.scope import Scope
from qrstack_analytics.queries.totals import TotalsRequest, answered_and_refused, totals_query
from qrstack_analytics.queries.windows import WindowRequest, parse_bool, parse_window_request
from qrstack_analytics.settings import AnalyticsSettings
from qrstack_analytics.storage.store import AnalyticsStore
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.http import json_response, read_model
from qrstack_common.metrics import AnalyticsMetrics
from qrstack_common.observability import METRICS

log = logging.getLogger(__name__)

STORE = web.AppKey("analytics_store", AnalyticsStore)
SETTINGS = web.AppKey("analytics_settings", AnalyticsSettings)

T = TypeVar("T")

routes = web.RouteTableDef()
_CODE = "/internal/v1/workspaces/{workspace_id}/codes/{code_id}"
MAX_TOP = 100
MAX_SCOPE_CODES = 100_000


class _Issues:
    """Collects the issues of every parameter, so one 400 lists all of them."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def check(self, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except ApiError as exc:
            if exc.code != "validation_failed":
                raise
            self.issues.extend(exc.issues)
            return None

    def uuid(self, request: web.Request, name: str, field: str) -> UUID:
        try:
            return UUID(request.match_info[name])
        except ValueError:
            self.issues.append(Issue((field,), "must be a UUID"))
            return UUID(int=0)

    def done(self) -> None:
        if self.issues:
            raise validation_failed(self.issues)


def _top(query: Mapping[str, str]) -> int:
    raw = query.get("top")
    if raw is None:
        return DEFAULT_TOP
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_TOP:
        raise validation_failed([Issue(("top",), f"must be an integer from 1 to {MAX_TOP}")])
    return int(raw)


def _analytics_request(
    request: web.Request, *, code: bool, query: Mapping[str, str] | None = None
) -> tuple[Scope, WindowRequest, int]:
    """The scope, window and `top` of an analytics request; 400 naming every bad part."""
    issues = _Issues()
    query = request.query if query is None else query
    workspace_id = issues.uuid(request, "workspace_id", "workspaceId")
    code_id = issues.uuid(request, "code_id", "codeId") if code else None
    zones = request.app[STORE].time_zones
    window = issues.check(lambda: parse_window_request(query, zones))
    top = issues.check(lambda: _top(query))
    issues.done()
    assert window is not None and top is not None
    return Scope(workspace_id, code_id, window.include_bots), window, top


def _context(request: web.Request) -> QueryContext:
    store = request.app[STORE]
    return QueryContext(
        store,
        request.app[SETTINGS].raw_retention_days,
        datetime.now(UTC),
        store.answers,
    )


def _observe(request: web.Request, kind: str, started: float) -> None:
    metrics = request.app[METRICS]
    if isinstance(metrics, AnalyticsMetrics):
        metrics.query_latency.labels(kind).observe(time.perf_counter() - started)


@routes.get(f"{_CODE}/analytics")
async def get_code_analytics(request: web.Request) -> web.Response:
    started = time.perf_counter()
    scope, window, top = _analytics_request(request, code=True)
    body = await code_analytics(_context(request), scope, window, top=top)
    _observe(request, "code", started)
    return json_response(body)


class WorkspaceScopeRequest(BaseModel):
    """Which of the workspace's codes a workspace answer covers (the API resolves folders,
    tags and types to ids)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    code_ids: list[UUID] = Field(alias="codeIds", max_length=MAX_SCOPE_CODES)


async def _workspace_answer(request: web.Request) -> tuple[dict[str, Any], WindowRequest]:
    started = time.perf_counter()
    scope, window, top = _analytics_request(request, code=False)
    if request.method == "POST":
        body = await read_model(request, WorkspaceScopeRequest)
        scope = dataclasses.replace(scope, code_ids=tuple(body.code_ids))
    answer = await workspace_analytics(_context(request), scope, window, top=top)
    _observe(request, "workspace", started)
    return answer, window


@routes.route("*", "/internal/v1/workspaces/{workspace_id}/analytics")
async def get_workspace_analytics(request: web.Request) -> web.Response:
    if request.method not in ("GET", "POST"):
        raise web.HTTPMethodNotAllowed(request.method, ["GET", "POST"])
    answer, _ = await _workspace_answer(request)
    return json_response(answer)


@routes.route("*", "/internal/v1/workspaces/{workspace_id}/analytics.csv")
async def export_workspace_analytics(request: web.Request) -> web.Response:
    if request.method not in ("GET", "POST"):
        raise web.HTTPMethodNotAllowed(request.method, ["GET", "POST"])
    answer, window = await _workspace_answer(request)
    name = export_filename("analytics", answer["workspaceId"], window)
    return web.Response(
        body=analytics_csv(answer).encode(),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@routes.get(f"{_CODE}/scans")
async def list_scans(request: web.Request) -> web.Response:
    started = time.perf_counter()
    issues = _Issues()
    workspace_id = issues.uuid(request, "workspace_id", "workspaceId")
    code_id = issues.uuid(request, "code_id", "codeId")
    include_bots = parse_bool(request.query.get("includeBots"), "includeBots", issues.issues)
    page = issues.check(lambda: parse_page_request(request.query))
    issues.done()
    assert page is not None
    store = request.app[STORE]
    sql, params = scans_query(
        store.database,
        Scope(workspace_id, code_id, include_bots),
        limit=page.limit + 1,
        cursor=page.cursor,
    )
    rows = await store.rows(sql, params)
    _observe(request, "scans", started)
    return json_response(page_json(rows, page.limit, page.cursor))


@routes.get(f"{_CODE}/scans.csv")
async def export_scans(request: web.Request) -> web.StreamResponse:
    scope, window_request, _ = _analytics_request(request, code=True)
    ctx = _context(request)
    window = await window_for(ctx, scope, window_request)
    store = ctx.store
    sql, params = scans_query(store.database, scope, limit=MAX_ROWS, window=window)

    name = export_filename("scans", str(scope.code_id), window_request)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        }
    )
    await response.prepare(request)
    await response.write(csv_text((), window.tz, header=True).encode())
    async for rows in store.stream(sql, params):
        await response.write(csv_text(rows, window.tz).encode())
    await response.write_eof()
    return response


@routes.post("/internal/v1/workspaces/{workspace_id}/totals")
async def code_totals(request: web.Request) -> web.Response:
    started = time.perf_counter()
    issues = _Issues()
    workspace_id = issues.uuid(request, "workspace_id", "workspaceId")
    body: TotalsRequest | None = None
    try:
        body = await read_model(request, TotalsRequest)
    except ApiError as exc:
        if exc.code != "validation_failed":
            raise
        issues.issues.extend(exc.issues)
    issues.done()
    assert body is not None
    store = request.app[STORE]
    rows = (
        await store.rows(*totals_query(store.database, workspace_id, body.code_ids))
        if body.code_ids
        else []
    )
    answered, refused = answered_and_refused(body.code_ids, rows)
    _observe(request, "totals", started)
    return json_response({"totals": answered, "refused": refused})
