"""Kafka → the delivery queue. One consumer-group member reads every event topic; each batch is
matched against the enabled endpoints in one query and queued in one transaction, and the
offsets are committed only after that commit (at-least-once). A record read twice (a worker
killed before its commit) queues nothing twice: the live fan-out's (endpoint, event) pair is
unique."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

import asyncpg
from aiokafka.errors import KafkaError

from qrstack_common.kafka import BatchConsumer
from qrstack_common.metrics import WebhookMetrics
from qrstack_webhooks.events import Event, read_event

log = logging.getLogger(__name__)

# Endpoints subscribed to the event's type in its workspace, created before it happened, whose
# code, folder and bot filters let it through.
_MATCH = """
WITH ev AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::timestamptz[],
                         $6::boolean[]) AS ev(id, workspace_id, type, code_id, occurred_at, is_bot)
)
SELECT ev.id AS event_id, e.id AS endpoint_id
FROM ev
JOIN webhook_endpoints e
  ON e.workspace_id = ev.workspace_id AND ev.type = ANY (e.events) AND e.enabled
 AND e.created_at <= ev.occurred_at
 AND (NOT ev.is_bot OR e.include_bots)
 AND (e.code_ids IS NULL OR ev.code_id = ANY (e.code_ids))
LEFT JOIN codes c ON c.id = ev.code_id
WHERE e.folder_ids IS NULL OR c.folder_id = ANY (e.folder_ids)
"""

_STORE_EVENTS = """
INSERT INTO webhook_events (id, workspace_id, type, occurred_at, body)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::bytea[])
ON CONFLICT (id) DO NOTHING
"""

_QUEUE = """
INSERT INTO webhook_deliveries (id, endpoint_id, event_id)
SELECT gen_random_uuid(), endpoint_id, event_id
FROM unnest($1::uuid[], $2::uuid[]) AS m(endpoint_id, event_id)
ON CONFLICT (endpoint_id, event_id) WHERE reason = 'event' DO NOTHING
"""


async def queue_events(pool: asyncpg.Pool, events: Sequence[Event]) -> int:
    """Queue a delivery per matching endpoint of each event; returns how many were new."""
    if not events:
        return 0
    matches = await pool.fetch(
        _MATCH,
        [e.id for e in events],
        [e.workspace_id for e in events],
        [e.type for e in events],
        [e.code_id for e in events],
        [e.occurred_at for e in events],
        [e.is_bot for e in events],
    )
    if not matches:
        return 0
    matched = {row["event_id"] for row in matches}
    stored = [e for e in events if e.id in matched]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            _STORE_EVENTS,
            [e.id for e in stored],
            [e.workspace_id for e in stored],
            [e.type for e in stored],
            [e.occurred_at for e in stored],
            [e.body for e in stored],
        )
        status = await conn.execute(
            _QUEUE, [r["endpoint_id"] for r in matches], [r["event_id"] for r in matches]
        )
    return int(status.rsplit(" ", 1)[-1])


# The loop polls every half second at most (plus one transaction): a member that stops
# polling for this long, or dies while the group rebalances, is out of the group this soon.
_MAX_POLL_INTERVAL_MS = 30_000


class FanOut:
    """Consumes the event topics into the queue; `on_queued` wakes the dispatcher."""

    def __init__(
        self,
        bootstrap: str,
        topics: Sequence[str],
        pool: asyncpg.Pool,
        metrics: WebhookMetrics,
        on_queued: Callable[[], None],
        *,
        group_id: str,
    ) -> None:
        self._group_id = group_id
        self._bootstrap = bootstrap
        self._topics = list(topics)
        self._pool = pool
        self._metrics = metrics
        self._on_queued = on_queued
        self.started = asyncio.Event()

    async def run(self) -> None:
        while True:
            consumer = BatchConsumer(
                self._bootstrap,
                self._topics,
                group_id=self._group_id,
                client_id="qrstack-webhooks",
                max_poll_interval_ms=_MAX_POLL_INTERVAL_MS,
            )
            try:
                await consumer.start()
                self.started.set()
                await self._consume(consumer)
            except (KafkaError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning(
                    "fan-out interrupted; retrying",
                    extra={"error": repr(exc)},
                )
            finally:
                await consumer.stop()
            await asyncio.sleep(1.0)  # reconnect back-off, not flow control

    async def _consume(self, consumer: BatchConsumer) -> None:
        counters = {t: self._metrics.events_consumed.labels(t) for t in self._topics}
        while True:
            records = await consumer.next_batch(max_records=2000, timeout_ms=500)
            if not records:
                continue
            for record in records:
                counters[record.topic].inc()
            events = [
                event
                for record in records
                if (event := read_event(record.topic, record.value)) is not None
            ]
            try:
                queued = await queue_events(self._pool, events)
            except BaseException:
                consumer.seek_to_committed_on_retry(records)
                raise
            await consumer.commit(records)
            if queued:
                self._metrics.deliveries_queued.inc(queued)
                self._on_queued()
