"""Ingestion from the real Kafka into chDB: every scan counted once (duplicates produced twice,
a consumer restarted from old offsets), offsets committed only after the insert, nothing lost
while ClickHouse refuses writes, invalid records dead-lettered with their origin — and the
service itself answering `totals.scans == 1` for one scan published to `qr.scans.v1`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from unit.analytics.analytics_support import chdb_dir

from qrstack_analytics.app import create_app
from qrstack_analytics.scans.batching import BatchPolicy
from qrstack_analytics.scans.dead_letters import DeadLetters
from qrstack_analytics.scans.ingestion import Backoff, ScanIngestion
from qrstack_analytics.scans.synthetic import scan_event
from qrstack_analytics.settings import AnalyticsSettings
from qrstack_analytics.storage.store import AnalyticsStore
from qrstack_common.events import SCANS_TOPIC, SCANS_TOPIC_V2, ScanEvent
from qrstack_common.kafka import BatchConsumer, EventProducer, TopicSpec, ensure_topics
from qrstack_common.metrics import AnalyticsMetrics
from qrstack_common.scan_wire import scan_to_v2
from qrstack_launcher.stack import Infrastructure
from support.kafka import send_all

pytestmark = pytest.mark.infra


class Topics:
    """A fresh scan topic (3 partitions), its dead-letter topic and a consumer group."""

    def __init__(self) -> None:
        suffix = uuid.uuid4().hex[:10]
        self.scans = f"{SCANS_TOPIC}.test-{suffix}"
        self.dead_letters = f"{self.scans}.dead-letters"
        self.group = f"analytics-test-{suffix}"


async def publish(bootstrap: str, topic: str, values: Sequence[tuple[bytes, bytes | None]]) -> None:
    producer = EventProducer(bootstrap, client_id="analytics-test")
    await producer.start()
    try:
        await send_all(producer, topic, values)
    finally:
        await producer.stop()


def keyed(events: Sequence[ScanEvent]) -> list[tuple[bytes, bytes | None]]:
    return [(e.kafka_key(), e.to_bytes()) for e in events]


async def committed(bootstrap: str, group: str, topic: str) -> int:
    """The sum of the group's committed offsets on `topic` (0 for none, -1 while unknown)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    except KafkaError:  # the group's coordinator is still being elected
        return -1
    finally:
        await admin.close()
    return sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset > 0)


async def end_offsets(bootstrap: str, topic: str) -> int:
    # Subscribed, not bare: aiokafka cannot stop a group-less consumer that has no subscription.
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


async def counted(store: AnalyticsStore, ws: uuid.UUID) -> tuple[int, int]:
    """(raw rows, scans in the 15-minute rollup) of a workspace."""
    raw = await store.rows(
        f"SELECT count() FROM {store.database}.scans WHERE workspace_id = {{ws:UUID}}",  # noqa: S608
        {"ws": str(ws)},
    )
    rolled = await store.rows(
        f"SELECT sum(scans) FROM {store.database}.scans_15m WHERE workspace_id = {{ws:UUID}}",  # noqa: S608
        {"ws": str(ws)},
    )
    return int(raw[0][0]), int(rolled[0][0])


async def eventually(check: Callable[[], Any], timeout: float = 60.0) -> None:
    async with asyncio.timeout(timeout):
        while not await check():  # noqa: ASYNC110 - polls state another process changes
            await asyncio.sleep(0.1)


@asynccontextmanager
async def ingesting(
    infra: Infrastructure, store: AnalyticsStore, topics: Topics, metrics: AnalyticsMetrics
) -> AsyncIterator[ScanIngestion]:
    bootstrap = infra.kafka_bootstrap
    pipeline = ScanIngestion(
        store=store,
        source=BatchConsumer(bootstrap, topics.scans, group_id=topics.group, client_id="it"),
        dead_letters=DeadLetters(bootstrap, topics.dead_letters),
        policy=BatchPolicy(max_scans=500, max_wait_s=0.1),
        metrics=metrics,
        backoff=Backoff(first=0.05, cap=0.3),
    )
    task = asyncio.create_task(pipeline.run())
    try:
        yield pipeline
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def new_topics(infra: Infrastructure) -> Topics:
    topics = Topics()
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(topics.scans, 3)])
    return topics


async def test_every_scan_once_and_invalid_records_dead_lettered(
    infra: Infrastructure, kafka_store: AnalyticsStore
) -> None:
    topics = await new_topics(infra)
    ws = uuid.uuid4()
    codes = [uuid.uuid4() for _ in range(20)]
    events = [scan_event(workspace_id=ws, code_id=codes[i % 20]) for i in range(2000)]
    records = keyed(events) + keyed(events[:300])  # the producer retried a part
    records.append((b"poison", b'{"scan_id": 42}'))
    await publish(infra.kafka_bootstrap, topics.scans, records)
    end = await end_offsets(infra.kafka_bootstrap, topics.scans)
    assert end == 2301
    metrics = AnalyticsMetrics()
    async with ingesting(infra, kafka_store, topics, metrics):

        async def caught_up() -> bool:
            return await committed(infra.kafka_bootstrap, topics.group, topics.scans) == end

        await eventually(caught_up)
    assert await counted(kafka_store, ws) == (2000, 2000)
    assert metrics.registry.get_sample_value("qr_ingest_duplicates_total") == 300

    reader = AIOKafkaConsumer(
        topics.dead_letters, bootstrap_servers=infra.kafka_bootstrap, auto_offset_reset="earliest"
    )
    await reader.start()
    try:
        record = await asyncio.wait_for(reader.getone(), 20)
    finally:
        await reader.stop()
    headers = dict(record.headers)
    assert record.key == b"poison" and record.value == b'{"scan_id": 42}'
    assert headers["origin.topic"] == topics.scans.encode()
    assert int(headers["origin.offset"]) >= 0 and b"scan_id" in headers["error"]


async def test_nothing_is_lost_or_committed_while_clickhouse_refuses_writes(
    infra: Infrastructure, kafka_store: AnalyticsStore
) -> None:
    topics = await new_topics(infra)
    ws = uuid.uuid4()
    events = [scan_event(workspace_id=ws) for _ in range(600)]
    await publish(infra.kafka_bootstrap, topics.scans, keyed(events))
    metrics = AnalyticsMetrics()
    table = f"{kafka_store.database}.scans"
    await kafka_store.write(kafka_store.engine.execute, f"DETACH TABLE {table}")
    try:
        async with ingesting(infra, kafka_store, topics, metrics):

            async def failing() -> bool:
                failures = metrics.registry.get_sample_value("qr_ingest_insert_failures_total")
                return (failures or 0) >= 3

            await eventually(failing)
            assert await committed(infra.kafka_bootstrap, topics.group, topics.scans) <= 0
            await kafka_store.write(kafka_store.engine.execute, f"ATTACH TABLE {table}")

            async def caught_up() -> bool:
                return await committed(infra.kafka_bootstrap, topics.group, topics.scans) == 600

            await eventually(caught_up)
    finally:
        await kafka_store.write(kafka_store.engine.execute, f"ATTACH TABLE IF NOT EXISTS {table}")
    assert await counted(kafka_store, ws) == (600, 600)


async def test_a_consumer_restarted_from_old_offsets_counts_nothing_twice(
    infra: Infrastructure, kafka_store: AnalyticsStore
) -> None:
    topics = await new_topics(infra)
    ws = uuid.uuid4()
    await publish(
        infra.kafka_bootstrap,
        topics.scans,
        keyed([scan_event(workspace_id=ws) for _ in range(400)]),
    )

    async def caught_up() -> bool:
        return await committed(infra.kafka_bootstrap, topics.group, topics.scans) == 400

    async with ingesting(infra, kafka_store, topics, AnalyticsMetrics()):
        await eventually(caught_up)
    # As if the process had died after writing but before committing: rewind the group.
    rewind = AIOKafkaConsumer(
        bootstrap_servers=infra.kafka_bootstrap, group_id=topics.group, enable_auto_commit=False
    )
    await rewind.start()
    try:
        partitions = [TopicPartition(topics.scans, p) for p in range(3)]
        rewind.assign(partitions)
        await rewind.commit(dict.fromkeys(partitions, 0))
    finally:
        await rewind.stop()
    assert await committed(infra.kafka_bootstrap, topics.group, topics.scans) == 0
    metrics = AnalyticsMetrics()
    async with ingesting(infra, kafka_store, topics, metrics):
        await eventually(caught_up)
    assert await counted(kafka_store, ws) == (400, 400)
    assert metrics.registry.get_sample_value("qr_ingest_duplicates_total") == 400


async def test_the_service_counts_scans_published_in_v1_and_v2(infra: Infrastructure) -> None:
    settings = AnalyticsSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        chdb_path=chdb_dir(),
        clickhouse_database="analytics_service",
        consumer_group=f"analytics-service-{uuid.uuid4().hex[:8]}",
        batch_max_wait_ms=100,
    )
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    try:

        async def ready() -> bool:
            return (await client.get("/readyz")).status == 200

        await eventually(ready)
        event = scan_event()
        newer = scan_event(code_id=event.code_id, workspace_id=event.workspace_id)
        await publish(infra.kafka_bootstrap, SCANS_TOPIC, keyed([event]))
        await publish(
            infra.kafka_bootstrap, SCANS_TOPIC_V2, [(newer.kafka_key(), scan_to_v2(newer))]
        )
        url = f"/internal/v1/workspaces/{event.workspace_id}/codes/{event.code_id}/analytics"

        async def both_scans() -> bool:
            response = await client.get(url, params={"range": "7d"})
            return bool((await response.json())["totals"]["scans"] == 2)

        await eventually(both_scans)
        metrics = await (await client.get("/metrics")).text()
        assert "qr_scans_ingested_total" in metrics
    except aiohttp.ClientError:
        raise
    finally:
        await client.close()
