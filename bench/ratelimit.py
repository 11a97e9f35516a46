"""What a rate-limit decision costs: per-replica memory counters against the shared PostgreSQL
counters, alone and inside a whole API request.

Starts PostgreSQL with the project launcher (throwaway directory, durable settings) and applies
the migrations. Part 1 calls the limiter directly (this process, one asyncpg pool of 10):
memory counters, PostgreSQL sequentially, PostgreSQL with 32 concurrent callers on distinct
buckets and on one hot bucket, and a bucket already over its limit (refused from memory).
Part 2 runs the API service as its own process, once per store, and drives `GET /v1/me` with
an API key at a fixed concurrency: the difference is the limiter's cost per request.

    python bench/ratelimit.py [--seconds 5] [--concurrency 32]
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
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import asyncpg

from qrstack_api.accounts.bootstrap import bootstrap_workspace
from qrstack_api.db.migrate import apply_migrations
from qrstack_api.db.pool import create_pool
from qrstack_api.ratelimit.counters import PostgresCounters
from qrstack_api.ratelimit.limiter import RateLimiter
from qrstack_common.metrics import ApiMetrics
from qrstack_launcher.ports import free_port
from qrstack_launcher.postgres import LocalPostgres
from qrstack_launcher.processes import ManagedProcess, wait_until

HUGE = 1 << 30  # a limit no run reaches


def _row(name: str, rate: float, latencies: list[float]) -> str:
    q = statistics.quantiles(latencies, n=100)
    p50, p99 = q[49] * 1e3, q[98] * 1e3
    return f"| {name:<46} | {rate:>9.0f} | {p50:>7.3f} | {p99:>7.3f} |"


async def _drive(
    call: Callable[[int], Awaitable[object]], concurrency: int, seconds: float
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker(n: int) -> None:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            await call(n)
            latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return len(latencies) / (time.perf_counter() - began), latencies


async def limiter_rows(dsn: str, seconds: float, concurrency: int) -> list[str]:
    pool = await create_pool(dsn, 10)
    rows: list[str] = []
    try:
        memory = RateLimiter(None, ApiMetrics())
        shared = RateLimiter(PostgresCounters(pool), ApiMetrics(), budget_s=1.0)
        run = uuid.uuid4().hex[:8]

        async def in_memory(n: int) -> object:
            return await memory.hit(f"mem:{run}:{n}", HUGE, 60)

        async def distinct(n: int) -> object:
            return await shared.hit(f"pg:{run}:{n}", HUGE, 60)

        async def hot(_: int) -> object:
            return await shared.hit(f"hot:{run}", HUGE, 60)

        await shared.hit(f"full:{run}", 1, 60)
        await shared.hit(f"full:{run}", 1, 60)  # now over its limit for this window

        async def refused(_: int) -> object:
            return await shared.hit(f"full:{run}", 1, 60)

        cases: list[tuple[str, Callable[[int], Awaitable[object]], int]] = [
            ("memory counters, 1 caller", in_memory, 1),
            ("PostgreSQL, 1 caller", distinct, 1),
            (f"PostgreSQL, {concurrency} callers, distinct buckets", distinct, concurrency),
            (f"PostgreSQL, {concurrency} callers, one hot bucket", hot, concurrency),
            ("PostgreSQL, bucket over its limit (memory)", refused, 1),
        ]
        for name, call, callers in cases:
            rate, latencies = await _drive(call, callers, seconds)
            rows.append(_row(name, rate, latencies))
        rows_in_table = await pool.fetchval("SELECT count(*) FROM rate_limit_hits")
        rows.append(f"\n(rate_limit_hits rows after part 1: {rows_in_table})")
    finally:
        await pool.close()
    return rows


async def api_rows(dsn: str, root: Path, seconds: float, concurrency: int) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        made = await bootstrap_workspace(
            conn, email="bench@example.com", password=os.urandom(12).hex(), workspace_name="Bench",
            plan="business", test=True, key_name="bench",
        )  # fmt: skip
    finally:
        await conn.close()
    rows: list[str] = []
    for store in ("memory", "postgres"):
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": dsn,
            "API_PORT": str(port),
            "API_RATE_LIMIT_STORE": store,
            "API_RATE_LIMIT_AUTHENTICATED": str(HUGE),
            "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",  # none: the relay just waits
            "LOG_LEVEL": "ERROR",
        }
        api = ManagedProcess(
            f"api-{store}",
            [sys.executable, "-m", "qrstack_api"],
            log_path=root / "logs" / f"api-{store}.log",
            env=env,
        )
        url = f"http://127.0.0.1:{port}"
        await api.start()
        try:

            async def up(url: str = url) -> bool:
                async with aiohttp.ClientSession() as s, s.get(f"{url}/readyz") as r:
                    return r.status == 200

            await wait_until(up, what=f"api ({store})", timeout=60, owner=api)
            headers = {"X-API-Key": made.api_key}
            for callers in (1, concurrency):
                connector = aiohttp.TCPConnector(limit=callers)
                async with aiohttp.ClientSession(connector=connector) as session:

                    async def me(
                        _: int,
                        session: aiohttp.ClientSession = session,
                        url: str = url,
                        headers: dict[str, str] = headers,
                    ) -> object:
                        async with session.get(f"{url}/v1/me", headers=headers) as r:
                            await r.read()
                            assert r.status == 200, r.status
                            return r.status

                    await _drive(me, callers, 1.0)  # warm up
                    rate, latencies = await _drive(me, callers, seconds)
                name = f"GET /v1/me, {callers} connection(s), store={store}"
                rows.append(_row(name, rate, latencies))
        finally:
            await api.stop()
    return rows


async def main(seconds: float, concurrency: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="qrstack-bench-ratelimit-"))
    os.chmod(root, 0o755)  # noqa: S103 (PostgreSQL runs as its own user and must reach it)
    postgres = LocalPostgres(root / "postgres", free_port(), root / "logs" / "postgres.log")
    await postgres.start()
    try:
        await apply_migrations(postgres.dsn)
        part1 = await limiter_rows(postgres.dsn, seconds, concurrency)
        part2 = await api_rows(postgres.dsn, root, seconds, concurrency)
    finally:
        await postgres.stop()
        shutil.rmtree(root, ignore_errors=True)
    header = (
        "| case                                           | decisions/s | p50 ms | p99 ms |\n"
        "|------------------------------------------------|----------:|--------:|--------:|"
    )
    print(f"\nRate-limit decisions, {seconds:.0f} s per row, {os.cpu_count()} cores\n")
    print(header)
    print("\n".join(part1))
    print("\nWhole requests (API process; load generator on the same machine)\n")
    print(header.replace("decisions/s", "  req/s    "))
    print("\n".join(part2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.concurrency))
