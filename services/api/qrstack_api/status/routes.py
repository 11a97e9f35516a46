"""HTTP routes of the public status page: /v1/status/summary and /v1/status/rss."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from qrstack_api.context import POOL, SETTINGS
from qrstack_api.openapi import operation
from qrstack_api.status.feed import incidents_rss
from qrstack_api.status.model import StatusSummary
from qrstack_api.status.sampler import HISTORY_DAYS
from qrstack_api.status.summary import status_summary
from qrstack_common.http import json_response

routes = web.RouteTableDef()

_TAG = "status"
_FEED_ITEMS = 50
# Public and cheap, but the samples change once a minute: let caches absorb the traffic.
_CACHE = {"Cache-Control": "public, max-age=30"}


@routes.get("/v1/status/summary")
@operation(
    summary="Platform status per component with 90 days of history (no authentication)",
    tag=_TAG,
    responses={200: StatusSummary},
    description="Components: api, redirect, renderer, analytics, postgres, kafka, sampled in "
    "the background (readiness endpoints, a query, a Kafka metadata request).",
)
async def summary(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    result = await status_summary(
        request.app[POOL],
        now=datetime.now(UTC),
        stale_after_s=3 * settings.status_sample_interval_s,
        days=HISTORY_DAYS,
    )
    return json_response(result, headers=_CACHE)


@routes.get("/v1/status/rss")
@operation(
    summary="RSS 2.0 feed of status changes (no authentication)",
    tag=_TAG,
    responses={200: {"application/rss+xml": "RSS 2.0, newest change first"}},
)
async def rss(request: web.Request) -> web.Response:
    rows = await request.app[POOL].fetch(
        "SELECT * FROM status_incidents ORDER BY at DESC, id DESC LIMIT $1", _FEED_ITEMS
    )
    body = incidents_rss(rows, link=request.app[SETTINGS].status_page_url, now=datetime.now(UTC))
    return web.Response(
        body=body, content_type="application/rss+xml", charset="utf-8", headers=_CACHE
    )
