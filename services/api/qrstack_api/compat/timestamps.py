"""Instants on the compatibility surfaces: ISO 8601 in, ISO 8601 out, always UTC.

TrakQR and Trackier promise ISO 8601 dates everywhere; RecodeQR (a Django REST framework API)
writes UTC instants as `2026-05-01T09:30:00Z` (microseconds only when there are some) and U2QR
(JavaScript's `Date.toISOString`) as `2026-05-01T09:30:00.000Z`. Clients send ISO 8601 date-times
with or without an offset; one without an offset, or a bare date, is read as UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

INSTANT_EXAMPLE = "2026-05-01T09:30:00Z"


def iso_utc(moment: datetime | None) -> str | None:
    """`2026-05-01T09:30:00Z` (Django REST framework's form); None stays None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def iso_utc_millis(moment: datetime) -> str:
    """`2026-05-01T09:30:00.000Z` (JavaScript's `toISOString`)."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def parse_instant(value: object) -> datetime:
    """An ISO 8601 date-time (any offset, `Z`, or none: UTC) or a bare date (its midnight UTC),
    as an aware datetime. Raises ValueError with the reason otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"must be an ISO 8601 date-time string such as {INSTANT_EXAMPLE}")
    text = value.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"must be an ISO 8601 date-time such as {INSTANT_EXAMPLE} (got {value!r})"
        ) from None
    if not 1900 <= moment.year <= 2999:
        raise ValueError("must be between the years 1900 and 2999")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
