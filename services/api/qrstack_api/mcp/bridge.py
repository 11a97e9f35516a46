"""Serving an ASGI application (the MCP SDK's Streamable HTTP transport) from an aiohttp
handler: the request becomes an ASGI scope and body, the ASGI messages a streamed response.

The body is read whole before the application runs (the transport reads it whole too, within
its own size limit); after it, `receive` waits until the handler ends, as a connection that
stays open would. `extra` is added to the scope (the caller's identity, the API app)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from aiohttp import web

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


def _scope(request: web.Request, extra: Mapping[str, Any]) -> dict[str, Any]:
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    server = (str(sockname[0]), int(sockname[1])) if isinstance(sockname, tuple) else None
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": f"{request.version.major}.{request.version.minor}",
        "method": request.method,
        "scheme": request.scheme,
        "path": request.path,
        "raw_path": request.raw_path.split("?", 1)[0].encode("latin-1"),
        "query_string": request.query_string.encode("latin-1"),
        "root_path": "",
        "headers": [(name.lower(), value) for name, value in request.raw_headers],
        "client": (request.remote or "", 0),
        "server": server,
        **extra,
    }


async def serve_asgi(
    request: web.Request, app: ASGIApp, extra: Mapping[str, Any], *, max_body: int
) -> web.StreamResponse:
    """Run `app` for `request`; 413 past `max_body` bytes of request body."""
    if request.content_length is not None and request.content_length > max_body:
        raise web.HTTPRequestEntityTooLarge(max_size=max_body, actual_size=request.content_length)
    body = await request.content.read(max_body + 1)
    if len(body) > max_body:
        raise web.HTTPRequestEntityTooLarge(max_size=max_body, actual_size=len(body))
    delivered = False
    finished = asyncio.Event()
    response: web.StreamResponse | None = None

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal response
        if message["type"] == "http.response.start":
            response = web.StreamResponse(status=message["status"])
            for name, value in message.get("headers", ()):
                response.headers.add(name.decode("latin-1"), value.decode("latin-1"))
            await response.prepare(request)
        elif message["type"] == "http.response.body" and response is not None:
            chunk = message.get("body", b"")
            if chunk:
                await response.write(chunk)
            if not message.get("more_body", False):
                await response.write_eof()

    try:
        await app(_scope(request, extra), receive, send)
    finally:
        finished.set()
    if response is None:
        raise web.HTTPInternalServerError(text="The MCP transport sent no response.")
    return response
