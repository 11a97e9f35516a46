"""Per-code and per-workspace analytics: a window resolved, the storage selected, and the
timeline and breakdown queries run in parallel on the store's threads."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from qrstack_analytics.queries.breakdowns import assemble_breakdowns, breakdown_query
from qrstack_analytics.queries.scope import Scope
from qrstack_analytics.queries.selector import (
    breakdown_segments,
    raw_horizon,
    timeline_segments,
)
from qrstack_analytics.queries.timeline import assemble_timeline, timeline_query
from qrstack_analytics.queries.top_codes import assemble_top_codes, top_codes_query
from qrstack_analytics.queries.windows import Window, WindowRequest, resolve_window
from qrstack_analytics.storage.backend import ParamValue
from qrstack_analytics.storage.store import AnalyticsStore

DEFAULT_TOP = 10


@dataclass(frozen=True)
class QueryContext:
    store: AnalyticsStore
    raw_retention_days: int
    now: datetime


async def first_scan(store: AnalyticsStore, scope: Scope) -> datetime | None:
    """When the first counted scan in scope happened (to the 15 minutes), or None."""
    params: dict[str, ParamValue] = {}
    rows = await store.rows(
        f"SELECT toUnixTimestamp(min(slot)), count() FROM {store.database}.scans_15m"  # noqa: S608
        f" WHERE {scope.filter(params)}",
        params,
    )
    if not rows or not rows[0][1]:
        return None
    return datetime.fromtimestamp(int(rows[0][0]), UTC)


async def window_for(ctx: QueryContext, scope: Scope, request: WindowRequest) -> Window:
    first = await first_scan(ctx.store, scope) if request.preset == "all" else None
    return resolve_window(request, ctx.now, first)


async def code_analytics(
    ctx: QueryContext, scope: Scope, request: WindowRequest, *, top: int = DEFAULT_TOP
) -> dict[str, Any]:
    """The per-code answer: range, totals, zero-filled series, every breakdown."""
    store = ctx.store
    window = await window_for(ctx, scope, request)
    horizon = raw_horizon(ctx.now, ctx.raw_retention_days)
    timeline_rows, breakdown_rows = await asyncio.gather(
        store.rows(
            *timeline_query(store.database, scope, window, timeline_segments(window, horizon))
        ),
        store.rows(
            *breakdown_query(store.database, scope, breakdown_segments(window, horizon), top=top)
        ),
    )
    timeline = assemble_timeline(window, timeline_rows)
    breakdowns = assemble_breakdowns(breakdown_rows)
    return {
        "codeId": str(scope.code_id),
        "range": window.describe(),
        "totals": {
            "scans": timeline.scans,
            "uniqueScanners": timeline.unique_scanners,
            "countries": breakdowns.known_values["country"],
        },
        "series": timeline.series,
        "breakdowns": {
            **breakdowns.as_json(),
            "hourOfDay": timeline.hour_of_day,
            "dayOfWeek": timeline.day_of_week,
        },
    }


async def workspace_analytics(
    ctx: QueryContext, scope: Scope, request: WindowRequest, *, top: int = DEFAULT_TOP
) -> dict[str, Any]:
    """The workspace answer: range, totals (scans, unique scanners, countries, codes scanned),
    zero-filled series and the top codes by scans."""
    store = ctx.store
    window = await window_for(ctx, scope, request)
    horizon = raw_horizon(ctx.now, ctx.raw_retention_days)
    timeline_segs = timeline_segments(window, horizon)
    timeline_rows, country_rows, code_rows = await asyncio.gather(
        store.rows(*timeline_query(store.database, scope, window, timeline_segs)),
        store.rows(
            *breakdown_query(
                store.database,
                scope,
                breakdown_segments(window, horizon),
                top=0,
                dimensions=("country",),
            )
        ),
        store.rows(*top_codes_query(store.database, scope, timeline_segs, top)),
    )
    timeline = assemble_timeline(window, timeline_rows)
    countries = assemble_breakdowns(country_rows, ("country",)).known_values["country"]
    top_codes = assemble_top_codes(code_rows)
    return {
        "workspaceId": str(scope.workspace_id),
        "range": window.describe(),
        "totals": {
            "scans": timeline.scans,
            "uniqueScanners": timeline.unique_scanners,
            "countries": countries,
            "codes": top_codes.codes_scanned,
        },
        "series": timeline.series,
        "topCodes": top_codes.entries,
    }
