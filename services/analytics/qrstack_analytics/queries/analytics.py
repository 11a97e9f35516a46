"""Per-code and per-workspace analytics: a window resolved, the storage selected, and the
timeline and breakdown queries run in parallel on the store's threads."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from qrstack_analytics.queries.breakdowns import Breakdowns, assemble_breakdowns, breakdown_query
from qrstack_analytics.queries.cache import AnswerCache
from qrstack_analytics.queries.scope import Scope
from qrstack_analytics.queries.selector import (
    Segments,
    breakdown_segments,
    raw_horizon,
    timeline_segments,
)
from qrstack_analytics.queries.timeline import Timeline, assemble_timeline, timeline_query
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
    cache: AnswerCache | None = None

    def horizon(self) -> datetime | None:
        return raw_horizon(self.now, self.raw_retention_days)

    async def cached(
        self, key: tuple[Hashable, ...], compute: Callable[[], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any]:
        if self.cache is None:
            return await compute()
        return await self.cache.answer((*key, self.horizon()), compute)


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


async def _timeline_and_breakdowns(
    ctx: QueryContext, scope: Scope, window: Window, top: int, *, raw_only: bool = False
) -> tuple[Timeline, Breakdowns]:
    store = ctx.store
    horizon = ctx.horizon()
    if raw_only:
        timeline_segs = breakdown_segs = Segments(None, ((window.start, window.end),))
    else:
        timeline_segs = timeline_segments(window, horizon)
        breakdown_segs = breakdown_segments(window, horizon)
    timeline_rows, breakdown_rows = await asyncio.gather(
        store.rows(*timeline_query(store.database, scope, window, timeline_segs)),
        store.rows(*breakdown_query(store.database, scope, breakdown_segs, top=top)),
    )
    return assemble_timeline(window, timeline_rows), assemble_breakdowns(breakdown_rows)


def _answer(window: Window, timeline: Timeline, breakdowns: Breakdowns) -> dict[str, Any]:
    """The fields the seed documents (`totals`, `series`, `byCountry`, `byDevice`, `byHour`,
    `byDayOfWeek`) and ours beside them (`range`, the other breakdowns, uniques per row)."""
    return {
        "range": window.describe(),
        "totals": {
            "scans": timeline.scans,
            "uniqueIpHashes": timeline.unique_scanners,
            "countries": breakdowns.known_values["country"],
        },
        "series": timeline.series,
        **breakdowns.as_json(),
        "byHour": timeline.hour_of_day,
        "byDayOfWeek": timeline.day_of_week,
    }


async def code_analytics(
    ctx: QueryContext, scope: Scope, request: WindowRequest, *, top: int = DEFAULT_TOP
) -> dict[str, Any]:
    """The per-code answer: range, totals, zero-filled series, every breakdown (cached until
    the next write)."""
    window = await window_for(ctx, scope, request)
    return await ctx.cached(
        ("code", scope, window, top), lambda: code_answer(ctx, scope, window, top=top)
    )


async def code_answer(
    ctx: QueryContext,
    scope: Scope,
    window: Window,
    *,
    top: int = DEFAULT_TOP,
    raw_only: bool = False,
) -> dict[str, Any]:
    """The per-code answer for a resolved window, computed now: from the rollups (and raw
    edges), or with `raw_only` from raw scans alone (the reference the rollups must equal)."""
    timeline, breakdowns = await _timeline_and_breakdowns(
        ctx, scope, window, top, raw_only=raw_only
    )
    return {"codeId": str(scope.code_id), **_answer(window, timeline, breakdowns)}


async def workspace_analytics(
    ctx: QueryContext, scope: Scope, request: WindowRequest, *, top: int = DEFAULT_TOP
) -> dict[str, Any]:
    """The workspace answer: the per-code answer's fields over every code in scope, plus how
    many codes were scanned and the top codes by scans (with uniques and share); cached until
    the next write."""
    window = await window_for(ctx, scope, request)
    return await ctx.cached(
        ("workspace", scope, window, top), lambda: _workspace_answer(ctx, scope, window, top)
    )


async def _workspace_answer(
    ctx: QueryContext, scope: Scope, window: Window, top: int
) -> dict[str, Any]:
    store = ctx.store
    horizon = ctx.horizon()
    (timeline, breakdowns), code_rows = await asyncio.gather(
        _timeline_and_breakdowns(ctx, scope, window, top),
        store.rows(
            *top_codes_query(store.database, scope, timeline_segments(window, horizon), top)
        ),
    )
    top_codes = assemble_top_codes(code_rows, timeline.scans)
    body = {"workspaceId": str(scope.workspace_id), **_answer(window, timeline, breakdowns)}
    body["totals"]["codes"] = top_codes.codes_scanned
    body["topCodes"] = top_codes.entries
    return body
