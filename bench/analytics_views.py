"""CPU per scan of the engine's insert with candidate forms of the per-code daily breakdown
view (`scans_daily_mv`), the other views as migrated, side by side in one run.

    .venv/bin/python bench/analytics_views.py --scans 100000
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from qrstack_analytics.scans.batching import ScanBatch
from qrstack_analytics.scans.synthetic import ScanGenerator
from qrstack_analytics.scans.writer import ScanWriter
from qrstack_analytics.storage.embedded import EmbeddedClickHouse
from qrstack_analytics.storage.store import AnalyticsStore

BATCH = 50_000
DIMS = ("country", "region", "city", "device", "os", "browser", "referrer")
ARRAY = ",\n".join(["('', '')"] + [f"('{d}', toString({d}))" for d in DIMS])
WHERE = "WHERE outcome NOT IN ('password_required', 'not_found')"


def array_join(func: str, params: str = "") -> tuple[str, str]:
    return (
        f"{func}{params}",
        f"""
    SELECT workspace_id, dim_value.1 AS dim, code_id, toDate(ts) AS day, is_bot,
           dim_value.2 AS value, count() AS scans, {func}State{params}(visitor_hash) AS visitors
    FROM {{db}}.scans ARRAY JOIN [{ARRAY}] AS dim_value {WHERE}
    GROUP BY workspace_id, dim, code_id, day, is_bot, value""",  # noqa: S608 (bench-only constants)
    )


VARIANTS: dict[str, tuple[str, str] | None] = {
    "ARRAY JOIN x8, uniq (today)": array_join("uniq"),
    "ARRAY JOIN x8, uniqCombined(12)": array_join("uniqCombined", "(12)"),
    "ARRAY JOIN x8, uniqHLL12": array_join("uniqHLL12"),
    "ARRAY JOIN x8, uniq of a UInt64 hash taken once": (
        "uniq",
        array_join("uniq")[1]
        .replace("uniqState(visitor_hash)", "uniqState(h)")
        .replace(
            "FROM {db}.scans ARRAY",
            "FROM (SELECT *, cityHash64(visitor_hash) AS h FROM {db}.scans) ARRAY",
        ),
    ),
    "ARRAY JOIN x8, no uniques": ("", ""),
    "no breakdown view": None,
}


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main(args: argparse.Namespace) -> None:
    from analytics import _deliveries  # the bench's own record wrapper

    gen = ScanGenerator(codes=1000, seed=7)
    records = list(
        gen.records(args.scans, datetime.now(UTC) - timedelta(days=1), timedelta(days=1), version=2)
    )
    print(f"| variant ({args.scans:,} scans, {BATCH:,}-row inserts) | CPU µs/scan | scans/s |")
    print("|--|--:|--:|")
    for name, variant in VARIANTS.items():
        with tempfile.TemporaryDirectory() as root:
            store = AnalyticsStore(EmbeddedClickHouse(Path(root), "v", sessions=2), query_threads=1)
            await store.prepare(raw_retention_days=0)
            ch = store.engine
            db = ch.database
            ch.execute(f"DROP VIEW {db}.scans_daily_mv SYNC")
            if variant is not None:
                state, select = variant
                kind = "UInt64" if "uniqState(h)" in select else "String"
                if not state:
                    select = array_join("uniq")[1].replace(
                        ", uniqState(visitor_hash) AS visitors", ""
                    )
                ch.execute(f"DROP TABLE {db}.scans_daily SYNC")
                ch.execute(
                    f"CREATE TABLE {db}.scans_daily (workspace_id UUID, dim LowCardinality(String),"
                    f" code_id UUID, day Date, is_bot Bool, value String,"
                    f" scans SimpleAggregateFunction(sum, UInt64)"
                    + (f", visitors AggregateFunction({state}, {kind})" if state else "")
                    + ") ENGINE = AggregatingMergeTree"
                    " PARTITION BY toYYYYMM(day) ORDER BY (workspace_id, code_id, dim, day,"
                    " is_bot, value) SETTINGS index_granularity = 1024"
                )
                ch.execute(
                    f"CREATE MATERIALIZED VIEW {db}.scans_daily_mv TO {db}.scans_daily AS"
                    + select.replace("{db}", db)
                )
            batches = []
            for start in range(0, args.scans, BATCH):
                batch = ScanBatch()
                batch.add(_deliveries(records[start : start + BATCH], start), 0.0)
                batches.append(ScanWriter(ch).prepare(batch))
            c0, t0 = cpu(), time.perf_counter()
            for prepared in batches:
                ScanWriter(ch).write(prepared)
            c1, t1 = cpu(), time.perf_counter()
            print(
                f"| {name} | {(c1 - c0) / args.scans * 1e6:.1f} | {args.scans / (t1 - t0):,.0f} |"
            )
            await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=100_000)
    asyncio.run(main(parser.parse_args()))
