"""REDIRECT_WORKERS=2: two worker processes answer on one port, and SIGTERM drains both (their
scan events all produced) before the supervisor exits."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from qrstack_common.events import SCANS_TOPIC_V2
from qrstack_launcher.ports import free_port
from qrstack_launcher.processes import ManagedProcess, wait_until
from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace
from support.ids import kafka_key

from .conftest import Client, read_topic
from .test_scan_caps import PERSON, _answers, _environment

pytestmark = pytest.mark.infra


def children_of(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def running(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


async def test_two_workers_share_one_port_and_drain_on_sigterm(
    infra: Infrastructure, api_client: Client
) -> None:
    ws = await new_workspace(infra.database_url)
    response = await api_client.post(
        "/v1/codes",
        json={"targetUrl": "https://example.com/workers"},
        headers={"Authorization": f"Bearer {ws.api_key}"},
    )
    code = await response.json()
    port = free_port()
    supervisor = ManagedProcess(
        "redirect-workers",
        [sys.executable, "-m", "qrstack_redirect"],
        log_path=infra.root / "logs" / "redirect-workers.log",
        env={
            **_environment(infra),
            "REDIRECT_PORT": str(port),
            "REDIRECT_WORKERS": "2",
            "SCAN_SPOOL_DIR": str(infra.root / "workers-spool"),
            "REDIRECT_LEASE_DIR": str(infra.root / "workers-leases"),
        },
    )
    await supervisor.start()
    assert supervisor.process is not None
    url = f"http://127.0.0.1:{port}/{code['slug']}"
    try:
        async with aiohttp.ClientSession() as session:
            await wait_until(_answers(session, url), what="workers", timeout=90, owner=supervisor)
            workers = children_of(supervisor.process.pid)
            assert len(workers) == 2
            answered = 0
            for _ in range(60):  # new connections each: the kernel spreads them over both
                async with (
                    aiohttp.ClientSession() as fresh,
                    fresh.get(url, allow_redirects=False, headers=PERSON) as r,
                ):
                    assert r.headers["Location"] == "https://example.com/workers"
                    answered += 1
        supervisor.process.send_signal(signal.SIGTERM)
        assert await supervisor.process.wait() == 0
        assert not any(running(pid) for pid in workers)
    finally:
        await supervisor.stop()
    # Drained: every scan's event was produced before the workers exited.
    records = await read_topic(
        infra.kafka_bootstrap, SCANS_TOPIC_V2, lambda r: r.key == kafka_key(code["id"])
    )
    assert len(records) == answered
