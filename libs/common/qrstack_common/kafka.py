"""The one Kafka wrapper of qrstack (aiokafka), in the three shapes the services need.

- `EventProducer`: keyed, ordered-per-key, idempotent production (acks=all).
- `TableReader`: the GlobalKTable pattern for compacted topics. Assigns every partition with no
  consumer group, reads from the beginning up to the end offsets taken at start (then `ready`),
  and keeps tailing. A `None` value is a tombstone.
- `BatchConsumer`: a consumer-group member that hands out batches and commits only the offsets
  it is told to, after the caller's write succeeded (at-least-once).

`ensure_topics` creates the platform topics with their configs and refuses a table topic that
exists without compaction (a broker with auto-create would otherwise make one silently).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from aiokafka.partitioner import DefaultPartitioner

from qrstack_common.activity import EVENTS_TOPIC
from qrstack_common.events import CODES_TOPIC, DOMAINS_TOPIC, SCANS_TOPIC, SCANS_TOPIC_V2

log = logging.getLogger(__name__)

Record = ConsumerRecord  # re-exported so services need not import aiokafka

_PARTITION_CACHE_MAX = 100_000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: Mapping[str, str] = field(default_factory=dict)

    @property
    def compacted(self) -> bool:
        return "compact" in self.config.get("cleanup.policy", "")


def platform_topics(
    partitions: int = 3, scan_retention_ms: int = 7 * 86_400_000
) -> list[TopicSpec]:
    """The topics qrstack uses, with their configs."""
    table = {
        "cleanup.policy": "compact",
        "min.cleanable.dirty.ratio": "0.1",
        "segment.ms": str(3_600_000),
    }
    return [
        TopicSpec(CODES_TOPIC, partitions, table),
        TopicSpec(DOMAINS_TOPIC, 1, table),
        *(
            TopicSpec(
                topic,
                partitions,
                {"cleanup.policy": "delete", "retention.ms": str(scan_retention_ms)},
            )
            for topic in (SCANS_TOPIC, SCANS_TOPIC_V2)
        ),
        TopicSpec(
            EVENTS_TOPIC,
            partitions,
            {"cleanup.policy": "delete", "retention.ms": str(scan_retention_ms)},
        ),
    ]


async def ensure_topics(bootstrap: str, specs: Iterable[TopicSpec]) -> None:
    """Create the missing topics. Raises RuntimeError if a table topic exists uncompacted."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="qrstack-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = list(specs)
        missing = [
            NewTopic(s.name, s.partitions, 1, topic_configs=dict(s.config))
            for s in wanted
            if s.name not in existing
        ]
        if missing:
            response = await admin.create_topics(missing)
            for topic, code, *rest in response.topic_errors:
                # 36 = TOPIC_ALREADY_EXISTS: another service created it first.
                if code not in (0, TopicAlreadyExistsError.errno):
                    raise RuntimeError(f"cannot create topic {topic}: error {code} {rest}")
        for spec in wanted:
            if spec.compacted and spec.name in existing:
                await _check_compacted(admin, spec.name)
    finally:
        await admin.close()


async def _check_compacted(admin: AIOKafkaAdminClient, topic: str) -> None:
    resource = ConfigResource(ConfigResourceType.TOPIC, topic, {"cleanup.policy": None})
    responses = await admin.describe_configs([resource])
    for response in responses:
        # resources: (error_code, error_message, resource_type, resource_name, config_entries);
        # each entry starts with (name, value, ...).
        for described in response.resources:
            for entry in described[4]:
                name, value = entry[0], entry[1]
                if name == "cleanup.policy" and "compact" not in (value or ""):
                    raise RuntimeError(
                        f"topic {topic} exists with cleanup.policy={value}; it must be compacted"
                    )


async def topic_partitions(bootstrap: str, topics: Sequence[str]) -> list[TopicPartition]:
    """Every partition of `topics`, from the broker's metadata. Raises KafkaError naming a topic
    that does not exist (yet)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="qrstack-metadata")
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics))
    finally:
        await admin.close()
    partitions: list[TopicPartition] = []
    for topic in described:
        if topic["error_code"] != 0 or not topic["partitions"]:
            raise KafkaError(f"topic {topic['topic']} does not exist yet")
        partitions.extend(
            TopicPartition(topic["topic"], p["partition"])
            for p in sorted(topic["partitions"], key=lambda p: p["partition"])
        )
    return partitions


class EventProducer:
    """Keyed production with delivery futures; ordered per key (idempotent, acks=all)."""

    def __init__(self, bootstrap: str, *, client_id: str, linger_ms: int = 5) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            client_id=client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=linger_ms,
            compression_type="lz4",
            max_batch_size=1 << 20,
            request_timeout_ms=15_000,
        )
        self._partitioner = DefaultPartitioner()
        self._partition_cache: dict[tuple[bytes, int], int] = {}

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send(
        self,
        topic: str,
        key: bytes,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]] | None = None,
    ) -> asyncio.Future[object]:
        """Queue one record; the returned future resolves when the broker acknowledged it."""
        fut: asyncio.Future[object] = await self._producer.send(
            topic, value=value, key=key, headers=list(headers) if headers else None
        )
        return fut

    async def send_keyed(
        self, topic: str, records: Sequence[tuple[bytes, bytes]]
    ) -> list[asyncio.Future[object]]:
        """Queue many records as one batch per partition; the futures resolve when the broker
        acknowledged each batch. Partitions are the default partitioner's (murmur2 of the key,
        as every other producer of the key computes it), cached per key; a key's records keep
        their order. Much cheaper per record than `send` (no per-record future or accumulator
        entry), for high-volume streams such as scan events."""
        partitions = sorted(await self._producer.partitions_for(topic))
        count = len(partitions)
        grouped: dict[int, list[tuple[bytes, bytes]]] = {}
        for key, value in records:
            cached = self._partition_cache.get((key, count))
            if cached is None:
                if len(self._partition_cache) >= _PARTITION_CACHE_MAX:
                    self._partition_cache.clear()
                cached = self._partitioner(key, partitions, partitions)
                self._partition_cache[(key, count)] = cached
            grouped.setdefault(cached, []).append((key, value))
        futures: list[asyncio.Future[object]] = []
        for partition, items in grouped.items():
            batch = self._producer.create_batch()
            for key, value in items:
                if batch.append(key=key, value=value, timestamp=None) is None:  # batch full
                    futures.append(
                        await self._producer.send_batch(batch, topic, partition=partition)
                    )
                    batch = self._producer.create_batch()
                    batch.append(key=key, value=value, timestamp=None)
            futures.append(await self._producer.send_batch(batch, topic, partition=partition))
        return futures


def groupless_consumer(bootstrap: str, client_id: str, **options: Any) -> AIOKafkaConsumer:
    """A consumer outside any group: its partitions are assigned by hand, nothing committed."""
    return AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        group_id=None,
        enable_auto_commit=False,
        **options,
    )


async def reconnecting(
    connect: Callable[[], AIOKafkaConsumer],
    consume: Callable[[AIOKafkaConsumer], Awaitable[None]],
    *,
    lost: str,
) -> None:
    """Run `consume` on a consumer from `connect()` for as long as the task lives: when the
    broker is lost (a `KafkaError`), log `lost`, stop that consumer, wait a second and start a
    new one."""
    while True:
        consumer = connect()
        try:
            await consumer.start()
            await consume(consumer)
        except KafkaError as exc:
            log.warning(f"{lost}; retrying", extra={"error": repr(exc)})
        finally:
            await consumer.stop()
        await asyncio.sleep(1.0)  # back-off between reconnects (not flow control)


TableApply = Callable[[str, bytes, bytes | None], None]
"""apply(topic, key, value) — value None is a tombstone. Must not raise for bad values: log."""


class TableReader:
    """Replays compacted topics into a table and keeps it live.

    `run()` is meant to be a long-lived task owned by the service: it connects (retrying while
    the broker is unreachable), assigns all partitions of `topics`, seeks to the beginning,
    snapshots the end offsets, and applies every record. `ready` turns true once the position of
    every partition reached the end offset taken at start; it never turns false again (a table
    that was caught up keeps serving from memory while Kafka is unreachable).
    """

    def __init__(
        self, bootstrap: str, topics: Sequence[str], apply: TableApply, *, client_id: str
    ) -> None:
        self._bootstrap = bootstrap
        self._topics = list(topics)
        self._apply = apply
        self._client_id = client_id
        self._targets: dict[TopicPartition, int] = {}
        self._positions: dict[TopicPartition, int] = {}
        self._ready = asyncio.Event()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    async def wait_ready(self) -> None:
        await self._ready.wait()

    def lag(self) -> int:
        """Records between what was applied and the end offsets captured at start."""
        return sum(max(0, end - self._positions.get(tp, 0)) for tp, end in self._targets.items())

    async def run(self) -> None:
        await reconnecting(self._consumer, self._consume, lost="table feed lost the broker")

    def _consumer(self) -> AIOKafkaConsumer:
        return groupless_consumer(
            self._bootstrap,
            self._client_id,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=100,
            max_partition_fetch_bytes=8 << 20,
        )

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        partitions = await topic_partitions(self._bootstrap, self._topics)
        consumer.assign(partitions)
        if self._positions:  # reconnect: resume where we were
            for tp in partitions:
                consumer.seek(tp, self._positions.get(tp, 0))
        else:
            await consumer.seek_to_beginning(*partitions)
            self._targets = dict(await consumer.end_offsets(partitions))
            for tp in partitions:
                self._positions[tp] = 0
        await self._check_caught_up(consumer, partitions)
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=10_000)
            for tp, records in batches.items():
                for record in records:
                    key = record.key
                    if key is None:
                        continue
                    self._apply(tp.topic, key, record.value)
                self._positions[tp] = records[-1].offset + 1
            if not self.ready:
                await self._check_caught_up(consumer, partitions)

    async def _check_caught_up(
        self, consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition]
    ) -> None:
        # Compare positions, not the last record's offset: compaction leaves gaps at the end.
        for tp in partitions:
            position = await consumer.position(tp)
            self._positions[tp] = position
            if position < self._targets.get(tp, 0):
                return
        self._ready.set()


class BatchConsumer:
    """A consumer-group member handing out batches; commits only what the caller confirms."""

    def __init__(
        self,
        bootstrap: str,
        topic: str | Sequence[str],
        *,
        group_id: str,
        client_id: str,
        max_poll_interval_ms: int = 300_000,
    ) -> None:
        """`max_poll_interval_ms` also bounds a rebalance: a member that died while joining
        holds the group up to this long (lower it for consumers that poll often)."""
        self.topics = (topic,) if isinstance(topic, str) else tuple(topic)
        self.topic = self.topics[0]
        self._consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=bootstrap,
            client_id=client_id,
            group_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=8 << 20,
            fetch_max_bytes=64 << 20,
            fetch_max_wait_ms=200,
            max_poll_interval_ms=max_poll_interval_ms,
            rebalance_timeout_ms=max_poll_interval_ms,
        )

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def next_batch(self, *, max_records: int, timeout_ms: int) -> list[ConsumerRecord]:
        """Up to `max_records` records, waiting at most `timeout_ms` for the first ones."""
        batches = await self._consumer.getmany(timeout_ms=timeout_ms, max_records=max_records)
        return [record for records in batches.values() for record in records]

    async def commit(self, records: Sequence[ConsumerRecord]) -> None:
        """Commit the offsets after `records` (last offset + 1 per partition)."""
        offsets: dict[TopicPartition, int] = {}
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
        if offsets:
            await self._consumer.commit(offsets)

    def pause(self) -> None:
        self._consumer.pause(*self._consumer.assignment())

    def resume(self) -> None:
        self._consumer.resume(*self._consumer.assignment())

    async def lag(self) -> int:
        """Records in the assigned partitions not yet consumed."""
        assigned = list(self._consumer.assignment())
        if not assigned:
            return 0
        ends = await self._consumer.end_offsets(assigned)
        total = 0
        for tp in assigned:
            total += max(0, ends[tp] - await self._consumer.position(tp))
        return total

    def seek_to_committed_on_retry(self, records: Sequence[ConsumerRecord]) -> None:
        """Rewind to the first record of a batch whose write failed, so it is read again."""
        first: dict[TopicPartition, int] = {}
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            first[tp] = min(first.get(tp, record.offset), record.offset)
        for tp, offset in first.items():
            self._consumer.seek(tp, offset)
