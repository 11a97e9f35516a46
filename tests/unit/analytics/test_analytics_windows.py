"""Analytics windows: parsing, presets, granularity and buckets, across DST and odd offsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from qrstack_analytics.queries.windows import (
    Window,
    buckets,
    parse_window_request,
    resolve_window,
)
from qrstack_common.errors import ApiError

NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")


def issues_of(query: dict[str, str]) -> dict[str, str]:
    with pytest.raises(ApiError) as caught:
        parse_window_request(query, frozenset({"UTC", "America/New_York", "Asia/Kolkata"}))
    assert caught.value.code == "validation_failed" and caught.value.status == 400
    return {".".join(map(str, i.path)): i.reason for i in caught.value.issues}


def test_bad_parameters_are_refused_each_with_its_reason() -> None:
    assert "range" in issues_of({"range": "1y"})
    assert issues_of({"tz": "Mars/Olympus"})["tz"].startswith("unknown IANA time zone")
    assert "not supported" in issues_of({"tz": "Europe/Paris"})["tz"]  # unknown to the store
    assert set(issues_of({"range": "7d", "start": "2026-01-01", "end": "2026-01-02"})) == {"range"}
    assert set(issues_of({"start": "2026-01-01"})) == {"end"}
    assert issues_of({"start": "yesterday", "end": "2026-01-02"})["start"].startswith("must be")
    assert issues_of({"start": "2026-02-01", "end": "2026-01-01"})["end"] == "must be after start"
    assert "365" in issues_of({"start": "2025-01-01", "end": "2026-01-01"})["end"]
    assert set(issues_of({"range": "2w", "tz": "Nowhere", "includeBots": "maybe"})) == {
        "range",
        "tz",
        "includeBots",
    }


def test_explicit_dates_are_local_days_and_a_date_end_includes_its_day() -> None:
    request = parse_window_request({"start": "2026-03-01", "end": "2026-03-31", "tz": "UTC"})
    window = resolve_window(request, datetime(2026, 6, 1, tzinfo=UTC))
    assert window.start == datetime(2026, 3, 1, tzinfo=UTC)
    assert window.end == datetime(2026, 4, 1, tzinfo=UTC)
    assert window.granularity == "day" and len(buckets(window)) == 31
    # 365 days exactly is allowed
    parse_window_request({"start": "2025-01-01", "end": "2025-12-31"})


def test_naive_times_are_read_in_tz_and_offsets_are_respected() -> None:
    request = parse_window_request(
        {"start": "2026-07-01T09:00", "end": "2026-07-01T17:30:00+00:00", "tz": "America/New_York"}
    )
    assert request.start == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    assert request.end == datetime(2026, 7, 1, 17, 30, tzinfo=UTC)


def test_presets_are_the_last_n_local_days_including_today() -> None:
    now = datetime(2026, 3, 9, 3, 30, tzinfo=UTC)  # still March 8 in New York
    window = resolve_window(parse_window_request({"range": "7d", "tz": "America/New_York"}), now)
    assert window.start.astimezone(NEW_YORK).isoformat() == "2026-03-02T00:00:00-05:00"
    # The window crosses the spring-forward night (March 8, 2026): the end is EDT.
    assert window.end.astimezone(NEW_YORK).isoformat() == "2026-03-09T00:00:00-04:00"
    assert window.granularity == "day"
    assert [b.key for b in buckets(window)][-2:] == ["2026-03-07", "2026-03-08"]
    assert window.describe() == {
        "start": "2026-03-02T00:00:00-05:00",
        "end": "2026-03-09T00:00:00-04:00",
        "tz": "America/New_York",
        "granularity": "day",
    }


def test_range_all_starts_on_the_day_of_the_first_scan() -> None:
    request = parse_window_request({"range": "all", "tz": "Asia/Kolkata"})
    now = datetime(2026, 9, 10, 12, tzinfo=UTC)
    first = datetime(2025, 12, 31, 20, 0, tzinfo=UTC)  # already January 1 in India
    window = resolve_window(request, now, first)
    assert window.start.astimezone(KOLKATA).isoformat() == "2026-01-01T00:00:00+05:30"
    assert window.granularity == "month"
    assert [b.key for b in buckets(window)] == [f"2026-{m:02d}-01" for m in range(1, 10)]
    never = resolve_window(request, now, None)
    assert never.granularity == "hour" and len(buckets(never)) == 24


@pytest.mark.parametrize(
    ("span", "granularity"),
    [
        (timedelta(days=2), "hour"),
        (timedelta(days=2, hours=1), "day"),
        (timedelta(days=180), "day"),
        (timedelta(days=181), "month"),
    ],
)
def test_granularity_follows_the_span(span: timedelta, granularity: str) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    request = parse_window_request({"start": start.isoformat(), "end": (start + span).isoformat()})
    assert resolve_window(request, start).granularity == granularity


def test_the_fall_back_day_has_25_hourly_buckets_with_the_repeated_hour_twice() -> None:
    start = datetime(2026, 11, 1, 4, tzinfo=UTC)  # local midnight, EDT
    end = datetime(2026, 11, 2, 5, tzinfo=UTC)  # next local midnight, EST
    labels = [
        b.start.astimezone(NEW_YORK).isoformat()
        for b in buckets(Window(start, end, NEW_YORK, "hour"))
    ]
    assert len(labels) == 25
    assert labels[1:3] == ["2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00"]


def test_the_spring_forward_day_has_23_hourly_buckets() -> None:
    start = datetime(2026, 3, 8, 5, tzinfo=UTC)
    end = datetime(2026, 3, 9, 4, tzinfo=UTC)
    labels = [
        b.start.astimezone(NEW_YORK).strftime("%H")
        for b in buckets(Window(start, end, NEW_YORK, "hour"))
    ]
    assert len(labels) == 23 and "02" not in labels


def test_hour_buckets_of_a_half_hour_zone_start_at_half_past_utc() -> None:
    start = datetime(2026, 1, 1, 18, 30, tzinfo=UTC)  # 2026-01-02 00:00 in India
    window = Window(start, start + timedelta(hours=3), KOLKATA, "hour")
    assert [b.start for b in buckets(window)] == [start + timedelta(hours=h) for h in range(3)]
    assert buckets(window)[0].key == int(start.timestamp())
