"""The scan emitter: the request handler hands it encoded events and never waits for Kafka.

`emit` appends to a bounded in-memory buffer. A background task (`run`, owned by the app's
cleanup context) sends batches to `qr.scans.v2` (one produce call per partition per batch).
Spooled events are replayed to the topic of their version (a spool written before v2 holds v1
events, which go to `qr.scans.v1`; analytics reads both).

When Kafka cannot take a batch, the batch is written to the spool, and while the spool holds
anything every new batch goes there too, so that replay keeps events in scan order; once Kafka
answers again the spool is replayed segment by segment. A full buffer spills straight to the
spool. `close` sends or spools everything.

Sending a batch hands records to the producer a slice at a time and lets the event loop answer
scans in between, so a large batch never holds up a scan for more than a fraction of a
millisecond. A batch that fails is spooled whole: records of it that did reach Kafka are sent
again on replay, and downstream deduplication by scan id keeps them from counting twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque

import orjson
from aiokafka.errors import KafkaError

from qrstack_common.events import SCANS_TOPIC, SCANS_TOPIC_V2, scan_key
from qrstack_common.kafka import EventProducer
from qrstack_common.metrics import RedirectMetrics
from qrstack_common.scan_wire import SCAN_V2_FIELDS
from qrstack_redirect.scans.spool import ScanSpool

log = logging.getLogger(__name__)

Encoded = tuple[bytes, bytes]  # (key, value)

_RETRY_S = 2.0
_SLICE = 256  # records handed to the producer between two turns of the event loop


class ScanEmitter:
    def __init__(
        self,
        bootstrap: str,
        spool: ScanSpool,
        metrics: RedirectMetrics,
        *,
        max_buffer: int,
        batch_size: int,
        linger_s: float,
    ) -> None:
        self._bootstrap = bootstrap
        self._spool = spool
        self._metrics = metrics
        metrics.spool_max_bytes.set(spool.max_bytes)
        metrics.spool_bytes.set(spool.size_bytes)
        spool.on_drop = lambda reason, events: metrics.scans_dropped.labels(reason).inc(events)
        self._max_buffer = max_buffer
        self._batch_size = batch_size
        self._linger_s = linger_s
        self._buffer: deque[Encoded] = deque()
        self._wake = asyncio.Event()
        self._producer: EventProducer | None = None
        self._stopping = False
        self.produced = 0

    def emit(self, key: bytes, value: bytes) -> None:
        """Queue one encoded event (`scans.encoding`). Never blocks on the network; O(1)
        unless the buffer is full (then the buffer is written to the spool)."""
        self._buffer.append((key, value))
        if len(self._buffer) >= self._max_buffer:
            self._spill(self._take(len(self._buffer)))
        if len(self._buffer) >= self._batch_size:
            self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def stop(self) -> None:
        """Make `run` return once the batch in hand is sent or spooled."""
        self._stopping = True
        self._wake.set()

    def _take(self, n: int) -> list[Encoded]:
        return [self._buffer.popleft() for _ in range(min(n, len(self._buffer)))]

    def _spill(self, batch: list[Encoded]) -> None:
        # The key is derivable from the event, so the spool keeps values only.
        self._spool.append([value for _, value in batch])
        self._metrics.scans_spooled.inc(len(batch))

    async def run(self) -> None:
        """Send batches until `stop` (then call `close`). Cancelling it may cut a batch in
        hand short: stop it instead."""
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._linger_s)
            self._wake.clear()
            self._metrics.scan_buffer.set(len(self._buffer))
            await self._drain(final=False)
            self._metrics.spool_bytes.set(self._spool.size_bytes)

    async def _drain(self, *, final: bool) -> None:
        while self._buffer or self._spool:
            producer = await self._connected_producer()
            if producer is None:
                self._spill(self._take(len(self._buffer)))
                if not final:
                    await asyncio.sleep(_RETRY_S)  # wait for the broker to come back
                return
            if self._spool:
                self._spill(self._take(len(self._buffer)))  # keep scan order behind the spool
                if not await self._replay_one_segment(producer):
                    return
                continue
            batch = self._take(self._batch_size)
            try:
                await self._send(producer, batch)
            except KafkaError as exc:
                log.warning("scan batch not produced; spooling", extra={"error": repr(exc)})
                self._spill(batch)
                await self._drop_producer()
                return
            self.produced += len(batch)
            self._metrics.scans_produced.inc(len(batch))
            if not final and len(self._buffer) < self._batch_size:
                return

    async def _replay_one_segment(self, producer: EventProducer) -> bool:
        segment = self._spool.oldest_segment()
        if segment is None:
            return True
        path, values = segment
        records: list[Encoded] = []
        legacy: list[Encoded] = []  # v1 events of a spool written before v2
        for n, value in enumerate(values):
            if n and not n % _SLICE:
                await asyncio.sleep(0)  # a turn of the loop for waiting scans
            key = spooled_key(value)
            if key is None:
                log.error("unreadable spooled scan skipped", extra={"segment": path.name})
                self._metrics.scans_dropped.labels("unreadable").inc()
            else:
                (legacy if value[:1] == b"{" else records).append((key, value))
        try:
            for topic, batch in ((SCANS_TOPIC_V2, records), (SCANS_TOPIC, legacy)):
                for start in range(0, len(batch), self._batch_size):
                    await self._send(producer, batch[start : start + self._batch_size], topic)
        except KafkaError as exc:
            log.warning("spool replay interrupted", extra={"error": repr(exc)})
            await self._drop_producer()
            return False
        self._spool.remove(path)
        replayed = len(records) + len(legacy)
        self.produced += replayed
        self._metrics.scans_produced.inc(replayed)
        log.info("replayed spooled scans", extra={"segment": path.name, "events": replayed})
        return True

    @staticmethod
    async def _send(
        producer: EventProducer, batch: list[Encoded], topic: str = SCANS_TOPIC_V2
    ) -> None:
        """Send `batch` in order and wait until all of it is acknowledged (KafkaError if not)."""
        futures: list[asyncio.Future[object]] = []
        for start in range(0, len(batch), _SLICE):
            if start:
                await asyncio.sleep(0)  # a turn of the loop for waiting scans
            futures += await producer.send_keyed(topic, batch[start : start + _SLICE])
        await asyncio.gather(*futures)

    async def _connected_producer(self) -> EventProducer | None:
        if self._producer is not None:
            return self._producer
        producer = EventProducer(self._bootstrap, client_id="qrstack-redirect-scans", linger_ms=5)
        try:
            await producer.start()
        except (KafkaError, OSError) as exc:
            log.warning("Kafka unreachable for scan events", extra={"error": repr(exc)})
            with contextlib.suppress(Exception):
                await producer.stop()
            return None
        self._producer = producer
        return producer

    async def _drop_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(Exception):
                await producer.stop()

    async def close(self) -> None:
        """Send everything buffered (or spool it if Kafka is away), then stop the producer."""
        await self._drain(final=True)
        self._spill(self._take(len(self._buffer)))
        await self._drop_producer()


_V2_DOMAIN, _V2_SLUG, _V2_CODE = (
    1 + SCAN_V2_FIELDS.index(name) for name in ("domain", "slug", "code_id")
)


def spooled_key(value: bytes) -> bytes | None:
    """The Kafka key of a spooled event, v2 or v1 (`scan_key`: the spool keeps values only),
    None if the line is not a scan event."""
    try:
        event = orjson.loads(value)
        if isinstance(event, list):
            code = event[_V2_CODE] if len(event) > _V2_CODE else None
            code_id = None if code is None else str(uuid.UUID(hex=code))
            return scan_key(code_id, event[_V2_DOMAIN], event[_V2_SLUG])
        code_id = event.get("code_id")
        return scan_key(None if code_id is None else str(code_id), event["domain"], event["slug"])
    except (orjson.JSONDecodeError, AttributeError, KeyError, IndexError, TypeError, ValueError):
        return None
