"""Sampling every component's status in the background and keeping the history.

Each round probes all components at once and records the observations in one transaction:
the latest status per component, a count per day and status (90 days kept), and an incident
for every change of status. Several API replicas may sample: a transaction-scoped advisory
lock and a minimum gap between rounds (half the interval) keep it to about one round per
interval across them.

The task is owned by the app's cleanup context (`status_sampling`): started after the pool
and the HTTP session exist, cancelled and awaited on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import aiohttp
import asyncpg
from aiohttp import web

from qrstack_api.context import POOL, SETTINGS
from qrstack_api.settings import ApiSettings
from qrstack_api.status.probes import (
    Observation,
    probe_api,
    probe_kafka,
    probe_postgres,
    probe_service,
)
from qrstack_api.upstream import UPSTREAM
from qrstack_common.serve import stop_tasks

log = logging.getLogger(__name__)

HISTORY_DAYS = 90
_LOCK_ID = 0x71_73_74_61  # "qsta"
# Column of status_days counting each status (fixed names, never user input).
_DAY_COLUMN = {"operational": "operational", "degraded": "degraded", "outage": "outage"}


async def record_observations(
    pool: asyncpg.Pool, observations: Sequence[Observation], at: datetime, *, min_gap_s: float
) -> bool:
    """Store one round taken at `at`; False (nothing stored) when another round was stored
    less than `min_gap_s` apart from it (by another replica, or by this one moments ago)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_ID)
        last: datetime | None = await conn.fetchval("SELECT max(checked_at) FROM status_components")
        if last is not None and abs((at - last).total_seconds()) < min_gap_s:
            return False
        previous = {
            row["component"]: row["status"]
            for row in await conn.fetch("SELECT component, status FROM status_components")
        }
        for seen in observations:
            before = previous.get(seen.component)
            if before is not None and before != seen.status:
                await conn.execute(
                    "INSERT INTO status_incidents (component, from_status, to_status, detail, at)"
                    " VALUES ($1, $2, $3, $4, $5)",
                    seen.component,
                    before,
                    seen.status,
                    seen.detail,
                    at,
                )
            await conn.execute(
                """
                INSERT INTO status_components (component, status, detail, checked_at, changed_at)
                VALUES ($1, $2, $3, $4, $4)
                ON CONFLICT (component) DO UPDATE SET
                    status = EXCLUDED.status,
                    detail = EXCLUDED.detail,
                    checked_at = EXCLUDED.checked_at,
                    changed_at = CASE WHEN status_components.status = EXCLUDED.status
                                      THEN status_components.changed_at
                                      ELSE EXCLUDED.checked_at END
                """,
                seen.component,
                seen.status,
                seen.detail,
                at,
            )
            column = _DAY_COLUMN[seen.status]
            await conn.execute(
                f"INSERT INTO status_days (component, day, {column}) VALUES ($1, $2, 1)"  # noqa: S608
                f" ON CONFLICT (component, day) DO UPDATE"
                f" SET {column} = status_days.{column} + 1",
                seen.component,
                at.astimezone(UTC).date(),
            )
        horizon = at - timedelta(days=HISTORY_DAYS)
        await conn.execute("DELETE FROM status_days WHERE day < $1", horizon.date())
        await conn.execute("DELETE FROM status_incidents WHERE at < $1", horizon)
    return True


class StatusSampler:
    """Probes every component and records the round, every `status_sample_interval_s`."""

    def __init__(
        self, pool: asyncpg.Pool, session: aiohttp.ClientSession, settings: ApiSettings
    ) -> None:
        self._pool = pool
        self._session = session
        self._settings = settings

    async def observe(self) -> list[Observation]:
        """One probe of every component, run concurrently."""
        s = self._settings
        timeout = s.status_probe_timeout_s
        return list(
            await asyncio.gather(
                probe_api(self._pool, timeout),
                probe_service(
                    self._session, "redirect", s.redirect_url or s.short_url_base, timeout
                ),
                probe_service(self._session, "renderer", s.renderer_url, timeout),
                probe_service(self._session, "analytics", s.analytics_url, timeout),
                probe_postgres(self._pool, timeout),
                probe_kafka(s.kafka_bootstrap_servers, timeout),
            )
        )

    async def sample_once(self) -> bool:
        observations = await self.observe()
        return await record_observations(
            self._pool,
            observations,
            datetime.now(UTC),
            min_gap_s=self._settings.status_sample_interval_s / 2,
        )

    async def run(self) -> None:
        """Sample forever; returns only when cancelled. A failed round is logged and the next
        one comes at the usual time."""
        while True:
            try:
                await self.sample_once()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("status sample not recorded", extra={"error": repr(exc)})
            except Exception:
                # A bug must not stop the status page for good: log it loudly, go on.
                log.exception("status sampling failed")
            await asyncio.sleep(self._settings.status_sample_interval_s)  # the sampling period


async def status_sampling(app: web.Application) -> AsyncIterator[None]:
    """Cleanup context owning the sampler task; register it after the database and upstream
    contexts (it uses the pool and the HTTP session)."""
    sampler = StatusSampler(app[POOL], app[UPSTREAM], app[SETTINGS])
    task = asyncio.create_task(sampler.run(), name="status-sampler")
    yield
    await stop_tasks(task)
