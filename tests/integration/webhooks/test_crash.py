"""A worker process killed with kill -9 while it delivers (requests in flight, Kafka records
read but not committed) loses no event: after a restart every event arrives at least once,
and duplicates carry the same webhook-id.

The process has a consumer group of its own, started at the end of every event topic: the
killed member then holds up no other test's group (it stays a member until its session
times out), and the restarted one reads only this test's records."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from qrstack_launcher.ports import free_port
from qrstack_launcher.stack import Infrastructure
from support.scan_events import publish_scans, scan_of
from support.waiting import eventually

from .conftest import NewWorkspace, Receiver, skip_history

pytestmark = pytest.mark.infra


class WorkerProcess:
    def __init__(self, infra: Infrastructure, group: str) -> None:
        self.port = free_port()
        self.log = Path(infra.root) / "logs" / f"{group}.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": infra.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
            "KAFKA_TOPIC_PARTITIONS": str(infra.partitions),
            "WEBHOOKS_PORT": str(self.port),
            "WEBHOOK_ALLOW_LOCAL_URLS": "true",
            "WEBHOOK_RETRY_SCHEDULE": "0.2,0.2,0.2,0.2,0.2",
            "WEBHOOK_TIMEOUT": "2",
            "WEBHOOK_CONSUMER_GROUP": group,
            "LOG_FORMAT": "text",
        }
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "qrstack_webhooks",
                env=self.env,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )

        async def ready() -> bool:
            try:
                async with (
                    aiohttp.ClientSession() as session,
                    session.get(f"http://127.0.0.1:{self.port}/readyz") as response,
                ):
                    return response.status == 200
            except aiohttp.ClientError:
                return False

        await eventually(ready, timeout=60)

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


@pytest.fixture
async def worker_process(infra: Infrastructure) -> AsyncIterator[WorkerProcess]:
    group = f"webhook-crash-{uuid.uuid4().hex[:8]}"
    await skip_history(infra, group)
    process = WorkerProcess(infra, group)
    yield process
    await process.stop()


async def test_kill_9_mid_batch_loses_nothing(
    infra: Infrastructure,
    new_workspace: NewWorkspace,
    receiver: Receiver,
    worker_process: WorkerProcess,
) -> None:
    async def steady(request: web.Request, count: int) -> web.Response:
        await asyncio.sleep(0.2)  # four in flight at a time: the kill lands mid-delivery
        return web.Response()

    receiver.on("crash", steady)
    ws = await new_workspace()
    code = await ws.code()
    await ws.webhook(receiver.url("crash"), ["scan.created"])
    first = [scan_of(code) for _ in range(80)]
    second = [scan_of(code) for _ in range(80)]

    await worker_process.start()
    await publish_scans(infra.kafka_bootstrap, first)
    await receiver.wait_for("crash", 12, timeout=60)
    await worker_process.kill()
    killed_at = len(receiver.at("crash"))
    await publish_scans(infra.kafka_bootstrap, second, v2=True)  # read by nobody yet
    assert killed_at < len(first)

    await worker_process.start()
    expected = {str(s.scan_id) for s in first + second}

    async def all_arrived() -> bool:
        return {r.headers["webhook-id"] for r in receiver.at("crash")} >= expected

    await eventually(all_arrived, timeout=90)
    got = receiver.at("crash")
    ids = [r.headers["webhook-id"] for r in got]
    assert set(ids) == expected
    for request in got:  # a duplicate is the same event: same id, same body
        assert request.json()["id"] == request.headers["webhook-id"]
