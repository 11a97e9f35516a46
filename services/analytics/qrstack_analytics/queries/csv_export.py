"""The CSV export of a code's scans: RFC 4180 (comma separated, CRLF line ends, fields quoted
when they hold a comma, a quote or a line break, quotes doubled), a header row, newest first, at
most `MAX_ROWS` rows, times in the requested timezone.

Spreadsheet formula injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return would be evaluated by Excel or LibreOffice; such cells get a leading `'`, which
spreadsheets show as text and do not evaluate (OWASP's advice).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from qrstack_analytics.queries.scan_list import COLUMNS, scan_json
from qrstack_analytics.storage.backend import Row

MAX_ROWS = 100_000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADER = tuple("time" if key == "ts" else key for key, _ in COLUMNS)


def neutralised(cell: str) -> str:
    """The cell as a spreadsheet will show it, never run it."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _cell(key: str, value: object, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    if key == "ts":
        return datetime.fromisoformat(str(value)).astimezone(tz).isoformat(timespec="milliseconds")
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralised(str(value))


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


def export_filename(code_id: str, now: datetime) -> str:
    return f"scans-{code_id}-{now.astimezone(UTC):%Y%m%d}.csv"
