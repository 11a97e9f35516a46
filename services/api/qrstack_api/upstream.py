"""Calls from the API to the renderer and analytics services (internal HTTP)."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
from aiohttp import web

from qrstack_api.context import SETTINGS
from qrstack_common.errors import ApiError

UPSTREAM = web.AppKey("upstream_session", aiohttp.ClientSession)


class Outage:
    """An internal service seen failing. For `retry_s` after a failed call, the callers that
    can answer without it (a code's scan counts are null, a design is checked for contrast
    only) skip the call instead of each paying a connection attempt, or the whole timeout of
    a service that hangs, and a log line; the first call after that tries again."""

    __slots__ = ("_until", "retry_s")

    def __init__(self, retry_s: float = 1.0) -> None:
        self.retry_s = retry_s
        self._until = 0.0

    def ongoing(self) -> bool:
        """Whether a call failed less than `retry_s` ago."""
        return self._until != 0.0 and time.monotonic() < self._until

    def failed(self) -> None:
        self._until = time.monotonic() + self.retry_s

    def answered(self) -> None:
        self._until = 0.0


ANALYTICS_OUTAGE = web.AppKey("analytics_outage", Outage)
RENDERER_OUTAGE = web.AppKey("renderer_outage", Outage)

# Headers of an upstream response that a client of ours should see.
_PASSED_HEADERS = ("Content-Type", "ETag", "Cache-Control", "Content-Disposition", "Retry-After")


async def relay_response(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    service: str,
    json: Any = None,
    params: Any = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """Forward a request to an internal service and answer with what it said (its status,
    body and the client-relevant headers). 503 `unavailable` when it cannot be reached."""
    try:
        async with session.request(
            method, url, json=json, params=params, headers=headers
        ) as upstream:
            body = await upstream.read()
            passed = {h: upstream.headers[h] for h in _PASSED_HEADERS if h in upstream.headers}
            return web.Response(status=upstream.status, body=body, headers=passed)
    except (aiohttp.ClientConnectionError, TimeoutError) as exc:
        raise ApiError(
            "unavailable",
            f"The {service} service is unreachable right now; try again shortly.",
            headers={"Retry-After": "5"},
        ) from exc


async def render(
    app: web.Application, spec: dict[str, Any], if_none_match: str | None = None
) -> web.Response:
    """The renderer's answer to `POST /v1/render` with `spec` (a `RenderSpec` body): the
    image, 304 (for a matching `if_none_match`) or its refusal as it said it."""
    return await relay_response(
        app[UPSTREAM],
        "POST",
        f"{app[SETTINGS].renderer_url}/v1/render",
        service="renderer",
        json=spec,
        headers={"If-None-Match": if_none_match} if if_none_match else {},
    )


async def relay_render(request: web.Request, spec: dict[str, Any]) -> web.Response:
    """`render` for a request: its `If-None-Match` is passed on."""
    return await render(request.app, spec, request.headers.get("If-None-Match"))
