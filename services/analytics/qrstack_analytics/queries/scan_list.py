"""Raw scans of one code, newest first: the cursor-paginated list and the rows of the CSV
export. Counted scans only (as in every total); bots only when asked."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from qrstack_analytics.queries.scope import COUNTED, Scope, ch_datetime
from qrstack_analytics.queries.windows import Window
from qrstack_analytics.storage.backend import ParamValue, Row
from qrstack_common.errors import Issue, validation_failed

MAX_PAGE = 200
DEFAULT_PAGE = 50
_NIL = "00000000-0000-0000-0000-000000000000"

# (JSON key, SQL expression); the order is the order of the CSV columns too.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("scanId", "toString(scan_id)"),
    ("ts", "toUnixTimestamp64Milli(ts)"),
    ("outcome", "toString(outcome)"),
    ("country", "toString(country)"),
    ("region", "toString(region)"),
    ("city", "toString(city)"),
    ("device", "toString(device)"),
    ("os", "toString(os)"),
    ("browser", "toString(browser)"),
    ("referrer", "toString(referrer)"),
    ("language", "toString(language)"),
    ("isBot", "is_bot"),
    ("botReason", "toString(bot_reason)"),
    ("ruleId", "toString(rule_id)"),
    ("variant", "toString(variant)"),
    ("target", "target"),
    ("domain", "toString(domain)"),
    ("slug", "slug"),
)


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the last scan's time (ms) and id; the next page starts after it."""

    ts_ms: int
    scan_id: UUID

    def encode(self) -> str:
        raw = f"{self.ts_ms}:{self.scan_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Raises ValueError for anything this service did not hand out."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            ts, scan_id = raw.split(":", 1)
            return cls(int(ts), UUID(scan_id))
        except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError("not a cursor this service issued") from exc


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
    params: dict[str, ParamValue] = {"limit": limit}
    where = [scope.filter(params), COUNTED]
    if cursor is not None:
        params["cts"] = ch_datetime(datetime.fromtimestamp(cursor.ts_ms / 1000, UTC))
        params["cid"] = str(cursor.scan_id.int)
        where.append(
            "(ts < {cts:DateTime64(3, 'UTC')}"
            " OR (ts = {cts:DateTime64(3, 'UTC')} AND toUInt128(scan_id) < {cid:UInt128}))"
        )
    if window is not None:
        params["w0"], params["w1"] = ch_datetime(window.start), ch_datetime(window.end)
        where.append("ts >= {w0:DateTime64(3, 'UTC')} AND ts < {w1:DateTime64(3, 'UTC')}")
    columns = ", ".join(expr for _, expr in COLUMNS)
    sql = (
        f"SELECT {columns} FROM {db}.scans WHERE {' AND '.join(where)}"  # noqa: S608
        " ORDER BY ts DESC, toUInt128(scan_id) DESC LIMIT {limit:UInt32}"
    )
    return sql, params


def scan_json(row: Row) -> dict[str, object]:
    """One scan as the list answers it: unknown values null, times RFC 3339 UTC."""
    item: dict[str, object] = {}
    for (key, _), value in zip(COLUMNS, row, strict=True):
        if key == "ts":
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


def page_json(rows: list[Row], limit: int) -> dict[str, object]:
    """The page (`rows` holds up to `limit + 1`: one more tells whether a next page exists)."""
    items = [scan_json(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = Cursor(int(last[1]), UUID(str(last[0]))).encode()
    return {"items": items, "nextCursor": next_cursor}
