"""Writing records to the real Kafka and reading what services wrote there."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRecord

from qrstack_common.kafka import EventProducer


async def send_all(
    producer: EventProducer, topic: str, records: Sequence[tuple[bytes, bytes | None]]
) -> None:
    """Send records in order and wait until every one is acknowledged."""
    futures = [await producer.send(topic, key, value) for key, value in records]
    await asyncio.gather(*futures)


async def find_records(
    bootstrap: str,
    topic: str,
    match: Callable[[ConsumerRecord], bool],
    *,
    count: int = 1,
    timeout: float = 20.0,
) -> list[ConsumerRecord]:
    """Read `topic` from the beginning until `count` records satisfy `match`; raise
    TimeoutError (listing how many were seen) if they do not arrive within `timeout`."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[ConsumerRecord] = []
    seen = 0
    try:
        async with asyncio.timeout(timeout):
            while len(found) < count:
                batches = await consumer.getmany(timeout_ms=200)
                for records in batches.values():
                    seen += len(records)
                    found.extend(r for r in records if match(r))
    except TimeoutError:
        raise TimeoutError(
            f"{len(found)}/{count} matching records in {topic} after {timeout}s ({seen} read)"
        ) from None
    finally:
        await consumer.stop()
    return found
