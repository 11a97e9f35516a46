"""The purge of form answers past their retention: every replica runs it at start and then
every `PURGE_INTERVAL_S` (the deletes are idempotent, so replicas need not agree on who)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import asyncpg
from aiohttp import web

from qrstack_api.context import POOL, SETTINGS
from qrstack_api.submissions.store import purge_expired
from qrstack_common.serve import stop_tasks

log = logging.getLogger(__name__)

PURGE_INTERVAL_S = 3600.0


async def purge_forever(pool: asyncpg.Pool, retention_days: int, interval_s: float) -> None:
    while True:
        try:
            purged = await purge_expired(pool, retention_days)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("form answer purge failed; retrying later", extra={"error": repr(exc)})
        else:
            if purged:
                log.info("form answers past retention deleted", extra={"count": purged})
        await asyncio.sleep(interval_s)  # a timer, not flow control


async def submission_retention(app: web.Application) -> AsyncIterator[None]:
    """A cleanup context (after the one opening the pool) running `purge_forever`."""
    retention = app[SETTINGS].form_submissions_retention_days
    task = None
    if retention:
        task = asyncio.create_task(
            purge_forever(app[POOL], retention, PURGE_INTERVAL_S), name="form-answer-purge"
        )
    yield
    if task is not None:
        await stop_tasks(task)
