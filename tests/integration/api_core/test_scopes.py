"""Every /v1 route enforces the scope its @operation declares: a key without it is refused with
403 before the handler runs (whatever the ids in the path)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from qrstack_api.openapi.operation import operation_of
from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
SAMPLE = {"fmt": "png", "index": "0"}


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE.get(m.group(1), str(uuid.uuid4())), path)


async def test_a_key_without_the_declared_scope_is_403_everywhere(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    made = await api.post(
        "/v1/api-keys",
        json={"name": "read codes only", "scopes": ["codes:read"]},
        headers={"Authorization": f"Bearer {ws.api_key}"},
    )
    assert made.status == 201, await made.text()
    narrow = {"Authorization": f"Bearer {(await made.json())['secret']}"}
    checked = []
    for route in api.app.router.routes():  # type: ignore[union-attr]
        op = operation_of(route.handler)
        if op is None or op.scope in (None, "codes:read") or route.method == "HEAD":
            continue
        path = concrete(route.resource.canonical)
        response = await api.request(route.method, path, headers=narrow, json={})
        assert response.status == 403, (route.method, path, await response.text())
        assert (await response.json())["error"] == "forbidden"
        checked.append(path)
    assert len(checked) > 20
