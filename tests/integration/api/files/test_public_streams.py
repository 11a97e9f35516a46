"""The public streams serve a file only while its code's page shows it, revalidate with ETags,
and allow each address a few requests per hour."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from integration.api.files.conftest import Client, Workspace
from unit.api.files.samples import image_bytes, pdf_bytes

from qrstack_api.app import create_app
from qrstack_api.ratelimit.settings import FILES
from qrstack_launcher.stack import Infrastructure
from support.api import api_settings
from support.ids import uuid_of

pytestmark = pytest.mark.infra


async def _pdf_code(ws: Workspace) -> str:
    code = await ws.code("pdf")
    status, _ = await ws.upload(code["id"], "pdf", pdf_bytes(), "application/pdf")
    assert status == 200
    return str(code["id"])


async def test_a_stream_is_404_unless_the_page_shows_the_file(
    ws: Workspace, api: Client, db: asyncpg.Pool
) -> None:
    async def status_of(path: str) -> int:
        return (await api.get(path)).status

    missing = await status_of(f"/v1/files/pdf/{uuid.uuid4()}")
    url_code = await ws.code("url")
    empty = await ws.code("pdf")
    carousel = await ws.code("image-carousel")
    await ws.upload(carousel["id"], "image", image_bytes("PNG"), "image/png")
    assert [
        missing,
        await status_of(f"/v1/files/pdf/{url_code['id']}"),
        await status_of(f"/v1/files/pdf/{empty['id']}"),
        await status_of(f"/v1/files/pdf/{carousel['id']}"),  # not that type
        await status_of(f"/v1/files/image/{carousel['id']}/1"),  # out of range
        await status_of(f"/v1/files/image/{carousel['id']}/0"),
        await status_of("/v1/files/pdf/not-a-code"),
    ] == [404, 404, 404, 404, 404, 200, 404]

    suspended = await _pdf_code(ws)
    await ws.ok("PATCH", f"/v1/codes/{suspended}", json={"status": "suspended"})
    deleted = await _pdf_code(ws)
    await ws.ok("DELETE", f"/v1/codes/{deleted}", status=204)
    expired = await _pdf_code(ws)
    await db.execute(
        "UPDATE codes SET expires_at = $2 WHERE id = $1",
        uuid_of(expired),
        datetime.now(UTC) - timedelta(minutes=1),
    )
    for code_id in (suspended, deleted, expired):
        response = await api.get(f"/v1/files/pdf/{code_id}")
        assert response.status == 404 and (await response.json())["error"] == "not_found"


async def test_an_etag_revalidates_to_304(ws: Workspace, api: Client) -> None:
    code = await ws.code("image-carousel")
    _, body = await ws.upload(code["id"], "image", image_bytes("WEBP"), "image/webp")
    path = f"/v1/files/image/{code['id']}/0"
    first = await api.get(path)
    etag = first.headers["ETag"]
    assert etag == f'"{body["files"][0]["sha256"]}"'
    assert first.headers["Cache-Control"] == "public, max-age=3600"
    assert first.headers["Content-Security-Policy"] == "default-src 'none'"
    assert first.headers["Content-Type"] == "image/webp"
    again = await api.get(path, headers={"If-None-Match": etag})
    assert again.status == 304 and await again.read() == b"" and again.headers["ETag"] == etag
    stale = await api.get(path, headers={"If-None-Match": '"0000"'})
    assert stale.status == 200
    head = await api.head(path)
    assert head.status == 200 and head.headers["Content-Length"] == str(body["files"][0]["size"])


async def _clear_of_the_window_edge(margin_s: float = 90.0) -> None:
    """The files quota counts in clock-hour windows: a test run in the last seconds of an hour
    would see its count reset mid-test (and a Retry-After of seconds). Start in the next hour."""
    left = 3600 - time.time() % 3600
    if left < margin_s:
        await asyncio.sleep(left + 1)


async def test_an_address_gets_its_quota_of_stream_requests_then_429(
    infra: Infrastructure, ws: Workspace
) -> None:
    code_id = await _pdf_code(ws)
    await _clear_of_the_window_edge()
    tiny = FILES.model_copy(update={"name": "files-tiny", "anonymous": 3, "authenticated": 3})
    app = create_app(
        api_settings(infra, rate_limit_routes=(tiny,), status_sample_interval_s=3600.0)
    )
    async with TestClient(TestServer(app)) as client:
        statuses = [(await client.get(f"/v1/files/pdf/{code_id}")).status for _ in range(3)]
        assert statuses == [200, 200, 200]
        refused = await client.get(f"/v1/files/pdf/{code_id}")
        assert refused.status == 429 and (await refused.json())["error"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) > 60  # the window is an hour
        assert refused.headers["X-RateLimit-Limit"] == "3"
        # Credentials change nothing: the streams count per address.
        keyed = await client.get(f"/v1/files/pdf/{code_id}", headers=ws.headers())
        assert keyed.status == 429
        # Other routes keep their own quota.
        assert (await client.get(f"/v1/codes/{code_id}", headers=ws.headers())).status == 200
