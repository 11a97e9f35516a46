"""A workspace seen from outside, for the security suite: its public id, a key with every
scope, and calls that return the status, body and headers whatever they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession
from aiohttp.test_utils import TestClient


@dataclass
class Answer:
    status: int
    body: Any
    headers: Any


@dataclass
class Workspace:
    """A fresh workspace on the business plan and a key with every scope."""

    api: TestClient[Any, Any] | ClientSession
    id: str
    key: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    async def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Answer:
        if body is not None:
            kwargs["json"] = body
        headers = {**self.auth, **kwargs.pop("headers", {})}
        response = await self.api.request(method, path, headers=headers, **kwargs)
        data = await response.read()
        try:
            parsed: Any = await response.json(content_type=None) if data else None
        except ValueError:
            parsed = data
        return Answer(response.status, parsed, response.headers)

    async def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        answer = await self.call(method, path, body)
        assert answer.status == status, (method, path, answer.status, answer.body)
        return answer.body
