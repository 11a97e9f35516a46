"""The dispatcher: claims due deliveries from PostgreSQL and sends them, with at most
`endpoint_concurrency` requests in flight per endpoint and `max_in_flight` in all, so a slow
or dead endpoint holds only its own slots. Woken when the fan-out queued something or the API
asked (NOTIFY); otherwise it sleeps until the next retry is due (at most a second)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from qrstack_common.activity import BatchEnvelope, Envelope
from qrstack_common.metrics import WebhookMetrics
from qrstack_webhooks import health, queue
from qrstack_webhooks.queue import Work
from qrstack_webhooks.schedule import attempts_allowed, retry_delay
from qrstack_webhooks.sender import Answer, Sender
from qrstack_webhooks.settings import WebhookSettings
from qrstack_webhooks.signing import signed_headers

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "qrstack_webhooks"  # the API notifies after queueing a test, retry or replay
_IDLE_S = 1.0
_BATCH_NAMESPACE = uuid.UUID("0c7f3f0e-2b57-4b7e-8f5e-2f8f1b6b9a40")


class Dispatcher:
    def __init__(
        self, pool: asyncpg.Pool, sender: Sender, settings: WebhookSettings, metrics: WebhookMetrics
    ) -> None:
        self._pool = pool
        self._sender = sender
        self._settings = settings
        self._metrics = metrics
        self._wake = asyncio.Event()
        self._in_flight: Counter[UUID] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()
        self.sent = 0

    def wake(self) -> None:
        self._wake.set()

    @property
    def in_flight(self) -> int:
        return sum(self._in_flight.values())

    async def run(self) -> None:
        try:
            while True:
                try:
                    claimed = await self._round()
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                    log.warning(
                        "dispatcher lost the database; retrying", extra={"error": repr(exc)}
                    )
                    await asyncio.sleep(1.0)
                    continue
                if claimed:
                    continue
                await self._idle()
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _idle(self) -> None:
        wait = _IDLE_S
        if self.in_flight < self._settings.max_in_flight:
            due_in = await queue.next_due_in(self._pool)
            if due_in is not None:
                wait = min(max(due_in, 0.01), _IDLE_S)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), wait)
        self._wake.clear()

    async def _round(self) -> bool:
        """Claim and start what fits; whether anything was claimed."""
        room = self._settings.max_in_flight - self.in_flight
        if room <= 0:
            return False
        limit = self._settings.endpoint_concurrency
        busy = {e: max(limit - n, 0) for e, n in self._in_flight.items() if n > 0}
        work, secrets = await queue.claim(
            self._pool,
            limit=room * 100,  # a batching endpoint's send carries up to 100 deliveries
            busy=busy,
            per_endpoint=limit,
            # Past the attempt and its settling: a worker that died mid-attempt leaves the
            # delivery due again this long after claiming it.
            lease_s=2 * self._settings.request_timeout_s + 5.0,
        )
        if not work:
            return False
        for sends in _sends(work):
            endpoint = sends[0].endpoint_id
            self._in_flight[endpoint] += 1
            task = asyncio.create_task(self._send(sends, secrets.get(endpoint, [])))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return True

    async def _send(self, deliveries: Sequence[Work], secrets: Sequence[str]) -> None:
        first = deliveries[0]
        self._metrics.in_flight.inc()
        try:
            body, message_id = _body(deliveries)
            headers = signed_headers(message_id, datetime.now(UTC), body, secrets)
            answer = await self._sender.post(first.url, body, headers)
            self._metrics.attempt_latency.observe(answer.latency_ms / 1000)
            await self._settle(deliveries, answer)
            self.sent += len(deliveries)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The lease runs out and the deliveries are tried again: nothing is lost.
            log.exception("delivery attempt failed unexpectedly", extra={"url": first.url})
        finally:
            self._metrics.in_flight.dec()
            self._in_flight[first.endpoint_id] -= 1
            if self._in_flight[first.endpoint_id] <= 0:
                del self._in_flight[first.endpoint_id]
            self._wake.set()

    async def _settle(self, deliveries: Sequence[Work], answer: Answer) -> None:
        schedule = self._settings.retry_schedule_s
        now = datetime.now(UTC)
        outcomes: list[tuple[str, datetime | None]] = []
        for work in deliveries:
            made = work.attempts + 1
            if answer.delivered:
                outcomes.append(("delivered", None))
            elif answer.gone or made >= attempts_allowed(schedule, work.max_attempts):
                outcomes.append(("failed", None))
            else:
                delay = retry_delay(schedule, made, answer.retry_after)
                outcomes.append(("pending", now + timedelta(seconds=delay)))
        outcome = (
            "delivered"
            if answer.delivered
            else "gone"
            if answer.gone
            else "refused"
            if answer.refused
            else "retry"
        )
        self._metrics.attempts.labels(outcome).inc(len(deliveries))
        endpoint = deliveries[0].endpoint_id
        async with self._pool.acquire() as conn, conn.transaction():
            await queue.settle(
                conn,
                [w.id for w in deliveries],
                status_code=answer.status,
                error=answer.error,
                latency_ms=answer.latency_ms,
                response_body=answer.body,
                outcomes=outcomes,
            )
            if answer.delivered:
                await health.record_success(conn, endpoint)
            else:
                disabled = await health.record_failure(
                    conn,
                    endpoint,
                    gone=answer.gone,
                    disable_after_s=self._settings.disable_after_s,
                )
                if disabled is not None:
                    self._metrics.disabled.labels(disabled).inc()


def _sends(work: Sequence[Work]) -> list[list[Work]]:
    """Group claimed deliveries into requests: scans of a batching endpoint together (up to its
    batch size), everything else one per request."""
    sends: list[list[Work]] = []
    batches: dict[UUID, list[Work]] = {}
    for item in work:
        if item.batch_size > 1 and item.type == "scan.created":
            batch = batches.setdefault(item.endpoint_id, [])
            batch.append(item)
            if len(batch) == item.batch_size:
                sends.append(batch)
                batches[item.endpoint_id] = []
        else:
            sends.append([item])
    sends.extend(batch for batch in batches.values() if batch)
    return sends


def _body(deliveries: Sequence[Work]) -> tuple[bytes, str]:
    """The request body and its webhook-id: the event's own envelope and id for one event; a
    batch envelope for several, with an id derived from its events' ids."""
    first = deliveries[0]
    if len(deliveries) == 1 and not (first.batch_size > 1 and first.type == "scan.created"):
        return first.body, str(first.event_id)
    events = [Envelope.model_validate_json(w.body) for w in deliveries]
    batch = BatchEnvelope(timestamp=datetime.now(UTC), data=events)
    ids = ",".join(sorted(str(w.event_id) for w in deliveries))
    return batch.model_dump_json().encode(), str(uuid.uuid5(_BATCH_NAMESPACE, ids))
