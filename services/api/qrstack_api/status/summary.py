"""Reading the status page from what the sampler recorded (two queries, no probing: the page
is public and must stay cheap)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from qrstack_api.status.model import ComponentStatus, DayStatus, Shown, StatusSummary
from qrstack_api.status.probes import COMPONENTS

_SEVERITY: dict[Shown, int] = {"operational": 0, "degraded": 1, "outage": 2, "unknown": -1}


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 3) if whole else None


def _day(day: date, row: Any | None) -> DayStatus:
    if row is None:
        return DayStatus(date=day, status="unknown", uptime=None, checks=0)
    checks = row["operational"] + row["degraded"] + row["outage"]
    worst: Shown = "outage" if row["outage"] else "degraded" if row["degraded"] else "operational"
    return DayStatus(
        date=day, status=worst, uptime=_percent(row["operational"], checks), checks=checks
    )


def _component(
    name: str, current: Any | None, days: Sequence[date], rows: dict[date, Any], stale: datetime
) -> ComponentStatus:
    history = [_day(day, rows.get(day)) for day in days]
    total = sum(d.checks for d in history)
    up = sum(rows[d.date]["operational"] for d in history if d.date in rows)
    status: Shown = "unknown"
    detail = None
    if current is not None:
        detail = current["detail"]
        if current["checked_at"] >= stale:
            status = current["status"]
        else:
            detail = "not sampled recently"
    return ComponentStatus(
        name=name,
        status=status,
        detail=detail,
        checked_at=current["checked_at"] if current else None,
        since=current["changed_at"] if current else None,
        uptime=_percent(up, total),
        history=history,
    )


async def status_summary(
    pool: asyncpg.Pool, *, now: datetime, stale_after_s: float, days: int
) -> StatusSummary:
    """Every component's current status (unknown when its latest sample is older than
    `stale_after_s`) and its last `days` days (UTC), oldest first."""
    today = now.date()
    first = today - timedelta(days=days - 1)
    current = {r["component"]: r for r in await pool.fetch("SELECT * FROM status_components")}
    counted: dict[str, dict[date, Any]] = {}
    for row in await pool.fetch("SELECT * FROM status_days WHERE day >= $1", first):
        counted.setdefault(row["component"], {})[row["day"]] = row
    span = [first + timedelta(days=i) for i in range(days)]
    stale = now - timedelta(seconds=stale_after_s)
    components = [
        _component(name, current.get(name), span, counted.get(name, {}), stale)
        for name in COMPONENTS
    ]
    worst = max((c.status for c in components), key=_SEVERITY.__getitem__)
    checked = [c.checked_at for c in components if c.checked_at is not None]
    return StatusSummary(
        status=worst, updated_at=max(checked) if checked else None, components=components
    )
