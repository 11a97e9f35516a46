"""Raw scans of one code, newest first: the cursor-paginated list and the rows of the CSV
export. Counted scans only (as in every total); bots only when asked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from qrstack_analytics.queries.scope import COUNTED, Scope, ch_datetime
from qrstack_analytics.queries.windows import Window
from qrstack_analytics.storage.backend import ParamValue, Row
from qrstack_common.errors import Issue, validation_failed

MAX_PAGE = 200
DEFAULT_PAGE = 50
_NIL = "00000000-0000-0000-0000-000000000000"


# (JSON key, SQL expression); the order is the order of the CSV columns too.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("scannedAt", "toUnixTimestamp64Milli(ts)"),
    ("country", "toString(country)"),
    ("region", "toString(region)"),
    ("city", "toString(city)"),
    ("device", "toString(device)"),
    ("os", "toString(os)"),
    ("browser", "toString(browser)"),
    ("referer", "toString(referrer)"),
    ("scanId", "toString(scan_id)"),
    ("outcome", "toString(outcome)"),
    ("language", "toString(language)"),
    ("isBot", "is_bot"),
    ("botReason", "toString(bot_reason)"),
    ("ruleId", "toString(rule_id)"),
    ("variant", "toString(variant)"),
    ("target", "target"),
    ("domain", "toString(domain)"),
    ("slug", "slug"),
)


_TS, _ID = 0, 8  # where the time and the scan id are in a selected row
_CURSOR = re.compile(
    r"(\d{4}-\d\d-\d\d)(?:[T ](\d\d:\d\d(?::\d\d)?)(?:\.(\d{1,9}))?)?(Z|[+-]\d\d:?\d\d)?"
)
_MAX_SKIP = 999_999


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: scans at or before `ts_ms`, newest first, after skipping
    the first `skip` of those at exactly `ts_ms` (they were on earlier pages).

    Written as an ISO 8601 UTC timestamp, `2026-05-01T12:00:00.250000003Z`: milliseconds are
    the time, the digits after them the skip (several scans can share a millisecond, so a time
    alone would lose or repeat some at a page boundary). Any ISO timestamp a client builds
    itself (`2026-05-01T00:00:00Z`, a date, an offset) is a cursor too: scans at or before it.
    """

    ts_ms: int
    skip: int = 0

    def encode(self) -> str:
        moment = datetime.fromtimestamp(self.ts_ms // 1000, UTC)
        fraction = f"{self.ts_ms % 1000:03d}{min(self.skip, _MAX_SKIP):06d}"
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + fraction + "Z"

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Raises ValueError for anything that is not an ISO 8601 timestamp or date."""
        match = _CURSOR.fullmatch(token.strip())
        if match is None:
            raise ValueError("an ISO 8601 timestamp (e.g. a nextCursor)")
        day, clock, fraction, offset = match.groups()
        digits = (fraction or "").ljust(9, "0")
        text = f"{day}T{clock or '00:00'}{offset or '+00:00'}".replace("Z", "+00:00")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError("an ISO 8601 timestamp (e.g. a nextCursor)") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return cls(round(moment.timestamp()) * 1000 + int(digits[:3]), int(digits[3:]))


@dataclass(frozen=True)
class PageRequest:
    cursor: Cursor | None
    limit: int


def parse_page_request(query: Mapping[str, str]) -> PageRequest:
    issues: list[Issue] = []
    cursor = None
    if token := query.get("cursor"):
        try:
            cursor = Cursor.decode(token)
        except ValueError as exc:
            issues.append(Issue(("cursor",), str(exc)))
    limit = DEFAULT_PAGE
    if (raw := query.get("limit")) is not None:
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
            issues.append(Issue(("limit",), f"must be an integer from 1 to {MAX_PAGE}"))
        else:
            limit = int(raw)
    if issues:
        raise validation_failed(issues)
    return PageRequest(cursor, limit)


def scans_query(
    db: str,
    scope: Scope,
    *,
    limit: int,
    cursor: Cursor | None = None,
    window: Window | None = None,
) -> tuple[str, dict[str, ParamValue]]:
    """Scans in scope, newest first (ties by id, compared as the 128-bit number it spells, so
    the order is the ids' text order on every engine), after `cursor`, inside `window`."""
    params: dict[str, ParamValue] = {"limit": limit, "skip": 0}
    where = [scope.filter(params), COUNTED]
    if cursor is not None:
        # Newest first, the scans at exactly the cursor's millisecond come first: skipping
        # `skip` rows skips exactly those already handed out.
        params["cts"] = ch_datetime(datetime.fromtimestamp(cursor.ts_ms / 1000, UTC))
        params["skip"] = cursor.skip
        where.append("ts <= {cts:DateTime64(3, 'UTC')}")
    if window is not None:
        params["w0"], params["w1"] = ch_datetime(window.start), ch_datetime(window.end)
        where.append("ts >= {w0:DateTime64(3, 'UTC')} AND ts < {w1:DateTime64(3, 'UTC')}")
    columns = ", ".join(expr for _, expr in COLUMNS)
    sql = (
        f"SELECT {columns} FROM {db}.scans WHERE {' AND '.join(where)}"  # noqa: S608
        " ORDER BY ts DESC, toUInt128(scan_id) DESC LIMIT {limit:UInt32} OFFSET {skip:UInt32}"
    )
    return sql, params


def scan_json(row: Row) -> dict[str, object]:
    """One scan as the list answers it: unknown values null, times RFC 3339 UTC."""
    item: dict[str, object] = {}
    for (key, _), value in zip(COLUMNS, row, strict=True):
        if key == "scannedAt":
            item[key] = (
                datetime.fromtimestamp(int(value) / 1000, UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z")
            )
        elif key == "isBot":
            item[key] = bool(value)
        else:
            item[key] = None if value in ("", _NIL) else value
    return item


def page_json(rows: list[Row], limit: int, cursor: Cursor | None) -> dict[str, object]:
    """The page (`rows` holds up to `limit + 1`: one more tells whether a next page exists),
    as every /v1 list answers: `data` and `nextCursor` (null on the last page)."""
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last_ms = int(page[-1][_TS])
        same = sum(1 for row in page if int(row[_TS]) == last_ms)
        if cursor is not None and cursor.ts_ms == last_ms:
            same += cursor.skip
        next_cursor = Cursor(last_ms, same).encode()
    return {"data": [scan_json(row) for row in page], "nextCursor": next_cursor}
