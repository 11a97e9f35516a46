"""The redirect service under load, next to a bare aiohttp handler, in one run.

    .venv/bin/python bench/redirect.py [--codes 1000000] [--duration 10] [--rounds 2]

Starts its own PostgreSQL and Kafka (the launcher's embedded components, in a temp dir),
publishes `--codes` code snapshots to `qr.codes.v1`, then measures on loopback only:

1. bootstrap: a fresh `python -m qrstack_redirect` process replays every code; seconds until
   `/readyz` says ready, and the process's resident memory next to one with an empty table;
2. the table's own memory per code, counted in this process (tracemalloc) on the same codes;
3. load with `wrk -t1 -c<connections>`, alternating in rounds so that both targets see the
   same machine: the bare handler (uvloop, dict lookup, 302, no middleware) and the service
   with scan events on, over 1,000 hot codes of which half carry three routing rules, with an
   iPhone User-Agent; and one capped code (one PostgreSQL statement per scan).
   Printed per target: best round's req/s, its p50 and p99, and the server's CPU µs per request
   (from /proc: steadier than req/s when other work shares the machine).

Needs `wrk` (Debian: `apt-get install -y wrk`). Bounded: about 2-3 minutes at 1M codes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from qrstack_api.db.migrate import apply_migrations
from qrstack_common.events import CODES_TOPIC, CodeSnapshot, RuleConditions, RuleSnapshot
from qrstack_common.kafka import EventProducer
from qrstack_launcher.ports import free_port
from qrstack_launcher.processes import ManagedProcess, wait_until
from qrstack_launcher.stack import Infrastructure
from qrstack_redirect.table.slug_table import SlugTable

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
HOT_CODES = 1000
BASELINE = """
import sys, uvloop
from aiohttp import web
TABLE = {line.split()[0]: line.split()[1] for line in open(sys.argv[2])}
async def scan(request):
    target = TABLE.get(request.match_info["slug"])
    if target is None:
        return web.Response(status=404)
    headers = {"Location": target, "Cache-Control": "private, no-store"}
    return web.Response(status=302, headers=headers)
app = web.Application()
app.router.add_get("/{slug}", scan)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), loop=uvloop.new_event_loop(),
            print=None, access_log=None)
"""
WRK_SCRIPT = """
local slugs = {}
for line in io.lines("%(slugs)s") do slugs[#slugs + 1] = line:match("^(%%S+)") end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/" .. slugs[(n %% #slugs) + 1], {["User-Agent"] = "%(ua)s"})
end
"""


def snapshot_bytes(n: int, workspace: uuid.UUID, now: datetime) -> tuple[bytes, bytes, str, str]:
    """(key, value, slug, target) of plain code number `n`."""
    code_id = uuid.UUID(int=(0x5EED << 112) | n)
    slug, target = f"{n:08x}", f"https://www.example.com/products/spring-{n:07d}?ref=qr"
    value = CodeSnapshot(
        id=code_id,
        workspace_id=workspace,
        slug=slug,
        type="url",
        target_url=target,
        version=1,
        updated_at=now,
    ).to_bytes()
    return str(code_id).encode(), value, slug, target


def hot_rules() -> tuple[RuleSnapshot, ...]:
    """Three rules the benchmark's iPhone scanner never matches (all are evaluated)."""
    conditions = (
        RuleConditions(country_in=("DE", "FR")),
        RuleConditions(os_in=("Android",), device_in=("tablet",)),
        RuleConditions(language_in=("de",)),
    )
    return tuple(
        RuleSnapshot(
            id=uuid.UUID(int=p + 1),
            type="geo",
            priority=p,
            target_url=f"https://example.com/rule/{p}",
            conditions=c,
        )
        for p, c in enumerate(conditions)
    )


async def publish(bootstrap: str, codes: int, workdir: Path) -> tuple[Path, str]:
    """Publish `codes` plain codes, then turn half the hot ones into codes with rules and add
    one capped code. Returns the hot slugs file (`slug target` lines) and the capped slug."""
    workspace, now = uuid.uuid4(), datetime.now(UTC)
    producer = EventProducer(bootstrap, client_id="bench", linger_ms=20)
    await producer.start()
    hot: list[str] = []
    try:
        pending = []
        for n in range(codes):
            key, value, slug, target = snapshot_bytes(n, workspace, now)
            pending.append(await producer.send(CODES_TOPIC, key, value))
            if n < HOT_CODES:
                hot.append(f"{slug} {target}")
            if len(pending) >= 20_000:
                await asyncio.gather(*pending)
                pending.clear()
        rules = hot_rules()
        for n in range(0, min(codes, HOT_CODES), 2):
            code_id = uuid.UUID(int=(0x5EED << 112) | n)
            ruled = CodeSnapshot(
                id=code_id,
                workspace_id=workspace,
                slug=f"{n:08x}",
                type="url",
                rules=rules,
                target_url=hot[n].split()[1],
                version=2,
                updated_at=now,
            )
            pending.append(
                await producer.send(CODES_TOPIC, str(code_id).encode(), ruled.to_bytes())
            )
        capped = CodeSnapshot(
            id=uuid.uuid4(),
            workspace_id=workspace,
            slug="capped",
            type="url",
            target_url="https://example.com/capped",
            max_scans=2_000_000_000,
            fallback_url="https://example.com/sold-out",
            version=1,
            updated_at=now,
        )
        pending.append(await producer.send(CODES_TOPIC, str(capped.id).encode(), capped.to_bytes()))
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    slugs = workdir / "hot-slugs.txt"
    slugs.write_text("\n".join(hot) + "\n")
    return slugs, str(capped.id)


def table_memory(codes: int) -> tuple[float, float, float]:
    """(traced bytes per code, getsizeof bytes per code, µs per applied snapshot) of a
    `SlugTable` holding `codes` plain codes, built here."""
    workspace, now = uuid.uuid4(), datetime.now(UTC)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    table, spent = SlugTable(), 0.0
    for n in range(codes):
        key, value, _, _ = snapshot_bytes(n, workspace, now)
        started = time.perf_counter()
        table.apply(CODES_TOPIC, key, value)
        spent += time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return traced / codes, table.footprint() / codes, spent / codes * 1e6


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float


def parse_wrk(output: str) -> tuple[float, float, float, int]:
    def millis(label: str) -> float:
        match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output)
        if match is None:
            raise RuntimeError(f"no {label} in wrk output:\n{output}")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    return rps, millis("50%"), millis("99%"), total


async def load(url: str, script: Path, pid: int, args: argparse.Namespace) -> Run:
    cpu = cpu_seconds(pid)
    proc = await asyncio.create_subprocess_exec(
        "wrk",
        "-t1",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--latency",
        "-s",
        str(script),
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output = (await proc.communicate())[0].decode()
    rps, p50, p99, total = parse_wrk(output)
    return Run(rps, p50, p99, (cpu_seconds(pid) - cpu) / max(total, 1) * 1e6)


async def started(
    name: str, argv: list[str], env: dict[str, str], url: str, logs: Path
) -> ManagedProcess:
    process = ManagedProcess(name, argv, log_path=logs / f"{name}.log", env=env)
    await process.start()

    async def answers() -> bool:
        async with (
            aiohttp.ClientSession() as session,
            session.get(url, allow_redirects=False) as response,
        ):
            return response.status in (200, 302)

    await wait_until(answers, what=name, timeout=600, owner=process)
    return process


async def bench(args: argparse.Namespace, workdir: Path) -> None:
    infra = Infrastructure(workdir / "infra", durable=False, kafka_heap="768m")
    print("starting PostgreSQL and Kafka ...", flush=True)
    await infra.start()
    processes: list[ManagedProcess] = []
    try:
        await apply_migrations(infra.database_url)
        env = {
            **os.environ,
            **infra.env(),
            "LOG_LEVEL": "WARNING",
            "VISITOR_HASH_SALT": "bench",
            "SCAN_SPOOL_DIR": str(workdir / "spool"),
        }
        redirect = [sys.executable, "-m", "qrstack_redirect"]
        empty_port = free_port()
        empty = await started(
            "redirect-empty",
            redirect,
            {**env, "REDIRECT_PORT": str(empty_port)},
            f"http://127.0.0.1:{empty_port}/readyz",
            workdir,
        )
        empty_rss = rss_bytes(empty.process.pid)  # type: ignore[union-attr]
        await empty.stop()

        print(f"publishing {args.codes:,} codes ...", flush=True)
        t0 = time.perf_counter()
        slugs, _ = await publish(infra.kafka_bootstrap, args.codes, workdir)
        print(f"  published in {time.perf_counter() - t0:.1f}s", flush=True)

        port = free_port()
        t0 = time.perf_counter()
        service = await started(
            "redirect",
            redirect,
            {**env, "REDIRECT_PORT": str(port)},
            f"http://127.0.0.1:{port}/readyz",
            workdir,
        )
        bootstrap_s = time.perf_counter() - t0
        processes.append(service)
        assert service.process is not None
        full_rss = rss_bytes(service.process.pid)

        base_port = free_port()
        baseline_file = workdir / "baseline.py"
        baseline_file.write_text(BASELINE)
        baseline = await started(
            "baseline",
            [sys.executable, str(baseline_file), str(base_port), str(slugs)],
            env,
            f"http://127.0.0.1:{base_port}/" + slugs.read_text().split()[0],
            workdir,
        )
        processes.append(baseline)
        assert baseline.process is not None

        script = workdir / "scan.lua"
        script.write_text(WRK_SCRIPT % {"slugs": slugs, "ua": IPHONE})
        capped = workdir / "capped.txt"
        capped.write_text("capped https://example.com/capped\n")
        capped_script = workdir / "capped.lua"
        capped_script.write_text(WRK_SCRIPT % {"slugs": capped, "ua": IPHONE})

        runs: dict[str, list[Run]] = {
            "bare aiohttp handler": [],
            "redirect service": [],
            "redirect, capped code": [],
        }
        targets = [
            ("bare aiohttp handler", f"http://127.0.0.1:{base_port}", script, baseline.process.pid),
            ("redirect service", f"http://127.0.0.1:{port}", script, service.process.pid),
        ]
        for round_ in range(args.rounds):
            for label, url, lua, pid in targets:
                print(f"  round {round_ + 1}: {label} ...", flush=True)
                runs[label].append(await load(url, lua, pid, args))
        print("  capped code ...", flush=True)
        runs["redirect, capped code"].append(
            await load(f"http://127.0.0.1:{port}", capped_script, service.process.pid, args)
        )
    finally:
        for process in reversed(processes):
            await process.stop()
        await infra.stop()

    print(f"measuring the table's memory on {args.codes:,} codes in this process ...", flush=True)
    traced, counted, apply_us = table_memory(args.codes)
    report(args, runs, bootstrap_s, (full_rss - empty_rss) / args.codes, traced, counted, apply_us)


def report(
    args: argparse.Namespace,
    runs: dict[str, list[Run]],
    bootstrap_s: float,
    rss_per_code: float,
    traced: float,
    counted: float,
    apply_us: float,
) -> None:
    best = {label: max(rs, key=lambda r: r.rps) for label, rs in runs.items()}
    base = best["bare aiohttp handler"]
    print()
    print(
        f"wrk -t1 -c{args.connections} -d{args.duration}s on loopback, best of "
        f"{args.rounds} alternating rounds; {HOT_CODES} hot codes, half with 3 rules, "
        f"scan events on; {os.cpu_count()} cores"
    )
    print(
        f"{'target':<24} {'req/s':>9} {'vs bare':>8} {'p50 ms':>7} {'p99 ms':>7} {'CPU µs/req':>11}"
    )
    for label, run in best.items():
        cpu = statistics.median(r.cpu_us for r in runs[label])
        print(
            f"{label:<24} {run.rps:9.0f} {run.rps / base.rps:8.0%} {run.p50_ms:7.2f} "
            f"{run.p99_ms:7.2f} {cpu:11.1f}"
        )
    print()
    print(f"bootstrap of {args.codes:,} codes (process start to /readyz 200): {bootstrap_s:.1f} s")
    print(
        f"table memory per code, traced in this process: {traced:.0f} B "
        f"({traced * 1e6 / 2**20:.0f} MiB per 1M codes); sys.getsizeof: {counted:.0f} B; "
        f"{apply_us:.1f} µs per snapshot applied"
    )
    print(
        f"service resident memory per code (RSS with the table minus an empty one): "
        f"{rss_per_code:.0f} B ({rss_per_code * 1e6 / 2**20:.0f} MiB per 1M codes)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codes", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit(
            "wrk is not installed: on Debian/Ubuntu run `apt-get update && apt-get install -y wrk`"
        )
    with tempfile.TemporaryDirectory(prefix="qrstack-bench-") as tmp:
        workdir = Path(tmp)
        workdir.chmod(0o755)  # PostgreSQL's own user must reach its data directory
        asyncio.run(bench(args, workdir))


if __name__ == "__main__":
    main()
