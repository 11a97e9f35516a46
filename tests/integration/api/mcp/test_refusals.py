"""What /v1/mcp refuses, and how: a tool the key's scopes (or its issuer's role) do not allow is
a tool error naming the scope, and changes nothing; another workspace's code is not found; bad
arguments are a tool error naming the field; without a valid API key the HTTP request itself
is a 401, before any MCP message is read."""

from __future__ import annotations

import asyncpg
import httpx2
import pytest
from mcp.shared.exceptions import MCPError

from qrstack_launcher.stack import Platform
from support.accounts import new_workspace
from support.ids import uuid_of
from tests.integration.api.mcp.assistant import (
    answer,
    connected,
    mcp_url,
    narrowed_key,
    refusal,
    viewer_key,
)

pytestmark = pytest.mark.e2e

URL_CODE = {"code": {"targetUrl": "https://example.com/"}}


async def _count_codes(platform: Platform, workspace_id: object) -> int:
    conn = await asyncpg.connect(platform.infra.database_url)
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM codes WHERE workspace_id = $1", workspace_id
        )
    finally:
        await conn.close()
    return count


async def test_a_key_without_the_scope_gets_a_tool_error_naming_it(platform: Platform) -> None:
    ws = await new_workspace(platform.infra.database_url)
    read_only = await narrowed_key(platform, ws.api_key, ["codes:read"])
    async with connected(platform, read_only, header="X-API-Key") as client:
        error, text = refusal(await client.call_tool("create_code", URL_CODE))
        assert error == "forbidden" and "'codes:write'" in text
        error, text = refusal(await client.call_tool("create_folder", {"name": "Print"}))
        assert error == "forbidden" and "'folders:write'" in text
        error, text = refusal(
            await client.call_tool("get_code_analytics", {"id": "code_" + "0" * 32})
        )
        assert error == "forbidden" and "'analytics:read'" in text
        assert answer(await client.call_tool("list_codes", {}))["data"] == []
    assert await _count_codes(platform, ws.workspace_id) == 0


async def test_a_viewers_key_reads_but_cannot_write(platform: Platform) -> None:
    ws = await new_workspace(platform.infra.database_url)
    async with connected(platform, ws.api_key) as owner:
        code = answer(await owner.call_tool("create_code", URL_CODE))
    key = await viewer_key(platform, ws.workspace_id)  # given `*`, held within the role
    async with connected(platform, key) as viewer:
        assert answer(await viewer.call_tool("get_code", {"id": code["id"]}))["id"] == code["id"]
        for tool, arguments in (
            ("create_code", URL_CODE),
            ("update_code", {"id": code["id"], "changes": {"label": "mine"}}),
            ("delete_code", {"id": code["id"]}),
        ):
            error, text = refusal(await viewer.call_tool(tool, arguments))
            assert error == "forbidden" and "'codes:write'" in text, tool
    async with connected(platform, ws.api_key) as owner:
        unchanged = answer(await owner.call_tool("get_code", {"id": code["id"]}))
    assert unchanged["label"] is None and unchanged["status"] == "active"
    assert await _count_codes(platform, ws.workspace_id) == 1


async def test_another_workspaces_code_is_not_found(platform: Platform) -> None:
    mine = await new_workspace(platform.infra.database_url)
    theirs = await new_workspace(platform.infra.database_url)
    async with connected(platform, theirs.api_key) as client:
        their_code = answer(await client.call_tool("create_code", URL_CODE))
    their_id = their_code["id"]
    async with connected(platform, mine.api_key) as client:
        for tool, arguments in (
            ("get_code", {"id": their_id}),
            ("update_code", {"id": their_id, "changes": {"label": "taken"}}),
            ("delete_code", {"id": their_id}),
            ("render_code", {"id": their_id}),
            ("get_code_analytics", {"id": their_id}),
            ("get_code", {"id": str(uuid_of(their_id))}),  # the bare UUID form too
            ("get_code", {"id": "not-an-id"}),
        ):
            error, text = refusal(await client.call_tool(tool, arguments))
            assert error == "not_found" and "Code not found." in text, tool
        assert answer(await client.call_tool("list_codes", {}))["data"] == []
    async with connected(platform, theirs.api_key) as client:
        kept = answer(await client.call_tool("get_code", {"id": their_id}))
    assert kept["label"] is None and kept["status"] == "active"


async def test_bad_arguments_are_a_tool_error_naming_the_field(platform: Platform) -> None:
    ws = await new_workspace(platform.infra.database_url)
    async with connected(platform, ws.api_key) as client:
        cases = [
            (
                "create_code",
                {"code": {"type": "wifi", "wifi": {"password": "x"}}},
                "code.wifi.ssid",
            ),
            ("create_code", {"code": {"targetUrl": "javascript:alert(1)"}}, "code.targetUrl"),
            ("create_code", {"code": {"type": "vcard", "vcard": {}}}, "card"),
            ("create_code", {"code": {"type": "fax"}}, "code.type"),
            ("create_code", {}, "code"),
            ("create_code", {"code": {"targetUrl": "https://e.com/"}, "label": "x"}, "label"),
            ("list_codes", {"limit": 1000}, "limit"),
            ("list_codes", {"type": "fax"}, "type"),
            ("list_codes", {"sort": "name"}, "sort"),
            ("update_code", {"id": "code_" + "0" * 32}, "changes"),
            ("render_code", {"id": "code_" + "0" * 32, "format": "gif"}, "format"),
        ]
        for tool, arguments, field in cases:
            error, text = refusal(await client.call_tool(tool, arguments))
            assert error == "validation_failed", (tool, arguments, text)
            assert field in text, (tool, arguments, text)
        code = answer(await client.call_tool("create_code", URL_CODE))
        error, text = refusal(
            await client.call_tool(
                "update_code", {"id": code["id"], "changes": {"style": {"foreground": "#EEEEEE"}}}
            )
        )
        assert error == "validation_failed" and "changes.style" in text, text
        listed = answer(await client.call_tool("list_codes", {}))
    assert [c["id"] for c in listed["data"]] == [code["id"]]  # nothing else was stored
    assert listed["data"][0]["style"] == code["style"]


async def test_without_a_valid_api_key_the_request_is_401(platform: Platform) -> None:
    ws = await new_workspace(platform.infra.database_url)
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"},
        },
    }
    headers = {"Accept": "application/json, text/event-stream"}
    async with httpx2.AsyncClient() as http:
        for auth in ({}, {"Authorization": "Bearer qr_test_wrong"}, {"X-API-Key": "nope"}):
            refused = await http.post(
                mcp_url(platform), json=initialize, headers={**headers, **auth}
            )
            assert refused.status_code == 401, auth
            assert refused.json()["error"] == "unauthorized"
            assert refused.headers["WWW-Authenticate"].startswith("Bearer")
        accepted = await http.post(
            mcp_url(platform),
            json=initialize,
            headers={**headers, "Authorization": f"Bearer {ws.api_key}"},
        )
        too_big = await http.post(
            mcp_url(platform),
            content=b" " * (5 << 20),
            headers={**headers, "Authorization": f"Bearer {ws.api_key}"},
        )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["result"]["serverInfo"]["name"] == "qrstack"
    assert int(accepted.headers["X-RateLimit-Remaining"]) >= 0  # counted like any request
    assert too_big.status_code == 413
    # The SDK's client stops at the first answer: the session is never opened.
    with pytest.raises(BaseExceptionGroup) as refused_by_sdk:
        async with connected(platform, "qr_test_wrong") as client:
            await client.list_tools()
    assert refused_by_sdk.group_contains(MCPError, depth=None)
