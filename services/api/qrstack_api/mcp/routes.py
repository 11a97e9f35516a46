"""`/v1/mcp`: the MCP server over Streamable HTTP (stateless: every POST stands alone, so any
API process answers any request), behind the API's own access layer.

The access middleware authenticates the request like any /v1 route and counts it against the
key's rate limit; here only API keys are taken (Bearer or X-API-Key: an assistant holds a key,
never a browser session, so no cookie can drive it from a web page). Each tool then requires
its own scope."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from importlib.metadata import version

from aiohttp import web
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from qrstack_api.accounts.credentials import unauthorized
from qrstack_api.accounts.principal import principal_of
from qrstack_api.mcp.bridge import serve_asgi
from qrstack_api.mcp.server import CALL_SCOPE_KEY, mcp_server
from qrstack_api.mcp.tools import Call
from qrstack_api.openapi import operation

MCP_PATH = "/v1/mcp"
MAX_BODY = 4 << 20  # the transport's own limit
MANAGER = web.AppKey("mcp_sessions", StreamableHTTPSessionManager)

routes = web.RouteTableDef()

_ANSWERS = {
    "application/json": "A JSON-RPC response (MCP Streamable HTTP, JSON response mode)",
}
_DESCRIPTION = (
    "The Model Context Protocol server (Streamable HTTP, stateless): POST JSON-RPC messages "
    "(initialize, tools/list, tools/call). Tools: create_code, list_codes, get_code, "
    "update_code, delete_code, render_code, get_code_analytics, create_folder, list_folders, "
    "update_folder, delete_folder; each needs the scope of its /v1 route. API keys only "
    "(Bearer or X-API-Key). See docs/mcp.md."
)


async def _serve(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    if principal.method != "api_key":
        raise unauthorized(
            "The MCP server takes an API key ('Authorization: Bearer qr_…' or 'X-API-Key')."
        )
    call = Call(request.app, principal)
    manager = request.app[MANAGER]
    return await serve_asgi(
        request, manager.handle_request, {CALL_SCOPE_KEY: call}, max_body=MAX_BODY
    )


@routes.post(MCP_PATH)
@operation(
    summary="MCP: send a JSON-RPC message",
    tag="mcp",
    description=_DESCRIPTION,
    responses={200: _ANSWERS, 202: None},
    errors=(401, 413),
    auth="required",
)
async def post(request: web.Request) -> web.StreamResponse:
    return await _serve(request)


@routes.get(MCP_PATH)
@operation(
    summary="MCP: server-sent events stream (not offered: stateless server, 405)",
    tag="mcp",
    responses={405: None},
    errors=(401,),
    auth="required",
)
async def stream(request: web.Request) -> web.StreamResponse:
    return await _serve(request)


@routes.delete(MCP_PATH)
@operation(
    summary="MCP: end a session (none are kept: stateless server, 405)",
    tag="mcp",
    responses={405: None},
    errors=(401,),
    auth="required",
)
async def end(request: web.Request) -> web.StreamResponse:
    return await _serve(request)


async def mcp_sessions(app: web.Application) -> AsyncIterator[None]:
    """Cleanup context: the SDK's session manager runs in a task of its own (its task group
    is entered and left in that one task) for as long as the app."""
    manager = StreamableHTTPSessionManager(
        app=mcp_server(version("qrstack")), stateless=True, json_response=True
    )
    running = asyncio.Event()
    stop = asyncio.Event()

    async def run() -> None:
        async with manager.run():
            running.set()
            await stop.wait()

    task = asyncio.create_task(run(), name="mcp-sessions")
    started = asyncio.create_task(running.wait())
    await asyncio.wait({task, started}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():  # it could not start: say why
        started.cancel()
        task.result()
    app[MANAGER] = manager
    yield
    stop.set()
    with contextlib.suppress(asyncio.CancelledError):
        await task
