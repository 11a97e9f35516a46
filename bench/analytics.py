"""Analytics benchmark: ingestion (Kafka → chDB, the service's own pipeline; one process and
two), and analytics answers over 10M stored scans (rollups, raw scans, cached), each beside
the raw engine's baseline in the same run.

Run: .venv/bin/python bench/analytics.py [--scans 10000000] [--ingest 1000000] [--repeat 40]

Starts a local Kafka 3.9.1 (the launcher's) unless KAFKA_BOOTSTRAP_SERVERS is set.

1. **Ingestion.** `--ingest` synthetic scans in the v2 wire form (`qr.scans.v2`, as the
   redirect service writes them) are produced to a fresh 4-partition topic. Then one consumer
   process, and then two in one consumer group (two partitions each), run `ScanIngestion`
   (decode, validate, deduplicate, insert with the rollups' views, commit after write) into a
   fresh chDB each; scans/s = records / time from the first record to the last commit.
   Baseline, same run: the same rows as one bare `INSERT` into a copy of `scans` without views
   (the engine's floor), and into `scans` with its views (the engine's cost of our schema).
2. **Answers.** A 10M-scan store of 1,000 codes over 90 days (Zipf-like popularity) is
   generated once by ClickHouse itself into `~/.cache/qrstack/bench-analytics-<n>` (outside the
   repository; reused by later runs). `range=30d` for the most scanned code and a typical one:
   the service's answer from the rollups (no cache), the same answer from raw scans only (must
   be identical), and the cached answer (a dashboard reload); the workspace answer over all
   1,000 codes; baseline a bare `count()` of the code's 30 days. p50 / p95 in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer

from qrstack_analytics.queries.analytics import (
    QueryContext,
    code_answer,
    workspace_analytics,
)
from qrstack_analytics.queries.cache import AnswerCache
from qrstack_analytics.queries.scope import Scope
from qrstack_analytics.queries.windows import parse_window_request, resolve_window
from qrstack_analytics.scans.batching import BatchPolicy, ScanBatch
from qrstack_analytics.scans.dead_letters import DeadLetters
from qrstack_analytics.scans.ingestion import ScanIngestion
from qrstack_analytics.scans.rows import decode_scan, scan_row
from qrstack_analytics.scans.synthetic import CLIENTS, COUNTRIES, REFERRERS, ScanGenerator
from qrstack_analytics.scans.writer import ScanWriter
from qrstack_analytics.storage.embedded import EmbeddedClickHouse
from qrstack_analytics.storage.store import AnalyticsStore
from qrstack_common.events import ScanEvent
from qrstack_common.kafka import BatchConsumer, TopicSpec, ensure_topics
from qrstack_common.metrics import AnalyticsMetrics
from qrstack_launcher.kafka import LocalKafka
from qrstack_launcher.ports import free_port
from qrstack_launcher.stack import default_cache_dir

HISTORY = timedelta(days=90)
PARTITIONS = 4
CODES = 1000
BATCH = 50_000


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# ------------------------------------------------------------------------------------------
# Ingestion


async def produce(
    bootstrap: str, topic: str, gen: ScanGenerator, count: int, end: datetime
) -> float:
    """Publish `count` v2 scans over the day before `end`, in time order; scans/s."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=1 << 20,
        compression_type="lz4", max_request_size=8 << 20,
    )  # fmt: skip
    await producer.start()
    started = time.perf_counter()
    try:
        pending = []
        batches = [producer.create_batch() for _ in range(PARTITIONS)]
        for key, value in gen.records(count, end - timedelta(days=1), timedelta(days=1), version=2):
            partition = zlib.crc32(key) % PARTITIONS
            if batches[partition].append(key=key, value=value, timestamp=None) is None:
                pending.append(
                    await producer.send_batch(batches[partition], topic, partition=partition)
                )
                batches[partition] = producer.create_batch()
                batches[partition].append(key=key, value=value, timestamp=None)
        for partition, batch in enumerate(batches):
            if batch.record_count():
                pending.append(await producer.send_batch(batch, topic, partition=partition))
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return count / (time.perf_counter() - started)


async def consume(
    bootstrap: str, topic: str, group: str, count: int, root: Path
) -> dict[str, float]:
    """One consumer process: ingest until `count` scans (this member's share when the group
    has several: it stops at the end of its partitions) are committed."""
    store = AnalyticsStore(EmbeddedClickHouse(root, "bench", sessions=3), query_threads=1)
    await store.prepare(raw_retention_days=0)
    metrics = AnalyticsMetrics()
    source = BatchConsumer(bootstrap, topic, group_id=group, client_id="bench")
    pipeline = ScanIngestion(
        store=store, source=source, dead_letters=DeadLetters(bootstrap, f"{topic}.dead-letters"),
        policy=BatchPolicy(max_scans=BATCH, max_wait_s=1.0), metrics=metrics,
    )  # fmt: skip
    task = asyncio.create_task(pipeline.run())

    def done() -> float:
        return float(metrics.registry.get_sample_value("qr_scans_ingested_total") or 0.0)

    await pipeline.started.wait()
    first_at = first = None
    first_cpu = last_cpu = 0.0
    last, last_at = 0.0, time.perf_counter()
    deadline = last_at + 900
    while True:
        if pipeline.stopped_reason:
            raise RuntimeError(pipeline.stopped_reason)
        now, current = time.perf_counter(), done()
        if current != last:
            if first_at is None:  # the first batch committed: steady state from here
                first_at, first, first_cpu = now, current, time.process_time()
            last, last_at, last_cpu = current, now, time.process_time()
        drained = first_at is not None and now - last_at > 5  # a member's partitions are done
        if current >= count or drained or now > deadline:
            break
        await asyncio.sleep(0.02)  # sampling a counter, not flow control
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    batches = metrics.registry.get_sample_value("qr_ingest_batch_size_count") or 0
    insert_sum = metrics.registry.get_sample_value("qr_ingest_insert_seconds_sum") or 0
    await store.close()
    steady = (last - (first or 0)) / (last_at - first_at) if first_at and last_at > first_at else 0
    # CPU of the whole process (event loop, decoding, and chDB's insert threads) per scan.
    cpu_us = (
        (last_cpu - first_cpu) / (last - first) * 1e6 if first is not None and last > first else 0
    )
    return {
        "scans": last,
        "rate": steady,
        "cpu_us": cpu_us,
        "insert_s": insert_sum / batches if batches else 0.0,
    }


def consumers(
    args: argparse.Namespace, bootstrap: str, topic: str, processes: int, root: Path
) -> dict[str, float]:
    """`processes` consumer processes in one new group; combined scans/s."""
    group = f"bench-{uuid.uuid4().hex[:8]}"
    children = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--consume",
                topic,
                "--group",
                group,
                "--bootstrap",
                bootstrap,
                "--ingest",
                str(args.ingest),
                "--chdb",
                str(root / f"ingest-{processes}-{i}"),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    results = [json.loads(child.communicate()[0].strip().splitlines()[-1]) for child in children]
    if any(child.returncode for child in children):
        raise RuntimeError("a consumer process failed")
    # The members run side by side: their steady rates add up.
    return {
        "rate": sum(r["rate"] for r in results),
        "cpu_us": statistics.mean(r["cpu_us"] for r in results),
        "insert_s": statistics.mean(r["insert_s"] for r in results),
    }


async def bare_insert(gen: ScanGenerator, count: int, root: Path) -> dict[str, float]:
    """The engine alone: the same rows (already encoded) as bare INSERTs of `BATCH` rows, into
    a copy of `scans` without views and into `scans` with them; scans/s each."""
    store = AnalyticsStore(EmbeddedClickHouse(root, "bench", sessions=3), query_threads=1)
    await store.prepare(raw_retention_days=0)
    ch = store.engine
    ch.execute(f"CREATE TABLE {ch.database}.scans_bare AS {ch.database}.scans")
    batches = []
    records = list(
        gen.records(count, datetime.now(UTC) - timedelta(days=1), timedelta(days=1), version=2)
    )
    for start in range(0, count, BATCH):
        batch = ScanBatch()
        batch.add(_deliveries(records[start : start + BATCH], start), 0.0)
        batches.append(ScanWriter(ch).prepare(batch))
    rates = {}
    for table in ("scans_bare", "scans"):
        started = time.perf_counter()
        for prepared in batches:
            ScanWriter(ch, table=table).write(prepared)
        rates[table] = count / (time.perf_counter() - started)
    await store.close()
    return rates


def consumer_python_cost(gen: ScanGenerator, count: int) -> dict[str, float]:
    """The consumer's Python work per scan (decode, validate, row), µs, same records: the v1
    path analytics had (pydantic validation and re-serialisation), and today's v2 path."""
    end = datetime.now(UTC)
    v1 = [value for _, value in gen.records(count, end - timedelta(days=1), timedelta(days=1))]
    v2 = [
        value
        for _, value in gen.records(count, end - timedelta(days=1), timedelta(days=1), version=2)
    ]
    # CPU time of this process, not wall time: meaningful on a machine shared with other work.
    started = time.process_time()
    for value in v1:
        ScanEvent.model_validate_json(value).to_bytes()
    pydantic_us = (time.process_time() - started) / count * 1e6
    started = time.process_time()
    for value in v2:
        scan_row(decode_scan(value))
    fast_us = (time.process_time() - started) / count * 1e6
    started = time.process_time()
    for value in v1:
        scan_row(decode_scan(value))
    fast_v1_us = (time.process_time() - started) / count * 1e6
    return {
        "pydantic": pydantic_us,
        "v2": fast_us,
        "v1": fast_v1_us,
        "bytes_v1": statistics.mean(map(len, v1)),
        "bytes_v2": statistics.mean(map(len, v2)),
    }


class _Delivery:
    __slots__ = ("key", "offset", "partition", "topic", "value")

    def __init__(self, key: bytes, value: bytes, offset: int) -> None:
        self.topic, self.partition, self.offset, self.key, self.value = "t", 0, offset, key, value


def _deliveries(records: list[tuple[bytes, bytes]], start: int) -> list[_Delivery]:
    return [_Delivery(key, value, start + i) for i, (key, value) in enumerate(records)]


# ------------------------------------------------------------------------------------------
# Answers


def weighted(pairs: list[tuple[Any, int]]) -> list[Any]:
    return [value for value, weight in pairs for _ in range(weight)]


async def bulk_history(
    store: AnalyticsStore, gen: ScanGenerator, count: int, start: datetime, span: timedelta
) -> float:
    """`count` scans generated by ClickHouse itself (rows/s)."""
    places = weighted([((c, r), w) for c, regions, w in COUNTRIES for r in regions])
    clients = weighted([((d, o, b), w) for d, o, b, w in CLIENTS])
    params: dict[str, Any] = {
        "n": count,
        "start": start.strftime("%Y-%m-%d %H:%M:%S.000"),
        "span_ms": int(span / timedelta(milliseconds=1)),
        "ws": str(gen.workspace_id),
        "codes": [str(c) for c in gen.code_ids],
        "code_count": len(gen.code_ids),
        "countries": [p[0] for p in places],
        "regions": [p[1] for p in places],
        "devices": [c[0] for c in clients],
        "oses": [c[1] for c in clients],
        "browsers": [c[2] for c in clients],
        "referrers": [r or "" for r in REFERRERS],
    }
    sql = f"""
    INSERT INTO {store.database}.scans (scan_id, ts, workspace_id, code_id, domain, slug, target,
        outcome, country, region, city, device, os, browser, referrer, language, is_bot,
        bot_reason, visitor_hash)
    SELECT generateUUIDv4(number), ts, {{ws:UUID}}, {{codes:Array(UUID)}}[code + 1],
        'qr.example.test', concat('c', toString(code)),
        concat('https://example.com/c/', toString(code)),
        'redirect', {{countries:Array(String)}}[place], {{regions:Array(String)}}[place],
        concat({{regions:Array(String)}}[place], ' ', toString(cityHash64(number, 3) % 12)),
        if(bot, 'bot', {{devices:Array(String)}}[client]), {{oses:Array(String)}}[client],
        {{browsers:Array(String)}}[client],
        {{referrers:Array(String)}}[cityHash64(number, 4) % 8 + 1],
        'en', bot, if(bot, 'crawler', ''), concat(hex(code), '.', hex(cityHash64(number, 5) % 2000))
    FROM (
        SELECT number,
            toDateTime64({{start:DateTime64(3, 'UTC')}}, 3, 'UTC')
                + toIntervalMillisecond(intDiv(number * {{span_ms:UInt64}}, {{n:UInt64}})) AS ts,
            toUInt32(least({{code_count:UInt32}} - 1.0, floor(pow({{code_count:UInt32}} + 1.0,
                (cityHash64(number, 1) % 1000000) / 1000000.0) - 1.0))) AS code,
            cityHash64(number, 2) % {len(places)} + 1 AS place,
            cityHash64(number, 6) % {len(clients)} + 1 AS client,
            cityHash64(number, 7) % 100 < 2 AS bot
        FROM numbers({{n:UInt64}})
    )
    SETTINGS max_insert_threads = 2, max_block_size = 262144, min_insert_block_size_rows = 262144
    """  # noqa: S608
    started = time.perf_counter()
    await store.write(store.engine.execute, sql, params)
    return count / (time.perf_counter() - started)


async def history_store(count: int) -> tuple[AnalyticsStore, datetime, bool]:
    """The cached `count`-scan store (generated on first use); (store, its `now`, generated)."""
    root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "qrstack"
    path = root / f"bench-analytics-{count}"
    stamp = path / "generated-at"
    if not stamp.exists():
        shutil.rmtree(path, ignore_errors=True)
    store = AnalyticsStore(EmbeddedClickHouse(path / "chdb", "bench", sessions=6), query_threads=4)
    await store.prepare(raw_retention_days=0)
    if stamp.exists():
        return store, datetime.fromisoformat(stamp.read_text().strip()), False
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    today = now.replace(hour=0)
    say(f"generating {count:,} scans inside ClickHouse (once, into {path}) …")
    await bulk_history(store, ScanGenerator(codes=CODES), count, today - HISTORY, HISTORY)
    await store.write(store.engine.execute, f"OPTIMIZE TABLE {store.database}.scans_daily FINAL")
    await store.write(store.engine.execute, f"OPTIMIZE TABLE {store.database}.scans_15m FINAL")
    stamp.write_text(now.isoformat())
    return store, now, True


CPU_MS: list[float] = []  # CPU per call (all threads) of the last `timed` series


async def timed(call: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, float, Any]:
    """(p50 ms, p95 ms, last answer) of `repeat` sequential calls; `CPU_MS` gets each call's
    CPU time (this process, every thread: the engine runs in it)."""
    samples = []
    CPU_MS.clear()
    answer = None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        answer = await call()
        samples.append((time.perf_counter() - started) * 1000)
        CPU_MS.append((time.process_time() - cpu) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]
    return statistics.median(samples), p95, answer


async def measure_code(
    ctx: QueryContext, scope: Scope, repeat: int
) -> tuple[int, dict[str, tuple[float, float]], bool]:
    """Scans in 30 days; p50/p95 of rollups, raw, cached, bare count(); raw == rollups."""
    window = resolve_window(parse_window_request({"range": "30d"}), ctx.now)
    cache = AnswerCache(ctx.store.engine)
    r50, r95, rolled = await timed(lambda: code_answer(ctx, scope, window), repeat)
    rollup_cpu = statistics.median(CPU_MS)
    w50, w95, raw = await timed(
        lambda: code_answer(ctx, scope, window, raw_only=True), max(5, repeat // 4)
    )
    c50, c95, cached = await timed(
        lambda: cache.answer(("code", scope, window), lambda: code_answer(ctx, scope, window)),
        repeat,
    )
    db = ctx.store.database
    sql = (
        f"SELECT count() FROM {db}.scans WHERE workspace_id = {{ws:UUID}}"  # noqa: S608
        " AND code_id = {code:UUID} AND ts >= {lo:DateTime64(3, 'UTC')}"
    )
    params = {
        "ws": str(scope.workspace_id),
        "code": str(scope.code_id),
        "lo": window.start.strftime("%Y-%m-%d %H:%M:%S.000"),
    }
    b50, b95, _ = await timed(lambda: ctx.store.rows(sql, params), repeat)
    same = rolled == raw == cached
    cells = {"rollups": (r50, r95), "raw": (w50, w95), "cached": (c50, c95), "count()": (b50, b95)}
    cells["cpu"] = (rollup_cpu, statistics.median(CPU_MS))
    return int(rolled["totals"]["scans"]), cells, same


async def answers(args: argparse.Namespace) -> list[str]:
    store, now, generated = await history_store(args.scans)
    try:
        total = int((await store.rows(f"SELECT count() FROM {store.database}.scans"))[0][0])  # noqa: S608
        ctx = QueryContext(store, 0, now)
        gen = ScanGenerator(codes=CODES)
        lines = [
            f"answers over {total:,} stored scans ({'generated now' if generated else 'cached'});"
            " range=30d, the whole answer; ms p50 / p95",
            f"{'':<22}{'scans':>9}{'rollups':>16}{'raw only':>16}{'cached':>16}"
            f"{'bare count()':>16}{'CPU ms rollups/count':>22}  same",
        ]
        for label, code in (("most scanned code", 0), ("typical code (#51)", 50)):
            scope = Scope(gen.workspace_id, gen.code_ids[code])
            scans, ms, same = await measure_code(ctx, scope, args.repeat)
            cells = "".join(
                f"{ms[k][0]:>9.1f} /{ms[k][1]:>5.1f}"
                for k in ("rollups", "raw", "cached", "count()")
            )
            cells += f"{ms['cpu'][0]:>14.1f} /{ms['cpu'][1]:>6.1f}"
            lines.append(f"{label:<22}{scans:>9,}{cells}  {'yes' if same else 'NO'}")
        request = parse_window_request({"range": "30d"})
        scope = Scope(gen.workspace_id)
        cache = AnswerCache(store.engine)
        window = resolve_window(request, now)
        w50, w95, body = await timed(lambda: workspace_analytics(ctx, scope, request), args.repeat)
        c50, c95, _ = await timed(
            lambda: cache.answer(
                ("workspace", scope, window), lambda: workspace_analytics(ctx, scope, request)
            ),
            args.repeat,
        )
        lines.append(
            f"{'workspace, 1,000 codes':<22}{body['totals']['scans']:>9,}"
            f"{w50:>9.1f} /{w95:>5.1f}{'':>16}{c50:>9.1f} /{c95:>5.1f}"
        )
        return lines
    finally:
        await store.close()


# ------------------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    if args.consume:
        result = await consume(
            args.bootstrap, args.consume, args.group, args.ingest, Path(args.chdb)
        )
        print(json.dumps(result))
        return
    root = Path(tempfile.mkdtemp(prefix="qrstack-bench-analytics-"))
    kafka = None
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    try:
        if not bootstrap:
            kafka = LocalKafka(root / "kafka", free_port(), free_port(), default_cache_dir())
            await kafka.start()
            bootstrap = kafka.bootstrap
        topic = f"qr.scans.v2.bench-{uuid.uuid4().hex[:8]}"
        await ensure_topics(bootstrap, [TopicSpec(topic, PARTITIONS)])
        gen = ScanGenerator(codes=CODES, seed=7)
        say(f"producing {args.ingest:,} v2 scans to Kafka ({PARTITIONS} partitions) …")
        produced = await produce(bootstrap, topic, gen, args.ingest, datetime.now(UTC))
        say("ingesting them: one consumer process, then two …")
        one = consumers(args, bootstrap, topic, 1, root)
        two = consumers(args, bootstrap, topic, 2, root)
        say("the engine alone: bare INSERTs of the same rows …")
        bare = await bare_insert(gen, min(args.ingest, 500_000), root / "bare")
        cost = consumer_python_cost(gen, 100_000)
        lines = [
            "",
            f"{os.cpu_count()} CPUs (shared with other work); Kafka {bootstrap}",
            f"{'ingestion, Kafka → chDB (scans/s)':<58}{'':>12}",
            f"{'  one consumer process (mean insert per batch)':<58}{one['rate']:>12,.0f}"
            f"  ({one['insert_s']:.3f} s)",
            f"{'  two consumer processes, one group (combined)':<58}{two['rate']:>12,.0f}",
            f"{'  CPU per scan of a consumer process, all threads (µs)':<58}"
            f"{one['cpu_us']:>12.1f}  (two: {two['cpu_us']:.1f})",
            f"{'  = scans/s one process could reach with 2 free cores':<58}"
            f"{2e6 / one['cpu_us'] if one['cpu_us'] else 0:>12,.0f}",
            f"{'  baseline: bare INSERT of the same rows, no views':<58}"
            f"{bare['scans_bare']:>12,.0f}",
            f"{'  baseline: bare INSERT into scans with its views':<58}{bare['scans']:>12,.0f}",
            f"{'  (bench producer loading Kafka)':<58}{produced:>12,.0f}",
            f"consumer Python per scan (decode, validate, row; µs):"
            f" v1 + pydantic (before) {cost['pydantic']:.2f}, v2 + msgspec {cost['v2']:.2f},"
            f" v1 + msgspec {cost['v1']:.2f}",
            f"scan event size (bytes): v1 {cost['bytes_v1']:.0f}, v2 {cost['bytes_v2']:.0f}",
            "",
        ]
        for line in lines:  # printed now: the answers part may first generate its store
            say(line)
        for line in await answers(args):
            say(line)
    finally:
        if kafka is not None:
            await kafka.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scans", type=int, default=10_000_000)
    parser.add_argument("--ingest", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--consume", help=argparse.SUPPRESS)
    parser.add_argument("--group", help=argparse.SUPPRESS)
    parser.add_argument("--bootstrap", help=argparse.SUPPRESS)
    parser.add_argument("--chdb", help=argparse.SUPPRESS)
    asyncio.run(main(parser.parse_args()))
