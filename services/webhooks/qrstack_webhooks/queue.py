"""The delivery queue's SQL: claiming due deliveries, reading what to send, recording attempts.

Claiming moves `next_attempt_at` past the attempt (a lease): two workers never claim the same
delivery, and a worker killed mid-attempt leaves it due again once the lease ends (then it is
sent again with the same webhook-id — at least once). Claims respect a cap per endpoint, so
deliveries of a slow or dead endpoint never fill a worker's slots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy

Connection = asyncpg.Connection | PoolConnectionProxy

_CLAIM = """
WITH due AS (
    SELECT d.id, d.endpoint_id, d.next_attempt_at,
           row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at, d.id) AS n
    FROM webhook_deliveries d
    JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled
    WHERE d.status = 'pending' AND d.next_attempt_at <= now()
), picked AS (
    SELECT due.id
    FROM due
    JOIN webhook_endpoints e ON e.id = due.endpoint_id
    LEFT JOIN unnest($2::uuid[], $3::int[]) AS busy (endpoint_id, free)
      ON busy.endpoint_id = due.endpoint_id
    WHERE due.n <= coalesce(busy.free, $4) * e.batch_size
    ORDER BY due.next_attempt_at
    LIMIT $1
)
UPDATE webhook_deliveries d
SET next_attempt_at = now() + make_interval(secs => $5)
FROM picked
WHERE d.id = picked.id AND d.status = 'pending' AND d.next_attempt_at <= now()
RETURNING d.id
"""

_WORK = """
SELECT d.id, d.endpoint_id, d.event_id, d.attempts, d.max_attempts,
       ev.type, ev.body, e.url, e.batch_size
FROM webhook_deliveries d
JOIN webhook_events ev ON ev.id = d.event_id
JOIN webhook_endpoints e ON e.id = d.endpoint_id
WHERE d.id = ANY ($1::uuid[])
ORDER BY ev.occurred_at, d.id
"""

_SECRETS = """
SELECT endpoint_id, secret FROM webhook_secrets
WHERE endpoint_id = ANY ($1::uuid[]) AND (expires_at IS NULL OR expires_at > now())
ORDER BY created_at DESC
"""

_ATTEMPTS = """
INSERT INTO webhook_attempts (delivery_id, status_code, error, latency_ms, response_body)
SELECT unnest($1::uuid[]), $2, $3, $4, $5
"""

_SETTLE = """
UPDATE webhook_deliveries d
SET attempts = d.attempts + 1, status = s.status,
    next_attempt_at = coalesce(s.next_at, d.next_attempt_at),
    last_status = $2, last_error = $3,
    delivered_at = CASE WHEN s.status = 'delivered' THEN now() END
FROM unnest($1::uuid[], $4::text[], $5::timestamptz[]) AS s (id, status, next_at)
WHERE d.id = s.id
"""


@dataclass(frozen=True, slots=True)
class Work:
    """One claimed delivery with what sending it needs."""

    id: UUID
    endpoint_id: UUID
    event_id: UUID
    attempts: int
    max_attempts: int | None
    type: str
    body: bytes
    url: str
    batch_size: int


async def claim(
    pool: asyncpg.Pool,
    *,
    limit: int,
    busy: Mapping[UUID, int],
    per_endpoint: int,
    lease_s: float,
) -> tuple[list[Work], dict[UUID, list[str]]]:
    """Claim up to `limit` due deliveries, at most `per_endpoint` sends' worth per endpoint
    (`busy` says how many slots endpoints with requests in flight have left). Returns the work
    and each endpoint's live secrets, newest first."""
    ids = await pool.fetch(_CLAIM, limit, list(busy), list(busy.values()), per_endpoint, lease_s)
    if not ids:
        return [], {}
    rows = await pool.fetch(_WORK, [r["id"] for r in ids])
    work = [Work(**dict(row)) for row in rows]
    secrets: dict[UUID, list[str]] = {}
    for row in await pool.fetch(_SECRETS, list({w.endpoint_id for w in work})):
        secrets.setdefault(row["endpoint_id"], []).append(row["secret"])
    return work, secrets


async def settle(
    conn: Connection,
    deliveries: Sequence[UUID],
    *,
    status_code: int | None,
    error: str | None,
    latency_ms: int,
    response_body: str | None,
    outcomes: Sequence[tuple[str, datetime | None]],
) -> None:
    """Record one attempt of each delivery and its new state (status, when due next)."""
    ids = list(deliveries)
    await conn.execute(_ATTEMPTS, ids, status_code, error, latency_ms, response_body)
    await conn.execute(
        _SETTLE,
        ids,
        status_code,
        error,
        [status for status, _ in outcomes],
        [next_at for _, next_at in outcomes],
    )


async def next_due_in(pool: asyncpg.Pool) -> float | None:
    """Seconds until the earliest pending delivery of an enabled endpoint is due."""
    value = await pool.fetchval(
        "SELECT extract(epoch FROM min(d.next_attempt_at) - now()) FROM webhook_deliveries d"
        " JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled"
        " WHERE d.status = 'pending'"
    )
    return None if value is None else float(value)
