"""Scopes, generated from /v1/openapi.json: every operation the document gives a scope is
called, on a workspace holding one of everything, with that workspace's own key holding every
scope but that one. Each answer is a 403 in the error envelope naming the scope, and the
workspace's rows are the same afterwards. An authenticated operation without a scope must be
one of the few listed here, so a new route cannot be added without one unnoticed."""

from __future__ import annotations

from typing import Any

import pytest
from security.estate import Estate
from security.snapshot import changed, snapshot
from security.walk import operations, request_kwargs

from qrstack_api.accounts.principal import ALL_SCOPES
from qrstack_launcher.stack import Platform
from support.attacker import Workspace
from support.ids import uuid_of

pytestmark = pytest.mark.infra

UNSCOPED = {
    "GET /v1/me": "who the credential is",
    "GET /v1/workspaces": "the workspaces the credential belongs to",
    "POST /v1/workspaces": "a user's new workspace of their own",
    "GET /v1/generate": "stateless rendering, anonymous too",
    "POST /v1/generate": "stateless rendering, anonymous too",
    "GET /v1/import/template.csv": "fixed text",
    "POST /v1/invites/accept": "the invite's token is the credential",
    "POST /v1/invites/preview": "the invite's token is the credential",
    "GET /v1/mcp": "each tool checks its scope (tests/integration/api/mcp/test_refusals.py)",
    "POST /v1/mcp": "each tool checks its scope (tests/integration/api/mcp/test_refusals.py)",
    "DELETE /v1/mcp": "ends the caller's own MCP session",
}


async def document(ws: Workspace) -> dict[str, Any]:
    answer = await ws.call("GET", "/v1/openapi.json")
    assert answer.status == 200
    return dict(answer.body)


async def keys_lacking_one_scope(owner: Workspace) -> dict[str, Workspace]:
    """{scope: the owner's workspace seen through a key holding every other scope}."""
    out = {}
    for scope in ALL_SCOPES:
        others = [s for s in ALL_SCOPES if s != scope]
        made = await owner.ok(
            "POST", "/v1/api-keys", {"name": f"no {scope}", "scopes": others}, 201
        )
        out[scope] = Workspace(owner.api, owner.id, made["secret"])
    return out


async def test_every_operation_refuses_a_key_lacking_its_scope(
    estate: Estate, platform: Platform
) -> None:
    owner = estate.owner
    ops = operations(await document(owner))
    lacking = await keys_lacking_one_scope(owner)
    before = await snapshot(platform.infra.database_url, uuid_of(owner.id))
    refused, unscoped = [], set()
    for op in ops:
        if op.public:
            continue
        if op.scope is None:
            unscoped.add(op.name)
            continue
        assert op.scope in lacking, f"{op.name}: unknown scope {op.scope!r}"
        url, body = op.url(estate), op.body(estate)
        answer = await lacking[op.scope].call(op.method, url, None, **request_kwargs(body))
        assert answer.status == 403, (op.name, answer.status, answer.body)
        assert answer.body["error"] == "forbidden", (op.name, answer.body)
        assert op.scope in answer.body["detail"], (op.name, answer.body)
        refused.append(op.name)
    assert unscoped == set(UNSCOPED), "an authenticated operation without a scope"
    after = await snapshot(platform.infra.database_url, uuid_of(owner.id))
    assert changed(before, after) == []
    assert len(refused) >= 70, refused
