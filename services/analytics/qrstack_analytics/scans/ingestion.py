"""The scan ingestion pipeline: Kafka → batches → ClickHouse, offsets committed after the write.

    poll (≤ `POLL_RECORDS` at a time: validating them holds the event loop ~5 ms at most)
      → decode + validate + transform each record (`ScanBatch.add`)
      → close the batch by size or time (`BatchPolicy`)
      → dead-letter refused records, drop stored scan ids, insert (`ScanWriter`, own thread)
      → commit the batch's offsets

While batch N is written on the store's write thread, batch N+1 is collected: at most two
batches are held, one being written and one filling. When a write fails (ClickHouse down or
refusing), the batch is kept and retried with capped exponential back-off; consumption is
paused meanwhile — the consumer keeps polling (so it stays in its group) but receives nothing,
and anything a rebalance hands it during the pause is rewound. Offsets are committed only after
the write succeeded, so a crash at any point means redelivery, which the writer's deduplication
absorbs: nothing is lost and nothing counts twice.

If more than `dead_letter_max_ratio` of a batch (and at least `_FLOOD_MINIMUM` records) is
invalid, ingestion stops instead: that is a broken producer or contract, not a poison message,
and an operator must look. The service keeps answering queries; `/readyz` names the reason.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from aiokafka.errors import KafkaError

from qrstack_analytics.scans.batching import BatchPolicy, ScanBatch
from qrstack_analytics.scans.rows import Delivery, Rejected
from qrstack_analytics.scans.writer import PreparedInsert, ScanWriter
from qrstack_analytics.storage.backend import StoreError
from qrstack_analytics.storage.store import AnalyticsStore
from qrstack_common.metrics import AnalyticsMetrics

log = logging.getLogger(__name__)

POLL_RECORDS = 500
_FLOOD_MINIMUM = 10
_LAG_EVERY_S = 1.0
# The longest a commit or a lag query may take: aiokafka retries them until the group
# coordinator answers, and one that never returns would stop ingestion for good while the
# service still looks ready (seen after a Kafka kill -9 in the fault suite).
KAFKA_CALL_S = 10.0


class ScanSource(Protocol):
    """Where scan records come from (`qrstack_common.kafka.BatchConsumer`)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def next_batch(self, *, max_records: int, timeout_ms: int) -> Sequence[Delivery]: ...
    async def commit(self, records: Sequence[Delivery]) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    async def lag(self) -> int: ...
    def seek_to_committed_on_retry(self, records: Sequence[Delivery]) -> None: ...


class DeadLetterSink(Protocol):
    """Where refused records go (`DeadLetters`)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def send(self, records: Sequence[Rejected]) -> None: ...


class IngestionStopped(Exception):
    """Ingestion cannot continue without an operator (see the message)."""


@dataclass(frozen=True)
class Backoff:
    """Delays between attempts: `first`, doubling, at most `cap` seconds."""

    first: float = 0.2
    cap: float = 10.0

    def delay(self, attempt: int) -> float:
        return float(min(self.cap, self.first * 2 ** max(0, attempt - 1)))


class _BatchWrite:
    """One batch on its way to ClickHouse; `attempt` resumes where a failed attempt stopped."""

    def __init__(self, batch: ScanBatch) -> None:
        self.batch = batch
        self.dead_lettered = not batch.rejected
        self.prepared: PreparedInsert | None = None
        self.written = False


class ScanIngestion:
    """Consumes scan events into the store until cancelled (or stopped by a poison flood)."""

    def __init__(
        self,
        *,
        store: AnalyticsStore,
        source: ScanSource,
        dead_letters: DeadLetterSink,
        policy: BatchPolicy,
        metrics: AnalyticsMetrics,
        backoff: Backoff = Backoff(),
        dead_letter_max_ratio: float = 0.2,
        kafka_call_s: float = KAFKA_CALL_S,
    ) -> None:
        self._store = store
        self._writer = ScanWriter(store.engine)
        self._source = source
        self._dead_letters = dead_letters
        self._policy = policy
        self._metrics = metrics
        self._backoff = backoff
        self._max_ratio = dead_letter_max_ratio
        self._kafka_call_s = kafka_call_s
        self._lag_at = 0.0
        self._source_started = self._dead_letters_started = False
        self.started = asyncio.Event()
        self.stopped_reason: str | None = None

    async def run(self) -> None:
        """Start the source (retrying until Kafka answers), then ingest until cancelled."""
        writing: tuple[_BatchWrite, asyncio.Task[None]] | None = None
        try:
            await self._start_source()
            self.started.set()
            while True:
                batch = await self._collect()
                if writing is not None:
                    await self._complete(*writing)
                    writing = None
                if batch.consumed:
                    self._check_flood(batch)
                    job = _BatchWrite(batch)
                    task = asyncio.create_task(self._attempt(job), name="scan-batch-write")
                    writing = (job, task)
                await self._report_lag(writing)
        except IngestionStopped as exc:
            self.stopped_reason = str(exc)
            log.error("scan ingestion stopped", extra={"reason": str(exc)})
        except Exception as exc:
            # A bug, not an outage: stop ingesting (nothing unwritten was committed) but keep
            # the service answering queries; /readyz reports it.
            self.stopped_reason = f"unexpected error: {exc!r}"
            log.exception("scan ingestion failed")
        finally:
            if writing is not None:
                # Not committed: the batch will be delivered again (and deduplicated).
                writing[1].cancel()
                await asyncio.gather(writing[1], return_exceptions=True)
            if self._source_started:
                await self._source.stop()
            if self._dead_letters_started:
                await self._dead_letters.stop()

    async def _start_source(self) -> None:
        attempt = 0
        while True:
            try:
                # Flagged before starting: a start interrupted half-way still needs its stop.
                if not self._dead_letters_started:
                    self._dead_letters_started = True
                    await self._dead_letters.start()
                self._source_started = True
                await self._source.start()
                return
            except KafkaError as exc:
                attempt += 1
                log.warning("Kafka not reachable; retrying", extra={"error": repr(exc)})
                await asyncio.sleep(self._backoff.delay(attempt))  # back-off, not flow control

    async def _collect(self) -> ScanBatch:
        """Poll until the policy closes the batch, or until a whole wait brought nothing."""
        loop = asyncio.get_running_loop()
        batch = ScanBatch()
        while True:
            now = loop.time()
            if self._policy.due(batch.consumed, batch.opened_at, now):
                return batch
            wait = self._policy.wait_s(batch.opened_at, now)
            room = min(POLL_RECORDS, self._policy.room(batch.consumed))
            records = await self._source.next_batch(
                max_records=room, timeout_ms=max(1, int(wait * 1000))
            )
            if not records and batch.opened_at is None:
                return batch
            batch.add(records, loop.time())

    def _check_flood(self, batch: ScanBatch) -> None:
        refused = len(batch.rejected)
        if refused >= _FLOOD_MINIMUM and refused > self._max_ratio * batch.consumed:
            first = batch.rejected[0]
            raise IngestionStopped(
                f"{refused} of {batch.consumed} records are not valid scan events (more than "
                f"{self._max_ratio:.0%}); first at {first.topic}[{first.partition}]@"
                f"{first.offset}: {first.reason}"
            )

    async def _attempt(self, job: _BatchWrite) -> None:
        """One attempt at every step still missing: dead letters, lookup, insert."""
        if not job.dead_lettered:
            await self._dead_letters.send(job.batch.rejected)
            job.dead_lettered = True
            self._metrics.dead_letters.inc(len(job.batch.rejected))
        if job.prepared is None:
            job.prepared = await self._store.write(self._writer.prepare, job.batch)
        if not job.written:
            started = time.perf_counter()
            await self._store.write(self._writer.write, job.prepared)
            self._metrics.insert_latency.observe(time.perf_counter() - started)
            job.written = True

    async def _complete(self, job: _BatchWrite, task: asyncio.Task[None]) -> None:
        """Wait for the batch's write, retrying until it succeeds, then commit its offsets."""
        failures = 0
        error: Exception | None = None
        try:
            await task
        except (StoreError, KafkaError) as exc:
            error = exc
        while error is not None:
            failures += 1
            self._metrics.insert_failures.inc()
            if failures == 1:
                self._source.pause()
                self._metrics.ingest_paused.set(1)
            log.warning(
                "writing a scan batch failed; keeping it and retrying",
                extra={"attempt": failures, "error": str(error)[:500]},
            )
            await self._idle(self._backoff.delay(failures))
            try:
                await self._attempt(job)
                error = None
            except (StoreError, KafkaError) as exc:
                error = exc
        if failures:
            self._source.resume()
            self._metrics.ingest_paused.set(0)
        prepared = job.prepared
        assert prepared is not None
        self._metrics.ingested.inc(prepared.scans)
        self._metrics.duplicates.inc(prepared.duplicates + job.batch.repeated)
        self._metrics.batch_size.observe(job.batch.consumed)
        self._metrics.last_insert.set(time.time())
        try:
            await asyncio.wait_for(
                self._source.commit(job.batch.last_deliveries()), self._kafka_call_s
            )
        except (KafkaError, TimeoutError) as exc:
            # Written but not acknowledged: after a rebalance or reconnect these records come
            # again and are dropped as duplicates; the next batch's commit covers them.
            self._metrics.commit_failures.inc()
            log.warning("committing offsets failed", extra={"error": repr(exc)})

    async def _idle(self, seconds: float) -> None:
        """Wait while paused, polling so the consumer stays in its group. Records handed out
        anyway (a rebalance assigned an unpaused partition) are rewound for later."""
        self._source.pause()
        records = await self._source.next_batch(
            max_records=POLL_RECORDS, timeout_ms=max(1, int(seconds * 1000))
        )
        if records:
            self._source.seek_to_committed_on_retry(records)

    async def _report_lag(self, writing: tuple[_BatchWrite, asyncio.Task[None]] | None) -> None:
        now = time.monotonic()
        if now - self._lag_at < _LAG_EVERY_S:
            return
        self._lag_at = now
        in_flight = writing[0].batch.consumed if writing is not None else 0
        try:
            lag = await asyncio.wait_for(self._source.lag(), self._kafka_call_s)
            self._metrics.lag.set(lag + in_flight)
        except (KafkaError, TimeoutError) as exc:
            log.debug("lag unavailable", extra={"error": repr(exc)})
