"""The outbox relay: publishes outbox rows to Kafka in id order, at least once.

One relay is active across all API replicas (a session advisory lock held on its own
connection; the others wait on the lock). It is woken by NOTIFY when a write commits, sends a
batch, waits for every acknowledgement, then deletes exactly those rows. If Kafka or PostgreSQL
is unreachable it backs off and starts over: rows stay in the table until acknowledged, so no
change is lost, and because a failed batch is re-sent from its first row, the last message per
key is always the newest snapshot (order per key holds).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg
from aiokafka.errors import KafkaError

from qrstack_api.outbox.writer import NOTIFY_CHANNEL
from qrstack_common.kafka import EventProducer, ensure_topics, platform_topics
from qrstack_common.metrics import ApiMetrics

log = logging.getLogger(__name__)

_LEADER_LOCK = 0x71_72_6F_78  # "qrox"
_IDLE_RECHECK_S = 5.0  # safety net should a NOTIFY be missed across a reconnect
_MAX_BACKOFF_S = 5.0


class OutboxRelay:
    def __init__(
        self,
        dsn: str,
        bootstrap: str,
        metrics: ApiMetrics,
        *,
        partitions: int,
        batch_size: int = 500,
    ) -> None:
        self._dsn = dsn
        self._bootstrap = bootstrap
        self._metrics = metrics
        self._partitions = partitions
        self._batch_size = batch_size
        self.published = 0

    async def run(self) -> None:
        """Relay forever; returns only when cancelled."""
        backoff = 0.2
        while True:
            try:
                await self._lead()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, KafkaError) as exc:
                log.warning(
                    "outbox relay interrupted; retrying",
                    extra={"error": repr(exc), "retry_in_s": backoff},
                )
            except Exception:
                # A bug must not stop publishing for good: log it loudly and start over.
                log.exception("outbox relay failed; retrying", extra={"retry_in_s": backoff})
            await asyncio.sleep(backoff)  # reconnect back-off, not flow control
            backoff = min(backoff * 2, _MAX_BACKOFF_S)

    async def _lead(self) -> None:
        conn = await asyncpg.connect(self._dsn)
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", _LEADER_LOCK)
            wake = asyncio.Event()
            await conn.add_listener(NOTIFY_CHANNEL, lambda *_: wake.set())
            # Before Kafka is reached: while it is away, the backlog's age still shows.
            oldest = await conn.fetchval(
                "SELECT extract(epoch FROM created_at)::float8 FROM outbox ORDER BY id LIMIT 1"
            )
            self._metrics.outbox_oldest_pending.set(oldest or 0)
            await ensure_topics(self._bootstrap, platform_topics(self._partitions))
            producer = EventProducer(self._bootstrap, client_id="qrstack-outbox")
            await producer.start()
            try:
                await self._relay(conn, producer, wake)
            finally:
                await producer.stop()
        finally:
            with contextlib.suppress(Exception):
                await conn.close()

    async def _relay(
        self, conn: asyncpg.Connection, producer: EventProducer, wake: asyncio.Event
    ) -> None:
        while True:
            wake.clear()
            rows = await conn.fetch(
                "SELECT id, topic, key, payload, extract(epoch FROM created_at)::float8 AS created"
                " FROM outbox ORDER BY id LIMIT $1",
                self._batch_size,
            )
            self._metrics.outbox_oldest_pending.set(rows[0]["created"] if rows else 0)
            if not rows:
                self._metrics.outbox_pending.set(0)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), _IDLE_RECHECK_S)
                continue
            futures = [
                await producer.send(row["topic"], row["key"].encode(), row["payload"])
                for row in rows
            ]
            await asyncio.gather(*futures)
            await conn.execute(
                "DELETE FROM outbox WHERE id = ANY($1::bigint[])", [row["id"] for row in rows]
            )
            self.published += len(rows)
            for row in rows:
                self._metrics.outbox_published.labels(row["topic"]).inc()
            if len(rows) == self._batch_size:
                wake.set()  # more may be waiting
