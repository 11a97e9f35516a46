"""The MCP server of the real stack (the `platform` processes), reached with the official SDK's
own client over its Streamable HTTP transport, as an assistant would reach it; keys of every
kind (full, narrowed, a viewer's) made as /v1 and the teams feature make them."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx2
import mcp_types as types
import orjson
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from qrstack_api.accounts.secrets import api_key_hash, new_api_key
from qrstack_launcher.stack import Platform


def mcp_url(platform: Platform) -> str:
    return f"{platform.url('api')}/v1/mcp"


@asynccontextmanager
async def connected(
    platform: Platform, key: str, *, mode: str = "auto", header: str = "Authorization"
) -> AsyncIterator[Client]:
    """An SDK client session with `key` (as a Bearer token, or in `X-API-Key`)."""
    value = f"Bearer {key}" if header == "Authorization" else key
    async with (
        httpx2.AsyncClient(headers={header: value}, timeout=60) as http,
        Client(streamable_http_client(mcp_url(platform), http_client=http), mode=mode) as client,
    ):
        yield client


def text_of(result: types.CallToolResult) -> str:
    return "\n".join(b.text for b in result.content if isinstance(b, types.TextContent))


def answer(result: types.CallToolResult) -> Any:
    """A successful tool call's JSON answer: its text block, which the structured content
    repeats."""
    assert not result.is_error, text_of(result)
    [block] = result.content
    assert isinstance(block, types.TextContent)
    value = orjson.loads(block.text)
    assert result.structured_content == (value if isinstance(value, dict) else {"result": value})
    return value


def refusal(result: types.CallToolResult) -> tuple[str, str]:
    """A tool error: (the /v1 error code, the text the model reads)."""
    assert result.is_error, text_of(result)
    assert isinstance(result.structured_content, dict)
    return result.structured_content["error"], text_of(result)


async def narrowed_key(platform: Platform, key: str, scopes: list[str]) -> str:
    """A new key of the workspace holding only `scopes`, made through POST /v1/api-keys."""
    async with httpx2.AsyncClient() as http:
        made = await http.post(
            f"{platform.url('api')}/v1/api-keys",
            json={"name": "narrow", "scopes": scopes},
            headers={"Authorization": f"Bearer {key}"},
        )
    assert made.status_code == 201, made.text
    secret: str = made.json()["secret"]
    return secret


async def viewer_key(platform: Platform, workspace_id: uuid.UUID) -> str:
    """A key with every scope, issued by a member whose role in the workspace is `viewer`."""
    conn = await asyncpg.connect(platform.infra.database_url)
    try:
        user_id = uuid.uuid4()
        await conn.execute(
            "INSERT INTO users (id, email, password_hash) VALUES ($1, $2, 'unused')",
            user_id,
            f"viewer-{secrets.token_hex(4)}@example.com",
        )
        await conn.execute(
            "INSERT INTO memberships (user_id, workspace_id, role) VALUES ($1, $2, 'viewer')",
            user_id,
            workspace_id,
        )
        is_test = await conn.fetchval("SELECT is_test FROM workspaces WHERE id = $1", workspace_id)
        secret = new_api_key(test=is_test)
        await conn.execute(
            "INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, scopes, created_by)"
            " VALUES ($1, $2, 'viewer key', $3, $4, $5, $6)",
            uuid.uuid4(),
            workspace_id,
            secret[:12],
            api_key_hash(secret),
            ["*"],
            user_id,
        )
    finally:
        await conn.close()
    return secret
