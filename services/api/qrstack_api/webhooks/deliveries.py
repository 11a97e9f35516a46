"""Deliveries of one endpoint as the API shows them, and the ones the API queues itself: a
manual retry (one attempt, same event and webhook-id), a replay of a time range, a test
event. The delivery worker is told by NOTIFY; it does the sending."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg

from qrstack_api.db.pool import Connection
from qrstack_api.webhooks.model import Attempt, Delivery, ReplayRequest
from qrstack_common.activity import TEST_EVENT_TYPE, WebhookTestData, envelope
from qrstack_common.errors import ApiError, Issue, validation_failed

NOTIFY_CHANNEL = "qrstack_webhooks"  # the delivery worker listens
MAX_PAGE = 100
MAX_REPLAY = 10_000
DELIVERY_NOT_FOUND = "Delivery not found."

_SELECT = """
SELECT d.id, d.event_id, ev.type AS event_type, d.reason, d.status, d.attempts,
       d.next_attempt_at, d.last_status, d.last_error, d.created_at, d.delivered_at
FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
"""


def _cursor(row: Any) -> str:
    raw = f"{row['created_at'].timestamp():.6f}:{row['id']}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(token: str) -> tuple[datetime, UUID]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        ts, ident = raw.split(":", 1)
        return datetime.fromtimestamp(float(ts), UTC), UUID(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise validation_failed([Issue(("cursor",), "not a cursor this API issued")]) from None


async def _with_attempts(pool: asyncpg.Pool, rows: list[Any]) -> list[Delivery]:
    attempts: dict[UUID, list[Attempt]] = {}
    for a in await pool.fetch(
        "SELECT delivery_id, attempted_at, status_code, error, latency_ms, response_body"
        " FROM webhook_attempts WHERE delivery_id = ANY ($1::uuid[]) ORDER BY id",
        [r["id"] for r in rows],
    ):
        attempts.setdefault(a["delivery_id"], []).append(
            Attempt(
                attempted_at=a["attempted_at"],
                status_code=a["status_code"],
                error=a["error"],
                latency_ms=a["latency_ms"],
                response_body=a["response_body"],
            )
        )
    return [
        Delivery(
            id=r["id"],
            event_id=r["event_id"],
            event_type=r["event_type"],
            reason=r["reason"],
            status=r["status"],
            attempt_count=r["attempts"],
            next_attempt_at=r["next_attempt_at"] if r["status"] == "pending" else None,
            last_status=r["last_status"],
            last_error=r["last_error"],
            created_at=r["created_at"],
            delivered_at=r["delivered_at"],
            attempts=attempts.get(r["id"], []),
        )
        for r in rows
    ]


async def list_deliveries(
    pool: asyncpg.Pool, webhook_id: UUID, *, cursor: str | None, limit: int, status: str | None
) -> tuple[list[Delivery], str | None]:
    """Newest first, `limit` per page; the endpoint's workspace was checked by the caller."""
    args: list[Any] = [webhook_id, limit + 1]
    where = ["d.endpoint_id = $1"]
    if status is not None:
        args.append(status)
        where.append(f"d.status = ${len(args)}")
    if cursor:
        created, ident = _decode_cursor(cursor)
        args.extend([created, ident])
        where.append(f"(d.created_at, d.id) < (${len(args) - 1}, ${len(args)})")
    rows = list(
        await pool.fetch(
            _SELECT + " WHERE " + " AND ".join(where) + " ORDER BY d.created_at DESC, d.id DESC"
            " LIMIT $2",
            *args,
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return await _with_attempts(pool, rows), (_cursor(rows[-1]) if more and rows else None)


async def get_delivery(pool: asyncpg.Pool, webhook_id: UUID, delivery_id: UUID) -> Delivery:
    rows = list(
        await pool.fetch(
            _SELECT + " WHERE d.endpoint_id = $1 AND d.id = $2", webhook_id, delivery_id
        )
    )
    if not rows:
        raise ApiError("not_found", DELIVERY_NOT_FOUND)
    return (await _with_attempts(pool, rows))[0]


async def _queue(
    conn: Connection,
    delivery_id: UUID,
    webhook_id: UUID,
    event_id: UUID,
    *,
    reason: str,
    max_attempts: int | None = None,
) -> None:
    """Queue one delivery of a stored event and wake the delivery worker (on commit).
    `max_attempts` None: the whole retry schedule."""
    await conn.execute(
        "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, reason, max_attempts)"
        " VALUES ($1, $2, $3, $4, $5)",
        delivery_id,
        webhook_id,
        event_id,
        reason,
        max_attempts,
    )
    await conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")


async def retry_delivery(pool: asyncpg.Pool, webhook_id: UUID, delivery_id: UUID) -> Delivery:
    """Queue one more attempt of the delivery's event now (a new delivery, same webhook-id)."""
    new_id = uuid.uuid4()
    async with pool.acquire() as conn, conn.transaction():
        event_id = await conn.fetchval(
            "SELECT event_id FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2",
            delivery_id,
            webhook_id,
        )
        if event_id is None:
            raise ApiError("not_found", DELIVERY_NOT_FOUND)
        await _queue(conn, new_id, webhook_id, event_id, reason="retry", max_attempts=1)
    return await get_delivery(pool, webhook_id, new_id)


async def replay(pool: asyncpg.Pool, webhook_id: UUID, body: ReplayRequest) -> int:
    """Queue the endpoint's events of [since, until) again; how many were queued."""
    async with pool.acquire() as conn, conn.transaction():
        status = await conn.execute(
            "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, reason)"
            " SELECT gen_random_uuid(), $1, picked.event_id, 'replay' FROM ("
            "  SELECT DISTINCT d.event_id, ev.occurred_at FROM webhook_deliveries d"
            "  JOIN webhook_events ev ON ev.id = d.event_id"
            "  WHERE d.endpoint_id = $1 AND d.reason = 'event'"
            "  AND ev.occurred_at >= $2 AND ev.occurred_at < $3"
            "  AND ($5 = 'all' OR d.status = 'failed')"
            "  ORDER BY ev.occurred_at LIMIT $4) AS picked",
            webhook_id,
            body.since,
            body.until,
            MAX_REPLAY,
            body.status,
        )
        await conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
    return int(status.rsplit(" ", 1)[-1])


async def send_test(pool: asyncpg.Pool, workspace_id: UUID, webhook_id: UUID) -> Delivery:
    """Queue a `webhook.test` event to this endpoint only."""
    event_id, delivery_id = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    data = WebhookTestData(webhook_id=webhook_id, message="This is a test event from qrstack.")
    body = envelope(event_id, TEST_EVENT_TYPE, now, data).model_dump_json().encode()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO webhook_events (id, workspace_id, type, occurred_at, body)"
            " VALUES ($1, $2, $3, $4, $5)",
            event_id,
            workspace_id,
            TEST_EVENT_TYPE,
            now,
            body,
        )
        await _queue(conn, delivery_id, webhook_id, event_id, reason="test")
    return await get_delivery(pool, webhook_id, delivery_id)
