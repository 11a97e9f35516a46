"""The CSV export of a code's scans: RFC 4180 (comma separated, CRLF line ends, fields quoted
when they hold a comma, a quote or a line break, quotes doubled), a header row, newest first, at
most `MAX_ROWS` rows, times in the requested timezone.

Text cells are spreadsheet-safe (`qrstack_common.spreadsheet`: a cell a spreadsheet would run
as a formula gets a leading `'`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from qrstack_analytics.queries.scan_list import COLUMNS, scan_json
from qrstack_analytics.queries.windows import WindowRequest
from qrstack_analytics.storage.backend import Row
from qrstack_common.spreadsheet import safe_cell

MAX_ROWS = 100_000

# The seed's column names first (`scannedAt`, `country`, …, `referer`), then ours.
HEADER = tuple(key for key, _ in COLUMNS)


def _cell(key: str, value: object, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    if key == "scannedAt":
        return datetime.fromisoformat(str(value)).astimezone(tz).isoformat(timespec="milliseconds")
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(str(value))


def csv_text(rows: Iterable[Row], tz: ZoneInfo, *, header: bool = False) -> str:
    """CSV lines (CRLF-terminated) for scan rows as `scans_query` selects them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if header:
        writer.writerow(HEADER)
    for row in rows:
        item = scan_json(row)
        writer.writerow([_cell(key, item[key], tz) for key, _ in COLUMNS])
    return out.getvalue()


def range_label(request: WindowRequest) -> str:
    """`30d`, `all`, … or `2026-05-01_2026-05-31` for an explicit start and end (local dates)."""
    if request.preset is not None:
        return request.preset
    assert request.start is not None and request.end is not None
    last = (request.end - timedelta(microseconds=1)).astimezone(request.tz)
    return f"{request.start.astimezone(request.tz):%Y-%m-%d}_{last:%Y-%m-%d}"


def export_filename(kind: str, owner_id: str, request: WindowRequest) -> str:
    """`scans-{id}-{range}.csv` (the seed's name), `analytics-{workspace}-{range}.csv`."""
    return f"{kind}-{owner_id}-{range_label(request)}.csv"


ANALYTICS_HEADER = ("section", "key", "scans", "uniqueIpHashes", "share")


def analytics_csv(answer: Mapping[str, Any]) -> str:
    """A workspace (or code) answer as one CSV table: a `totals` row, one row per `series`
    bucket, per value of every `by…` breakdown, per hour and weekday, and per top code."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(ANALYTICS_HEADER)
    totals = answer["totals"]
    writer.writerow(("totals", "", totals["scans"], totals["uniqueIpHashes"], ""))
    for bucket in answer["series"]:
        writer.writerow(("series", bucket["t"], bucket["scans"], bucket["uniqueIpHashes"], ""))
    for name, entries in answer.items():
        if name.startswith("by") and name not in ("byHour", "byDayOfWeek"):
            for entry in entries:
                key = safe_cell(entry["key"]) if entry["key"] is not None else ""
                writer.writerow((name, key, entry["scans"], entry["uniqueIpHashes"], ""))
    for name in ("byHour", "byDayOfWeek"):
        for index, scans in enumerate(answer[name]):
            writer.writerow((name, index, scans, "", ""))
    for code in answer.get("topCodes", ()):
        writer.writerow(
            ("topCodes", code["codeId"], code["scans"], code["uniqueIpHashes"], code["share"])
        )
    return out.getvalue()
