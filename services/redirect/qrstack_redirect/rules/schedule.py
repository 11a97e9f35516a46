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

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d|24:00")
_MINUTES_PER_DAY = 24 * 60


class InvalidCondition(ValueError):
    """A condition that cannot be evaluated; the message says which field and why."""


def parse_clock(value: str, field: str, *, allow_end_of_day: bool) -> int:
    """Minutes since midnight for `HH:MM`. Raises `InvalidCondition` naming `field`."""
    if not _CLOCK.fullmatch(value) or (value == "24:00" and not allow_end_of_day):
        raise InvalidCondition(f"{field} {value!r} is not a time of day HH:MM")
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def load_zone(name: str | None) -> ZoneInfo:
    """The IANA timezone `name`. Raises `InvalidCondition` if it is missing or unknown."""
    if not name:
        raise InvalidCondition("timezone is required with days_of_week, start_time or end_time")
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        raise InvalidCondition(f"timezone {name!r} is not an IANA timezone") from None


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
            if not day_set <= frozenset(range(7)):
                raise InvalidCondition(f"days_of_week {sorted(day_set)} are not all in 0..6")
            self.days: frozenset[int] | None = day_set
        else:
            self.days = None
        self.start: int | None = None
        self.end: int | None = None
        if start is not None or end is not None:
            first = parse_clock(start, "start_time", allow_end_of_day=False) if start else 0
            last = parse_clock(end, "end_time", allow_end_of_day=True) if end else _MINUTES_PER_DAY
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
