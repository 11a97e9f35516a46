"""Writing outbox rows: always inside the transaction of the change they announce."""

from __future__ import annotations

from qrstack_api.db.pool import Connection

NOTIFY_CHANNEL = "qrstack_outbox"


async def enqueue(conn: Connection, topic: str, key: str, payload: bytes | None) -> None:
    """Queue one message; the relay is woken when the surrounding transaction commits
    (`pg_notify` is transactional, like NOTIFY). One statement, one round trip."""
    await conn.execute(
        "WITH queued AS (INSERT INTO outbox (topic, key, payload) VALUES ($1, $2, $3))"
        " SELECT pg_notify($4, '')",
        topic,
        key,
        payload,
        NOTIFY_CHANNEL,
    )
