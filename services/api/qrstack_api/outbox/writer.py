"""Writing outbox rows: always inside the transaction of the change they announce."""

from __future__ import annotations

from qrstack_api.db.pool import Connection

NOTIFY_CHANNEL = "qrstack_outbox"


async def enqueue(conn: Connection, topic: str, key: str, payload: bytes | None) -> None:
    """Queue one message; the relay is woken when the surrounding transaction commits
    (NOTIFY is transactional)."""
    await conn.execute(
        "INSERT INTO outbox (topic, key, payload) VALUES ($1, $2, $3)", topic, key, payload
    )
    await conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
