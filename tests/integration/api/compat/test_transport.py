"""TrakQR's and Trackier's HTTP behaviours on every API surface (/v1, RecodeQR, U2QR): 301 from
plain HTTP to HTTPS (X-Forwarded-Proto believed from trusted proxies only), 405 with `Allow`
for other verbs, JSON-only bodies (415), ISO 8601 dates, and their authentication styles."""

from __future__ import annotations

import base64
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from integration.api.compat.compat_client import Client, NewWorkspace

from qrstack_api.accounts.bootstrap import bootstrap_workspace
from qrstack_api.app import create_app
from qrstack_launcher.stack import Infrastructure
from support.api import api_settings

pytestmark = pytest.mark.infra

SURFACES = ("/v1/codes", "/api/qr-codes", "/api/v1/qrcodes", "/api/generate")


@pytest.fixture(scope="module")
async def https_api(infra: Infrastructure) -> AsyncIterator[Client]:
    """An API that forces HTTPS and trusts the proxy at 127.0.0.1 only."""
    settings = api_settings(infra, force_https=True, trusted_proxies=["127.0.0.1/32"])
    client: Client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture(scope="module")
async def limited_api(infra: Infrastructure) -> AsyncIterator[Client]:
    """An API with tiny quotas, counted in its own memory (not shared with other tests)."""
    generation = {"name": "generation", "prefixes": ["/api/generate"], "authenticated": 3,
                  "anonymous": 2}  # fmt: skip
    settings = api_settings(
        infra, rate_limit_store="memory", rate_limit_authenticated=2,
        rate_limit_routes=[generation],
    )  # fmt: skip
    client: Client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    yield client
    await client.close()


async def test_rate_limits_answer_429_in_each_surface_s_shape(
    limited_api: Client, new_workspace: NewWorkspace
) -> None:
    ws = await new_workspace()
    for _ in range(2):
        assert (await limited_api.get("/api/generate?data=x&format=svg")).status != 429
    refused = await limited_api.get("/api/generate?data=x&format=svg")
    assert refused.status == 429
    assert set(await refused.json()) == {"error", "message"}
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["X-RateLimit-Limit"] == "2"
    u2qr = {"X-API-Key": ws.key}
    for _ in range(2):
        assert (await limited_api.get("/api/v1/qrcodes", headers=u2qr)).status == 200
    refused = await limited_api.get("/api/v1/qrcodes", headers=u2qr)
    assert refused.status == 429
    assert list(await refused.json()) == ["error"]
    assert refused.headers["X-RateLimit-Remaining"] == "0"


async def test_plain_http_is_redirected_to_https_on_every_surface(https_api: Client) -> None:
    for path in (*SURFACES, "/v1/codes?limit=5"):
        response = await https_api.get(path, allow_redirects=False)
        assert response.status == 301, path
        host = f"{https_api.host}:{https_api.port}"
        assert response.headers["Location"] == f"https://{host}{path}"
    posted = await https_api.post("/api/qr-codes", json={}, allow_redirects=False)
    assert posted.status == 301
    health = await https_api.get("/healthz")  # probes inside the cluster speak plain HTTP
    assert health.status == 200


async def test_forwarded_proto_is_believed_from_a_trusted_proxy_only(https_api: Client) -> None:
    behind_tls = await https_api.get("/api/v1/qrcodes", headers={"X-Forwarded-Proto": "https"})
    assert behind_tls.status == 401  # past the redirect: asked for a key
    spoofed_then_proxied = await https_api.get(
        "/api/v1/qrcodes", headers={"X-Forwarded-Proto": "https, http"}, allow_redirects=False
    )
    assert spoofed_then_proxied.status == 301  # the trusted proxy's own word is the last one
    # Another address than the trusted proxy's: the header is ignored.
    connector = aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))
    async with aiohttp.ClientSession(connector=connector) as untrusted:
        url = str(https_api.make_url("/api/v1/qrcodes"))
        async with untrusted.get(
            url, headers={"X-Forwarded-Proto": "https"}, allow_redirects=False
        ) as response:
            assert response.status == 301


async def test_other_verbs_are_405_with_allow_on_every_surface(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    expected = {
        "/v1/codes": "GET, HEAD, POST",
        "/api/qr-codes": "GET, HEAD, POST",
        "/api/v1/qrcodes": "GET, HEAD, POST",
        "/api/generate": "GET, HEAD, POST",
    }
    for path, allow in expected.items():
        answer = await ws.recodeqr("DELETE", path)
        assert (answer.status, answer.response.headers["Allow"]) == (405, allow), path
        message = f"DELETE is not allowed here; use {allow}."
        shape = {"error": message} if path == "/api/v1/qrcodes" else {
            "error": "method_not_allowed", ("detail" if path == "/v1/codes" else "message"): message
        }  # fmt: skip
        assert answer.body == shape


async def test_bodies_must_be_json_on_every_surface(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    for path in SURFACES:
        answer = await ws.api.post(
            path,
            data=b"<code/>",
            headers={"Authorization": f"Bearer {ws.key}", "Content-Type": "application/xml"},
        )
        assert answer.status == 415, path


def _aware_utc(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    assert moment.utcoffset() is not None and moment.utcoffset() == UTC.utcoffset(moment)
    return moment


async def test_dates_are_iso_8601_in_utc_on_every_surface(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    window = {"not_before": "2026-05-01T09:30:00-05:00", "not_after": "2026-06-01T00:00:00Z"}
    recodeqr = await ws.recodeqr_code(**window)
    assert _aware_utc(recodeqr["not_before"]) == datetime(2026, 5, 1, 14, 30, tzinfo=UTC)
    assert recodeqr["not_before"] == "2026-05-01T14:30:00Z"
    u2qr: dict[str, Any] = (await ws.u2qr("GET", "/api/v1/qrcodes")).body[0]
    v1: dict[str, Any] = (await ws.v1("GET", f"/v1/codes/{u2qr['id']}")).body
    assert _aware_utc(u2qr["createdAt"]).replace(microsecond=0) == _aware_utc(
        v1["createdAt"]
    ).replace(microsecond=0)
    for value in (u2qr["updatedAt"], v1["updatedAt"], v1["activeFrom"], v1["expiresAt"]):
        _aware_utc(value)


async def test_trakqr_and_trackier_authentication_styles(
    new_workspace: NewWorkspace, infra: Infrastructure
) -> None:
    ws = await new_workspace()
    by_query = await ws.api.get(f"/api/v1/qrcodes?apiKey={ws.key}")  # Trackier
    assert by_query.status == 200
    by_header = await ws.api.get("/api/qr-codes", headers={"X-Api-Key": ws.key})
    assert by_header.status == 200
    password = secrets.token_urlsafe(12)
    conn = await asyncpg.connect(infra.database_url)
    try:
        user = await bootstrap_workspace(
            conn, email=f"trak-{secrets.token_hex(4)}@example.com", password=password,
            workspace_name="TrakQR", plan="business", test=True, key_name="k",
        )  # fmt: skip
    finally:
        await conn.close()
    basic = base64.b64encode(f"{user.email}:{password}".encode()).decode()
    # TrakQR: Basic once, then the sessionid cookie alone.
    signed_in = await ws.api.get("/api/v1/qrcodes", headers={"Authorization": f"Basic {basic}"})
    assert signed_in.status == 200, await signed_in.text()
    session = signed_in.cookies["sessionid"].value
    ws.api.session.cookie_jar.clear()
    by_cookie = await ws.api.get("/api/qr-codes", cookies={"sessionid": session})
    assert by_cookie.status == 200
    ws.api.session.cookie_jar.clear()
