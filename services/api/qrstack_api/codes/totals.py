"""Scan totals of codes, asked of the analytics service in one request per page of codes."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from uuid import UUID

import aiohttp

log = logging.getLogger(__name__)

_TIMEOUT = aiohttp.ClientTimeout(total=1.5)


async def total_scans(
    session: aiohttp.ClientSession, analytics_url: str, workspace_id: UUID, code_ids: Sequence[UUID]
) -> dict[UUID, int] | None:
    """Total scans per code (codes never scanned: 0); None when analytics cannot answer now
    (a listing never fails because analytics is down: totalScans is then null)."""
    if not code_ids:
        return {}
    url = f"{analytics_url}/internal/v1/workspaces/{workspace_id}/totals"
    try:
        async with session.post(
            url, json={"codeIds": [str(c) for c in code_ids]}, timeout=_TIMEOUT
        ) as response:
            if response.status != 200:
                log.warning("analytics totals failed", extra={"status": response.status})
                return None
            body = await response.json()
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("analytics unreachable for totals", extra={"error": repr(exc)})
        return None
    totals: dict[str, int] = body.get("totals", {})
    return {code_id: int(totals.get(str(code_id), 0)) for code_id in code_ids}
