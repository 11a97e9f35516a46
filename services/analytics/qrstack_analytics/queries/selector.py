"""The storage selector: which table answers which part of a window.

Three sources hold the same counted scans at different grains:

- `scans_daily`  per UTC day and dimension value — breakdowns over whole UTC days;
- `scans_15m`    per 15-minute slot — series, hour of day, day of week and totals; every
                 timezone offset is a multiple of 15 minutes, so local buckets are exact unions;
- `scans` (raw)  everything, but only for the retention period — the pieces of a window that no
                 rollup row covers exactly (a breakdown's partial first and last day in a
                 timezone other than UTC; explicit start/end between two slots).

A window is cut into `Segments`: the rollup covers the largest aligned middle, raw rows the
edges. Edges older than the raw retention no longer exist, so they are answered by the
rollup's nearest boundary instead (a breakdown beyond the retention in a non-UTC timezone is
then approximate by at most the timezone's offset at each end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from qrstack_analytics.queries.windows import Window

SLOT = timedelta(minutes=15)
DAY = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Segments:
    rollup: tuple[datetime, datetime] | None  # [lo, hi) aligned to the rollup's grain
    raw: tuple[tuple[datetime, datetime], ...]  # [lo, hi) pieces read from raw scans

    def settings(self) -> str:
        """Per-query settings: a read of rollup rows only is a few thousand rows, answered
        fastest on one thread (two small queries of one answer run side by side)."""
        return "" if self.raw else " SETTINGS max_threads = 1"

    @property
    def rollup_days(self) -> tuple[date, date] | None:
        if self.rollup is None:
            return None
        return self.rollup[0].date(), self.rollup[1].date()


def _floor(moment: datetime, grain: timedelta) -> datetime:
    return _EPOCH + ((moment - _EPOCH) // grain) * grain


def _ceil(moment: datetime, grain: timedelta) -> datetime:
    floored = _floor(moment, grain)
    return floored if floored == moment else floored + grain


def _nearest(moment: datetime, grain: timedelta) -> datetime:
    return _floor(moment + grain / 2, grain)


def segments(window: Window, grain: timedelta, raw_horizon: datetime | None) -> Segments:
    """Cut `window` for a rollup of `grain` (15 minutes or one day). `raw_horizon` is the oldest
    instant raw scans are kept for (None: kept forever)."""
    start, end = window.start, window.end
    lo, hi = _ceil(start, grain), _floor(end, grain)
    if lo >= hi:
        # No whole rollup row inside the window: raw only, if it still exists.
        if raw_horizon is None or start >= raw_horizon:
            return Segments(None, ((start, end),))
        lo, hi = _nearest(start, grain), _nearest(end, grain)
        if lo >= hi:
            hi = lo + grain
        return Segments((lo, hi), ())
    raw: list[tuple[datetime, datetime]] = []
    if start < lo:
        if raw_horizon is None or start >= raw_horizon:
            raw.append((start, lo))
        else:
            lo = _nearest(start, grain)
    if hi < end:
        if raw_horizon is None or hi >= raw_horizon:
            raw.append((hi, end))
        else:
            hi = _nearest(end, grain)
    return Segments((lo, hi), tuple(raw))


def timeline_segments(window: Window, raw_horizon: datetime | None) -> Segments:
    """For series, hour of day, day of week and totals (`scans_15m`)."""
    return segments(window, SLOT, raw_horizon)


def breakdown_segments(window: Window, raw_horizon: datetime | None) -> Segments:
    """For breakdowns by dimension (`scans_daily`)."""
    return segments(window, DAY, raw_horizon)


def raw_horizon(now: datetime, retention_days: int) -> datetime | None:
    """The oldest raw scan still kept (retention is applied per whole day, so be safe by one)."""
    if retention_days <= 0:
        return None
    today = datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)
    return today - timedelta(days=retention_days - 1)
