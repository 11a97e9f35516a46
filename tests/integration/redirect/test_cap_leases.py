"""Scan caps from leases on the real PostgreSQL and Kafka: four redirect processes scanning one
capped code grant exactly the cap, a process killed with SIGKILL mid-run costs no scan, and a
frozen PostgreSQL neither stalls scans nor lets one past the cap. Every answered scan's event
is in `qr.scans.v2` exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from qrstack_common.events import SCANS_TOPIC_V2
from qrstack_common.scan_wire import decode_scan
from qrstack_launcher.ports import free_port
from qrstack_launcher.processes import ManagedProcess, wait_until
from qrstack_launcher.stack import Infrastructure
from support.ids import kafka_key, uuid_of

from .conftest import Client, read_topic
from .test_scan_caps import FALLBACK, PERSON, TARGET, _answers, _environment, capped_code

pytestmark = pytest.mark.infra


@asynccontextmanager
async def redirects(
    infra: Infrastructure, count: int, name: str, **env: str
) -> AsyncIterator[list[ManagedProcess]]:
    """`count` redirect processes on ports of their own, sharing one lease directory."""
    leases = infra.root / f"{name}-leases"
    processes = [
        ManagedProcess(
            f"{name}-{n}",
            [sys.executable, "-m", "qrstack_redirect"],
            log_path=infra.root / "logs" / f"{name}-{n}.log",
            env={
                **_environment(infra),
                "REDIRECT_PORT": str(free_port()),
                "SCAN_SPOOL_DIR": str(infra.root / f"{name}-spool-{n}"),
                "REDIRECT_LEASE_DIR": str(leases),
                # A loaded test machine can be slow to renew: keep renewals well inside the
                # lease's life, so that no live process's lease is reclaimed.
                "REDIRECT_DB_TIMEOUT_MS": "2000",
                **env,
            },
        )
        for n in range(count)
    ]
    try:
        await asyncio.gather(*(p.start() for p in processes))
        yield processes
    finally:
        await asyncio.gather(*(p.stop() for p in processes))


def url_of(process: ManagedProcess, slug: str) -> str:
    return f"http://127.0.0.1:{process.env['REDIRECT_PORT']}/{slug}"


async def books(infra: Infrastructure, code_id: str) -> tuple[int, int]:
    """(used, leased) of the code's scan cap."""
    conn = await asyncpg.connect(infra.database_url)
    try:
        row = await conn.fetchrow(
            "SELECT used, leased FROM scan_caps WHERE code_id = $1", uuid_of(code_id)
        )
    finally:
        await conn.close()
    return (row["used"], row["leased"]) if row is not None else (0, 0)


class Scanner:
    """Concurrent scans as a phone, spread over processes; answers counted by destination."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._gate = asyncio.Semaphore(64)
        self.answers: Counter[str] = Counter()

    async def scan(self, url: str) -> None:
        async with self._gate:
            try:
                async with self._session.get(url, allow_redirects=False, headers=PERSON) as r:
                    self.answers[r.headers["Location"]] += 1
            except aiohttp.ClientError:
                self.answers["no answer"] += 1  # the process was killed under it

    async def burst(self, urls: list[str], scans: int) -> None:
        await asyncio.gather(*(self.scan(urls[n % len(urls)]) for n in range(scans)))

    async def until_refused(self, urls: list[str], timeout: float = 90.0) -> None:
        """Scan every process until none grants any more: the last scans come back from
        leases handed back by idle processes (or settled after a crash). Bounded by time, not
        by a count of rounds: hundreds of scans may be left to grant."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            before = self.answers[TARGET]
            await self.burst(urls, 4 * len(urls))
            if self.answers[TARGET] == before:
                await asyncio.sleep(1.0)
                await self.burst(urls, 4 * len(urls))
                if self.answers[TARGET] == before:
                    return


async def ready(session: aiohttp.ClientSession, processes: list[ManagedProcess], slug: str) -> None:
    for process in processes:
        await wait_until(
            _answers(session, url_of(process, slug)), what=process.name, timeout=60, owner=process
        )


async def events_of(infra: Infrastructure, code_id: str) -> list[str]:
    records = await read_topic(
        infra.kafka_bootstrap, SCANS_TOPIC_V2, lambda r: r.key == kafka_key(code_id)
    )
    return [str(decode_scan(r.value).scan_id) for r in records]


async def test_four_processes_grant_exactly_the_cap(
    infra: Infrastructure, api_client: Client
) -> None:
    cap = 1000
    code = await capped_code(infra, api_client, cap)
    async with redirects(infra, 4, "lease4") as processes, aiohttp.ClientSession() as session:
        await ready(session, processes, code["slug"])
        urls = [url_of(p, code["slug"]) for p in processes]
        scanner = Scanner(session)
        await scanner.burst(urls, 1600)
        await scanner.until_refused(urls)
        answered = sum(scanner.answers.values())
        assert scanner.answers[TARGET] == cap
        assert scanner.answers[FALLBACK] == answered - cap
    # Stopped cleanly: every lease handed back, the books say exactly the cap.
    assert await books(infra, code["id"]) == (cap, 0)
    scan_ids = await events_of(infra, code["id"])
    assert len(scan_ids) == len(set(scan_ids)) == answered


async def test_a_process_killed_mid_run_costs_no_scan(
    infra: Infrastructure, api_client: Client
) -> None:
    cap = 1000
    code = await capped_code(infra, api_client, cap)
    async with redirects(infra, 4, "leasekill") as processes, aiohttp.ClientSession() as session:
        await ready(session, processes, code["slug"])
        urls = [url_of(p, code["slug"]) for p in processes]
        scanner = Scanner(session)
        await scanner.burst(urls, 400)
        victim = processes[0].process
        assert victim is not None
        os.kill(victim.pid, signal.SIGKILL)  # mid-run, holding a lease it granted part of
        await victim.wait()
        survivors = urls[1:]
        await scanner.burst(survivors, 1200)
        await scanner.until_refused(survivors)
        # Exactly the cap, counting what the killed process granted before it died: its
        # ledger told a survivor how much of its lease it had used, the rest came back.
        assert scanner.answers[TARGET] == cap
    used, leased = await books(infra, code["id"])
    assert (used, leased) == (cap, 0)


@contextmanager
def frozen(postgres_data: Path) -> Iterator[None]:
    """PostgreSQL frozen: every process of the server stopped, its connections left open (a
    long pause, a saturated disk, a partition). Only the test's own server is touched."""
    postmaster = int((postgres_data / "postmaster.pid").read_text().split()[0])
    pids = [postmaster, *_children(postmaster)]
    for pid in pids:
        _signal(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            _signal(pid, signal.SIGCONT)


def _signal(pid: int, signum: int) -> None:
    """A backend may end between the listing and the signal (a connection the redirect closed):
    nothing left to stop or resume."""
    with suppress(ProcessLookupError):
        os.kill(pid, signum)


def _children(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                children.append(int(entry.name))
    return children


async def test_a_frozen_database_neither_stalls_scans_nor_passes_the_cap(
    infra: Infrastructure, api_client: Client
) -> None:
    cap = 400
    code = await capped_code(infra, api_client, cap)
    budget = {"REDIRECT_CAP_WAIT_MS": "50"}  # the default: what a frozen server may cost a scan
    async with (
        redirects(infra, 2, "leasefrozen", **budget) as processes,
        aiohttp.ClientSession() as session,
    ):
        await ready(session, processes, code["slug"])
        urls = [url_of(p, code["slug"]) for p in processes]
        scanner = Scanner(session)
        await scanner.burst(urls, 100)  # leases taken, partly spent
        granted_before = scanner.answers[TARGET]
        used, leased = await books(infra, code["id"])
        assert leased > 0 and used + leased <= cap
        loop = asyncio.get_running_loop()
        with frozen(infra.postgres.data_dir):
            started = loop.time()
            await scanner.burst(urls, 400)
            frozen_for = loop.time() - started
        granted_frozen = scanner.answers[TARGET] - granted_before
        # Served from the leases held when PostgreSQL froze ...
        assert granted_frozen > 0
        # ... and no scan waited on the frozen server: 400 scans, 64 at a time, answered in
        # far less than one database deadline (500 ms) each.
        assert frozen_for < 400 / 64 * 0.5
        # ... and once it is back, exactly the cap: none beyond it, none stranded.
        await scanner.until_refused(urls)
        assert scanner.answers[TARGET] == cap
        answered = sum(scanner.answers.values())
    assert await books(infra, code["id"]) == (cap, 0)
    scan_ids = await events_of(infra, code["id"])
    assert len(scan_ids) == len(set(scan_ids)) == answered
