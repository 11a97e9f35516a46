"""Tailing topics without a consumer group (a fourth shape beside `qrstack_common.kafka`'s):
every partition assigned, starting `backlog` records before the end, then live. For in-memory
views of recent events (the API's live scan streams)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from qrstack_common.kafka import groupless_consumer, reconnecting, topic_partitions

TailApply = Callable[[ConsumerRecord], None]


class TopicTail:
    def __init__(
        self,
        bootstrap: str,
        topics: Sequence[str],
        apply: TailApply,
        *,
        backlog: int,
        client_id: str,
    ) -> None:
        self._bootstrap = bootstrap
        self._topics = list(topics)
        self._apply = apply
        self._backlog = backlog
        self._client_id = client_id
        self._positions: dict[TopicPartition, int] = {}
        self.ready = asyncio.Event()  # the backlog was read

    async def run(self) -> None:
        await reconnecting(self._consumer, self._consume, lost="topic tail lost the broker")

    def _consumer(self) -> AIOKafkaConsumer:
        return groupless_consumer(self._bootstrap, self._client_id, fetch_max_wait_ms=50)

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        partitions = await topic_partitions(self._bootstrap, self._topics)
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        for tp in partitions:
            if tp in self._positions:
                consumer.seek(tp, self._positions[tp])
            else:
                consumer.seek(tp, max(starts[tp], ends[tp] - self._backlog))
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=5000)
            for tp, records in batches.items():
                for record in records:
                    self._apply(record)
                self._positions[tp] = records[-1].offset + 1
            if not self.ready.is_set():
                caught_up = True
                for tp in partitions:
                    if await consumer.position(tp) < ends[tp]:
                        caught_up = False
                if caught_up:
                    self.ready.set()
