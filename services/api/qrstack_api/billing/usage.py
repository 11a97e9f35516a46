"""A workspace's usage: its codes, files and seats (PostgreSQL) and its scans (the analytics
service, which counts every scan the redirect emits; the API keeps no scan counter of its own
beyond the scan caps of capped codes)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import aiohttp
import asyncpg

from qrstack_api.accounts.teams import PENDING_INVITE

log = logging.getLogger(__name__)

# Billing must answer even when analytics is slow: its scan figures are then null.
_ANALYTICS_TIMEOUT = aiohttp.ClientTimeout(total=1.5)

_STORED = f"""
SELECT (SELECT count(*) FROM codes WHERE workspace_id = $1 AND status <> 'deleted') AS codes,
       (SELECT count(*) FROM memberships WHERE workspace_id = $1) AS members,
       (SELECT count(*) FROM invites WHERE workspace_id = $1 AND {PENDING_INVITE}) AS invites,
       count(f.code_id) AS files, coalesce(sum(f.size), 0)::bigint AS file_bytes
FROM codes c JOIN code_files f ON f.code_id = c.id
WHERE c.workspace_id = $1 AND c.status <> 'deleted'
"""  # noqa: S608  # a constant predicate; the workspace is a parameter


@dataclass(frozen=True)
class StoredUsage:
    """What the workspace holds in PostgreSQL."""

    codes: int  # not deleted: what the plan's code limit counts
    files: int  # uploaded files (PDF, images) of those codes
    file_bytes: int
    members: int
    pending_invites: int  # invites that can still be accepted: each takes a seat when it is


@dataclass(frozen=True)
class ScanUsage:
    """The workspace's scans from analytics (bots excluded, as its analytics show them);
    each figure None when analytics did not answer."""

    month_start: datetime  # the first instant of the current calendar month, UTC
    this_month: int | None
    all_time: int | None


async def stored_usage(pool: asyncpg.Pool, workspace_id: UUID) -> StoredUsage:
    row = await pool.fetchrow(_STORED, workspace_id)
    assert row is not None  # an aggregate answers one row
    return StoredUsage(
        codes=row["codes"],
        files=row["files"],
        file_bytes=row["file_bytes"],
        members=row["members"],
        pending_invites=row["invites"],
    )


def month_start(now: datetime) -> datetime:
    """The first instant of `now`'s calendar month in UTC."""
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(start: datetime) -> datetime:
    return (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )


async def scan_usage(
    session: aiohttp.ClientSession, analytics_url: str, workspace_id: UUID, now: datetime
) -> ScanUsage:
    """This calendar month's (UTC) and all-time scans, asked of analytics at the same time."""
    start = month_start(now)
    month = {
        "start": start.isoformat(),
        "end": _next_month(start).isoformat(),
        "tz": "UTC",
    }
    this_month, all_time = await asyncio.gather(
        _total_scans(session, analytics_url, workspace_id, month),
        _total_scans(session, analytics_url, workspace_id, {"range": "all"}),
    )
    return ScanUsage(month_start=start, this_month=this_month, all_time=all_time)


async def _total_scans(
    session: aiohttp.ClientSession,
    analytics_url: str,
    workspace_id: UUID,
    window: dict[str, str],
) -> int | None:
    """`totals.scans` of the analytics service's workspace analytics over `window`; None when
    it is unreachable, slow, or answers anything else."""
    url = f"{analytics_url}/internal/v1/workspaces/{workspace_id}/analytics"
    try:
        async with session.get(url, params=window, timeout=_ANALYTICS_TIMEOUT) as got:
            if got.status != 200:
                log.warning("analytics workspace totals failed", extra={"status": got.status})
                return None
            body = await got.json()
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        log.warning("analytics unreachable for billing", extra={"error": repr(exc)})
        return None
    scans = body.get("totals", {}).get("scans") if isinstance(body, dict) else None
    return scans if isinstance(scans, int) and not isinstance(scans, bool) else None
