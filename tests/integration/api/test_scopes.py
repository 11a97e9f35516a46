"""Every /v1 route enforces the scope its @operation declares: a key without it is refused with
403 before the handler runs (whatever the ids in the path). The auth middleware is the one place
that checks it: with every handler replaced by one that only records it ran, the refusals are
the same."""

from __future__ import annotations

import functools
import re
import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from qrstack_api.app import create_app
from qrstack_api.openapi.operation import operation_of
from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace
from support.api import api_settings

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
SAMPLE = {"fmt": "png", "index": "0"}
REACHED = 299
"""The status a stand-in handler answers: the request got past the middleware."""


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE.get(m.group(1), str(uuid.uuid4())), path)


async def narrow_key(api: Client, infra: Infrastructure) -> dict[str, str]:
    """Headers with a key that holds `codes:read` only."""
    ws = await new_workspace(infra.database_url)
    made = await api.post(
        "/v1/api-keys",
        json={"name": "read codes only", "scopes": ["codes:read"]},
        headers={"Authorization": f"Bearer {ws.api_key}"},
    )
    assert made.status == 201, await made.text()
    return {"Authorization": f"Bearer {(await made.json())['secret']}"}


def scoped_routes(app: web.Application) -> list[tuple[str, str, str]]:
    """(method, path with sample ids, declared scope) of every route declaring a scope."""
    return [
        (route.method, concrete(route.resource.canonical), op.scope)
        for route in app.router.routes()
        if (op := operation_of(route.handler)) is not None
        and op.scope is not None
        and route.method != "HEAD"
        and route.resource is not None
    ]


async def test_a_key_without_the_declared_scope_is_403_everywhere(
    api: Client, infra: Infrastructure
) -> None:
    narrow = await narrow_key(api, infra)
    checked = []
    for method, path, scope in scoped_routes(api.app):  # type: ignore[arg-type]
        if scope == "codes:read":
            continue
        response = await api.request(method, path, headers=narrow, json={})
        assert response.status == 403, (method, path, await response.text())
        assert (await response.json())["error"] == "forbidden"
        checked.append(path)
    assert len(checked) > 20


def _stand_in(handler: Any, reached: list[str]) -> Any:
    """A handler that keeps `handler`'s @operation (wraps copies it) and only records a call."""

    @functools.wraps(handler)
    async def ran(request: web.Request) -> web.Response:
        reached.append(f"{request.method} {request.path}")
        return web.Response(status=REACHED)

    return ran


@pytest.fixture
async def handlerless_api(
    infra: Infrastructure, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Client, list[str]]]:
    """The API app with every feature module's handlers replaced by stand-ins."""
    reached: list[str] = []
    for name, module in list(sys.modules.items()):
        table = getattr(module, "routes", None)
        if name.startswith("qrstack_api.") and isinstance(table, web.RouteTableDef):
            stand_ins = web.RouteTableDef()
            for d in table:
                assert isinstance(d, web.RouteDef)
                stand_ins.route(d.method, d.path, **d.kwargs)(_stand_in(d.handler, reached))
            monkeypatch.setattr(module, "routes", stand_ins)
    client: Client = TestClient(TestServer(create_app(api_settings(infra))))
    await client.start_server()
    yield client, reached
    await client.close()


async def test_the_auth_middleware_alone_refuses_a_missing_scope(
    api: Client, handlerless_api: tuple[Client, list[str]], infra: Infrastructure
) -> None:
    stubbed, reached = handlerless_api
    narrow = await narrow_key(api, infra)
    routes = scoped_routes(stubbed.app)  # type: ignore[arg-type]
    refused = [r for r in routes if r[2] != "codes:read"]
    assert len(refused) > 20
    for method, path, _ in refused:
        response = await stubbed.request(method, path, headers=narrow, json={})
        assert response.status == 403, (method, path, await response.text())
        assert (await response.json())["error"] == "forbidden"
    assert reached == []
    # The stand-ins are in place: a route the key's scope allows reaches one.
    method, path, _ = next(r for r in routes if r[2] == "codes:read")
    assert (await stubbed.request(method, path, headers=narrow)).status == REACHED
    assert reached == [f"{method} {path}"]
