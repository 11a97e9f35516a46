"""What a code's read shape says about its scans: the answered and refused scans, asked of the
analytics service in one request per page of codes, and a capped code's usage, read from the
redirect service's cap books (`scan_caps`, contract `qrstack_common.tables.SCAN_CAPS`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import aiohttp
import asyncpg

from qrstack_api.db.pool import Connection
from qrstack_api.upstream import Outage

log = logging.getLogger(__name__)

_TIMEOUT = aiohttp.ClientTimeout(total=1.5)
REFUSED_KEYS = ("limitReached", "notActive", "fallback")


@dataclass(frozen=True, slots=True)
class ScanCounts:
    """A code's scans by a person (bots left out): `answered` (sent to the target or shown the
    page) and `refused` by outcome (the scan cap, the schedule window, a deleted or suspended
    code's fallback)."""

    answered: int
    refused: dict[str, int]

    @classmethod
    def none(cls) -> ScanCounts:
        """A code never scanned."""
        return cls(0, dict.fromkeys(REFUSED_KEYS, 0))


async def scan_counts(
    session: aiohttp.ClientSession,
    analytics_url: str,
    workspace_id: UUID,
    code_ids: Sequence[UUID],
    outage: Outage,
) -> dict[UUID, ScanCounts] | None:
    """Scan counts per code (codes never scanned: zeros); None when analytics cannot answer now
    (a listing never fails because analytics is down: totalScans is then null), and without
    asking while `outage` says it failed a moment ago."""
    if not code_ids:
        return {}
    if outage.ongoing():
        return None
    url = f"{analytics_url}/internal/v1/workspaces/{workspace_id}/totals"
    try:
        async with session.post(
            url, json={"codeIds": [str(c) for c in code_ids]}, timeout=_TIMEOUT
        ) as response:
            if response.status != 200:
                outage.failed()
                log.warning("analytics totals failed", extra={"status": response.status})
                return None
            body = await response.json()
    except (aiohttp.ClientError, TimeoutError) as exc:
        outage.failed()
        log.warning("analytics unreachable for totals", extra={"error": repr(exc)})
        return None
    outage.answered()
    totals: dict[str, int] = body.get("totals", {})
    refused: dict[str, dict[str, int]] = body.get("refused", {})
    return {
        code_id: ScanCounts(
            int(totals.get(str(code_id), 0)),
            {key: int(refused.get(str(code_id), {}).get(key, 0)) for key in REFUSED_KEYS},
        )
        for code_id in code_ids
    }


async def total_scans(
    session: aiohttp.ClientSession,
    analytics_url: str,
    workspace_id: UUID,
    code_ids: Sequence[UUID],
    outage: Outage,
) -> dict[UUID, int] | None:
    """Answered scans per code, or None (see `scan_counts`)."""
    counts = await scan_counts(session, analytics_url, workspace_id, code_ids, outage)
    return None if counts is None else {code: c.answered for code, c in counts.items()}


async def cap_usage(db: asyncpg.Pool | Connection, rows: Iterable[Any]) -> dict[UUID, int]:
    """Scans the scan cap counted, per capped code of `rows` (0 before its first scan): the
    redirect's books, `scan_caps.used`, exact across its processes and at most a lease's worth
    of seconds behind the last scan (docs/redirect.md, "Scan caps"). No query without a cap."""
    capped = [row["id"] for row in rows if row["max_scans"] is not None]
    if not capped:
        return {}
    used = dict.fromkeys(capped, 0)
    for code_id, count in await db.fetch(
        "SELECT code_id, used FROM scan_caps WHERE code_id = ANY($1::uuid[])", capped
    ):
        used[code_id] = int(count)
    return used
