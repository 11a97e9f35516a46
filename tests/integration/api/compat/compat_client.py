"""Calls in each compatibility surface's auth style, as a client of that service makes them."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from qrstack_api.accounts.secrets import api_key_hash, new_api_key

Client = TestClient[Any, Any]


async def insert_key(db: asyncpg.Pool, workspace_id: UUID, scopes: Iterable[str]) -> str:
    secret = new_api_key(test=True)
    await db.execute(
        "INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, scopes)"
        " VALUES ($1, $2, 'compat', $3, $4, $5)",
        uuid.uuid4(),
        workspace_id,
        secret[:12],
        api_key_hash(secret),
        list(scopes),
    )
    return secret


@dataclass
class Answer:
    status: int
    body: Any  # decoded JSON, or None
    response: ClientResponse
    raw: bytes


@dataclass
class Workspace:
    """A test workspace, its all-scope key, and calls in each surface's auth style."""

    id: UUID
    key: str
    api: Client
    db: asyncpg.Pool

    async def _call(
        self, method: str, path: str, headers: dict[str, str], json: Any, data: Any
    ) -> Answer:
        response = await self.api.request(method, path, json=json, data=data, headers=headers)
        raw = await response.read()
        body = await response.json() if response.content_type == "application/json" else None
        return Answer(response.status, body, response, raw)

    async def recodeqr(
        self, method: str, path: str, json: Any = None, *, key: str | None = None, data: Any = None
    ) -> Answer:
        """RecodeQR style: `Authorization: Bearer <key>`."""
        headers = {"Authorization": f"Bearer {key or self.key}"}
        return await self._call(method, path, headers, json, data)

    async def u2qr(self, method: str, path: str, json: Any = None) -> Answer:
        """U2QR style: `X-API-Key: <key>`."""
        return await self._call(method, path, {"X-API-Key": self.key}, json, None)

    async def v1(self, method: str, path: str, json: Any = None) -> Answer:
        return await self._call(method, path, {"Authorization": f"Bearer {self.key}"}, json, None)

    async def recodeqr_code(self, **body: Any) -> dict[str, Any]:
        """A new code through RecodeQR (a dynamic link unless the body says otherwise)."""
        sent = {"name": "Code", "destination": "link", "data": {"url": "https://example.com/"}}
        answer = await self.recodeqr("POST", "/api/qr-codes", {**sent, **body})
        assert answer.status == 201, answer.body
        code: dict[str, Any] = answer.body
        return code


NewWorkspace = Callable[..., Awaitable[Workspace]]
