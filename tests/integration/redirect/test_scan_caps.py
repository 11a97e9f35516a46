"""Scan caps on the real PostgreSQL: exact under concurrent load from two redirect processes,
untouched by bots and HEAD, closed when the counter cannot be reached."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import asyncpg
import pytest

from qrstack_launcher.ports import free_port
from qrstack_launcher.processes import ManagedProcess, wait_until
from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace
from support.ids import uuid_of
from support.waiting import eventually

from .conftest import Client, held, location_of, start_redirect

pytestmark = pytest.mark.infra

PERSON = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148"}
BOT = {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}
TARGET, FALLBACK = "https://example.com/prize", "https://example.com/sold-out"


async def capped_code(infra: Infrastructure, api_client: Client, cap: int) -> dict[str, Any]:
    ws = await new_workspace(infra.database_url)
    response = await api_client.post(
        "/v1/codes",
        json={"targetUrl": TARGET, "fallbackUrl": FALLBACK, "maxScans": cap},
        headers={"Authorization": f"Bearer {ws.api_key}"},
    )
    code: dict[str, Any] = await response.json()
    assert response.status == 201, code
    return code


async def used(infra: Infrastructure, code_id: str) -> int | None:
    conn = await asyncpg.connect(infra.database_url)
    try:
        value: int | None = await conn.fetchval(
            "SELECT used FROM scan_caps WHERE code_id = $1", uuid_of(code_id)
        )
        return value
    finally:
        await conn.close()


async def test_bots_and_head_never_take_from_the_cap(
    infra: Infrastructure, api_client: Client, redirect: Client
) -> None:
    code = await capped_code(infra, api_client, cap=3)
    await eventually(lambda: _held(redirect, code["slug"]))
    path = f"/{code['slug']}"
    for _ in range(4):
        assert await location_of(redirect, code["slug"], **PERSON) == TARGET  # HEAD
        bot = await redirect.get(path, allow_redirects=False, headers=BOT)
        assert bot.headers["Location"] == TARGET
    assert await used(infra, code["id"]) is None
    people = [
        (await redirect.get(path, allow_redirects=False, headers=PERSON)).headers["Location"]
        for _ in range(5)
    ]
    assert people == [TARGET] * 3 + [FALLBACK] * 2
    assert await used(infra, code["id"]) == 3
    bot = await redirect.get(path, allow_redirects=False, headers=BOT)
    assert bot.headers["Location"] == FALLBACK  # the replica knows the cap is used up


async def test_an_unreachable_counter_closes_capped_codes_only(
    infra: Infrastructure, api_client: Client
) -> None:
    closed_port = free_port()
    client = await start_redirect(
        infra, database_url=f"postgresql://postgres@127.0.0.1:{closed_port}/none", db_retry_ms=0
    )
    try:
        capped = await capped_code(infra, api_client, cap=100)
        ws = await new_workspace(infra.database_url)
        response = await api_client.post(
            "/v1/codes",
            json={"targetUrl": "https://example.com/free"},
            headers={"Authorization": f"Bearer {ws.api_key}"},
        )
        free = await response.json()
        await eventually(lambda: _held(client, capped["slug"], free["slug"]))
        refused = await client.get(f"/{capped['slug']}", allow_redirects=False, headers=PERSON)
        assert refused.headers["Location"] == FALLBACK
        served = await client.get(f"/{free['slug']}", allow_redirects=False, headers=PERSON)
        assert served.headers["Location"] == "https://example.com/free"
        metrics = await (await client.get("/metrics")).text()
        assert 'qr_scan_cap_checks_total{verdict="unavailable"} 1.0' in metrics
    finally:
        await client.close()


async def test_the_cap_is_exact_under_load_from_two_processes(
    infra: Infrastructure, api_client: Client
) -> None:
    cap, scans = 60, 240
    ports = [free_port(), free_port()]
    processes = [
        ManagedProcess(
            f"redirect-{n}",
            [sys.executable, "-m", "qrstack_redirect"],
            log_path=infra.root / "logs" / f"cap-redirect-{n}.log",
            env={
                **_environment(infra),
                "REDIRECT_PORT": str(port),
                "SCAN_SPOOL_DIR": str(infra.root / f"cap-spool-{n}"),
            },
        )
        for n, port in enumerate(ports)
    ]
    try:
        await asyncio.gather(*(p.start() for p in processes))
        code = await capped_code(infra, api_client, cap)
        urls = [f"http://127.0.0.1:{port}/{code['slug']}" for port in ports]
        async with aiohttp.ClientSession() as session:
            for process, url in zip(processes, urls, strict=True):
                await wait_until(
                    _answers(session, url), what=process.name, timeout=60, owner=process
                )
            gate = asyncio.Semaphore(64)

            async def scan(url: str) -> str:
                async with gate, session.get(url, allow_redirects=False, headers=PERSON) as r:
                    return r.headers["Location"]

            answers = await asyncio.gather(*(scan(urls[n % 2]) for n in range(scans)))
        assert Counter(answers) == {TARGET: cap, FALLBACK: scans - cap}
        assert await used(infra, code["id"]) == cap
    finally:
        await asyncio.gather(*(p.stop() for p in processes))


def _environment(infra: Infrastructure) -> dict[str, str]:
    return {
        **os.environ,
        **infra.env(),
        "VISITOR_HASH_SALT": "cap-test",
        "REDIRECT_CAP_WAIT_MS": "2000",  # a shared test machine can be slow; see conftest
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def _answers(session: aiohttp.ClientSession, url: str) -> Callable[[], Awaitable[bool]]:
    """A probe: the process is up and its table holds the code (HEAD: never a counted scan)."""

    async def probe() -> bool:
        async with session.head(url, allow_redirects=False) as response:
            return response.status == 302

    return probe


async def _held(client: Client, *slugs: str) -> bool:
    return all(held(client, slug) for slug in slugs)


async def _slow_to_connect(database_url: str, delay_s: float) -> tuple[asyncio.Server, str]:
    """A TCP relay to the database that takes `delay_s` to accept each connection (a slow
    network or a busy server), then passes bytes both ways unchanged; its URL."""
    target = urlsplit(database_url)

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(delay_s)
        up_reader, up_writer = await asyncio.open_connection(target.hostname, target.port)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = await asyncio.start_server(relay, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    user = target.netloc.rpartition("@")[0]
    netloc = f"{user}@127.0.0.1:{port}" if user else f"127.0.0.1:{port}"
    return server, target._replace(netloc=netloc).geturl()


async def test_the_first_capped_scan_does_not_wait_for_a_connection(
    infra: Infrastructure, api_client: Client
) -> None:
    """Connections are opened at start and kept: the first scan of a capped code, long after
    the start, is granted within the 50 ms a scan may wait although connecting takes 300 ms
    (before, it connected then and was refused with the code's fallback). The calls' own
    deadline is generous here: the slow part under test is connecting, not the machine."""
    server, url = await _slow_to_connect(infra.database_url, 0.3)
    redirect = await start_redirect(infra, database_url=url, cap_wait_ms=50, db_timeout_ms=5000)
    try:
        code = await capped_code(infra, api_client, cap=5)
        await eventually(lambda: _held(redirect, code["slug"]))
        await asyncio.sleep(2.0)  # a while after the start: the warm connection is open
        first = await redirect.get(f"/{code['slug']}", allow_redirects=False, headers=PERSON)
        assert first.headers["Location"] == TARGET
    finally:
        await redirect.close()
        server.close()
