"""The API application in-process on the real PostgreSQL and Kafka, workspaces with API keys made
directly in the database, and uploads sent as a browser or curl sends them.

The app's PDF limit is small (`PDF_MAX_BYTES`) so that an oversized upload is cheap to send,
and the public streams get a quota of their own that these tests never reach (the rate-limit
test builds an app with a tiny one).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer

from qrstack_api.accounts.secrets import api_key_hash, new_api_key
from qrstack_api.app import create_app
from qrstack_api.ratelimit.settings import FILES, GENERATION, WEBHOOKS
from qrstack_launcher.stack import Infrastructure
from support.api import api_settings
from support.conformance import conforming

Client = TestClient[Any, Any]

PDF_MAX_BYTES = 1280 << 10
PUBLIC_API_URL = "https://api.example.test"
# The key of the password gate's proof, shared with the redirect the gate tests start.
GATE_SECRET = "files-tests-gate-secret"


@pytest.fixture(scope="session")
async def api(infra: Infrastructure) -> AsyncIterator[Client]:
    roomy = FILES.model_copy(update={"name": "files-roomy", "anonymous": 1_000_000})
    settings = api_settings(
        infra,
        files_pdf_max_bytes=PDF_MAX_BYTES,
        public_api_url=PUBLIC_API_URL,
        gate_cookie_secret=GATE_SECRET,
        rate_limit_routes=(GENERATION, WEBHOOKS, roomy),
        status_sample_interval_s=3600.0,
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


def upload_form(
    content: bytes,
    media_type: str,
    filename: str = "upload.bin",
    **fields: str,
) -> aiohttp.FormData:
    form = aiohttp.FormData(quote_fields=False)  # names in raw UTF-8, as browsers send them
    for name, value in fields.items():
        form.add_field(name, value)
    form.add_field("file", content, filename=filename, content_type=media_type)
    return form


@dataclass
class Workspace:
    """A workspace, a key with every scope, and calls made with it."""

    id: UUID
    key: str
    api: Client
    db: asyncpg.Pool

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.key}"}

    async def call(
        self, method: str, path: str, *, key: str | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        """(status, decoded JSON body or None)."""
        response = await self.api.request(method, path, headers=self.headers(key), **kwargs)
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, None

    async def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        got, body = await self.call(method, path, **kwargs)
        assert got == status, (got, body)
        return body

    async def code(self, type_name: str, **content: Any) -> dict[str, Any]:
        """A new code of a hosted page type (`pdf`, `image-carousel`) or url."""
        if type_name == "url":
            body: dict[str, Any] = {"targetUrl": "https://example.com/"}
        else:
            key = "pdf" if type_name == "pdf" else "imageCarousel"
            body = {"type": type_name, key: content}
        created: dict[str, Any] = await self.ok("POST", "/v1/codes", status=201, json=body)
        return created

    async def upload(
        self, code_id: str, kind: str, content: bytes, media_type: str, **fields: str
    ) -> tuple[int, Any]:
        path = f"/v1/codes/{code_id}/{kind}-file"
        return await self.call("POST", path, data=upload_form(content, media_type, **fields))

    async def key_with(self, *scopes: str) -> str:
        return await insert_key(self.db, self.id, list(scopes))


async def insert_key(db: asyncpg.Pool, workspace_id: UUID, scopes: list[str]) -> str:
    secret = new_api_key(test=True)
    await db.execute(
        "INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, scopes)"
        " VALUES ($1, $2, 'files', $3, $4, $5)",
        uuid.uuid4(),
        workspace_id,
        secret[:12],
        api_key_hash(secret),
        scopes,
    )
    return secret


async def make_workspace(api: Client, db: asyncpg.Pool) -> Workspace:
    workspace_id = uuid.uuid4()
    await db.execute(
        "INSERT INTO workspaces (id, name, plan, is_test) VALUES ($1, 'files', 'business', true)",
        workspace_id,
    )
    return Workspace(workspace_id, await insert_key(db, workspace_id, ["*"]), api, db)


@pytest.fixture
async def ws(api: Client, db: asyncpg.Pool) -> Workspace:
    return await make_workspace(api, db)
