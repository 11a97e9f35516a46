"""Live scans over Server-Sent Events from the API: a scan answered by the redirect service
reaches an open stream within a second, a reconnect with Last-Event-ID resumes without gaps,
other workspaces' scans never show, and a key holds a bounded number of streams."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientResponse

from qrstack_launcher.stack import Infrastructure
from support.scan_events import publish_scans, scan, scan_of

pytestmark = pytest.mark.infra


class Stream:
    def __init__(self, response: ClientResponse) -> None:
        self.response = response

    async def next_event(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next `scan` event as {"id", "data"} (comments skipped)."""
        event: dict[str, Any] = {}
        async with asyncio.timeout(timeout):
            while True:
                line = (await self.response.content.readline()).decode().rstrip("\n")
                if line.startswith("id: "):
                    event["id"] = line[4:]
                elif line.startswith("data: "):
                    event["data"] = json.loads(line[6:])
                elif line == "" and "data" in event:
                    return event


async def open_stream(ws: Any, path: str, last_id: str | None = None) -> Stream:
    headers = {"Authorization": f"Bearer {ws.key}"}
    if last_id:
        headers["Last-Event-ID"] = last_id
    response = await ws.api.get(path, headers=headers)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"].startswith("text/event-stream")
    return Stream(response)


@pytest.fixture
async def closing() -> AsyncIterator[list[Stream]]:
    streams: list[Stream] = []
    yield streams
    for stream in streams:
        stream.response.close()


async def test_a_scan_reaches_the_stream_within_a_second(new_workspace, redirect, closing):
    ws = await new_workspace()
    slug = f"live-{uuid.uuid4().hex[:8]}"
    code = await ws.code(slug=slug)
    other = await new_workspace()
    other_slug = f"live-{uuid.uuid4().hex[:8]}"
    await other.code(slug=other_slug)
    stream = await open_stream(ws, f"/v1/codes/{code['id']}/scans/stream")
    closing.append(stream)
    workspace_stream = await open_stream(ws, "/v1/scans/stream")
    closing.append(workspace_stream)

    await scan(redirect, other_slug)  # another workspace's scan: never shown
    answered = time.monotonic()
    assert await scan(redirect, slug) == 302
    event = await stream.next_event()
    latency = time.monotonic() - answered
    assert latency < 1.0, latency
    assert event["data"]["codeId"] == code["id"] and event["data"]["os"] == "iOS"
    assert set(event["data"]) >= {
        "scanId",
        "scannedAt",
        "outcome",
        "country",
        "device",
        "referer",
        "slug",
    }
    assert (await workspace_stream.next_event())["data"]["codeId"] == code["id"]


async def test_last_event_id_resumes_without_gaps(infra: Infrastructure, new_workspace, closing):
    ws = await new_workspace()
    code = await ws.code()
    path = f"/v1/codes/{code['id']}/scans/stream"
    stream = await open_stream(ws, path)
    scans = [scan_of(code) for _ in range(10)]
    await publish_scans(infra.kafka_bootstrap, scans[:3])
    seen = [await stream.next_event() for _ in range(3)]
    stream.response.close()

    await publish_scans(infra.kafka_bootstrap, scans[3:6])  # while disconnected
    resumed = await open_stream(ws, path, last_id=seen[-1]["id"])
    closing.append(resumed)
    await publish_scans(infra.kafka_bootstrap, scans[6:], v2=True)
    rest = [await resumed.next_event() for _ in range(7)]
    got = [e["data"]["scanId"] for e in seen + rest]
    assert got == [str(s.scan_id) for s in scans]  # in order, none missing, none twice


async def test_streams_per_key_are_limited(new_workspace, closing):
    ws = await new_workspace()
    for _ in range(5):
        closing.append(await open_stream(ws, "/v1/scans/stream"))
    status, body = await ws.call("GET", "/v1/scans/stream")
    assert status == 429, body
    closing.pop().response.close()
    await asyncio.sleep(0.3)  # the server notices the closed stream
    closing.append(await open_stream(ws, "/v1/scans/stream"))


async def test_bad_resume_id_and_foreign_code(new_workspace):
    ws = await new_workspace()
    other = await new_workspace()
    code = await other.code()
    status, _ = await ws.call("GET", f"/v1/codes/{code['id']}/scans/stream")
    assert status == 404
    response = await ws.api.get(
        "/v1/scans/stream",
        headers={"Authorization": f"Bearer {ws.key}", "Last-Event-ID": "nonsense"},
    )
    assert response.status == 400
    assert (await response.json())["issues"][0]["path"] == ["Last-Event-ID"]


async def test_idle_streams_get_heartbeats(infra: Infrastructure, new_workspace, db):
    from aiohttp.test_utils import TestClient, TestServer

    from qrstack_api.app import create_app
    from support.api import api_settings

    settings = api_settings(infra, scan_stream_heartbeat_s=0.2)
    client: TestClient = TestClient(TestServer(create_app(settings)))  # type: ignore[type-arg]
    await client.start_server()
    try:
        ws = await new_workspace()
        response = await client.get(
            "/v1/scans/stream", headers={"Authorization": f"Bearer {ws.key}"}
        )
        assert response.status == 200
        lines: list[bytes] = []
        async with asyncio.timeout(5):
            while lines.count(b": heartbeat\n") < 2:
                lines.append(await response.content.readline())
        response.close()
    finally:
        await client.close()
