"""The compatibility surfaces across real processes: a code made through RecodeQR is scanned at
the redirect service, and the scan is counted in U2QR's `_count.scans`, /v1's `totalScans` and
RecodeQR's `total_scans`; switching it off (RecodeQR `enabled`) and U2QR's time-based access
take effect at the redirect."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from qrstack_launcher.stack import Platform
from support.accounts import new_workspace

pytestmark = pytest.mark.e2e

PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}


async def head_status(
    session: aiohttp.ClientSession, url: str, status: int, timeout: float = 10
) -> None:
    """HEAD (never counted as a scan) until the redirect service answers `status`."""
    async with asyncio.timeout(timeout):
        while True:
            async with session.head(url, allow_redirects=False) as response:
                if response.status == status:
                    return
            await asyncio.sleep(0.05)


async def test_a_recodeqr_code_scanned_and_counted_on_every_surface(platform: Platform) -> None:
    ws = await new_workspace(platform.infra.database_url)
    api = platform.url("api")
    recodeqr = {"Authorization": f"Bearer {ws.api_key}"}
    u2qr = {"X-API-Key": ws.api_key}
    async with aiohttp.ClientSession() as session:

        async def call(method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
            async with session.request(method, f"{api}{path}", headers=headers, **kw) as answer:
                assert answer.status < 300, await answer.text()
                return await answer.json() if answer.status != 204 else None

        code = await call("POST", "/api/qr-codes", recodeqr, json={
            "name": "Shop window", "destination": "link",
            "data": {"url": "https://example.com/compat"},
        })  # fmt: skip
        short_code = (await call("GET", f"/api/v1/qrcodes/{code['code_id']}", u2qr))["shortCode"]
        short_url = f"{platform.url('redirect')}/{short_code}"
        await head_status(session, short_url, 302)
        async with session.get(short_url, allow_redirects=False, headers=PHONE) as scan:
            assert (scan.status, scan.headers["Location"]) == (302, "https://example.com/compat")

        listed: list[dict[str, Any]] = []
        async with asyncio.timeout(30):
            while not listed or listed[0]["_count"]["scans"] != 1:
                listed = await call("GET", "/api/v1/qrcodes", u2qr)
                await asyncio.sleep(0.2)
        v1 = await call("GET", f"/v1/codes/{listed[0]['id']}", recodeqr)
        assert v1["totalScans"] == 1
        assert (await call("GET", f"/api/qr-codes/{code['code_id']}", recodeqr))["total_scans"] == 1

        await call("PATCH", f"/api/qr-codes/{code['code_id']}", recodeqr, json={"enabled": False})
        await head_status(session, short_url, 404)  # suspended: the fallback, else not found
        await call("PUT", f"/api/v1/qrcodes/{short_code}", u2qr, json={"isActive": True})
        await head_status(session, short_url, 302)

        ended = await call("POST", "/api/v1/qrcodes", u2qr, json={
            "name": "Last season", "type": "WEBSITE", "data": {"url": "https://example.com/old"},
            "endDate": "2020-01-01T00:00:00Z",
        })  # fmt: skip
        await head_status(session, f"{platform.url('redirect')}/{ended['shortCode']}", 410)
