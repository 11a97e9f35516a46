"""The API app in-process (the factory `python -m qrstack_api` uses) on the real PostgreSQL and
Kafka, with the real renderer app on its own port for images; workspaces and keys written
straight to the database (fast: no password hashing)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from integration.api.compat.compat_client import Client, NewWorkspace, Workspace, insert_key

from qrstack_api.app import create_app
from qrstack_launcher.stack import Infrastructure
from qrstack_renderer.app import create_app as create_renderer
from qrstack_renderer.settings import RendererSettings
from support.api import api_settings


@pytest.fixture(scope="session")
async def compat_api(infra: Infrastructure) -> AsyncIterator[Client]:
    renderer = TestServer(create_renderer(RendererSettings()))
    await renderer.start_server()
    renderer_url = str(renderer.make_url("")).rstrip("/")
    # No analytics service runs here: scan totals read as null (unknown), as in production
    # while analytics is down. The end-to-end test covers real totals.
    settings = api_settings(infra, renderer_url=renderer_url, analytics_url="http://127.0.0.1:9")
    client: Client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    yield client
    await client.close()
    await renderer.close()


@pytest.fixture(scope="session")
async def compat_db(infra: Infrastructure) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(infra.database_url, min_size=1, max_size=2)
    assert pool is not None
    yield pool
    await pool.close()


@pytest.fixture
def new_workspace(compat_api: Client, compat_db: asyncpg.Pool) -> NewWorkspace:
    async def make(plan: str = "business") -> Workspace:
        workspace_id = uuid.uuid4()
        await compat_db.execute(
            "INSERT INTO workspaces (id, name, plan, is_test) VALUES ($1, 'compat', $2, true)",
            workspace_id,
            plan,
        )
        key = await insert_key(compat_db, workspace_id, ["*"])
        return Workspace(workspace_id, key, compat_api, compat_db)

    return make
