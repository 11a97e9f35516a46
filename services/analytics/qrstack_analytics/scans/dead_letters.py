"""Records that are not valid scan events go to a dead-letter topic, unchanged, with where
they came from and why they were refused in headers — so they can be inspected and replayed,
and never block the partition behind them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from qrstack_analytics.scans.rows import Rejected
from qrstack_common.events import SCANS_TOPIC
from qrstack_common.kafka import EventProducer, TopicSpec, ensure_topics

DEAD_LETTER_TOPIC = f"{SCANS_TOPIC}.dead-letters"


def dead_letter_topic_spec(partitions: int = 1, topic: str = DEAD_LETTER_TOPIC) -> TopicSpec:
    return TopicSpec(
        topic,
        partitions,
        {"cleanup.policy": "delete", "retention.ms": str(30 * 86_400_000)},
    )


def origin_headers(record: Rejected) -> list[tuple[str, bytes]]:
    return [
        ("origin.topic", record.topic.encode()),
        ("origin.partition", str(record.partition).encode()),
        ("origin.offset", str(record.offset).encode()),
        ("error", record.reason.encode()[:2000]),
    ]


class DeadLetters:
    """Publishes refused records; `send` returns once the broker acknowledged all of them
    (raises KafkaError otherwise, and the caller retries)."""

    def __init__(self, bootstrap: str, topic: str = DEAD_LETTER_TOPIC) -> None:
        self._bootstrap = bootstrap
        self._producer = EventProducer(bootstrap, client_id="qrstack-analytics-dead-letters")
        self.topic = topic

    async def start(self) -> None:
        """Create the topic if missing and connect. Raises KafkaError while Kafka is down."""
        await ensure_topics(self._bootstrap, [dead_letter_topic_spec(topic=self.topic)])
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send(self, records: Sequence[Rejected]) -> None:
        acks = [
            await self._producer.send(
                self.topic, record.key or b"", record.value, headers=origin_headers(record)
            )
            for record in records
        ]
        await asyncio.gather(*acks)
