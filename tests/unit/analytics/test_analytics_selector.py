"""The storage selector: rollups for the aligned middle of a window, raw scans for its edges,
and the nearest rollup boundary once raw scans have expired."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from qrstack_analytics.queries.selector import (
    breakdown_segments,
    raw_horizon,
    timeline_segments,
)
from qrstack_analytics.queries.windows import Window

UTC_ZONE = ZoneInfo("UTC")
NEW_YORK = ZoneInfo("America/New_York")


def at(day: int, hour: int = 0, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def test_a_utc_window_of_whole_days_reads_rollups_only() -> None:
    window = Window(at(1), at(8), UTC_ZONE, "day")
    assert timeline_segments(window, None).raw == ()
    daily = breakdown_segments(window, None)
    assert daily.raw == () and daily.rollup_days == (date(2026, 6, 1), date(2026, 6, 8))


def test_a_new_york_window_reads_its_partial_utc_days_from_raw_scans() -> None:
    window = Window(at(1, 4), at(8, 4), NEW_YORK, "day")
    assert timeline_segments(window, None).raw == ()  # 15-minute slots align with any offset
    daily = breakdown_segments(window, None)
    assert daily.rollup_days == (date(2026, 6, 2), date(2026, 6, 8))
    assert daily.raw == ((at(1, 4), at(2)), (at(8), at(8, 4)))


def test_explicit_times_between_slots_read_the_edges_from_raw_scans() -> None:
    window = Window(at(1, 10, 7), at(1, 12, 50), UTC_ZONE, "hour")
    segments = timeline_segments(window, None)
    assert segments.rollup == (at(1, 10, 15), at(1, 12, 45))
    assert segments.raw == ((at(1, 10, 7), at(1, 10, 15)), (at(1, 12, 45), at(1, 12, 50)))
    assert breakdown_segments(window, None).raw == ((at(1, 10, 7), at(1, 12, 50)),)


def test_expired_raw_edges_are_answered_by_the_nearest_rollup_boundary() -> None:
    window = Window(at(1, 4), at(8, 4), NEW_YORK, "day")
    horizon = at(5)
    daily = breakdown_segments(window, horizon)
    assert daily.rollup_days == (date(2026, 6, 1), date(2026, 6, 8))  # start rounded
    assert daily.raw == ((at(8), at(8, 4)),)  # the recent edge is still raw
    short = breakdown_segments(Window(at(1, 4), at(1, 20), NEW_YORK, "hour"), horizon)
    assert short.raw == () and short.rollup_days == (date(2026, 6, 1), date(2026, 6, 2))


def test_the_raw_horizon_is_the_retention_counted_in_whole_days() -> None:
    now = datetime(2026, 6, 30, 15, tzinfo=UTC)
    assert raw_horizon(now, 30) == datetime(2026, 6, 1, tzinfo=UTC)
    assert raw_horizon(now, 0) is None
    assert raw_horizon(now, 1) == now.replace(hour=0) - timedelta(0)
