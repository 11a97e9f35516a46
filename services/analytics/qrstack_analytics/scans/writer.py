"""Writing a batch of scans to ClickHouse exactly once (blocking; runs on the store's write
thread).

Two layers keep a scan from being counted twice:

- Scans already stored are dropped before the insert: their ids are looked up in `scan_keys`
  within the batch's own time spans (`scan_keys` is ordered by time, so that read is about as
  large as the batch). This covers replays and redeliveries, whatever batches they arrive in.
- The insert carries a deduplication token derived from the batch's offsets and content, and
  every table (the raw table and the rollups its materialized views feed) keeps a
  deduplication window: when an insert fails part-way (some views written, some not) and is
  retried with the same rows and token, ClickHouse completes what is missing and drops what
  was already written, table by table.

So the lookup runs once per batch (`prepare`) and retries re-send the same `PreparedInsert`.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from qrstack_analytics.scans.batching import ScanBatch
from qrstack_analytics.scans.rows import ROW_COLUMNS
from qrstack_analytics.storage.backend import ClickHouse, InsertSettings

_KEY_BYTES = 16  # a UInt128 in RowBinary: little-endian

_INSERT_SETTINGS: InsertSettings = {
    "date_time_input_format": "best_effort",
    "input_format_skip_unknown_fields": 1,
    "input_format_null_as_default": 1,
    "deduplicate_blocks_in_dependent_materialized_views": 1,
}


@dataclass(frozen=True)
class PreparedInsert:
    """The rows of a batch that are not stored yet, as one `JSONCompactEachRow` block."""

    lines: bytes
    token: str
    scans: int
    duplicates: int  # rows of the batch already stored (dropped)


def utc_text(ms: int) -> str:
    """Unix milliseconds as ClickHouse's `DateTime64(3, 'UTC')` text."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{ms % 1000:03d}"


class ScanWriter:
    """Inserts batches into `{database}.scans`. Methods raise `StoreError`."""

    def __init__(self, ch: ClickHouse, *, table: str = "scans") -> None:
        self._ch = ch
        self._table = table

    def stored_scan_keys(self, spans: Sequence[tuple[int, int]], keys: Iterable[int]) -> set[int]:
        """Those of `keys` (scan ids as 128-bit integers) already stored, looked up among the
        stored scans whose time falls in one of `spans`. The stored ids come back as
        `RowBinary` (16 bytes each) and are compared as bytes: a span of a backlog being
        caught up can hold hundreds of thousands of other scans, and reading them as text
        cost more than the rest of the batch's Python work."""
        if not spans:
            return set()
        ranges = []
        params: dict[str, str] = {}
        for i, (lo, hi) in enumerate(spans):
            # One millisecond of slack each side: a time with finer precision than the
            # column's is truncated when stored, never moved by more than that.
            ranges.append(
                f"(ts BETWEEN {{lo{i}:DateTime64(3, 'UTC')}} AND {{hi{i}:DateTime64(3, 'UTC')}})"
            )
            params[f"lo{i}"] = utc_text(lo - 1)
            params[f"hi{i}"] = utc_text(hi + 1)
        body = self._ch.binary(
            f"SELECT toUInt128(scan_id) FROM {self._ch.database}.scan_keys"  # noqa: S608
            f" WHERE {' OR '.join(ranges)}",
            params,
        )
        if not body:
            return set()
        stored = {body[at : at + _KEY_BYTES] for at in range(0, len(body), _KEY_BYTES)}
        return {key for key in keys if key.to_bytes(_KEY_BYTES, "little") in stored}

    def prepare(self, batch: ScanBatch) -> PreparedInsert:
        """Drop the batch's scans that are already stored; the rest as one block."""
        rows = batch.rows
        stored = self.stored_scan_keys(batch.time_spans(), rows) if rows else set()
        fresh = [row for key, row in rows.items() if key not in stored]
        fingerprint = functools.reduce(operator.xor, (row.scan_key for row in fresh), 0)
        return PreparedInsert(
            lines=b"\n".join(row.line for row in fresh),
            token=f"{batch.token()}|{len(fresh)}|{fingerprint:x}",
            scans=len(fresh),
            duplicates=len(rows) - len(fresh),
        )

    def write(self, prepared: PreparedInsert) -> None:
        """Insert the block (nothing to do when it is empty). Safe to retry."""
        if not prepared.scans:
            return
        settings = dict(_INSERT_SETTINGS)
        settings["insert_deduplication_token"] = prepared.token
        self._ch.insert_json_lines(self._table, prepared.lines, settings, columns=ROW_COLUMNS)
