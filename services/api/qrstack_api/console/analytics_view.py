"""An analytics answer of /v1 as what the console draws: a series chart and breakdown bars.

The chart is plain SVG geometry computed here (no script needed to read it): one bar per
bucket, heights scaled to the busiest bucket, with a text alternative. Breakdowns keep the
API's numbers; `share` is each row's part of the total, for the bar widths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CHART_WIDTH = 720
CHART_HEIGHT = 180
BREAKDOWNS = (
    ("byCountry", "Country"),
    ("byDevice", "Device"),
    ("byOs", "Operating system"),
    ("byBrowser", "Browser"),
    ("byReferer", "Referrer"),
    ("byRegion", "Region"),
    ("byCity", "City"),
)
WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")  # the seed: 0 = Sunday


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    scans: int
    uniques: int


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    scans: int
    uniques: int
    percent: float


def series_bars(series: list[dict[str, Any]]) -> list[Bar]:
    if not series:
        return []
    peak = max(int(b.get("scans", 0)) for b in series) or 1
    step = CHART_WIDTH / len(series)
    bars = []
    for index, bucket in enumerate(series):
        scans = int(bucket.get("scans", 0))
        height = (CHART_HEIGHT - 10) * scans / peak
        bars.append(
            Bar(
                x=round(index * step + step * 0.1, 2),
                y=round(CHART_HEIGHT - height, 2),
                width=round(max(step * 0.8, 1.0), 2),
                height=round(height, 2),
                label=str(bucket.get("t", "")),
                scans=scans,
                uniques=int(bucket.get("uniqueIpHashes", bucket.get("uniqueScanners", 0)) or 0),
            )
        )
    return bars


def _rows(entries: list[dict[str, Any]], total: int) -> list[Row]:
    return [
        Row(
            key=str(e.get("key") if e.get("key") is not None else "unknown"),
            scans=int(e.get("scans", 0)),
            uniques=int(e.get("uniqueIpHashes", 0) or 0),
            percent=round(100 * int(e.get("scans", 0)) / total, 1) if total else 0.0,
        )
        for e in entries
    ]


def analytics_context(body: dict[str, Any]) -> dict[str, Any]:
    totals = body.get("totals") or {}
    total = int(totals.get("scans", 0))
    by_hour = list(body.get("byHour") or [])
    by_day = list(body.get("byDayOfWeek") or [])
    return {
        "scans": total,
        "uniques": int(totals.get("uniqueIpHashes", 0) or 0),
        "bars": series_bars(list(body.get("series") or [])),
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "breakdowns": [
            (title, _rows(list(body.get(name) or []), total))
            for name, title in BREAKDOWNS
            if body.get(name) is not None
        ],
        "by_hour": [Row(f"{h:02d}:00", int(n), 0, _pct(n, total)) for h, n in enumerate(by_hour)],
        "by_day": [Row(WEEKDAYS[d], int(n), 0, _pct(n, total)) for d, n in enumerate(by_day[:7])],
        "top_codes": list(body.get("topCodes") or []),
        "codes": int(totals.get("codes", 0) or 0),  # a workspace answer's codes scanned
    }


def _pct(value: Any, total: int) -> float:
    return round(100 * int(value) / total, 1) if total else 0.0
