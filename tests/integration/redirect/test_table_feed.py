"""The slug table from the real Kafka: a cold start replays 100k codes before it says ready,
and changes made through the API reach the redirect within a second."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from qrstack_common.events import CODES_TOPIC, CodeSnapshot
from qrstack_common.kafka import EventProducer
from qrstack_launcher.stack import Infrastructure
from qrstack_redirect.app import ROUTES, create_app
from support.accounts import new_workspace
from support.waiting import eventually

from .conftest import Client, location_of, redirect_settings

pytestmark = pytest.mark.infra

BOOTSTRAP_CODES = 100_000


async def test_a_cold_start_replays_100k_codes_before_it_is_ready(infra: Infrastructure) -> None:
    ws, now, run = uuid.uuid4(), datetime.now(UTC), uuid.uuid4().hex[:6]
    producer = EventProducer(infra.kafka_bootstrap, client_id="bootstrap-test", linger_ms=20)
    await producer.start()
    try:
        futures = []
        for n in range(BOOTSTRAP_CODES):
            code_id = uuid.uuid4()
            snapshot = CodeSnapshot(
                id=code_id,
                workspace_id=ws,
                slug=f"b{run}{n}",
                type="url",
                target_url=f"https://example.com/bootstrap/{run}/{n}",
                version=1,
                updated_at=now,
            )
            futures.append(
                await producer.send(CODES_TOPIC, str(code_id).encode(), snapshot.to_bytes())
            )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()

    app = create_app(redirect_settings(infra))
    client: Client = TestClient(TestServer(app))
    started = time.perf_counter()
    await client.start_server()
    try:
        not_yet = await client.get("/readyz")
        assert not_yet.status == 503, "ready before the replay could have finished"
        assert "replaying the code table" in (await not_yet.json())["checks"]["slug_table"]

        async def ready() -> bool:
            return (await client.get("/readyz")).status == 200

        await eventually(ready, timeout=60)
        took = time.perf_counter() - started
        table = app[ROUTES].table
        assert all(table.lookup("", f"b{run}{n}") is not None for n in range(BOOTSTRAP_CODES))
        for n in random.sample(range(BOOTSTRAP_CODES), 20):
            assert (
                await location_of(client, f"b{run}{n}")
                == f"https://example.com/bootstrap/{run}/{n}"
            )
        metrics = await (await client.get("/metrics")).text()
        assert "qr_slug_table_lag_records 0.0" in metrics
        assert "qr_slug_table_ready 1.0" in metrics
        codes = next(
            line for line in metrics.splitlines() if line.startswith("qr_slug_table_codes ")
        )
        assert float(codes.split()[1]) >= BOOTSTRAP_CODES
        per_code = table.footprint() / len(table)
        print(f"\n{len(table)} codes replayed in {took:.2f}s, {per_code:.0f} B/code")
    finally:
        await client.close()


async def test_changes_through_the_api_reach_the_redirect_within_a_second(
    infra: Infrastructure, api_client: Client, redirect: Client
) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}

    async def api(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await api_client.request(method, path, json=body, headers=auth)
        data: dict[str, Any] = await response.json() if response.status != 204 else {}
        assert response.status in (200, 201, 204), data
        return data

    async def seconds_until(slug: str, location: str | None) -> float:
        started = time.perf_counter()

        async def arrived() -> bool:
            return await location_of(redirect, slug) == location

        await eventually(arrived, timeout=5)
        return time.perf_counter() - started

    slug = f"live-{uuid.uuid4().hex[:8]}"
    code = await api(
        "POST",
        "/v1/codes",
        {
            "targetUrl": "https://example.com/v1",
            "slug": slug,
            "fallbackUrl": "https://example.com/fb",
        },
    )
    delays = [await seconds_until(slug, "https://example.com/v1")]
    await api("PATCH", f"/v1/codes/{code['id']}", {"targetUrl": "https://example.com/v2"})
    delays.append(await seconds_until(slug, "https://example.com/v2"))
    await api("PATCH", f"/v1/codes/{code['id']}", {"slug": f"{slug}-new"})
    delays.append(await seconds_until(f"{slug}-new", "https://example.com/v2"))
    assert await location_of(redirect, slug) is None  # the old slug is free again
    await api("DELETE", f"/v1/codes/{code['id']}")
    delays.append(await seconds_until(f"{slug}-new", "https://example.com/fb"))
    assert max(delays) < 1.0, delays
