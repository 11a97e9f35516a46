"""Time-of-day and day-of-week conditions, evaluated on the wall clock of the rule's IANA
timezone (so "09:00–17:00 America/Chicago" follows Chicago across DST changes).

Semantics:
- `start_time` is inclusive, `end_time` exclusive, both `HH:MM` (`24:00` allowed as an end);
  evaluated to the minute. Start only: from start to midnight. End only: from midnight to end.
  Start equal to end: the whole day.
- An end before the start spans midnight: `22:00`–`02:00` holds from 22:00 to 01:59.
- Days of week use 0 = Sunday … 6 = Saturday. For a window that spans midnight the part after
  midnight belongs to the day the window opened: "Friday 22:00–02:00" holds on Saturday at
  01:00, not on Friday at 01:00 — which is what a person setting that rule means.
- Wall-clock times that a DST change skips never occur; times it repeats occur twice (both
  instances are inside a window that contains that wall-clock time).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from qrstack_common import rule_values
from qrstack_common.rule_values import MINUTES_PER_DAY


class InvalidCondition(ValueError):
    """A condition that cannot be evaluated; the message says which field and why."""


def parse_clock(value: str, field: str, *, allow_end_of_day: bool) -> int:
    """Minutes since midnight for `HH:MM`. Raises `InvalidCondition` naming `field`."""
    try:
        return rule_values.clock_minutes(value, end=allow_end_of_day)
    except ValueError as exc:
        raise InvalidCondition(f"{field} {exc}") from None


def load_zone(name: str | None) -> ZoneInfo:
    """The IANA timezone `name`. Raises `InvalidCondition` if it is missing or unknown."""
    if not name:
        raise InvalidCondition("timezone is required with days_of_week, start_time or end_time")
    try:
        return rule_values.time_zone(name)
    except ValueError as exc:
        raise InvalidCondition(f"timezone {exc}") from None


class TimeWindow:
    """Days of the week and a time-of-day window in one timezone; see the module docstring."""

    __slots__ = ("days", "end", "start", "zone")

    def __init__(
        self,
        zone: ZoneInfo,
        days: Iterable[int] | None = None,
        start: str | None = None,
        end: str | None = None,
    ) -> None:
        """Raises `InvalidCondition` for a day outside 0–6, an empty day list or a bad time."""
        self.zone = zone
        if days is not None:
            day_set = frozenset(days)
            if not day_set:
                raise InvalidCondition("days_of_week is empty")
            if not day_set <= frozenset(rule_values.WEEKDAYS):
                raise InvalidCondition(f"days_of_week {sorted(day_set)} are not all in 0..6")
            self.days: frozenset[int] | None = day_set
        else:
            self.days = None
        self.start: int | None = None
        self.end: int | None = None
        if start is not None or end is not None:
            first = parse_clock(start, "start_time", allow_end_of_day=False) if start else 0
            last = parse_clock(end, "end_time", allow_end_of_day=True) if end else MINUTES_PER_DAY
            self.start, self.end = first, last

    def contains(self, now: datetime) -> bool:
        """Whether the instant `now` (aware; naive is taken as UTC) is inside the window."""
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        local = now.astimezone(self.zone)
        weekday = local.isoweekday() % 7  # 0 = Sunday
        start, end = self.start, self.end
        if start is not None and end is not None and start != end:
            minute = local.hour * 60 + local.minute
            if start < end:
                if not start <= minute < end:
                    return False
            elif minute < end:
                weekday = (weekday - 1) % 7  # after midnight: the window opened yesterday
            elif minute < start:
                return False
        return self.days is None or weekday in self.days
