"""A code's status as clients see it, derived from what is stored and its scan count."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from qrstack_api.codes.model import DerivedStatus


def derived_status(row: Any, now: datetime, scans_used: int | None) -> DerivedStatus:
    """deleted/suspended as stored; else scheduled before activeFrom, expired from expiresAt,
    limit_reached once the scan cap counted `maxScans` scans (`scans_used`), else active."""
    stored: str = row["status"]
    if stored == "deleted":
        return "deleted"
    if stored == "suspended":
        return "suspended"
    if row["active_from"] is not None and now < row["active_from"]:
        return "scheduled"
    if row["expires_at"] is not None and now >= row["expires_at"]:
        return "expired"
    if row["max_scans"] is not None and scans_used is not None and scans_used >= row["max_scans"]:
        return "limit_reached"
    return "active"
