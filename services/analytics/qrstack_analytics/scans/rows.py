"""Decoding, validation and the transform of one scan event into its `scans` row.

The raw table's columns are named after `ScanEvent`'s fields, so the row of a valid event is
the event's canonical JSON (pydantic's serialisation of the validated model: lower-case UUIDs,
RFC 3339 times, real booleans), which ClickHouse reads as `JSONEachRow`. Re-serialising the
model rather than passing the received bytes through means anything pydantic accepted in a
lenient form (an upper-case UUID, a number for a boolean) still reaches ClickHouse in the one
form it parses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

from pydantic import ValidationError

from qrstack_common.events import ScanEvent


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


def decode_scan(value: bytes | None) -> ScanEvent:
    """Validate a record value against the `ScanEvent` contract. Raises ValueError naming the
    failing fields."""
    if value is None:
        raise ValueError("the record has no value")
    try:
        return ScanEvent.model_validate_json(value)
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'value'}: {err['msg']}"
            for err in exc.errors()[:5]
        )
        raise ValueError(reasons) from None


def scan_row(event: ScanEvent) -> ScanRow:
    """The `scans` row of a validated event (pure)."""
    ts = event.ts
    # Whole seconds: the float timestamp minus its exact fraction is within far less than half
    # a second of an integer, so rounding it is exact; milliseconds from the microseconds.
    # (Several times cheaper than timedelta arithmetic.)
    seconds = round(ts.timestamp() - ts.microsecond / 1_000_000)
    millis = seconds * 1000 + ts.microsecond // 1000
    return ScanRow(event.scan_id.int, millis, event.to_bytes())


def rejected(delivery: Delivery, reason: str) -> Rejected:
    return Rejected(
        delivery.topic,
        delivery.partition,
        delivery.offset,
        delivery.key,
        delivery.value,
        reason,
    )
