"""The wire format of every topic is pinned by a golden JSON fixture: decoding the fixture and
encoding it again must give the same bytes, and the fields consumers rely on must decode to the
expected values. A failing test here means a producer changed a contract in place."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from pydantic import ValidationError

from qrstack_common import codec
from qrstack_common.events import CodeSnapshot, DomainSnapshot, ScanEvent

GOLDEN = Path(__file__).parents[2] / "fixtures" / "events"


@pytest.mark.parametrize(
    ("model", "fixture"),
    [
        (CodeSnapshot, "code_snapshot.json"),
        (DomainSnapshot, "domain_snapshot.json"),
        (ScanEvent, "scan_event.json"),
    ],
)
def test_golden_fixture_round_trips_byte_for_byte(model: type, fixture: str) -> None:
    raw = (GOLDEN / fixture).read_bytes().strip()
    event = model.model_validate_json(raw)
    assert event.to_bytes() == raw


def test_code_snapshot_fields_decode_as_consumers_expect() -> None:
    code = CodeSnapshot.model_validate_json((GOLDEN / "code_snapshot.json").read_bytes())
    assert code.id == UUID("0b6f8a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b")
    assert code.active_from == datetime(2026, 10, 1, tzinfo=UTC)
    assert code.rules[0].conditions.country_in == ("US", "CA")
    assert code.redirect_status == 302 and code.max_scans == 500


def test_scan_event_key_is_the_code_or_the_orphan_path() -> None:
    scan = ScanEvent.model_validate_json((GOLDEN / "scan_event.json").read_bytes())
    assert scan.kafka_key() == b"0b6f8a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
    orphan = scan.model_copy(update={"code_id": None})
    assert orphan.kafka_key() == b"qr.acme.com/autumn-menu"


def test_naive_timestamps_are_refused() -> None:
    data = codec.loads((GOLDEN / "domain_snapshot.json").read_bytes())
    data["updated_at"] = "2026-11-21T12:30:00"
    with pytest.raises(ValidationError, match="timezone"):
        DomainSnapshot.model_validate(data)


def test_unknown_fields_from_newer_producers_are_ignored() -> None:
    data = codec.loads((GOLDEN / "scan_event.json").read_bytes())
    data["added_later"] = {"x": 1}
    assert ScanEvent.model_validate(data).slug == "autumn-menu"
