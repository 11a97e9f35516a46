"""When a failed delivery is tried again: the retry schedule, jitter, and `Retry-After`."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

MAX_RETRY_AFTER_S = 86_400.0  # a Retry-After beyond a day is read as a day
JITTER = 0.2  # each wait is scheduled within ±20 %


def attempts_allowed(schedule: Sequence[float], max_attempts: int | None) -> int:
    """How many attempts a delivery gets: one more than the schedule has waits, unless the
    delivery says fewer (a manual retry gets one)."""
    return max_attempts if max_attempts is not None else len(schedule) + 1


def retry_delay(schedule: Sequence[float], attempts_made: int, retry_after: float | None) -> float:
    """Seconds to wait before the next attempt, after `attempts_made` attempts (≥ 1) failed.
    Never earlier than the receiver's Retry-After."""
    base = schedule[min(attempts_made, len(schedule)) - 1]
    delay = base * random.uniform(1 - JITTER, 1 + JITTER)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or
    unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
