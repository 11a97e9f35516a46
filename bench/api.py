"""API latency and throughput at a fixed concurrency, side by side with a baseline.

Starts PostgreSQL and Kafka with the project launcher (throwaway directory), the API service as
its own process, and a baseline process: a bare aiohttp handler doing one asyncpg query
(`SELECT $1::int`) against the same PostgreSQL. A load generator (this process, aiohttp client)
then drives each operation for a fixed time and prints req/s and p50/p95/p99. Each operation
runs in four slices, each right after a slice of the baseline, and its ratio is to those
baseline slices. With `--runs N` it is all driven N times over (same stack) and each ratio is
printed per run, with the median.

    python bench/api.py [--concurrency 32] [--seconds 8] [--runs 1]
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
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import asyncpg

from qrstack_launcher.ports import free_port
from qrstack_launcher.processes import ManagedProcess, wait_until
from qrstack_launcher.stack import SERVICES, Infrastructure, Platform

BASELINE = """
import asyncio, sys, asyncpg, uvloop
from aiohttp import web
async def main():
    pool = await asyncpg.create_pool(sys.argv[1], min_size=10, max_size=10)
    async def handler(request):
        value = await pool.fetchval("SELECT $1::int", 1)
        return web.json_response({"value": value})
    app = web.Application()
    app.router.add_get("/", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(sys.argv[2])).start()
    await asyncio.Event().wait()
uvloop.run(main())
"""

SLICES = 4
EXTRA_ENV = dict(item.split("=", 1) for item in os.environ.get("BENCH_API_ENV", "").split() if item)

Request = Callable[[aiohttp.ClientSession, int], Awaitable[int]]


async def drive(request: Request, concurrency: int, seconds: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker(n: int) -> None:
            nonlocal errors
            i = 0
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                status = await request(session, n * 1_000_000 + i)
                latencies.append(time.perf_counter() - start)
                if status >= 400:
                    errors += 1
                i += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        elapsed = time.perf_counter() - began
    if errors:
        print(f"  ! {errors} requests failed", file=sys.stderr)
    return len(latencies) / elapsed, latencies


def row(name: str, rate: float, latencies: list[float]) -> str:
    q = statistics.quantiles(latencies, n=100)
    p50, p95, p99 = (q[i] * 1000 for i in (49, 94, 98))
    return f"| {name:<28} | {rate:>8.0f} | {p50:>7.2f} | {p95:>7.2f} | {p99:>7.2f} |"


async def main(concurrency: int, seconds: float, runs: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="qrstack-bench-api-"))
    os.chmod(root, 0o755)  # noqa: S103 (PostgreSQL runs as its own user and must reach it)
    infra = Infrastructure(root, durable=True)
    await infra.start()
    # The rate limiter stays on (its shared counter is part of every request's cost) with a
    # limit the load never reaches.
    platform = Platform(
        infra,
        ports={s: free_port() for s in SERVICES},  # only the API is started
        extra_env={"API_RATE_LIMIT_AUTHENTICATED": "1000000000", **EXTRA_ENV},
    )
    baseline_port = free_port()
    baseline = ManagedProcess(
        "baseline",
        [sys.executable, "-c", BASELINE, infra.database_url, str(baseline_port)],
        log_path=root / "logs" / "baseline.log",
    )
    try:
        await platform.start_service("api")
        await baseline.start()
        base_url = f"http://127.0.0.1:{baseline_port}"

        async def baseline_up() -> bool:
            async with aiohttp.ClientSession() as s, s.get(base_url) as r:
                return r.status == 200

        await wait_until(baseline_up, what="baseline", timeout=30, owner=baseline)
        key = await _api_key(infra.database_url)
        auth = {"Authorization": f"Bearer {key}"}
        api = platform.url("api")
        created: list[str] = []

        async def baseline_get(s: aiohttp.ClientSession, _: int) -> int:
            async with s.get(base_url) as r:
                await r.read()
                return r.status

        async def create(s: aiohttp.ClientSession, n: int) -> int:
            body = {"targetUrl": f"https://example.com/bench/{n}", "tags": ["bench"]}
            async with s.post(f"{api}/v1/codes", json=body, headers=auth) as r:
                data = await r.json()
                if r.status == 201:
                    created.append(data["id"])
                return r.status

        async def get(s: aiohttp.ClientSession, n: int) -> int:
            async with s.get(f"{api}/v1/codes/{created[n % len(created)]}", headers=auth) as r:
                await r.read()
                return r.status

        async def list_page(s: aiohttp.ClientSession, _: int) -> int:
            async with s.get(f"{api}/v1/codes?limit=50", headers=auth) as r:
                await r.read()
                return r.status

        operations: list[tuple[str, Request]] = [
            ("baseline: aiohttp + asyncpg", baseline_get),
            ("POST /v1/codes", create),
            ("GET /v1/codes/{id}", get),
            ("GET /v1/codes?limit=50", list_page),
        ]
        ratios: dict[str, list[float]] = {name: [] for name, _ in operations[1:]}
        for run in range(1, runs + 1):
            # Each operation is driven in SLICES slices, each right after a slice of the
            # baseline, and compared with those baseline slices: on a shared machine the load
            # drifts within seconds, and a baseline measured once, first, drifts with it.
            rows: list[tuple[str, float, list[float]]] = []
            base_count, base_time = 0.0, 0.0
            base_latencies: list[float] = []
            for name, op in operations[1:]:
                paired = [0.0, 0.0, 0.0, 0.0]  # baseline requests, seconds; ours, seconds
                latencies: list[float] = []
                for _ in range(SLICES):
                    for at, request in ((0, operations[0][1]), (2, op)):
                        rate, found = await drive(request, concurrency, seconds / SLICES)
                        paired[at] += len(found)
                        paired[at + 1] += len(found) / rate
                        (base_latencies if at == 0 else latencies).extend(found)
                base_count, base_time = base_count + paired[0], base_time + paired[1]
                rows.append((name, paired[2] / paired[3], latencies))
                ratios[name].append((paired[2] / paired[3]) / (paired[0] / paired[1]))
            rows.insert(0, (operations[0][0], base_count / base_time, base_latencies))
            print(
                f"\nAPI{f' run {run} of {runs}' if runs > 1 else ''}, {concurrency} concurrent "
                f"connections, {seconds:.0f} s per row in {SLICES} slices each after a baseline "
                f"slice, {os.cpu_count()} cores (load generator on the same machine); analytics "
                "not running, so totalScans is null (one refused connection per read)\n"
            )
            print("| operation                    |    req/s | p50 ms  | p95 ms  | p99 ms  |")
            print("|------------------------------|---------:|--------:|--------:|--------:|")
            for name, rate, latencies in rows:
                print(row(name, rate, latencies))
        print(f"\ncodes created: {len(created)}; every request answered 2xx unless noted above")
        plural = "s" if runs > 1 else ""
        print(f"\n| operation | ratio to the baseline ({runs} run{plural}) | median |")
        print("|---|---:|---:|")
        for name, found in ratios.items():
            each = " / ".join(f"{r:.2f}" for r in found)
            print(f"| {name} | {each} | **{statistics.median(found):.2f}** |")
    finally:
        await baseline.stop()
        await platform.stop()
        await infra.stop()
        shutil.rmtree(root, ignore_errors=True)


async def _api_key(dsn: str) -> str:
    from qrstack_api.accounts.bootstrap import bootstrap_workspace

    conn = await asyncpg.connect(dsn)
    try:
        made = await bootstrap_workspace(
            conn, email="bench@example.com", password=os.urandom(12).hex(), workspace_name="Bench",
            plan="business", test=True, key_name="bench",
        )  # fmt: skip
    finally:
        await conn.close()
    return made.api_key


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.concurrency, args.seconds, args.runs))
