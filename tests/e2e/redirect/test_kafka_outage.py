"""A Kafka outage seen from the scanner and from the analytics, across real processes: the
redirect keeps answering from memory, spools the scan events, replays them when Kafka is
back, and the analytics count every scan exactly once."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from qrstack_launcher.stack import Platform
from support.accounts import new_workspace
from support.waiting import eventually

pytestmark = pytest.mark.e2e

PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148"}


async def test_scans_during_a_kafka_outage_are_answered_and_counted_once(
    platform: Platform,
) -> None:
    ws = await new_workspace(platform.infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    target = "https://example.com/outage"
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{platform.url('api')}/v1/codes", json={"targetUrl": target}, headers=auth
        ) as response:
            assert response.status == 201, await response.text()
            code: dict[str, Any] = await response.json()
        url = code["shortUrl"]

        async def scans(count: int) -> list[str | None]:
            answers = []
            for _ in range(count):
                async with session.get(url, allow_redirects=False, headers=PHONE) as r:
                    answers.append(r.headers.get("Location"))
            return answers

        async with asyncio.timeout(15):
            while True:
                async with session.head(url, allow_redirects=False) as response:
                    if response.status == 302:
                        break
                await asyncio.sleep(0.05)

        assert await scans(20) == [target] * 20
        kafka = platform.infra.kafka
        assert kafka is not None
        await kafka.stop()
        try:
            assert await scans(30) == [target] * 30  # from memory, events to the spool
            async with session.get(f"{platform.url('redirect')}/readyz") as ready:
                assert ready.status == 200  # a table that caught up stays ready
        finally:
            await kafka.start()
        assert await scans(10) == [target] * 10

        analytics = f"{platform.url('api')}/v1/codes/{code['id']}/analytics"

        async def counted() -> int:
            async with session.get(analytics, headers=auth) as response:
                body: dict[str, Any] = await response.json()
                return (
                    int(body.get("totals", {}).get("scans") or 0) if response.status == 200 else -1
                )

        async def all_counted() -> bool:
            return await counted() >= 60

        await eventually(all_counted, timeout=120)
        await asyncio.sleep(3)  # anything sent twice would have arrived by now
        assert await counted() == 60
