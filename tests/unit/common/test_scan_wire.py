"""The scan event v2 wire form and the fast decoder: the golden fixture pins v2's bytes, and
property tests over generated events prove `decode_scan` reads exactly what the pydantic
contract (`ScanEvent`) reads, in v1 and v2, with the same values, and refuses what it refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrstack_common.events import ScanEvent
from qrstack_common.scan_wire import (
    SCAN_V2_FIELDS,
    Scan,
    ScanDecodeError,
    contract_event,
    decode_scan,
    encode_scan,
    scan_to_v2,
)

GOLDEN = Path(__file__).parents[2] / "fixtures" / "events"
V1 = (GOLDEN / "scan_event.json").read_bytes().strip()
V2 = (GOLDEN / "scan_event_v2.json").read_bytes().strip()

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fields_of(scan: Scan) -> dict[str, Any]:
    return msgspec.structs.asdict(scan)


def test_v2_golden_fixture_is_the_v1_golden_scan_in_fewer_bytes() -> None:
    event = ScanEvent.model_validate_json(V1)
    assert scan_to_v2(event) == V2
    assert fields_of(decode_scan(V2)) == event.model_dump() == fields_of(decode_scan(V1))
    assert len(V2) < 0.62 * len(V1)
    assert decode_scan(V2).kafka_key() == event.kafka_key()


def test_the_producer_encoder_writes_the_golden_bytes_from_plain_strings() -> None:
    assert (
        encode_scan(
            scan_id="9c8b7a6f-5e4d-4c3b-8a29-1f0e9d8c7b6a",
            ts=datetime(2026, 11, 21, 12, 31, 2, 500000, tzinfo=UTC),
            workspace_id="7d1e2f3a-4b5c-4d6e-9f80-a1b2c3d4e5f6",
            code_id="0b6f8a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
            domain="qr.acme.com",
            slug="autumn-menu",
            rule_id="5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
            target="https://example.com/us?utm_source=qr",
            outcome="redirect",
            country="US",
            region="Illinois",
            city="Chicago",
            device="mobile",
            os="iOS",
            browser="Safari",
            language="en",
            visitor_hash="3f9a0c1b2d3e4f5a6b7c8d9e0f1a2b3c",
        )
        == V2
    )


def test_trailing_defaults_are_left_out_and_read_back() -> None:
    value = encode_scan(
        scan_id="9c8b7a6f-5e4d-4c3b-8a29-1f0e9d8c7b6a",
        ts=datetime(2026, 11, 21, 12, 31, 2, tzinfo=timezone(timedelta(hours=1))),
        domain="qr.example",
        slug="x",
        outcome="not_found",
        visitor_hash="ab",
    )
    assert value == (
        b'[2,"9c8b7a6f5e4d4c3b8a291f0e9d8c7b6a","2026-11-21T11:31:02Z","qr.example","x",'
        b'"not_found","ab"]'
    )
    scan = decode_scan(value)
    assert scan.code_id is None and scan.device == "other" and scan.is_bot is False
    assert scan.kafka_key() == b"qr.example/x"


def test_later_minor_versions_may_append_elements_readers_ignore() -> None:
    data = [*orjson.loads(V2), None, None, None, None, "added later"]
    assert fields_of(decode_scan(orjson.dumps(data))) == fields_of(decode_scan(V2))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "no value"),
        (b"not json", "Invalid JSON"),
        (b'[3,"x"]', "must start with 2"),
        (b'[2,"9c8b7a6f5e4d4c3b8a291f0e9d8c7b6a","2026-11-21T11:31:02Z"]', "domain: Field"),
        (V1.replace(b'"outcome":"redirect"', b'"outcome":"teleport"'), "outcome"),
        (V1.replace(b"12:31:02.500000Z", b"12:31:02.500000"), "timezone"),
    ],
)
def test_invalid_values_are_refused_naming_the_field(value: bytes | None, reason: str) -> None:
    with pytest.raises(ScanDecodeError, match=reason):
        decode_scan(value)


# ------------------------------------------------------------------------------------------
# Properties: decode_scan == the pydantic contract.

_ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8)), None]
)
_TEXT = st.text(max_size=12)
_OPT = st.none() | _TEXT


@st.composite
def scan_fields(draw: st.DrawFn) -> dict[str, Any]:
    """Field values of a scan event, mostly valid, in Python form."""
    return {
        "scan_id": draw(st.uuids()),
        "ts": draw(
            st.datetimes(
                min_value=datetime(1971, 1, 1), max_value=datetime(9998, 1, 1), timezones=_ZONES
            )
        ),
        "workspace_id": draw(st.none() | st.uuids()),
        "code_id": draw(st.none() | st.uuids()),
        "domain": draw(_TEXT),
        "slug": draw(_TEXT),
        "rule_id": draw(st.none() | st.uuids()),
        "variant": draw(_OPT),
        "target": draw(_OPT),
        "outcome": draw(st.sampled_from(["redirect", "page", "not_found", "password_required"])),
        "country": draw(_OPT),
        "region": draw(_OPT),
        "city": draw(_OPT),
        "device": draw(st.sampled_from(["mobile", "tablet", "desktop", "bot", "other"])),
        "os": draw(_OPT),
        "browser": draw(_OPT),
        "referrer": draw(_OPT),
        "language": draw(_OPT),
        "is_bot": draw(st.booleans()),
        "bot_reason": draw(_OPT),
        "visitor_hash": draw(_TEXT),
        "ip_prefix": draw(_OPT),
    }


def _wire(fields: dict[str, Any], version: int) -> bytes:
    if version == 1:
        return orjson.dumps(fields, option=orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC)
    ts = fields["ts"]
    if isinstance(ts, datetime) and ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    values = [fields.get(name) for name in SCAN_V2_FIELDS]
    values[SCAN_V2_FIELDS.index("ts")] = ts
    return orjson.dumps([2, *values], option=orjson.OPT_UTC_Z)


def assert_same_reading(value: bytes) -> None:
    try:
        expected = contract_event(value)
    except ScanDecodeError:
        with pytest.raises(ScanDecodeError):
            decode_scan(value)
        return
    assert fields_of(decode_scan(value)) == expected.model_dump()


@PROPERTY
@given(scan_fields())
def test_every_contract_event_reads_the_same_in_v1_and_v2(fields: dict[str, Any]) -> None:
    if fields["ts"].tzinfo is None:
        fields["ts"] = fields["ts"].replace(tzinfo=UTC)
    event = ScanEvent.model_validate(fields)
    for value in (event.to_bytes(), scan_to_v2(event)):
        assert fields_of(decode_scan(value)) == event.model_dump()


_JSON_ODDITIES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False),
    _TEXT,
    st.sampled_from(
        [
            "2026-11-21T12:31:02.1234567Z",
            "2026-11-21T12:31:02.9999995+01:00",
            "2026-11-21t12:31:02z",
            "2026-11-21 12:31:02Z",
            "2026-11-21T12:31Z",
            "2026-11-21T12:31:02",
            "2026-11-21",
            "2026-11-21T24:00:00Z",
            "2026-02-30T12:00:00Z",
            "2026-11-21T12:31:02+23:59",
            "2026-11-21T12:31:02-00:00",
            "9C8B7A6F-5E4D-4C3B-8A29-1F0E9D8C7B6A",
            "{9c8b7a6f-5e4d-4c3b-8a29-1f0e9d8c7b6a}",
            "urn:uuid:9c8b7a6f-5e4d-4c3b-8a29-1f0e9d8c7b6a",
            "9c8b7a6f5e4d4c3b8a291f0e9d8c7b6a",
            "true",
            "1",
            "mobile",
            "redirect",
        ]
    ),
    st.lists(st.integers(-9, 9), max_size=2),
    st.dictionaries(_TEXT, st.integers(-9, 9), max_size=2),
)


@PROPERTY
@given(
    scan_fields(),
    st.dictionaries(st.sampled_from(SCAN_V2_FIELDS), _JSON_ODDITIES, max_size=3),
    st.sets(st.sampled_from(SCAN_V2_FIELDS), max_size=2),
    st.sampled_from([1, 2]),
)
def test_mutated_events_are_read_or_refused_exactly_as_the_contract_does(
    fields: dict[str, Any], changes: dict[str, Any], dropped: set[str], version: int
) -> None:
    fields.update(changes)
    for name in dropped:
        fields.pop(name)
    if version == 2 and dropped:
        fields.update({name: None for name in dropped})  # positional: a hole is a null
    assert_same_reading(_wire(fields, version))
