"""How the compatibility surfaces name codes (RecodeQR `code_id`, U2QR `shortCode`) and write
and read instants (ISO 8601, UTC)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from qrstack_api.compat.identifiers import code_id_of, short_code_of, uuid_of
from qrstack_api.compat.timestamps import iso_utc, iso_utc_millis, parse_instant


def test_code_id_and_v1_id_name_the_same_code_both_ways() -> None:
    code = uuid.UUID("7c9e6679-7425-40de-944b-e07fc1f90ae7")
    assert code_id_of(code) == "qr_7c9e6679742540de944be07fc1f90ae7"
    assert uuid_of(code_id_of(code)) == code
    assert uuid_of("QR_7C9E6679742540DE944BE07FC1F90AE7") == code
    assert uuid_of(str(code)) == code
    for not_an_id in ("qr_12345", "abcd1234", "qr_" + "g" * 32, "7c9e6679742540de944be07fc1f90ae7"):
        assert uuid_of(not_an_id) is None


def test_short_code_is_the_slug_or_for_a_static_code_its_code_id() -> None:
    code = uuid.uuid4()
    assert short_code_of({"id": code, "slug": "abcd1234", "dynamic": True}) == "abcd1234"
    assert short_code_of({"id": code, "slug": None, "dynamic": False}) == code_id_of(code)


def test_instants_are_written_in_utc() -> None:
    moment = datetime(2026, 5, 1, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    assert iso_utc(moment) == "2026-05-01T09:30:00Z"
    assert iso_utc(moment.replace(microsecond=250)) == "2026-05-01T09:30:00.000250Z"
    assert iso_utc(None) is None
    assert iso_utc_millis(moment) == "2026-05-01T09:30:00.000Z"
    assert iso_utc_millis(moment.replace(microsecond=987_654)) == "2026-05-01T09:30:00.987Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-01T09:30:00Z", datetime(2026, 5, 1, 9, 30, tzinfo=UTC)),
        ("2026-05-01T09:30:00", datetime(2026, 5, 1, 9, 30, tzinfo=UTC)),
        ("2026-05-01T11:30:00+02:00", datetime(2026, 5, 1, 9, 30, tzinfo=UTC)),
        ("2026-05-01T09:30:00.123Z", datetime(2026, 5, 1, 9, 30, 0, 123000, tzinfo=UTC)),
        ("2026-05-01", datetime(2026, 5, 1, tzinfo=UTC)),
    ],
)
def test_instants_are_read_with_utc_for_a_missing_offset(text: str, expected: datetime) -> None:
    assert parse_instant(text) == expected
    assert parse_instant(text).tzinfo is not None


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01T00:00:00Z", "0999-01-01", 1714555800])
def test_what_is_not_an_iso_8601_instant_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match=r"ISO 8601|between the years"):
        parse_instant(value)
