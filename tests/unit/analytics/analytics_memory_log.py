"""An in-memory partitioned log that behaves like one consumer-group member of Kafka: records
by partition, a position and a committed offset per partition, pause/resume, and a restart
that goes back to the committed offsets. It lets the unit tier drive the ingestion pipeline
without a broker; the same guarantees are proven against real Kafka in the integration tier."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from qrstack_analytics.scans.rows import Delivery


@dataclass(frozen=True)
class LogRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass
class MemoryLog:
    topic: str = "scans"
    partitions: int = 2
    on_commit: Callable[[dict[int, int]], Awaitable[None]] | None = None
    records: dict[int, list[LogRecord]] = field(default_factory=dict)
    position: dict[int, int] = field(default_factory=dict)
    committed: dict[int, int] = field(default_factory=dict)
    paused: bool = False
    commits: int = 0

    def __post_init__(self) -> None:
        for p in range(self.partitions):
            self.records[p] = []
            self.position[p] = self.committed[p] = 0
        self._arrived = asyncio.Event()

    def append(self, partition: int, value: bytes | None, key: bytes | None = None) -> None:
        log = self.records[partition]
        log.append(LogRecord(self.topic, partition, len(log), key, value))
        self._arrived.set()

    def end_offsets(self) -> dict[int, int]:
        return {p: len(log) for p, log in self.records.items()}

    def restart(self) -> None:
        """A new member of the group: reading resumes at the committed offsets."""
        self.position = dict(self.committed)
        self.paused = False

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def _take(self, max_records: int) -> list[LogRecord]:
        out: list[LogRecord] = []
        for p, log in self.records.items():
            take = log[self.position[p] : self.position[p] + max_records - len(out)]
            self.position[p] += len(take)
            out.extend(take)
        return out

    async def next_batch(self, *, max_records: int, timeout_ms: int) -> Sequence[Delivery]:
        if not self.paused and (taken := self._take(max_records)):
            return taken
        self._arrived.clear()
        try:
            await asyncio.wait_for(self._arrived.wait(), timeout_ms / 1000)
        except TimeoutError:
            return []
        return [] if self.paused else self._take(max_records)

    async def commit(self, records: Sequence[Delivery]) -> None:
        offsets = dict(self.committed)
        for record in records:
            offsets[record.partition] = max(offsets[record.partition], record.offset + 1)
        if self.on_commit is not None:
            await self.on_commit(offsets)
        self.committed = offsets
        self.commits += 1

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    async def lag(self) -> int:
        return sum(len(log) - self.position[p] for p, log in self.records.items())

    def seek_to_committed_on_retry(self, records: Sequence[Delivery]) -> None:
        for record in records:
            self.position[record.partition] = min(self.position[record.partition], record.offset)


@dataclass
class DeadLetterList:
    sent: list[object] = field(default_factory=list)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, records: Sequence[object]) -> None:
        self.sent.extend(records)
