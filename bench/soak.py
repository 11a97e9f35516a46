"""The whole platform under steady mixed load for a long while: does anything grow?

    .venv/bin/python bench/soak.py [--minutes 30] [--rate 100] [--sample 15]

Starts the launcher's platform of its own (durable PostgreSQL, Kafka, the five services, the
redirect with 2 workers) on free ports in a temp dir, makes a workspace with plain, capped,
ruled and password-gated codes (tests/faults/workload.py), and runs until `--minutes` have
passed: scans at `--rate`/s (loopback only), a code create or edit through the API every
0.25 s, a code's analytics read every second, an image render every 2 s. Every `--sample`
seconds it records, per service and for PostgreSQL and Kafka: resident memory (the whole
process group: the redirect's workers, PostgreSQL's backends), open file descriptors, and for
the Python services the event loop's task count (`qr_event_loop_tasks` of /metrics; one
redirect worker's view per scrape); and the scans' p50/p99 over the interval.

Printed at the end: per component the RSS at the start of the second quarter (after warm-up)
and at the end, the least-squares slope over the last three quarters in MB/h, fds and tasks
first and last; and the p99 per tenth of the run. Not a test, and not in `make bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from faults.workload import TIMEOUT, Workload, Writes

from qrstack_launcher.ports import free_port
from qrstack_launcher.processes import ManagedProcess
from qrstack_launcher.stack import SERVICES, Infrastructure, Platform

PYTHON_SERVICES = SERVICES


@dataclass
class Sample:
    at: float
    rss_mb: dict[str, float]
    fds: dict[str, int]
    tasks: dict[str, int]
    p50_ms: float
    p99_ms: float
    scans: int


@dataclass
class Latencies:
    values: list[float] = field(default_factory=list)
    errors: int = 0

    def take(self) -> list[float]:
        taken, self.values = self.values, []
        return taken


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                if int(fields[2]) == pgid:  # fields: state ppid pgrp ...
                    pids.append(int(entry))
    return pids


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def fd_count(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += len(os.listdir(f"/proc/{pid}/fd"))
    return total


async def loop_tasks(session: aiohttp.ClientSession, url: str) -> int:
    try:
        async with session.get(f"{url}/metrics", timeout=TIMEOUT) as response:
            text = await response.text()
    except (aiohttp.ClientError, TimeoutError):
        return -1
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "qr_event_loop_tasks":
                return int(sample.value)
    return -1


async def scans(workload: Workload, rate: float, latencies: Latencies, stop: asyncio.Event) -> None:
    plan = itertools.cycle(workload.plan())
    tasks: set[asyncio.Task[None]] = set()

    async def one(session: aiohttp.ClientSession, url: str, headers: dict[str, str]) -> None:
        started = time.perf_counter()
        try:
            async with session.get(url, allow_redirects=False, headers=headers) as response:
                await response.read()
                if response.status >= 500:
                    latencies.errors += 1
        except (aiohttp.ClientError, TimeoutError):
            latencies.errors += 1
            return
        latencies.values.append(time.perf_counter() - started)

    connector = aiohttp.TCPConnector(limit=32)
    async with aiohttp.ClientSession(connector=connector, timeout=TIMEOUT) as session:
        loop = asyncio.get_running_loop()
        started, sent = loop.time(), 0
        while not stop.is_set():
            due = int((loop.time() - started) * rate)
            while sent < due and len(tasks) < 200:
                code, ua, gate = next(plan)
                headers = {"User-Agent": ua}
                if gate and code.cookie:
                    headers["Cookie"] = f"qrgate={code.cookie}"
                task = asyncio.create_task(
                    one(session, f"{workload.redirect}/{code.slug}", headers)
                )
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                sent += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.01)
        if tasks:
            await asyncio.gather(*tasks)


async def reads(workload: Workload, stop: asyncio.Event) -> None:
    """A code's analytics every second, a code's PNG every other second."""
    async with aiohttp.ClientSession() as session:
        for n in itertools.count():
            if stop.is_set():
                return
            code = workload.codes[n % len(workload.codes)]
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                await workload.api.call(session, "GET", f"/v1/codes/{code.id}/analytics")
                if n % 2 == 0:
                    async with session.get(
                        f"{workload.api.base}/v1/codes/{code.id}/image?format=png",
                        headers=workload.api.headers,
                        timeout=TIMEOUT,
                    ) as response:
                        await response.read()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)


def components(infra: Infrastructure, platform: Platform) -> dict[str, int]:
    """Component name → process group id (each is started in a group of its own)."""
    groups: dict[str, int] = {}
    managed: dict[str, ManagedProcess | None] = {
        "postgres": infra.postgres.process if infra.postgres else None,
        "kafka": infra.kafka.process if infra.kafka else None,
        **platform.processes,
    }
    for name, process in managed.items():
        if process is not None and process.process is not None:
            groups[name] = process.process.pid
    return groups


async def sampler(
    infra: Infrastructure,
    platform: Platform,
    latencies: Latencies,
    every: float,
    out: list[Sample],
    stop: asyncio.Event,
) -> None:
    async with aiohttp.ClientSession() as session:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
            groups = components(infra, platform)
            pids = {name: group_pids(pgid) for name, pgid in groups.items()}
            tasks = {s: await loop_tasks(session, platform.url(s)) for s in PYTHON_SERVICES}
            taken = sorted(latencies.take())
            p50 = statistics.median(taken) * 1000 if taken else 0.0
            p99 = taken[int(len(taken) * 0.99) - 1] * 1000 if len(taken) >= 100 else 0.0
            sample = Sample(
                time.monotonic(),
                {n: rss_mb(p) for n, p in pids.items()},
                {n: fd_count(p) for n, p in pids.items()},
                tasks,
                p50,
                p99,
                len(taken),
            )
            out.append(sample)
            print(
                f"{len(out):4d} scans {sample.scans:5d} p99 {p99:6.1f} ms  "
                + " ".join(f"{n} {v:.0f}" for n, v in sample.rss_mb.items()),
                flush=True,
            )


def slope_mb_per_h(points: list[tuple[float, float]]) -> float:
    if len(points) < 3:
        return float("nan")
    xs = [t for t, _ in points]
    ys = [v for _, v in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx * 3600


def report(samples: list[Sample], errors: int, minutes: float, load: str) -> None:
    print(f"\nsoak: {minutes:g} min, {len(samples)} samples, scan errors {errors}; load {load}")
    start = len(samples) // 4  # the first quarter is warm-up (tables, caches, JIT-less but lazy)
    kept = samples[start:]
    t0 = kept[0].at
    print(f"{'component':10s} {'RSS MB':>14s} {'slope MB/h':>11s} {'fds':>10s} {'tasks':>10s}")
    for name in kept[0].rss_mb:
        points = [(s.at - t0, s.rss_mb.get(name, 0.0)) for s in kept]
        first, last = kept[0], kept[-1]
        tasks = (
            f"{first.tasks.get(name, '')}→{last.tasks.get(name, '')}" if name in first.tasks else ""
        )
        print(
            f"{name:10s} {first.rss_mb[name]:6.0f}→{last.rss_mb.get(name, 0):6.0f} "
            f"{slope_mb_per_h(points):11.1f} "
            f"{first.fds[name]:>4d}→{last.fds.get(name, 0):<4d} {tasks:>10s}"
        )
    tenth = max(1, len(samples) // 10)
    p99s = []
    for i in range(0, len(samples), tenth):
        chunk = [s.p99_ms for s in samples[i : i + tenth] if s.p99_ms]
        p99s.append(f"{statistics.median(chunk):.1f}" if chunk else "-")
    print("scan p99 ms per tenth of the run (median of its samples): " + " ".join(p99s))


async def main(args: argparse.Namespace) -> None:
    root = Path(tempfile.mkdtemp(prefix="qrstack-soak-"))
    os.chmod(root, 0o755)  # noqa: S103  PostgreSQL's own user must reach its data directory
    infra = Infrastructure(root, durable=True, kafka_heap="512m")
    await infra.start()
    platform = Platform(infra, extra_env={"REDIRECT_WORKERS": "2", "LOG_FORMAT": "text",
                                          "API_RATE_LIMIT_AUTHENTICATED": "1000000"})  # fmt: skip
    for service in SERVICES:
        platform.ports.setdefault(service, free_port())
    samples: list[Sample] = []
    latencies = Latencies()
    stop = asyncio.Event()
    try:
        await platform.start()
        workload = await Workload.create(
            platform.url("api"), platform.url("redirect"), infra.database_url, cap=10**6
        )
        writes = Writes(workload)
        jobs = [
            asyncio.create_task(scans(workload, args.rate, latencies, stop)),
            asyncio.create_task(writes.run()),
            asyncio.create_task(reads(workload, stop)),
            asyncio.create_task(sampler(infra, platform, latencies, args.sample, samples, stop)),
        ]
        await asyncio.sleep(args.minutes * 60)
        stop.set()
        writes.stop()
        await asyncio.gather(*jobs)
        report(samples, latencies.errors, args.minutes, " ".join(map(str, os.getloadavg())))
    finally:
        await platform.stop()
        await infra.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=100.0, help="scans per second (≤ 150)")
    parser.add_argument("--sample", type=float, default=15.0, help="seconds between samples")
    arguments = parser.parse_args()
    if not 0 < arguments.rate <= 150:
        parser.error("--rate must be in (0, 150]")
    asyncio.run(main(arguments))
