"""The API's live view of recent scans: a tail of `qr.scans.v2` and `qr.scans.v1` (read with
`decode_scan`), the last `buffer` counted scans per partition kept in memory, and fan-out to
the open streams.

An event's id is the feed's position after it — `topic/partition:next offset` for every
partition read so far, comma-separated — so a client resuming with Last-Event-ID is sent
exactly the buffered scans after that cut, whichever replica it reconnects to (every replica
reads the same partitions). Resuming further back than the buffer reaches starts at its
oldest scan (the stream says so in a comment)."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from uuid import UUID

from aiokafka import ConsumerRecord

from qrstack_common.activity import ScanData, is_counted
from qrstack_common.events import SCANS_TOPIC, SCANS_TOPIC_V2
from qrstack_common.scan_wire import ScanDecodeError, decode_scan
from qrstack_common.serve import stop_tasks
from qrstack_common.tail import TopicTail

log = logging.getLogger(__name__)

Position = dict[str, int]  # "topic/partition" → next offset


@dataclass(frozen=True, slots=True)
class LiveScan:
    seq: int  # order in which this feed applied it
    tp: str
    offset: int
    workspace_id: UUID
    code_id: UUID
    is_bot: bool
    data: bytes  # ScanData JSON
    cut: str  # the event id: the feed's position after this scan


@dataclass(frozen=True, slots=True)
class Interest:
    workspace_id: UUID
    code_id: UUID | None
    include_bots: bool

    def wants(self, scan: LiveScan) -> bool:
        return (
            scan.workspace_id == self.workspace_id
            and (self.code_id is None or scan.code_id == self.code_id)
            and (self.include_bots or not scan.is_bot)
        )


def parse_cut(text: str) -> Position:
    """A Last-Event-ID back into a position; ValueError if it is not one we sent."""
    position: Position = {}
    for part in text.split(","):
        tp, _, offset = part.rpartition(":")
        if not tp or "/" not in tp:
            raise ValueError("not an event id of this stream")
        position[tp] = int(offset)
    return position


class Subscription:
    def __init__(self, interest: Interest, size: int) -> None:
        self.interest = interest
        self.queue: asyncio.Queue[LiveScan] = asyncio.Queue(size)
        self.overflowed = False

    def offer(self, scan: LiveScan) -> None:
        try:
            self.queue.put_nowait(scan)
        except asyncio.QueueFull:
            self.overflowed = True  # the stream ends; the client resumes from its last id


class ScanFeed:
    def __init__(self, bootstrap: str, *, buffer: int) -> None:
        self._buffer = buffer
        self._recent: dict[str, deque[LiveScan]] = {}
        self._position: Position = {}
        self._floor: Position = {}  # per partition: resuming before this offset misses scans
        self._seq = 0
        self._subscriptions: set[Subscription] = set()
        self._tail = TopicTail(
            bootstrap,
            [SCANS_TOPIC_V2, SCANS_TOPIC],
            self._apply,
            backlog=buffer,
            client_id="qrstack-api-live-scans",
        )
        self._task: asyncio.Task[None] | None = None

    async def started(self) -> None:
        """Start tailing on first use; returns once the backlog is in the buffer."""
        if self._task is None:
            self._task = asyncio.create_task(self._tail.run(), name="live-scan-feed")
        await self._tail.ready.wait()

    async def close(self) -> None:
        if self._task is not None:
            await stop_tasks(self._task)

    def _apply(self, record: ConsumerRecord) -> None:
        tp = f"{record.topic}/{record.partition}"
        self._floor.setdefault(tp, record.offset)
        self._position[tp] = record.offset + 1
        try:
            scan = decode_scan(record.value)
        except ScanDecodeError:
            return
        if not is_counted(scan) or scan.workspace_id is None or scan.code_id is None:
            return
        cut = ",".join(f"{k}:{v}" for k, v in sorted(self._position.items()))
        self._seq += 1
        live = LiveScan(
            self._seq,
            tp,
            record.offset,
            scan.workspace_id,
            scan.code_id,
            scan.is_bot,
            ScanData.of(scan).model_dump_json(by_alias=True).encode(),
            cut,
        )
        recent = self._recent.setdefault(tp, deque(maxlen=self._buffer))
        if len(recent) == self._buffer:
            self._floor[tp] = recent[0].offset + 1  # about to be evicted
        recent.append(live)
        for subscription in self._subscriptions:
            if subscription.interest.wants(live):
                subscription.offer(live)

    def subscribe(
        self, interest: Interest, after: Position | None, size: int = 1000
    ) -> tuple[Subscription, list[LiveScan], bool]:
        """A live subscription, the buffered scans after `after` it must see first, and whether
        the buffer no longer reaches back to `after` (scans were missed)."""
        subscription = Subscription(interest, size)
        backlog: list[LiveScan] = []
        missed = False
        if after is not None:
            for tp, scans in self._recent.items():
                since = after.get(tp, 0)
                missed = missed or since < self._floor.get(tp, 0)
                backlog.extend(s for s in scans if s.offset >= since and interest.wants(s))
            backlog.sort(key=lambda s: s.seq)
        # No await between reading the buffer and subscribing: nothing falls in between.
        self._subscriptions.add(subscription)
        return subscription, backlog, missed

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)
