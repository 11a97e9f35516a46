"""The timeline query: series buckets, the hour × weekday grid and the totals of a window, in
one ClickHouse query over `scans_15m` (plus raw edges), grouped three ways at once
(`GROUPING SETS`), so unique scanners are merged per bucket, per grid cell and overall."""

from __future__ import annotations

from dataclasses import dataclass, field

from qrstack_analytics.queries.scope import COUNTED, Scope, raw_ranges, rollup_span
from qrstack_analytics.queries.selector import Segments
from qrstack_analytics.queries.windows import Window, buckets
from qrstack_analytics.storage.backend import ParamValue, Row

_BUCKET = {
    "hour": "toUnixTimestamp(toStartOfHour(t, {tz:String}))",
    "day": "toString(toDate(t, {tz:String}))",
    "month": "toString(toStartOfMonth(t, {tz:String}))",
}

# grouping(bucket, cell): 1 = grouped by bucket, 2 = by grid cell, 3 = overall.
_BY_BUCKET, _BY_CELL, _OVERALL = 1, 2, 3


def timeline_query(
    db: str, scope: Scope, window: Window, segments: Segments
) -> tuple[str, dict[str, ParamValue]]:
    params: dict[str, ParamValue] = {"tz": window.tz.key}
    parts = []
    if segments.rollup is not None:
        parts.append(
            f"SELECT slot AS t, scans, visitors FROM {db}.{scope.rollup('scans_15m')}"  # noqa: S608
            f" WHERE {scope.filter(params)} AND {rollup_span(segments.rollup, params)}"
        )
    if segments.raw:
        parts.append(
            "SELECT toDateTime(toStartOfFifteenMinutes(ts), 'UTC') AS t, count() AS scans,"  # noqa: S608
            f" uniqState(visitor_hash) AS visitors FROM {db}.scans"
            f" WHERE {scope.filter(params)} AND {COUNTED} AND {raw_ranges(segments.raw, params)}"
            " GROUP BY t"
        )
    source = " UNION ALL ".join(parts)
    sql = (
        "SELECT grouping(bucket, cell) AS g, bucket, cell,"  # noqa: S608
        " sum(scans) AS scans, uniqMerge(visitors) AS unique_scanners"
        f" FROM (SELECT {_BUCKET[window.granularity]} AS bucket,"
        " (toDayOfWeek(t, 0, {tz:String}) % 7) * 24 + toHour(t, {tz:String}) AS cell,"
        f" scans, visitors FROM ({source}))"
        " GROUP BY GROUPING SETS ((bucket), (cell), ())" + segments.settings()
    )
    return sql, params


@dataclass
class Timeline:
    scans: int = 0
    unique_scanners: int = 0
    series: list[dict[str, object]] = field(default_factory=list)
    hour_of_day: list[int] = field(default_factory=lambda: [0] * 24)
    day_of_week: list[int] = field(default_factory=lambda: [0] * 7)  # 0 = Sunday


def assemble_timeline(window: Window, rows: list[Row]) -> Timeline:
    """Zero-filled series over every bucket of the window, plus the grid and the totals."""
    timeline = Timeline()
    per_bucket: dict[str | int, tuple[int, int]] = {}
    for grouping, bucket, cell, scans, unique in rows:
        if grouping == _BY_BUCKET:
            per_bucket[bucket] = (int(scans), int(unique))
        elif grouping == _BY_CELL:
            timeline.hour_of_day[int(cell) % 24] += int(scans)
            timeline.day_of_week[int(cell) // 24] += int(scans)
        elif grouping == _OVERALL:
            timeline.scans, timeline.unique_scanners = int(scans), int(unique)
    for bucket in buckets(window):
        scans, unique = per_bucket.get(bucket.key, (0, 0))
        local = bucket.start.astimezone(window.tz)
        timeline.series.append(
            {
                # A date for daily and monthly buckets (as the seed shows), a local time with
                # its offset for hourly ones (a fall-back day repeats an hour).
                "t": local.isoformat()
                if window.granularity == "hour"
                else local.date().isoformat(),
                "scans": scans,
                "uniqueIpHashes": unique,
            }
        )
    return timeline
