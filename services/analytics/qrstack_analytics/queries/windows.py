"""Time windows of analytics requests: parsing `range` / `start` & `end` / `tz`, resolving them
to instants, choosing the series granularity, and listing the (zero-filled) series buckets.

A window is `[start, end)` in UTC with the timezone its buckets are drawn in:

- `range=7d|30d|90d` is the last N local calendar days including today: from local midnight
  N-1 days ago to the next local midnight.
- `range=all` starts at local midnight of the day of the first scan (today if none).
- `start`/`end` are ISO 8601 dates or date-times; without an offset they are local times in `tz`;
  a date-only `end` includes that whole day. At most 365 days apart.

Granularity: hourly up to 2 days, daily up to 180 days, monthly beyond (measured in local
wall-clock time, so a DST change day is still one day).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from qrstack_common.errors import Issue, validation_failed

Granularity = Literal["hour", "day", "month"]
PRESET_DAYS = {"7d": 7, "30d": 30, "90d": 90}
RANGES = (*PRESET_DAYS, "all")
MAX_EXPLICIT_DAYS = 365
HOURLY_UP_TO = timedelta(days=2)
DAILY_UP_TO = timedelta(days=180)


@dataclass(frozen=True)
class WindowRequest:
    """A validated window request, not yet tied to a moment (`now`, the first scan)."""

    preset: str | None  # "7d" | "30d" | "90d" | "all", or None for explicit start/end
    start: datetime | None  # UTC, explicit windows only
    end: datetime | None
    tz: ZoneInfo
    include_bots: bool


@dataclass(frozen=True)
class Window:
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    tz: ZoneInfo
    granularity: Granularity

    def describe(self) -> dict[str, str]:
        """The window as the HTTP answer's `range` object."""
        return {
            "start": self.start.astimezone(self.tz).isoformat(),
            "end": self.end.astimezone(self.tz).isoformat(),
            "tz": self.tz.key,
            "granularity": self.granularity,
        }


@dataclass(frozen=True)
class Bucket:
    key: str | int  # as the series query labels it: unix seconds (hour) or a local date
    start: datetime  # UTC


def parse_bool(raw: str | None, name: str, issues: list[Issue], default: bool = False) -> bool:
    if raw is None or raw == "":
        return default
    lowered = raw.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    issues.append(Issue((name,), "must be true or false"))
    return default


def parse_zone(raw: str | None, known: frozenset[str], issues: list[Issue]) -> ZoneInfo:
    name = raw or "UTC"
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        issues.append(Issue(("tz",), f"unknown IANA time zone {name!r}"))
        return ZoneInfo("UTC")
    if known and name not in known:
        issues.append(Issue(("tz",), f"time zone {name!r} is not supported by the analytics store"))
        return ZoneInfo("UTC")
    return zone


def parse_window_request(
    query: Mapping[str, str], known_zones: frozenset[str] = frozenset()
) -> WindowRequest:
    """Validate `range`, `start`, `end`, `tz` and `includeBots`. Raises 400 `validation_failed`
    listing every bad parameter."""
    issues: list[Issue] = []
    tz = parse_zone(query.get("tz"), known_zones, issues)
    include_bots = parse_bool(query.get("includeBots"), "includeBots", issues)
    preset = query.get("range")
    raw_start, raw_end = query.get("start"), query.get("end")
    start = end = None
    if preset is not None and (raw_start or raw_end):
        issues.append(Issue(("range",), "give either range or start and end, not both"))
    elif preset is not None:
        if preset not in RANGES:
            issues.append(Issue(("range",), f"must be one of {', '.join(RANGES)}"))
    elif raw_start or raw_end:
        if not raw_start:
            issues.append(Issue(("start",), "required with end"))
        if not raw_end:
            issues.append(Issue(("end",), "required with start"))
        if raw_start and raw_end:
            start = _instant(raw_start, tz, "start", issues, inclusive_date_end=False)
            end = _instant(raw_end, tz, "end", issues, inclusive_date_end=True)
            if start is not None and end is not None:
                _check_span(start, end, tz, issues)
    else:
        preset = "30d"
    if issues:
        raise validation_failed(issues)
    return WindowRequest(preset, start, end, tz, include_bots)


def _instant(
    raw: str, tz: ZoneInfo, name: str, issues: list[Issue], *, inclusive_date_end: bool
) -> datetime | None:
    text = raw.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            if inclusive_date_end:
                day += timedelta(days=1)
            return local_midnight(day, tz)
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        issues.append(Issue((name,), "must be an ISO 8601 date or date-time"))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def _check_span(start: datetime, end: datetime, tz: ZoneInfo, issues: list[Issue]) -> None:
    if end <= start:
        issues.append(Issue(("end",), "must be after start"))
    elif wall_span(start, end, tz) > timedelta(days=MAX_EXPLICIT_DAYS):
        issues.append(Issue(("end",), f"must be at most {MAX_EXPLICIT_DAYS} days after start"))


def wall_span(start: datetime, end: datetime, tz: ZoneInfo) -> timedelta:
    """The local wall-clock time between two instants (a 23-hour DST day counts as 24h)."""
    return end.astimezone(tz).replace(tzinfo=None) - start.astimezone(tz).replace(tzinfo=None)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of a local calendar day, in UTC (where midnight does not exist, the
    day starts when the clocks jump)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def granularity_for(start: datetime, end: datetime, tz: ZoneInfo) -> Granularity:
    span = wall_span(start, end, tz)
    if span <= HOURLY_UP_TO:
        return "hour"
    if span <= DAILY_UP_TO:
        return "day"
    return "month"


def resolve_window(
    request: WindowRequest, now: datetime, first_scan: datetime | None = None
) -> Window:
    """The window a request means at `now` (for `range=all`, given the first scan's time)."""
    tz = request.tz
    if request.start is not None and request.end is not None:
        start, end = request.start, request.end
    else:
        today = now.astimezone(tz).date()
        end = local_midnight(today + timedelta(days=1), tz)
        if request.preset == "all":
            first_day = first_scan.astimezone(tz).date() if first_scan is not None else today
            start = local_midnight(min(first_day, today), tz)
        else:
            days = PRESET_DAYS[request.preset or "30d"]
            start = local_midnight(today - timedelta(days=days - 1), tz)
    return Window(start, end, tz, granularity_for(start, end, tz))


def buckets(window: Window) -> list[Bucket]:
    """Every series bucket of the window, in order: local hours (keyed by their start in unix
    seconds), local days (keyed `YYYY-MM-DD`) or local months (keyed `YYYY-MM-01`)."""
    tz = window.tz
    out: list[Bucket] = []
    if window.granularity == "hour":
        moment = _local_hour_floor(window.start, tz)
        while moment < window.end:
            out.append(Bucket(int(moment.timestamp()), moment))
            moment = _local_hour_floor(moment + timedelta(hours=1), tz)
        return out
    day = window.start.astimezone(tz).date()
    last = (window.end - timedelta(microseconds=1)).astimezone(tz).date()
    if window.granularity == "month":
        day = day.replace(day=1)
    while day <= last:
        out.append(Bucket(day.isoformat(), local_midnight(day, tz)))
        if window.granularity == "day":
            day += timedelta(days=1)
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def _local_hour_floor(moment: datetime, tz: ZoneInfo) -> datetime:
    local = moment.astimezone(tz)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
