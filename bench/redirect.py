"""The redirect service under load, next to a bare aiohttp handler, in one run.

    .venv/bin/python bench/redirect.py [--codes 1000000] [--duration 8] [--rounds 3] [--workers 2]

Starts its own PostgreSQL and Kafka (the launcher's embedded components, in a temp dir),
publishes `--codes` code snapshots to `qr.codes.v1`, then measures on loopback only:

1. bootstrap: a fresh `python -m qrstack_redirect` process replays every code; seconds until
   `/readyz` says ready, and the process's resident memory next to one with an empty table;
2. the table's own memory per code, counted in this process (tracemalloc) on the same codes;
3. load with `wrk -t1 -c<connections>` and an iPhone User-Agent (a browser: every scan is a
   counted scan with its event produced to Kafka), in alternating rounds so that every target
   sees the same machine: the bare handler (uvloop, dict lookup, 302, no middleware, same worker
   count) and the service for (a) 1,000 plain codes, (b) a code with 10 rules of which the last
   matches, (c) a capped code (scans granted from leases), (d) a password-protected code's gate
   page; then bare and plain again with `--workers` processes on one port (SO_REUSEPORT).
   Printed per target: the median round's req/s, its p50 and p99, and the ratio to bare.

Needs `wrk` (Debian: `apt-get install -y wrk`). Bounded: a few minutes at 1M codes.
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
import asyncpg
from argon2 import PasswordHasher

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
            print=None, access_log=None, reuse_port=sys.argv[3] == "reuse")
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
PLAIN, RULES, CAPPED, GATE = "plain code", "10 rules (last matches)", "capped code", "gate page"


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


def ten_rules() -> tuple[RuleSnapshot, ...]:
    """Ten rules; the benchmark's iPhone scanner matches only the last (all are evaluated)."""
    misses = [
        RuleConditions(country_in=("DE", "FR")),
        RuleConditions(os_in=("Android",), device_in=("tablet",)),
        RuleConditions(language_in=("de",)),
        RuleConditions(browser_in=("Firefox",)),
        RuleConditions(city_in=("Paris",)),
        RuleConditions(device_in=("desktop",)),
        RuleConditions(query_param="campaign"),
        RuleConditions(region_in=("Bavaria",)),
        RuleConditions(os_in=("Windows", "macOS")),
    ]
    conditions = [*misses, RuleConditions(os_in=("iOS",))]
    return tuple(
        RuleSnapshot(
            id=uuid.UUID(int=p + 1),
            type="geo" if p < 9 else "device",
            priority=p,
            target_url=f"https://example.com/rule/{p}",
            conditions=c,
        )
        for p, c in enumerate(conditions)
    )


async def publish(bootstrap: str, database_url: str, codes: int, workdir: Path) -> dict[str, Path]:
    """Publish `codes` plain codes plus one code each with 10 rules, a cap and a password.
    Returns a slugs file (`slug target` lines) per target."""
    workspace, now = uuid.uuid4(), datetime.now(UTC)
    producer = EventProducer(bootstrap, client_id="bench", linger_ms=20)
    await producer.start()
    hot: list[str] = []
    capped_id = uuid.uuid4()
    special = [
        CodeSnapshot(
            id=uuid.uuid4(), workspace_id=workspace, slug="ruled", type="url",
            target_url="https://example.com/ruled", rules=ten_rules(), version=1, updated_at=now,
        ),
        CodeSnapshot(
            id=capped_id, workspace_id=workspace, slug="capped", type="url",
            target_url="https://example.com/capped", max_scans=2_000_000_000,
            fallback_url="https://example.com/sold-out", version=1, updated_at=now,
        ),
        CodeSnapshot(
            id=uuid.uuid4(), workspace_id=workspace, slug="gated", type="url",
            target_url="https://example.com/gated", password_hash=PasswordHasher().hash("bench"),
            version=1, updated_at=now,
        ),
    ]  # fmt: skip
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
        for snapshot in special:
            pending.append(
                await producer.send(CODES_TOPIC, str(snapshot.id).encode(), snapshot.to_bytes())
            )
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    # The capped code's books reference the code, as when the API created it.
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("INSERT INTO workspaces (id, name) VALUES ($1, 'bench')", workspace)
        await conn.execute(
            "INSERT INTO codes (id, workspace_id, slug, type) VALUES ($1, $2, 'capped', 'url')",
            capped_id,
            workspace,
        )
    finally:
        await conn.close()
    files = {PLAIN: workdir / "plain.txt"}
    files[PLAIN].write_text("\n".join(hot) + "\n")
    for label, snapshot in zip((RULES, CAPPED, GATE), special, strict=True):
        files[label] = workdir / f"{snapshot.slug}.txt"
        files[label].write_text(f"{snapshot.slug} {snapshot.target_url}\n")
    return files


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
    """CPU time of a process and its children (a supervisor's workers), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float  # server CPU per request: steadier than req/s on a shared machine


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


async def load(url: str, script: Path, pids: list[int], args: argparse.Namespace) -> Run:
    cpu = sum(cpu_seconds(pid) for pid in pids)
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
    spent = sum(cpu_seconds(pid) for pid in pids) - cpu
    return Run(rps, p50, p99, spent / max(total, 1) * 1e6)


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
    runs: dict[str, list[Run]] = {}
    try:
        await apply_migrations(infra.database_url)
        env = {
            **os.environ,
            **infra.env(),
            "LOG_LEVEL": "WARNING",
            "VISITOR_HASH_SALT": "bench",
            "SCAN_SPOOL_DIR": str(workdir / "spool"),
            "REDIRECT_LEASE_DIR": str(workdir / "leases"),
            "REDIRECT_WORKERS": "1",
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
        files = await publish(infra.kafka_bootstrap, infra.database_url, args.codes, workdir)
        print(f"  published in {time.perf_counter() - t0:.1f}s", flush=True)

        scripts = {}
        for label, slugs in files.items():
            scripts[label] = workdir / f"{slugs.stem}.lua"
            scripts[label].write_text(WRK_SCRIPT % {"slugs": slugs, "ua": IPHONE})
        first_slug = files[PLAIN].read_text().split()[0]
        baseline_file = workdir / "baseline.py"
        baseline_file.write_text(BASELINE)
        bootstrap_s, full_rss = 0.0, 0
        for workers in (1, args.workers):
            port, base_port = free_port(), free_port()
            t0 = time.perf_counter()
            service = await started(
                f"redirect-{workers}",
                redirect,
                {**env, "REDIRECT_PORT": str(port), "REDIRECT_WORKERS": str(workers)},
                f"http://127.0.0.1:{port}/{first_slug}",
                workdir,
            )
            processes.append(service)
            assert service.process is not None
            if workers == 1:
                bootstrap_s = time.perf_counter() - t0
                full_rss = rss_bytes(service.process.pid)
            bases = [
                await started(
                    f"baseline-{workers}-{n}",
                    [sys.executable, str(baseline_file), str(base_port), str(files[PLAIN]),
                     "reuse" if workers > 1 else "single"],
                    env,
                    f"http://127.0.0.1:{base_port}/{first_slug}",
                    workdir,
                )
                for n in range(workers)
            ]  # fmt: skip
            processes.extend(bases)
            await asyncio.sleep(2 if workers > 1 else 0)  # every worker joined the port
            service_url, base_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{base_port}"
            suffix = "" if workers == 1 else f", {workers} workers"
            service_pids = [service.process.pid]
            base_pids = [b.process.pid for b in bases if b.process is not None]
            targets = [(f"bare aiohttp{suffix}", base_url, scripts[PLAIN], base_pids)]
            targets.append((f"{PLAIN}{suffix}", service_url, scripts[PLAIN], service_pids))
            if workers == 1:
                targets += [
                    (label, service_url, scripts[label], service_pids)
                    for label in (RULES, CAPPED, GATE)
                ]
            for round_ in range(args.rounds):
                for label, url, lua, pids in targets:
                    print(f"  round {round_ + 1}: {label} ...", flush=True)
                    run = await load(url, lua, pids, args)
                    runs.setdefault(label, []).append(run)
                    print(
                        f"    {run.rps:,.0f} req/s, p50 {run.p50_ms} ms, p99 {run.p99_ms} ms, "
                        f"{run.cpu_us:.1f} CPU µs/request"
                    )
            for process in [service, *bases]:
                await process.stop()
                processes.remove(process)
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
    median = {label: sorted(rs, key=lambda r: r.rps)[len(rs) // 2] for label, rs in runs.items()}
    print()
    print(
        f"wrk -t1 -c{args.connections} -d{args.duration}s on loopback, iPhone User-Agent, scan "
        f"events on; median of {args.rounds} alternating rounds; {os.cpu_count()} cores"
    )
    print(
        "| target | req/s | vs bare | p50 ms | p99 ms | server CPU µs/req | CPU vs bare |\n"
        "| --- | --- | --- | --- | --- | --- | --- |"
    )
    for label, run in median.items():
        workers = label.partition(", ")[2]
        bare_label = "bare aiohttp" + (", " + workers if workers else "")
        bare = median[bare_label]
        ratio = f"{run.rps / bare.rps:.2f}"
        if label == CAPPED:
            ratio += f" ({run.rps / median[PLAIN].rps:.2f} of plain)"
        cpu = statistics.median(r.cpu_us for r in runs[label])
        bare_cpu = statistics.median(r.cpu_us for r in runs[bare_label])
        print(
            f"| {label} | {run.rps:,.0f} | {ratio} | {run.p50_ms:.2f} | {run.p99_ms:.2f} "
            f"| {cpu:.1f} | {bare_cpu / cpu:.2f} |"
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
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="the N of the 1-vs-N rows")
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
