"""Calendar events: an iCalendar object (RFC 5545) with one VEVENT.

TurtleQR's `event` (startsAt/endsAt) and RecodeQR's `event` (date_start/date_end + timezone)
are one model; TurtleQR's `calendar` type is the same event under its own field names
(startIso/endIso, allDay) and reads back under them. Date-times without an offset are
read in `timezone` (IANA, default UTC); the output carries UTC times with `Z`, which every
calendar reads the same way (a TZID needs a VTIMEZONE block that phone readers ignore).
All-day events are DATE values with an exclusive end, as RFC 5545 wants.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from qrstack_common.errors import Issue
from qrstack_common.payloads.content_lines import content_lines, escape_text
from qrstack_common.payloads.fields import (
    NOT_EMPTY,
    IanaTimezone,
    IsoDateTime,
    Line,
    Prose,
    at_most,
)
from qrstack_common.payloads.model import Payload, alias

PRODID = "-//qrstack//payloads//EN"


class EventPayload(Payload):
    """`title` (max 255), `startsAt` and `endsAt` (ISO 8601; the end after the start),
    `location` and `description` (max 255 each), `timezone`, `allDay`."""

    title: Annotated[Line, NOT_EMPTY, at_most(255)]
    starts_at: IsoDateTime = alias("startsAt", "startIso", "date_start", "dateStart")
    ends_at: IsoDateTime = alias("endsAt", "endIso", "date_end", "dateEnd")
    location: Annotated[Line, at_most(255)] | None = None
    description: Annotated[Prose, at_most(255)] | None = None
    timezone: IanaTimezone = "UTC"
    all_day: bool = False

    def _local(self, moment: datetime) -> datetime:
        zone = ZoneInfo(self.timezone)
        return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)

    def start_utc(self) -> datetime:
        return self._local(self.starts_at).astimezone(UTC)

    def end_utc(self) -> datetime:
        return self._local(self.ends_at).astimezone(UTC)

    def first_day(self) -> date:
        return self._local(self.starts_at).date()

    def last_day(self) -> date:
        """The last day of an all-day event (inclusive, as people write it)."""
        return self._local(self.ends_at).date()

    def cross_field_issues(self) -> list[Issue]:
        if self.all_day:
            if self.last_day() < self.first_day():
                return [Issue(("ends_at",), "must be on or after the start day")]
        elif self.end_utc() <= self.start_utc():
            return [Issue(("ends_at",), "must be after the start time")]
        return []


class CalendarPayload(EventPayload):
    """TurtleQR's `calendar`: `title`, `startIso`, `endIso`, `location`, `description`,
    `allDay` (and qrstack's `timezone` for times without an offset)."""

    starts_at: IsoDateTime = alias("startIso", "startsAt", "start_iso")
    ends_at: IsoDateTime = alias("endIso", "endsAt", "end_iso")


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _uid(body: list[str]) -> str:
    # Derived from what the event says, so one event always encodes to the same bytes (and
    # the same image), and any change to it is a new event for calendars.
    digest = hashlib.sha256("\n".join(body).encode("utf-8")).hexdigest()
    return f"{digest[:24]}@qrstack"


def encode_event(event: EventPayload) -> str:
    if event.all_day:
        first, after_last = event.first_day(), event.last_day() + timedelta(days=1)
        stamp = _utc_stamp(datetime.combine(first, datetime.min.time(), UTC))
        times = [
            f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
            f"DTEND;VALUE=DATE:{after_last:%Y%m%d}",
        ]
    else:
        stamp = _utc_stamp(event.start_utc())
        times = [f"DTSTART:{_utc_stamp(event.start_utc())}", f"DTEND:{_utc_stamp(event.end_utc())}"]
    body = [*times, f"SUMMARY:{escape_text(event.title)}"]
    if event.location:
        body.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        body.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "BEGIN:VEVENT",
        f"UID:{_uid(body)}",
        f"DTSTAMP:{stamp}",  # required; the start keeps the output deterministic
        *body,
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return content_lines(lines)
