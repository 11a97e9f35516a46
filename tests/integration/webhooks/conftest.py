"""Webhooks on the real PostgreSQL and Kafka: the API in-process (local URLs allowed, as the
development setting does), the delivery worker in-process (module-scoped: the kill -9 test runs
its own worker process), a real local HTTP receiver, and workspaces with keys made directly
in the database."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiokafka import AIOKafkaConsumer

from qrstack_api.accounts.secrets import api_key_hash, new_api_key
from qrstack_api.app import create_app as create_api_app
from qrstack_api.db.migrate import apply_migrations
from qrstack_common.kafka import topic_partitions
from qrstack_launcher.stack import Infrastructure
from qrstack_webhooks.app import DISPATCHER, FANOUT
from qrstack_webhooks.app import create_app as create_worker_app
from qrstack_webhooks.events import TOPICS
from qrstack_webhooks.settings import WebhookSettings
from support.api import api_settings
from support.waiting import eventually

Client = TestClient[Any, Any]
Behaviour = Callable[[web.Request, int], Awaitable[web.StreamResponse]]

FAST_RETRIES = "0.2,0.2,0.2,0.2,0.2"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic()

    def json(self) -> Any:
        import json

        return json.loads(self.body)


@dataclass
class Receiver:
    """A local HTTP server; each path answers as its behaviour says (200 by default) and
    every request is recorded."""

    base: str
    received: list[Received] = field(default_factory=list)
    behaviours: dict[str, Behaviour] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def on(self, path: str, behaviour: Behaviour) -> None:
        self.behaviours[path] = behaviour

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    async def wait_for(self, path: str, count: int, timeout: float = 20.0) -> list[Received]:
        async def enough() -> bool:
            return len(self.at(path)) >= count

        await eventually(enough, timeout=timeout)
        return self.at(path)


@pytest.fixture(scope="session")
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver("")

    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        body = await request.read()
        state.received.append(Received(path, dict(request.headers), body, time.monotonic()))
        behaviour = state.behaviours.get(path)
        if behaviour is None:
            return web.Response(text="ok")
        return await behaviour(request, len(state.at(path)))

    app = web.Application()
    app.router.add_post("/{path}", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    state.base = str(server.make_url("")).rstrip("/")
    yield state
    await server.close()


@pytest.fixture(scope="session")
async def api(infra: Infrastructure) -> AsyncIterator[Client]:
    settings = api_settings(infra, webhook_allow_local_urls=True)
    client: Client = TestClient(TestServer(create_api_app(settings)))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture(scope="session")
async def strict_api(infra: Infrastructure) -> AsyncIterator[Client]:
    """The API on its defaults: only https URLs on public addresses."""
    client: Client = TestClient(TestServer(create_api_app(api_settings(infra))))
    await client.start_server()
    yield client
    await client.close()


GROUP = "webhook-tests"


async def skip_history(infra: Infrastructure, group: str = GROUP) -> None:
    """Commit the test workers' consumer group (`group`) at the end of every event topic, so
    they do not work through the whole suite's history (other tests' hundreds of thousands of
    records)."""
    partitions = await topic_partitions(infra.kafka_bootstrap, TOPICS)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=infra.kafka_bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        committed = {tp: await consumer.committed(tp) for tp in partitions}
        await consumer.commit({tp: end for tp, end in ends.items() if committed[tp] is None})
    finally:
        await consumer.stop()


@pytest.fixture(scope="session")
async def history_skipped(infra: Infrastructure) -> None:
    await skip_history(infra)


def worker_settings(infra: Infrastructure, **changes: object) -> WebhookSettings:
    values: dict[str, object] = {
        "database_url": infra.database_url,
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "topic_partitions": infra.partitions,
        "allow_local_urls": True,
        "retry_schedule_s": FAST_RETRIES,
        "request_timeout_s": 1.0,
        "consumer_group": GROUP,
    }
    values.update(changes)
    return WebhookSettings(**values)  # type: ignore[arg-type]


async def start_worker(infra: Infrastructure, **changes: object) -> Client:
    await apply_migrations(infra.database_url)
    client: Client = TestClient(TestServer(create_worker_app(worker_settings(infra, **changes))))
    await client.start_server()

    async def ready() -> bool:
        return (await client.get("/readyz")).status == 200

    await eventually(ready, timeout=60)
    # Joined the group and got partitions: records produced from now on are seen.
    await client.app[FANOUT].started.wait()
    await asyncio.sleep(1.0)
    assert DISPATCHER in client.app
    return client


@pytest.fixture(scope="module")
async def worker(infra: Infrastructure, history_skipped: None) -> AsyncIterator[Client]:
    client = await start_worker(infra)
    yield client
    await client.close()


@pytest.fixture(scope="session")
async def db(infra: Infrastructure) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(infra.database_url, min_size=1, max_size=3)
    assert pool is not None
    yield pool
    await pool.close()


@dataclass
class Workspace:
    id: UUID
    key: str
    api: Client
    db: asyncpg.Pool

    async def call(
        self, method: str, path: str, json: Any = None, *, api: Client | None = None
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.key}"}
        response = await (api or self.api).request(method, path, json=json, headers=headers)
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, None

    async def ok(self, method: str, path: str, json: Any = None, status: int = 200) -> Any:
        got, body = await self.call(method, path, json)
        assert got == status, (got, body)
        return body

    async def webhook(self, url: str, events: list[str], **fields: Any) -> dict[str, Any]:
        body = {"url": url, "events": events, **fields}
        created: dict[str, Any] = await self.ok("POST", "/v1/webhooks", body, status=201)
        return created

    async def code(self, **fields: Any) -> dict[str, Any]:
        body = {"targetUrl": "https://example.com/webhooks", **fields}
        code: dict[str, Any] = await self.ok("POST", "/v1/codes", body, status=201)
        return code

    async def deliveries(self, webhook_id: str) -> list[dict[str, Any]]:
        page = await self.ok("GET", f"/v1/webhooks/{webhook_id}/deliveries?limit=100")
        data: list[dict[str, Any]] = page["data"]
        return data


NewWorkspace = Callable[[], Awaitable[Workspace]]


@pytest.fixture
def new_workspace(api: Client, db: asyncpg.Pool) -> NewWorkspace:
    async def make() -> Workspace:
        workspace_id = uuid.uuid4()
        await db.execute(
            "INSERT INTO workspaces (id, name, plan, is_test) VALUES ($1, 'hooks', 'business',"
            " true)",
            workspace_id,
        )
        secret = new_api_key(test=True)
        await db.execute(
            "INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, scopes)"
            " VALUES ($1, $2, 'test', $3, $4, $5)",
            uuid.uuid4(),
            workspace_id,
            secret[:12],
            api_key_hash(secret),
            ["*"],
        )
        return Workspace(workspace_id, secret, api, db)

    return make


@pytest.fixture(scope="session")
async def redirect(infra: Infrastructure) -> AsyncIterator[Client]:
    """The redirect service in-process, its table caught up."""
    import tempfile
    from pathlib import Path

    from qrstack_redirect.app import create_app as create_redirect_app
    from qrstack_redirect.settings import RedirectSettings

    await apply_migrations(infra.database_url)
    settings = RedirectSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        database_url=infra.database_url,
        spool_dir=Path(tempfile.mkdtemp(prefix="webhook-spool-", dir=infra.root)),
        visitor_salt="webhook-tests",
        scan_linger_ms=5,
        public_api_url="https://api.example.test",
    )  # type: ignore[call-arg]
    client: Client = TestClient(TestServer(create_redirect_app(settings)))
    await client.start_server()

    async def ready() -> bool:
        return (await client.get("/readyz")).status == 200

    await eventually(ready, timeout=60)
    yield client
    await client.close()
