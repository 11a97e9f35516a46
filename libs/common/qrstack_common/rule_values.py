"""Which values a routing rule's condition may hold: the one definition the API validates
rules with when they are written and the redirect service compiles them with.

Each function returns the value in its normal form (or what evaluating it needs) and raises
`ValueError` with a sentence for the person who wrote the rule; callers add the field name.
"""

from __future__ import annotations

import ipaddress
import re
from zoneinfo import ZoneInfo

WEEKDAYS = range(7)  # 0 = Sunday ... 6 = Saturday
MINUTES_PER_DAY = 24 * 60

_CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
_END_OF_DAY = "24:00"


def clock_minutes(value: str, *, end: bool = False) -> int:
    """Minutes since midnight of a time of day `HH:MM`; an end time may also be `24:00`."""
    if not (_CLOCK.fullmatch(value) or (end and value == _END_OF_DAY)):
        last = _END_OF_DAY if end else "23:59"
        raise ValueError(f"{value!r} is not a time of day HH:MM (00:00 to {last})")
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def time_zone(name: str) -> ZoneInfo:
    """The IANA timezone `name`."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        raise ValueError(f"{name!r} is not an IANA timezone (e.g. America/Chicago)") from None


def network(value: str) -> str:
    """An address or CIDR in network form (`203.0.113.0/24`); host bits set are refused, since
    `203.0.113.7/24` more likely means a typo than the whole network."""
    text = value.strip()
    try:
        return str(ipaddress.ip_network(text, strict=True))
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address or CIDR (e.g. 203.0.113.0/24)") from None
    raise ValueError(f"{value!r} has host bits set; did you mean {loose}?")
