"""Analytics benchmark: ingestion throughput (Kafka → chDB, the service's own pipeline, one
process) and the latency of a per-code 30-day analytics answer over 10M scans, from the rollups
and from raw scans, side by side.

Run: .venv/bin/python bench/analytics.py [--scans 10000000] [--ingest 2000000]
Starts a local Kafka 3.9.1 (the launcher's) unless KAFKA_BOOTSTRAP_SERVERS is set, and chDB in
a temporary directory. Steps:

1. produce `--ingest` synthetic scans (the most recent days of a 90-day history) to a fresh
   topic, then consume them with `ScanIngestion` (decode, validate, deduplicate, insert with
   the rollups' materialized views, commit) and time it;
2. generate the older `--scans − --ingest` scans inside ClickHouse (`INSERT … SELECT`, the same
   materialized views fill the rollups), so the store holds `--scans` scans of 1,000 codes with
   Zipf-like popularity;
3. answer `range=30d` for the most scanned code and for a typical one, `--repeat` times each:
   the service's path (rollups; in New York time also raw edges), and the same answer from raw
   scans only. Prints p50/p95 per case and checks that raw and rollup answers are identical.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
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

from qrstack_analytics.queries.analytics import QueryContext, code_analytics
from qrstack_analytics.queries.breakdowns import assemble_breakdowns, breakdown_query
from qrstack_analytics.queries.scope import Scope
from qrstack_analytics.queries.selector import Segments
from qrstack_analytics.queries.timeline import assemble_timeline, timeline_query
from qrstack_analytics.queries.windows import parse_window_request, resolve_window
from qrstack_analytics.scans.batching import BatchPolicy
from qrstack_analytics.scans.dead_letters import DeadLetters
from qrstack_analytics.scans.ingestion import ScanIngestion
from qrstack_analytics.scans.synthetic import CLIENTS, COUNTRIES, REFERRERS, ScanGenerator
from qrstack_analytics.storage.embedded import EmbeddedClickHouse
from qrstack_analytics.storage.store import AnalyticsStore
from qrstack_common.kafka import BatchConsumer, TopicSpec, ensure_topics
from qrstack_common.metrics import AnalyticsMetrics
from qrstack_launcher.kafka import LocalKafka
from qrstack_launcher.ports import free_port
from qrstack_launcher.stack import default_cache_dir

HISTORY = timedelta(days=90)
PARTITIONS = 3
CODES = 1000


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


async def produce(
    bootstrap: str, topic: str, gen: ScanGenerator, count: int, end: datetime
) -> float:
    """Publish `count` scans spread over the days before `end`, in time order; scans/s."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=1 << 20,
        compression_type="lz4", max_request_size=8 << 20,
    )  # fmt: skip
    await producer.start()
    started = time.perf_counter()
    days = max(1, count // 110_000)
    try:
        pending = []
        for day in range(days):
            per_day = count // days + (1 if day < count % days else 0)
            start = end - timedelta(days=days - day)
            batches = [producer.create_batch() for _ in range(PARTITIONS)]
            for key, value in gen.records(per_day, start, timedelta(days=1), chunk=day):
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


async def ingest(bootstrap: str, topic: str, store: AnalyticsStore, count: int) -> dict[str, float]:
    metrics = AnalyticsMetrics()
    pipeline = ScanIngestion(
        store=store,
        source=BatchConsumer(
            bootstrap, topic, group_id=f"bench-{uuid.uuid4().hex[:8]}", client_id="bench"
        ),
        dead_letters=DeadLetters(bootstrap, f"{topic}.dead-letters"),
        policy=BatchPolicy(max_scans=50_000, max_wait_s=1.0),
        metrics=metrics,
    )  # fmt: skip
    task = asyncio.create_task(pipeline.run())

    def done() -> float:
        return float(metrics.registry.get_sample_value("qr_scans_ingested_total") or 0.0)

    await pipeline.started.wait()
    started = time.perf_counter()
    first_at = first = None
    while (ingested := done()) < count:
        if pipeline.stopped_reason:
            raise RuntimeError(pipeline.stopped_reason)
        if first_at is None and ingested:
            first_at, first = time.perf_counter(), ingested
        await asyncio.sleep(0.05)  # sampling a counter, not flow control
    ended = time.perf_counter()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    batches = metrics.registry.get_sample_value("qr_ingest_batch_size_count") or 0
    insert_sum = metrics.registry.get_sample_value("qr_ingest_insert_seconds_sum") or 0
    steady = (count - (first or 0)) / (ended - first_at) if first_at and ended > first_at else 0.0
    return {
        "wall": count / (ended - started),
        "steady": steady,
        "batches": batches,
        "insert_s": insert_sum / batches if batches else 0.0,
    }


def weighted(pairs: list[tuple[Any, int]]) -> list[Any]:
    return [value for value, weight in pairs for _ in range(weight)]


async def bulk_history(
    store: AnalyticsStore, gen: ScanGenerator, count: int, start: datetime, span: timedelta
) -> float:
    """`count` older scans generated by ClickHouse itself (rows/s)."""
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


async def timed(call: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, float, Any]:
    """(p50 ms, p95 ms, last answer) of `repeat` sequential calls."""
    samples = []
    answer = None
    for _ in range(repeat):
        started = time.perf_counter()
        answer = await call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]
    return statistics.median(samples), p95, answer


async def raw_analytics(
    store: AnalyticsStore, ctx: QueryContext, scope: Scope, query: dict[str, str]
) -> dict[str, Any]:
    """The same answer as `code_analytics`, read from raw scans only."""
    window = resolve_window(parse_window_request(query), ctx.now)
    everything = Segments(None, ((window.start, window.end),))
    timeline_rows, breakdown_rows = await asyncio.gather(
        store.rows(*timeline_query(store.database, scope, window, everything)),
        store.rows(*breakdown_query(store.database, scope, everything, top=10)),
    )
    timeline = assemble_timeline(window, timeline_rows)
    breakdowns = assemble_breakdowns(breakdown_rows)
    return {
        "totals": {
            "scans": timeline.scans,
            "uniqueScanners": timeline.unique_scanners,
            "countries": breakdowns.known_values["country"],
        },
        "series": timeline.series,
        "breakdowns": {
            **breakdowns.as_json(),
            "hourOfDay": timeline.hour_of_day,
            "dayOfWeek": timeline.day_of_week,
        },
    }


async def measure_code(
    store: AnalyticsStore, ctx: QueryContext, scope: Scope, repeat: int
) -> tuple[int, list[float], bool]:
    """Scans in 30 days; p50/p95 of rollups (UTC), rollups (New York), raw; raw == rollups."""
    utc = {"range": "30d"}
    new_york = parse_window_request({"range": "30d", "tz": "America/New_York"})
    in_utc = parse_window_request(utc)
    r50, r95, rolled = await timed(lambda: code_analytics(ctx, scope, in_utc), repeat)
    n50, n95, _ = await timed(lambda: code_analytics(ctx, scope, new_york), repeat)
    w50, w95, raw = await timed(lambda: raw_analytics(store, ctx, scope, utc), max(5, repeat // 4))
    same = all(rolled[k] == raw[k] for k in ("totals", "series", "breakdowns"))
    return int(rolled["totals"]["scans"]), [r50, r95, n50, n95, w50, w95], same


def report(
    root: Path,
    bootstrap: str,
    produced: float,
    rates: dict[str, float],
    bulk: float,
    total: int,
    rows: list[tuple[str, int, list[float], bool]],
) -> None:
    say("")
    say(f"chDB {root / 'chdb'}; Kafka {bootstrap}; {os.cpu_count()} CPUs")
    say(f"{'ingestion (Kafka → chDB, one process)':<46}{'scans/s':>12}")
    say(f"{'  ingest, wall (incl. consumer group join)':<46}{rates['wall']:>12,.0f}")
    say(f"{'  ingest, steady (after the first batch)':<46}{rates['steady']:>12,.0f}")
    say(f"{'  batches; mean insert (s)':<46}{rates['batches']:>6,.0f}; {rates['insert_s']:.3f}")
    say(f"{'  (bench producer loading Kafka)':<46}{produced:>12,.0f}")
    say(f"{'  (older history generated by ClickHouse)':<46}{bulk:>12,.0f}")
    say(f"scans stored: {total:,}")
    say("")
    say("per-code analytics, range=30d, the whole answer (totals, series, 7 breakdowns,")
    say("hour of day, day of week); milliseconds, p50 / p95")
    say(f"{'code':<20}{'scans':>9}{'rollups UTC':>17}{'rollups NY':>17}{'raw only':>17}  same")
    for label, scans, ms, same in rows:
        cells = "".join(f"{ms[i]:>8.1f} /{ms[i + 1]:>6.1f}" for i in (0, 2, 4))
        say(f"{label:<20}{scans:>9,}{cells}  {'yes' if same else 'NO'}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scans", type=int, default=10_000_000)
    parser.add_argument("--ingest", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="qrstack-bench-analytics-"))
    kafka = None
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    try:
        if not bootstrap:
            kafka = LocalKafka(root / "kafka", free_port(), free_port(), default_cache_dir())
            await kafka.start()
            bootstrap = kafka.bootstrap
        topic = f"qr.scans.v1.bench-{uuid.uuid4().hex[:8]}"
        await ensure_topics(bootstrap, [TopicSpec(topic, PARTITIONS)])
        engine = EmbeddedClickHouse(root / "chdb", "bench", sessions=6)
        store = AnalyticsStore(engine, query_threads=4)
        await store.prepare(raw_retention_days=0)
        gen = ScanGenerator(codes=CODES)
        now = datetime.now(UTC)
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        kafka_days = max(1, args.ingest // 110_000)

        say(f"producing {args.ingest:,} scans to Kafka ({PARTITIONS} partitions) …")
        produced = await produce(bootstrap, topic, gen, args.ingest, today)
        say("consuming them into chDB with the ingestion pipeline …")
        rates = await ingest(bootstrap, topic, store, args.ingest)
        history = args.scans - args.ingest
        say(f"generating {history:,} older scans inside ClickHouse …")
        span = HISTORY - timedelta(days=kafka_days)
        bulk = await bulk_history(store, gen, history, today - HISTORY, span)
        total = int((await store.rows(f"SELECT count() FROM {store.database}.scans"))[0][0])  # noqa: S608

        ctx = QueryContext(store, 0, now)
        rows = []
        for label, code in (("most scanned code", 0), ("typical code (#51)", 50)):
            scope = Scope(gen.workspace_id, gen.code_ids[code])
            scans, ms, same = await measure_code(store, ctx, scope, args.repeat)
            rows.append((label, scans, ms, same))
        report(root, bootstrap, produced, rates, bulk, total, rows)
        await store.close()
    finally:
        if kafka is not None:
            await kafka.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
