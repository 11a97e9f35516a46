"""The API application in-process on the real PostgreSQL and Kafka, and workspaces with API keys
made directly in the database (no user, no password hashing: fast).

The analytics service's workspace endpoint is answered by `AnalyticsStandIn`, a small HTTP
server speaking its contract (`GET /internal/v1/workspaces/{id}/analytics` → `totals.scans`):
the billing page's scan counts are tested against it, and against a workspace it refuses.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from qrstack_api.accounts.secrets import api_key_hash, new_api_key
from qrstack_api.app import create_app
from qrstack_launcher.stack import Infrastructure
from support.api import api_settings
from support.conformance import conforming
from support.dns import Zone

Client = TestClient[Any, Any]

WEBHOOK_SECRET = "whsec_organise_tests"
SAMPLE_INTERVAL_S = 3600.0  # the app's own sampler (if any) stays out of the status tests' way


@dataclass
class AnalyticsStandIn:
    """Answers workspace analytics with the scans set in `scans` (range=all) and `month` (an
    explicit start/end/tz window, recorded in `month_windows`); 503 for other workspaces."""

    url: str
    scans: dict[str, int]
    month: dict[str, int]
    month_windows: dict[str, dict[str, str]]  # the last window asked, per workspace


@pytest.fixture(scope="session")
async def analytics() -> AsyncIterator[AnalyticsStandIn]:
    scans: dict[str, int] = {}
    month: dict[str, int] = {}
    month_windows: dict[str, dict[str, str]] = {}

    async def workspace_analytics(request: web.Request) -> web.Response:
        workspace, query = request.match_info["workspace"], dict(request.query)
        if query == {"range": "all"} and workspace in scans:
            total = scans[workspace]
        elif set(query) == {"start", "end", "tz"} and workspace in month:
            month_windows[workspace] = query
            total = month[workspace]
        else:
            return web.json_response({"error": "unavailable"}, status=503)
        return web.json_response({"totals": {"scans": total, "uniqueScanners": 1}})

    app = web.Application()
    app.router.add_get("/internal/v1/workspaces/{workspace}/analytics", workspace_analytics)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield AnalyticsStandIn(str(server.make_url("")).rstrip("/"), scans, month, month_windows)
    await server.close()


Nowhere = Callable[[], str]


@pytest.fixture(scope="session")
def nowhere() -> Iterator[Nowhere]:
    """Makes URLs that refuse connections: each names a port bound (so no other program on
    the machine can take it) but not listening."""
    held: list[socket.socket] = []

    def make() -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        held.append(sock)
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    yield make
    for sock in held:
        sock.close()


@pytest.fixture(scope="session")
async def api(
    infra: Infrastructure, analytics: AnalyticsStandIn, nowhere: Nowhere, dns_zone: Zone
) -> AsyncIterator[Client]:
    settings = api_settings(
        infra,
        analytics_url=analytics.url,
        redirect_url=nowhere(),
        renderer_url=nowhere(),
        billing_webhook_secret=WEBHOOK_SECRET,
        status_sample_interval_s=SAMPLE_INTERVAL_S,
        domain_verify_nameservers=dns_zone.nameserver,
        domain_verify_timeout_s=1.0,  # below the zone's stall (3 s)
    )
    client: Client = TestClient(TestServer(conforming(create_app(settings))))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture(scope="session")
async def db(infra: Infrastructure) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(infra.database_url, min_size=1, max_size=2)
    assert pool is not None
    yield pool
    await pool.close()


@dataclass
class Workspace:
    """A workspace and a key with every scope, and calls made with that key."""

    id: UUID
    key: str
    api: Client
    db: asyncpg.Pool

    async def call(
        self, method: str, path: str, json: Any = None, *, key: str | None = None
    ) -> tuple[int, Any]:
        """(status, decoded JSON body or None)."""
        headers = {"Authorization": f"Bearer {key or self.key}"}
        response = await self.api.request(method, path, json=json, headers=headers)
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, None

    async def ok(self, method: str, path: str, json: Any = None, status: int = 200) -> Any:
        got, body = await self.call(method, path, json)
        assert got == status, (got, body)
        return body

    async def code(self, **fields: Any) -> dict[str, Any]:
        """A new dynamic url code."""
        body = {"targetUrl": "https://example.com/default", **fields}
        code: dict[str, Any] = await self.ok("POST", "/v1/codes", body, status=201)
        return code

    async def key_with(self, scopes: Iterable[str]) -> str:
        """Another key of this workspace holding only `scopes`."""
        return await insert_key(self.db, self.id, list(scopes))


async def insert_key(db: asyncpg.Pool, workspace_id: UUID, scopes: list[str]) -> str:
    secret = new_api_key(test=True)
    await db.execute(
        "INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, scopes)"
        " VALUES ($1, $2, 'test', $3, $4, $5)",
        uuid.uuid4(),
        workspace_id,
        secret[:12],
        api_key_hash(secret),
        scopes,
    )
    return secret


NewWorkspace = Callable[..., Awaitable[Workspace]]


@pytest.fixture
def new_workspace(api: Client, db: asyncpg.Pool) -> NewWorkspace:
    async def make(plan: str = "business") -> Workspace:
        workspace_id = uuid.uuid4()
        await db.execute(
            "INSERT INTO workspaces (id, name, plan, is_test) VALUES ($1, 'organise', $2, true)",
            workspace_id,
            plan,
        )
        return Workspace(workspace_id, await insert_key(db, workspace_id, ["*"]), api, db)

    return make
