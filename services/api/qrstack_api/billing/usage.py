"""A workspace's usage counters: its codes (PostgreSQL) and its scans (the analytics service)."""

from __future__ import annotations

import logging
from uuid import UUID

import aiohttp
import asyncpg

log = logging.getLogger(__name__)

# Billing must answer even when analytics is slow: it then shows scansCount null.
_ANALYTICS_TIMEOUT = aiohttp.ClientTimeout(total=1.5)


async def codes_count(pool: asyncpg.Pool, workspace_id: UUID) -> int:
    """Codes of the workspace that are not deleted (what the plan's code limit counts)."""
    count: int = await pool.fetchval(
        "SELECT count(*) FROM codes WHERE workspace_id = $1 AND status <> 'deleted'",
        workspace_id,
    )
    return count


async def scans_count(
    session: aiohttp.ClientSession, analytics_url: str, workspace_id: UUID
) -> int | None:
    """All-time scans of the workspace from the analytics service's workspace analytics
    (`totals.scans`); None when it is unreachable, slow, or answers anything else."""
    url = f"{analytics_url}/internal/v1/workspaces/{workspace_id}/analytics"
    try:
        async with session.get(url, params={"range": "all"}, timeout=_ANALYTICS_TIMEOUT) as got:
            if got.status != 200:
                log.warning("analytics workspace totals failed", extra={"status": got.status})
                return None
            body = await got.json()
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        log.warning("analytics unreachable for billing", extra={"error": repr(exc)})
        return None
    scans = body.get("totals", {}).get("scans") if isinstance(body, dict) else None
    return scans if isinstance(scans, int) and not isinstance(scans, bool) else None
