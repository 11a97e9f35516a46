"""Decode → validate → transform, and how records become batches (pure, no I/O)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
import pytest
from unit.analytics.analytics_support import Record, records

from qrstack_analytics.scans.batching import BatchPolicy, ScanBatch
from qrstack_analytics.scans.rows import ROW_COLUMNS, decode_scan, scan_row
from qrstack_analytics.scans.synthetic import scan_event
from qrstack_common.events import ScanEvent


def test_a_valid_event_becomes_its_canonical_json_array_row() -> None:
    event = scan_event(ts=datetime(2026, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC), referrer=None)
    wire = orjson.loads(event.to_bytes())
    wire["scan_id"] = wire["scan_id"].upper()  # lenient input the contract still accepts
    row = scan_row(decode_scan(orjson.dumps(wire)))
    assert row.scan_key == event.scan_id.int
    assert row.ts_ms == int(datetime(2026, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC).timestamp() * 1000)
    stored = dict(zip(ROW_COLUMNS, orjson.loads(row.line), strict=True))
    assert stored["scan_id"] == str(event.scan_id)  # lower case again
    assert stored["referrer"] is None and stored["country"] == "US"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "no value"),
        (b"not json", "Invalid JSON"),
        (b'{"scan_id": "x"}', "scan_id"),
        (
            scan_event().to_bytes().replace(b'"outcome":"redirect"', b'"outcome":"teleport"'),
            "outcome",
        ),
        (
            scan_event().to_bytes().replace(b'Z"', b'"', 1),
            "ts",
        ),
    ],
)
def test_an_invalid_record_is_refused_with_the_reason(value: bytes | None, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode_scan(value)


def test_the_policy_closes_a_batch_by_size_or_by_the_age_of_its_first_record() -> None:
    policy = BatchPolicy(max_scans=100, max_wait_s=2.0)
    assert not policy.due(0, None, 50.0)  # empty batches never close on time
    assert policy.wait_s(None, 50.0) == 2.0
    assert not policy.due(99, 10.0, 11.9)
    assert policy.wait_s(10.0, 11.5) == pytest.approx(0.5)
    assert policy.due(99, 10.0, 12.0)
    assert policy.due(100, 10.0, 10.0)
    assert policy.room(40) == 60 and policy.room(120) == 0


def test_a_batch_keeps_one_row_per_scan_id_and_sets_invalid_records_aside() -> None:
    first, second = scan_event(), scan_event()
    batch = ScanBatch()
    feed = records([first, second, first])
    feed.append(Record("scans", 0, 3, b"k", b"{}"))
    feed.append(Record("scans", 1, 7, None, second.to_bytes()))
    batch.add(feed[:2], now=5.0)
    batch.add(feed[2:], now=6.0)
    assert batch.consumed == 5 and batch.opened_at == 5.0
    assert set(batch.rows) == {first.scan_id.int, second.scan_id.int}
    assert batch.repeated == 2
    [refused] = batch.rejected
    assert (refused.partition, refused.offset, refused.key) == (0, 3, b"k")
    assert {(d.partition, d.offset) for d in batch.last_deliveries()} == {(0, 3), (1, 7)}
    assert batch.token() == "scans|scans:0:0-3;scans:1:7-7|2"


def test_time_spans_keep_a_late_straggler_apart_from_the_rest() -> None:
    base = datetime(2026, 5, 1, tzinfo=UTC)
    events = [scan_event(ts=base.replace(second=s)) for s in (0, 10, 30)]
    events.append(scan_event(ts=base.replace(hour=3)))  # three hours later
    batch = ScanBatch()
    batch.add(records(events), 0.0)
    ms = int(base.timestamp() * 1000)
    assert batch.time_spans() == [(ms, ms + 30_000), (ms + 3 * 3_600_000, ms + 3 * 3_600_000)]
    assert batch.time_spans(max_spans=1) == [(ms, ms + 3 * 3_600_000)]


def test_time_spans_merge_the_closest_neighbours_first() -> None:
    base = datetime(2026, 5, 1, tzinfo=UTC)
    hours = (0, 1, 5, 6, 20)
    batch = ScanBatch()
    batch.add(records(scan_event(ts=base.replace(hour=h)) for h in hours), 0.0)
    spans = batch.time_spans(max_gap_ms=1000, max_spans=3)
    h = 3_600_000
    ms = int(base.timestamp() * 1000)
    assert spans == [(ms, ms + h), (ms + 5 * h, ms + 6 * h), (ms + 20 * h, ms + 20 * h)]


def test_events_from_the_contract_fixture_decode() -> None:
    from pathlib import Path

    fixture = Path(__file__).parents[2] / "fixtures" / "events" / "scan_event.json"
    row = scan_row(decode_scan(fixture.read_bytes()))
    assert (
        uuid.UUID(int=row.scan_key) == ScanEvent.model_validate_json(fixture.read_bytes()).scan_id
    )
