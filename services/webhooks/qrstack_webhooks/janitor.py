"""Retention: settled deliveries (with their attempts) and events older than the retention
period are deleted, and secrets past their rotation overlap. Runs every few minutes; one
worker at a time (an advisory lock), in bounded chunks."""

from __future__ import annotations

import asyncio
import logging

import asyncpg

log = logging.getLogger(__name__)

_LOCK = 0x71_72_77_68  # "qrwh"
_EVERY_S = 600.0
_CHUNK = 5000


async def sweep(pool: asyncpg.Pool, retention_days: int) -> int:
    """One pass; returns the rows deleted."""
    deleted = 0
    async with pool.acquire() as conn:
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", _LOCK):
            return 0
        try:
            for sql in (
                "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries"
                " WHERE status <> 'pending' AND created_at < now() - make_interval(days => $1)"
                " LIMIT $2)",
                "DELETE FROM webhook_events WHERE id IN (SELECT ev.id FROM webhook_events ev"
                " WHERE ev.created_at < now() - make_interval(days => $1) AND NOT EXISTS"
                " (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id) LIMIT $2)",
            ):
                while True:
                    status = await conn.execute(sql, retention_days, _CHUNK)
                    count = int(status.rsplit(" ", 1)[-1])
                    deleted += count
                    if count < _CHUNK:
                        break
            status = await conn.execute("DELETE FROM webhook_secrets WHERE expires_at < now()")
            deleted += int(status.rsplit(" ", 1)[-1])
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK)
    return deleted


async def run(pool: asyncpg.Pool, retention_days: int) -> None:
    while True:
        try:
            await sweep(pool, retention_days)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("webhook retention sweep failed", extra={"error": repr(exc)})
        await asyncio.sleep(_EVERY_S)
