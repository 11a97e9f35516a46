"""The ingestion pipeline driven by an in-memory log: offsets are committed only after the
write, a storage outage loses nothing and commits nothing, redeliveries do not count twice,
invalid records are dead-lettered, and a flood of them stops ingestion."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from unit.analytics.analytics_memory_log import DeadLetterList, MemoryLog

from qrstack_analytics.scans.batching import BatchPolicy
from qrstack_analytics.scans.ingestion import Backoff, ScanIngestion
from qrstack_analytics.scans.rows import Rejected
from qrstack_analytics.scans.synthetic import scan_event
from qrstack_analytics.storage.store import AnalyticsStore
from qrstack_common.metrics import AnalyticsMetrics


async def stored(store: AnalyticsStore, ws: uuid.UUID) -> int:
    rows = await store.rows(
        f"SELECT count() FROM {store.database}.scans WHERE workspace_id = {{ws:UUID}}",  # noqa: S608
        {"ws": str(ws)},
    )
    return int(rows[0][0])


async def rolled_up(store: AnalyticsStore, ws: uuid.UUID) -> int:
    rows = await store.rows(
        f"SELECT sum(scans) FROM {store.database}.scans_15m WHERE workspace_id = {{ws:UUID}}",  # noqa: S608
        {"ws": str(ws)},
    )
    return int(rows[0][0])


async def eventually(check: Callable[[], bool], timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():  # noqa: ASYNC110 - polls state another task changes
            await asyncio.sleep(0.02)


@asynccontextmanager
async def running(
    store: AnalyticsStore, log: MemoryLog, dead: DeadLetterList, metrics: AnalyticsMetrics
) -> AsyncIterator[ScanIngestion]:
    pipeline = ScanIngestion(
        store=store,
        source=log,
        dead_letters=dead,
        policy=BatchPolicy(max_scans=10, max_wait_s=0.05),
        metrics=metrics,
        backoff=Backoff(first=0.02, cap=0.1),
    )
    task = asyncio.create_task(pipeline.run())
    try:
        yield pipeline
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def fill(log: MemoryLog, ws: uuid.UUID, count: int) -> list[bytes]:
    values = [scan_event(workspace_id=ws).to_bytes() for _ in range(count)]
    for i, value in enumerate(values):
        log.append(i % log.partitions, value)
    return values


def value_of(metrics: AnalyticsMetrics, name: str) -> float:
    found = metrics.registry.get_sample_value(name)
    return float(found or 0.0)


async def test_offsets_are_committed_only_after_the_scans_are_stored(store: AnalyticsStore) -> None:
    ws = uuid.uuid4()

    async def check(offsets: dict[int, int]) -> None:
        # Every record up to the offsets being committed is already in ClickHouse.
        assert await stored(store, ws) >= sum(offsets.values())

    log = MemoryLog(on_commit=check)
    fill(log, ws, 45)
    metrics = AnalyticsMetrics()
    async with running(store, log, DeadLetterList(), metrics):
        await eventually(lambda: log.committed == log.end_offsets())
    assert await stored(store, ws) == 45 and await rolled_up(store, ws) == 45
    assert log.commits >= 4  # batches of at most 10
    assert value_of(metrics, "qr_scans_ingested_total") == 45


async def test_a_commit_that_never_returns_does_not_stop_ingestion(store: AnalyticsStore) -> None:
    """aiokafka retries a commit until the group coordinator answers; after a broker's kill -9
    one was seen never to return, and ingestion stopped for good. Now it gives up on it after
    `kafka_call_s` and goes on: the next batch's commit covers those records."""
    ws = uuid.uuid4()
    hung = asyncio.Event()

    async def first_commit_hangs(offsets: dict[int, int]) -> None:
        if not hung.is_set():
            hung.set()
            await asyncio.Event().wait()  # never

    log = MemoryLog(on_commit=first_commit_hangs)
    fill(log, ws, 45)
    metrics = AnalyticsMetrics()
    pipeline = ScanIngestion(
        store=store,
        source=log,
        dead_letters=DeadLetterList(),
        policy=BatchPolicy(max_scans=10, max_wait_s=0.05),
        metrics=metrics,
        backoff=Backoff(first=0.02, cap=0.1),
        kafka_call_s=0.2,
    )
    task = asyncio.create_task(pipeline.run())
    try:
        await eventually(lambda: log.committed == log.end_offsets(), timeout=10)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert hung.is_set() and value_of(metrics, "qr_ingest_commit_failures_total") == 1
    assert await stored(store, ws) == 45 and await rolled_up(store, ws) == 45


async def test_a_storage_outage_loses_nothing_and_commits_nothing(store: AnalyticsStore) -> None:
    ws = uuid.uuid4()
    log = MemoryLog()
    fill(log, ws, 30)
    metrics = AnalyticsMetrics()
    table = f"{store.database}.scans"
    await store.write(store.engine.execute, f"DETACH TABLE {table}")
    try:
        async with running(store, log, DeadLetterList(), metrics):
            await eventually(lambda: value_of(metrics, "qr_ingest_insert_failures_total") >= 3)
            assert log.committed == {0: 0, 1: 0}
            assert log.paused and value_of(metrics, "qr_ingest_paused") == 1
            await store.write(store.engine.execute, f"ATTACH TABLE {table}")
            await eventually(lambda: log.committed == log.end_offsets())
            assert value_of(metrics, "qr_ingest_paused") == 0 and not log.paused
    finally:
        await store.write(store.engine.execute, f"ATTACH TABLE IF NOT EXISTS {table}")
    assert await stored(store, ws) == 30 and await rolled_up(store, ws) == 30


async def test_redelivered_records_are_not_counted_twice(store: AnalyticsStore) -> None:
    ws = uuid.uuid4()
    log = MemoryLog()
    fill(log, ws, 25)
    async with running(store, log, DeadLetterList(), AnalyticsMetrics()):
        await eventually(lambda: log.committed == log.end_offsets())
    # A crash before the last commits: a new member reads everything again, and the producer
    # replays its spool on top.
    log.committed = {0: 3, 1: 0}
    log.restart()
    for value in [r.value for r in log.records[0][:5]]:
        log.append(1, value)
    metrics = AnalyticsMetrics()
    async with running(store, log, DeadLetterList(), metrics):
        await eventually(lambda: log.committed == log.end_offsets())
    assert await stored(store, ws) == 25 and await rolled_up(store, ws) == 25
    assert value_of(metrics, "qr_ingest_duplicates_total") == 22 + 5


async def test_invalid_records_go_to_dead_letters_and_do_not_block(store: AnalyticsStore) -> None:
    ws = uuid.uuid4()
    log = MemoryLog(partitions=1)
    fill(log, ws, 8)
    log.append(0, b'{"scan_id": "not-a-uuid"}', key=b"k1")
    log.append(0, None, key=b"k2")
    fill(log, ws, 8)
    dead = DeadLetterList()
    metrics = AnalyticsMetrics()
    async with running(store, log, dead, metrics):
        await eventually(lambda: log.committed == log.end_offsets())
    assert await stored(store, ws) == 16
    refused = [r for r in dead.sent if isinstance(r, Rejected)]
    assert [(r.offset, r.key) for r in refused] == [(8, b"k1"), (9, b"k2")]
    assert "scan_id" in refused[0].reason and "no value" in refused[1].reason
    assert value_of(metrics, "qr_ingest_dead_letters_total") == 2


async def test_a_flood_of_invalid_records_stops_ingestion_without_committing(
    store: AnalyticsStore,
) -> None:
    log = MemoryLog(partitions=1)
    for _ in range(10):
        log.append(0, b"{}")
    dead = DeadLetterList()
    async with running(store, log, dead, AnalyticsMetrics()) as pipeline:
        await eventually(lambda: pipeline.stopped_reason is not None)
    assert pipeline.stopped_reason is not None and "10 of 10 records" in pipeline.stopped_reason
    assert log.committed == {0: 0} and dead.sent == []


@pytest.mark.parametrize("attempt", [1, 2, 5, 10])
def test_backoff_doubles_up_to_its_cap(attempt: int) -> None:
    assert Backoff(first=0.5, cap=4.0).delay(attempt) == min(4.0, 0.5 * 2 ** (attempt - 1))
