"""Probing each component of the platform once.

- redirect, renderer, analytics: their `/readyz` — 200 is `operational`; any other answer is
  `degraded` (the process is up but not ready: e.g. the redirect service still loading its
  table); no answer within the timeout is `outage`.
- postgres: `SELECT 1` through the API's pool.
- kafka: a metadata request from a short-lived admin client.
- api: the process answering is up; it is `degraded` while changes wait in the outbox for
  longer than a minute (scans would not see them yet) or its database is unreachable.

A probe never raises for the component's failure: that is the observation.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

import aiohttp
import asyncpg
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

COMPONENTS = ("api", "redirect", "renderer", "analytics", "postgres", "kafka")
ComponentStatus = Literal["operational", "degraded", "outage"]

OUTBOX_DELAY_DEGRADED_S = 60.0
_DETAIL_LENGTH = 200


@dataclass(frozen=True)
class Observation:
    component: str
    status: ComponentStatus
    detail: str | None = None


def _failure(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}"[:_DETAIL_LENGTH] if text else type(exc).__name__


async def probe_service(
    session: aiohttp.ClientSession, component: str, base_url: str, timeout_s: float
) -> Observation:
    url = f"{base_url.rstrip('/')}/readyz"
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=timeout_s)) as answer:
            if answer.status == 200:
                return Observation(component, "operational")
            body = (await answer.text(errors="replace")).strip()
            return Observation(
                component, "degraded", f"/readyz answered {answer.status}: {body}"[:_DETAIL_LENGTH]
            )
    except (aiohttp.ClientError, TimeoutError) as exc:
        return Observation(component, "outage", f"unreachable ({_failure(exc)})")


async def probe_postgres(pool: asyncpg.Pool, timeout_s: float) -> Observation:
    try:
        async with asyncio.timeout(timeout_s):
            await pool.fetchval("SELECT 1")
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        return Observation("postgres", "outage", _failure(exc))
    return Observation("postgres", "operational")


async def probe_kafka(bootstrap: str, timeout_s: float) -> Observation:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="qrstack-status",
        request_timeout_ms=max(1, int(timeout_s * 1000)),
    )
    try:
        async with asyncio.timeout(timeout_s):
            await admin.start()
            await admin.list_topics()
    except (KafkaError, OSError, TimeoutError) as exc:
        return Observation("kafka", "outage", _failure(exc))
    finally:
        await admin.close()
    return Observation("kafka", "operational")


async def probe_api(pool: asyncpg.Pool, timeout_s: float) -> Observation:
    try:
        async with asyncio.timeout(timeout_s):
            waiting = await pool.fetchrow(
                "SELECT count(*) AS rows, extract(epoch FROM now() - min(created_at)) AS age"
                " FROM outbox"
            )
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        return Observation("api", "degraded", f"its database is unreachable ({_failure(exc)})")
    assert waiting is not None  # an aggregate always returns a row
    age = float(waiting["age"] or 0.0)
    if age > OUTBOX_DELAY_DEGRADED_S:
        return Observation(
            "api",
            "degraded",
            f"{waiting['rows']} change(s) waiting {age:.0f} s to reach the redirect service",
        )
    return Observation("api", "operational")
