"""One scan through every service, across real processes: create a code through the API, scan
it at the redirect service, see it in the analytics, and read its image back with zxing-cpp."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import aiohttp
import pytest
import zxingcpp
from PIL import Image

from qrstack_launcher.stack import Platform
from support.accounts import new_workspace

pytestmark = pytest.mark.e2e


async def wait_for_redirect(session: aiohttp.ClientSession, url: str, timeout: float = 10) -> str:
    """HEAD the short URL (never counted as a scan) until the redirect service knows it."""
    async with asyncio.timeout(timeout):
        while True:
            async with session.head(url, allow_redirects=False) as response:
                if response.status == 302:
                    return response.headers["Location"]
            await asyncio.sleep(0.05)


async def test_create_scan_analytics_image(platform: Platform) -> None:
    ws = await new_workspace(platform.infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    api = platform.url("api")
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{api}/v1/codes", json={"targetUrl": "https://example.com/hello"}, headers=auth
        ) as response:
            assert response.status == 201, await response.text()
            code: dict[str, Any] = await response.json()
        short_url = code["shortUrl"]
        assert short_url.startswith(platform.url("redirect"))

        assert await wait_for_redirect(session, short_url) == "https://example.com/hello"
        async with session.get(
            short_url, allow_redirects=False, headers={"User-Agent": "Mozilla/5.0 (iPhone)"}
        ) as scan:
            assert scan.status == 302
            assert scan.headers["Location"] == "https://example.com/hello"
            assert scan.headers["Cache-Control"] == "private, no-store"

        analytics: dict[str, Any] = {}
        async with asyncio.timeout(30):
            while analytics.get("totals", {}).get("scans") != 1:
                async with session.get(
                    f"{api}/v1/codes/{code['id']}/analytics", headers=auth
                ) as response:
                    assert response.status == 200, await response.text()
                    analytics = await response.json()
                await asyncio.sleep(0.2)
        assert analytics["totals"]["scans"] == 1

        async with session.get(f"{api}/v1/codes/{code['id']}.png", headers=auth) as response:
            assert response.status == 200, await response.text()
            assert response.content_type == "image/png"
            png = await response.read()
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded.text == short_url


async def test_redirect_rebuilds_the_same_table_after_a_restart(platform: Platform) -> None:
    ws = await new_workspace(platform.infra.database_url)
    auth = {"X-API-Key": ws.api_key}
    targets: dict[str, str] = {}
    async with aiohttp.ClientSession() as session:
        for n in range(5):
            async with session.post(
                f"{platform.url('api')}/v1/codes",
                json={"targetUrl": f"https://example.com/restart/{n}"},
                headers=auth,
            ) as response:
                code = await response.json()
            targets[code["shortUrl"]] = code["targetUrl"]
        for url, target in targets.items():
            assert await wait_for_redirect(session, url) == target

        await platform.stop_service("redirect")
        await platform.start_service("redirect")  # returns once /readyz says caught up

        for url, target in targets.items():
            async with session.head(url, allow_redirects=False) as response:
                assert response.status == 302
                assert response.headers["Location"] == target
