"""The table reader replays a compacted topic from the beginning, is ready exactly when it
reached the end offsets taken at start, applies tombstones, and keeps tailing."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from qrstack_common.kafka import EventProducer, TableReader, TopicSpec, ensure_topics
from qrstack_launcher.stack import Infrastructure
from support.kafka import find_records, send_all
from support.waiting import eventually

pytestmark = pytest.mark.infra


async def test_replay_then_ready_then_live(infra: Infrastructure) -> None:
    topic = f"test.table.{uuid.uuid4().hex[:8]}"
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(topic, 3, {"cleanup.policy": "compact"})])
    producer = EventProducer(infra.kafka_bootstrap, client_id="test")
    await producer.start()
    try:
        await send_all(producer, topic, [(f"k{n}".encode(), f"v{n}".encode()) for n in range(500)])
        await send_all(producer, topic, [(b"k7", None), (b"k8", b"v8-new")])

        table: dict[bytes, bytes] = {}
        seen_while_not_ready: list[int] = []

        def apply(_topic: str, key: bytes, value: bytes | None) -> None:
            if not reader.ready:
                seen_while_not_ready.append(len(table))
            if value is None:
                table.pop(key, None)
            else:
                table[key] = value

        reader = TableReader(infra.kafka_bootstrap, [topic], apply, client_id="test-reader")
        task = asyncio.create_task(reader.run())
        try:
            await asyncio.wait_for(reader.wait_ready(), 20)
            assert len(table) == 499
            assert b"k7" not in table
            assert table[b"k8"] == b"v8-new"
            assert reader.lag() == 0
            assert seen_while_not_ready  # records were applied before ready turned true

            await send_all(producer, topic, [(b"live", b"1")])

            async def live_applied() -> bool:
                return table.get(b"live") == b"1"

            await eventually(live_applied, timeout=5)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    finally:
        await producer.stop()


async def test_an_empty_topic_is_ready_at_once(infra: Infrastructure) -> None:
    topic = f"test.empty.{uuid.uuid4().hex[:8]}"
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(topic, 1, {"cleanup.policy": "compact"})])
    reader = TableReader(infra.kafka_bootstrap, [topic], lambda *_: None, client_id="test-empty")
    task = asyncio.create_task(reader.run())
    try:
        await asyncio.wait_for(reader.wait_ready(), 10)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_keyed_batches_keep_each_keys_order_and_partition(infra: Infrastructure) -> None:
    """send_keyed puts every record on its key's default partition, in order, once."""
    from aiokafka import AIOKafkaProducer

    topic = f"test.keyed.{uuid.uuid4().hex[:8]}"
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(topic, 3, {})])
    producer = EventProducer(infra.kafka_bootstrap, client_id="test-keyed")
    await producer.start()
    reference = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await reference.start()
    try:
        records = [(f"code-{n % 7}".encode(), f"{n}".encode()) for n in range(3000)]
        await asyncio.gather(*await producer.send_keyed(topic, records))
        expected_partition = {}
        for key in {k for k, _ in records}:
            meta = await (await reference.send(topic, key=key, value=b"probe"))
            expected_partition[key] = meta.partition
    finally:
        await producer.stop()
        await reference.stop()
    found = await find_records(
        infra.kafka_bootstrap, topic, lambda r: r.value != b"probe", count=3000
    )
    for record in found:
        assert record.partition == expected_partition[record.key]
    for key in expected_partition:
        values = [int(r.value) for r in found if r.key == key]
        assert values == sorted(values)
        assert len(values) == len({v for k, v in records if k == key})
