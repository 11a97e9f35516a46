"""A plain-Python reference for the analytics answers: what the numbers must be, computed from
the events themselves (no rollups, no SQL). Tests compare the service against it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from qrstack_analytics.queries.breakdowns import ANSWER_FIELDS
from qrstack_analytics.queries.scope import DIMENSIONS
from qrstack_analytics.queries.windows import Window, buckets
from qrstack_common.events import ScanEvent

NOT_COUNTED = ("password_required", "not_found")


def counted(events: Iterable[ScanEvent], window: Window, include_bots: bool) -> list[ScanEvent]:
    return [
        e
        for e in events
        if e.outcome not in NOT_COUNTED
        and (include_bots or not e.is_bot)
        and window.start <= e.ts < window.end
    ]


def bucket_key(window: Window, ts: datetime) -> str | int:
    local = ts.astimezone(window.tz)
    if window.granularity == "hour":
        return int(local.replace(minute=0, second=0, microsecond=0).timestamp())
    if window.granularity == "day":
        return local.date().isoformat()
    return local.date().replace(day=1).isoformat()


def expected_analytics(
    events: Iterable[ScanEvent], window: Window, *, include_bots: bool = False, top: int = 10
) -> dict[str, Any]:
    scans = counted(events, window, include_bots)
    per_bucket: dict[str | int, list[ScanEvent]] = defaultdict(list)
    hour_of_day = [0] * 24
    day_of_week = [0] * 7
    for e in scans:
        per_bucket[bucket_key(window, e.ts)].append(e)
        local = e.ts.astimezone(window.tz)
        hour_of_day[local.hour] += 1
        day_of_week[(local.weekday() + 1) % 7] += 1
    series = [
        {
            "t": (
                b.start.astimezone(window.tz).isoformat()
                if window.granularity == "hour"
                else b.start.astimezone(window.tz).date().isoformat()
            ),
            "scans": len(per_bucket[b.key]),
            "uniqueIpHashes": len({e.visitor_hash for e in per_bucket[b.key]}),
        }
        for b in buckets(window)
    ]
    breakdowns: dict[str, Any] = {}
    for dim in DIMENSIONS:
        groups: dict[str, list[ScanEvent]] = defaultdict(list)
        for e in scans:
            groups[getattr(e, dim) or ""].append(e)
        ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        listed = [
            {
                "key": key or None,
                "scans": len(es),
                "uniqueIpHashes": len({e.visitor_hash for e in es}),
            }
            for key, es in ranked[:top]
        ]
        rest = [e for _, es in ranked[top:] for e in es]
        if rest:
            listed.append(
                {
                    "key": "other",
                    "scans": len(rest),
                    "uniqueIpHashes": len({e.visitor_hash for e in rest}),
                    "other": True,
                }
            )
        breakdowns[ANSWER_FIELDS[dim]] = listed
    breakdowns["byHour"] = hour_of_day
    breakdowns["byDayOfWeek"] = day_of_week
    return {
        "range": window.describe(),
        "totals": {
            "scans": len(scans),
            "uniqueIpHashes": len({e.visitor_hash for e in scans}),
            "countries": len({e.country for e in scans if e.country}),
        },
        "series": series,
        **breakdowns,
    }


def breakdowns_of(body: dict[str, Any]) -> dict[str, Any]:
    """The `by…` fields of an answer."""
    return {k: v for k, v in body.items() if k.startswith("by")}
