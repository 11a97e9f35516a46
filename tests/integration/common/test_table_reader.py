"""The table reader replays a compacted topic from the beginning, is ready exactly when it
reached the end offsets taken at start, applies tombstones, and keeps tailing."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from qrstack_common.kafka import EventProducer, TableReader, TopicSpec, ensure_topics
from qrstack_launcher.stack import Infrastructure
from support.waiting import eventually

pytestmark = pytest.mark.infra


async def test_replay_then_ready_then_live(infra: Infrastructure) -> None:
    topic = f"test.table.{uuid.uuid4().hex[:8]}"
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(topic, 3, {"cleanup.policy": "compact"})])
    producer = EventProducer(infra.kafka_bootstrap, client_id="test")
    await producer.start()
    try:
        await producer.send_all(topic, [(f"k{n}".encode(), f"v{n}".encode()) for n in range(500)])
        await producer.send_all(topic, [(b"k7", None), (b"k8", b"v8-new")])

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

            await producer.send_all(topic, [(b"live", b"1")])

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
