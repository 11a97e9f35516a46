"""The MCP server: its tools, listed and called. Each call runs as the API key that sent the
HTTP request (`Call`, put in the request's ASGI scope by `mcp.routes`): the tool's scope is
required first, then the tool runs the /v1 domain function; an `ApiError` (bad input, not
found, a missing scope, a plan limit) is a tool error the model can read, not a protocol one."""

from __future__ import annotations

import logging
from typing import Any

import mcp_types as types
from mcp.server import Server
from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError

from qrstack_api.mcp.code_tools import CODE_TOOLS
from qrstack_api.mcp.folder_tools import FOLDER_TOOLS
from qrstack_api.mcp.tools import Call, ToolSpec, error_answer
from qrstack_api.mcp.view_tools import VIEW_TOOLS
from qrstack_common.errors import ApiError

log = logging.getLogger(__name__)

CALL_SCOPE_KEY = "qrstack.mcp_call"
INSTRUCTIONS = (
    "qrstack: dynamic QR codes. Create codes of any type (url, wifi, vcard, menu, pdf, ...), "
    "list, read, change and delete them, draw them (render_code), read their scans "
    "(get_code_analytics) and sort them into folders. Ids look like code_… and folder_…."
)

TOOLS: dict[str, ToolSpec] = {t.name: t for t in (*CODE_TOOLS, *VIEW_TOOLS, *FOLDER_TOOLS)}


def call_of(ctx: ServerRequestContext[Any, Any]) -> Call:
    request = ctx.request
    call = getattr(request, "scope", {}).get(CALL_SCOPE_KEY) if request is not None else None
    if not isinstance(call, Call):  # only reachable through /v1/mcp, which sets it
        raise MCPError(types.INTERNAL_ERROR, "The call arrived without its API key.")
    return call


async def list_tools(
    ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    return types.ListToolsResult(tools=[tool.listed() for tool in TOOLS.values()])


async def call_tool(
    ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
) -> types.CallToolResult:
    tool = TOOLS.get(params.name)
    if tool is None:
        known = ", ".join(TOOLS)
        raise MCPError(types.INVALID_PARAMS, f"Unknown tool {params.name!r}; tools: {known}.")
    call = call_of(ctx)
    try:
        call.principal.require(tool.scope)
        return await tool.run(call, dict(params.arguments or {}))
    except ApiError as error:
        return error_answer(error)


def mcp_server(version: str) -> Server[Any]:
    return Server(
        "qrstack",
        version=version,
        title="qrstack",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )
