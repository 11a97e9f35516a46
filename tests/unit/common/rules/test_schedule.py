"""Time-of-day and day-of-week rules on the rule's own wall clock: across DST changes, across
midnight, and on days that differ between the rule's timezone and UTC."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from qrstack_common.events import RuleSnapshot
from qrstack_common.rules import ClientFacts, TimeWindow, compile_rules

CHICAGO = ZoneInfo("America/Chicago")
RuleFactory = Callable[..., RuleSnapshot]  # the `make_rule` fixture


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def minutes_inside(window: TimeWindow, start: datetime, hours: int) -> int:
    """How many of the minutes from `start` on, for `hours`, fall inside `window`."""
    return sum(window.contains(start + timedelta(minutes=m)) for m in range(hours * 60))


OFFICE_HOURS = TimeWindow(CHICAGO, start="09:00", end="17:00")


@pytest.mark.parametrize(
    ("instant", "inside"),
    [
        # 2026-03-08: clocks go from 02:00 CST (UTC-6) to 03:00 CDT (UTC-5).
        (utc(2026, 3, 7, 14, 30), False),  # Saturday 08:30 CST
        (utc(2026, 3, 8, 14, 30), True),  # Sunday 09:30 CDT: same UTC time, now inside
        (utc(2026, 3, 7, 22, 30), True),  # 16:30 CST
        (utc(2026, 3, 8, 22, 30), False),  # 17:30 CDT
        # 2026-11-01: clocks go from 02:00 CDT back to 01:00 CST.
        (utc(2026, 10, 31, 14, 30), True),  # 09:30 CDT
        (utc(2026, 11, 1, 14, 30), False),  # 08:30 CST
        (utc(2026, 11, 1, 15, 0), True),  # 09:00 CST, inclusive start
        (utc(2026, 11, 1, 23, 0), False),  # 17:00 CST, exclusive end
    ],
)
def test_office_hours_follow_chicago_across_dst(instant: datetime, inside: bool) -> None:
    assert OFFICE_HOURS.contains(instant) is inside


def test_office_hours_last_eight_real_hours_on_both_dst_days() -> None:
    assert minutes_inside(OFFICE_HOURS, utc(2026, 3, 8, 6), 24) == 8 * 60
    assert minutes_inside(OFFICE_HOURS, utc(2026, 11, 1, 5), 24) == 8 * 60


def test_wall_clock_hour_skipped_by_dst_never_happens() -> None:
    skipped = TimeWindow(CHICAGO, start="02:00", end="03:00")
    assert minutes_inside(skipped, utc(2026, 3, 8, 5), 6) == 0
    assert minutes_inside(skipped, utc(2026, 3, 9, 5), 6) == 60


def test_wall_clock_hour_repeated_by_dst_happens_twice() -> None:
    repeated = TimeWindow(CHICAGO, start="01:00", end="02:00")
    assert repeated.contains(utc(2026, 11, 1, 6, 30))  # 01:30 CDT
    assert repeated.contains(utc(2026, 11, 1, 7, 30))  # 01:30 CST
    assert minutes_inside(repeated, utc(2026, 11, 1, 4), 6) == 120


def test_overnight_window_spans_midnight_and_dst() -> None:
    overnight = TimeWindow(CHICAGO, start="22:00", end="06:00")
    # The night of 7–8 March loses an hour: 22:00 CST to 06:00 CDT is 7 real hours.
    assert minutes_inside(overnight, utc(2026, 3, 7, 12), 24) == 7 * 60
    assert minutes_inside(overnight, utc(2026, 10, 31, 12), 24) == 9 * 60
    assert overnight.contains(utc(2026, 6, 2, 4, 30))  # 23:30 CDT
    assert overnight.contains(utc(2026, 6, 2, 10, 59))  # 05:59 CDT
    assert not overnight.contains(utc(2026, 6, 2, 11, 0))  # 06:00 CDT, exclusive end
    assert not overnight.contains(utc(2026, 6, 2, 20, 0))  # 15:00 CDT


# Friday night 22:00–02:00 in Chicago (June: CDT, UTC-5). 2026-06-05 is a Friday.
FRIDAY_NIGHT = TimeWindow(CHICAGO, days=(5,), start="22:00", end="02:00")


@pytest.mark.parametrize(
    ("local", "inside"),
    [
        (datetime(2026, 6, 5, 21, 59), False),
        (datetime(2026, 6, 5, 22, 0), True),  # Friday 22:00
        (datetime(2026, 6, 5, 23, 59), True),
        (datetime(2026, 6, 6, 0, 0), True),  # Saturday 00:00, still Friday's window
        (datetime(2026, 6, 6, 1, 59), True),
        (datetime(2026, 6, 6, 2, 0), False),  # exclusive end
        (datetime(2026, 6, 5, 1, 0), False),  # Friday 01:00 belongs to Thursday's window
        (datetime(2026, 6, 6, 23, 0), False),  # Saturday night is not Friday night
    ],
)
def test_days_of_week_for_a_window_that_spans_midnight(local: datetime, inside: bool) -> None:
    assert FRIDAY_NIGHT.contains(local.replace(tzinfo=CHICAGO)) is inside


def test_day_of_week_is_the_day_in_the_rule_timezone() -> None:
    # 2026-05-02 16:00 UTC is Saturday in UTC but Sunday 01:00 in Tokyo; 0 = Sunday.
    instant = utc(2026, 5, 2, 16)
    assert TimeWindow(ZoneInfo("Asia/Tokyo"), days=(0,)).contains(instant)
    assert not TimeWindow(ZoneInfo("UTC"), days=(0,)).contains(instant)
    assert TimeWindow(ZoneInfo("UTC"), days=(6,)).contains(instant)


@pytest.mark.parametrize(
    ("start", "end", "inside_at"),
    [
        ("18:00", None, ["18:00", "23:59"]),
        (None, "08:00", ["00:00", "07:59"]),
        ("12:00", "24:00", ["12:00", "23:59"]),
        ("07:00", "07:00", ["00:00", "06:59", "07:00", "23:59"]),  # equal: the whole day
    ],
)
def test_open_ended_and_whole_day_windows(
    start: str | None, end: str | None, inside_at: list[str]
) -> None:
    window = TimeWindow(ZoneInfo("UTC"), start=start, end=end)
    inside = {
        f"{m // 60:02}:{m % 60:02}"
        for m in range(1440)
        if window.contains(utc(2026, 1, 1) + timedelta(minutes=m))
    }
    assert set(inside_at) <= inside
    expected = {"18:00": 360, "08:00": 480, "12:00": 720, "07:00": 1440}
    assert len(inside) == expected[start or end or ""]


def test_naive_time_is_taken_as_utc() -> None:
    window = TimeWindow(ZoneInfo("UTC"), start="09:00", end="10:00")
    assert window.contains(datetime(2026, 1, 1, 9, 30))
    assert not window.contains(datetime(2026, 1, 1, 10, 30))


def test_time_rule_in_a_code_routes_by_chicago_business_hours(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    weekdays = make_rule(
        1,
        "https://example.com/open",
        type="time",
        days_of_week=(1, 2, 3, 4, 5),
        start_time="09:00",
        end_time="17:00",
        timezone="America/Chicago",
    )
    compiled = compile_rules([weekdays])
    monday_morning = utc(2026, 3, 9, 14, 30)  # 09:30 CDT Monday
    sunday_morning = utc(2026, 3, 8, 14, 30)  # 09:30 CDT Sunday
    assert compiled.match(desktop_facts, monday_morning, {}, "s") is not None
    assert compiled.match(desktop_facts, sunday_morning, {}, "s") is None
