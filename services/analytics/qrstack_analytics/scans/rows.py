"""The transform of one decoded scan event into its `scans` row.

Records are read by `qrstack_common.scan_wire.decode_scan` (v1 and v2, exactly what the
`ScanEvent` contract accepts). The raw table's columns are named after the event's fields, so
the row of a scan is its fields as a JSON array, re-encoded from the decoded values rather than
passed through: anything accepted in a lenient form (an upper-case UUID, a number for a
boolean) still reaches ClickHouse in the one form it parses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

import msgspec

from qrstack_common.scan_wire import SCAN_V2_FIELDS, Scan, decode_scan

# A row is a JSON array of the event's fields in `SCAN_V2_FIELDS` order (the raw table's
# column names), inserted as `JSONCompactEachRow` with those columns.
ROW_COLUMNS = SCAN_V2_FIELDS
_ENCODE = msgspec.json.Encoder().encode

__all__ = ["ROW_COLUMNS", "Delivery", "Rejected", "ScanRow", "decode_scan", "rejected", "scan_row"]


class Delivery(Protocol):
    """What ingestion reads from one Kafka record (aiokafka's `ConsumerRecord` has it)."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...


class ScanRow(NamedTuple):
    """One scan ready to write. `scan_key` is the scan id as a 128-bit integer (ClickHouse's
    `toUInt128(scan_id)`), `ts_ms` its time in Unix milliseconds, `line` its JSON row."""

    scan_key: int
    ts_ms: int
    line: bytes


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that is not a valid scan event, and why."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    reason: str


def scan_row(scan: Scan) -> ScanRow:
    """The `scans` row of a decoded scan (pure)."""
    ts = scan.ts
    # Whole seconds: the float timestamp minus its exact fraction is within far less than half
    # a second of an integer, so rounding it is exact; milliseconds from the microseconds.
    # (Several times cheaper than timedelta arithmetic.)
    seconds = round(ts.timestamp() - ts.microsecond / 1_000_000)
    millis = seconds * 1000 + ts.microsecond // 1000
    return ScanRow(scan.scan_id.int, millis, _ENCODE(msgspec.structs.astuple(scan)))


def rejected(delivery: Delivery, reason: str) -> Rejected:
    return Rejected(
        delivery.topic,
        delivery.partition,
        delivery.offset,
        delivery.key,
        delivery.value,
        reason,
    )
