"""An internal service seen failing is not asked again for a moment: a code read while analytics
is down answers null counts at once (no connection attempt, no log line per read), a design
saved while the renderer is down gets the contrast check alone, and the first call after the
moment asks again and answers as before. The services are stood in for by small HTTP servers
speaking their contracts (`POST /internal/v1/workspaces/{id}/totals`, `POST /v1/check`) that
count what they are asked and can be switched from failing to answering."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from qrstack_api.codes.design import refuse_unscannable
from qrstack_api.codes.totals import ScanCounts, scan_counts
from qrstack_api.settings import ApiSettings
from qrstack_api.upstream import Outage
from qrstack_common.errors import ApiError

RETRY_S = 0.3
CODE = uuid4()
WORKSPACE = uuid4()
REFUSED = {"limitReached": 1, "notActive": 0, "fallback": 2}


@dataclass
class StandIn:
    url: str = ""
    answering: bool = False
    calls: list[str] = field(default_factory=list)


@pytest.fixture
async def service() -> AsyncIterator[StandIn]:
    state = StandIn()

    async def totals(request: web.Request) -> web.Response:
        state.calls.append(request.path)
        if not state.answering:
            return web.json_response({"error": "unavailable"}, status=503)
        return web.json_response({"totals": {str(CODE): 7}, "refused": {str(CODE): REFUSED}})

    async def check(request: web.Request) -> web.Response:
        state.calls.append(request.path)
        if not state.answering:
            return web.json_response({"error": "unavailable"}, status=503)
        return web.json_response(
            {"issues": [{"path": ["style", "logo"], "message": "logo too large", "code": "x"}]},
            status=400,
        )

    app = web.Application()
    app.router.add_post("/internal/v1/workspaces/{workspace}/totals", totals)
    app.router.add_post("/v1/check", check)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    state.url = str(server.make_url("")).rstrip("/")
    yield state
    await server.close()


async def test_counts_are_null_without_asking_while_analytics_just_failed(
    service: StandIn,
) -> None:
    outage = Outage(RETRY_S)
    async with aiohttp.ClientSession() as session:

        async def counts() -> dict[Any, ScanCounts] | None:
            return await scan_counts(session, service.url, WORKSPACE, [CODE], outage)

        assert await counts() is None
        assert len(service.calls) == 1
        assert [await counts() for _ in range(20)] == [None] * 20
        assert len(service.calls) == 1  # not asked again within the moment

        service.answering = True
        await asyncio.sleep(RETRY_S + 0.05)
        expected = {CODE: ScanCounts(7, REFUSED)}
        assert await counts() == expected
        assert await counts() == expected
        assert len(service.calls) == 3  # once answering, asked on every read, as before


async def test_a_refused_connection_is_remembered_too(unused_tcp_port: int) -> None:
    outage = Outage(RETRY_S)
    async with aiohttp.ClientSession() as session:
        nowhere = f"http://127.0.0.1:{unused_tcp_port}"
        assert await scan_counts(session, nowhere, WORKSPACE, [CODE], outage) is None
        assert outage.ongoing()
        await asyncio.sleep(RETRY_S + 0.05)
        assert not outage.ongoing()


def _row() -> dict[str, Any]:
    return {
        "type": "url",
        "dynamic": True,
        "slug": "poster",
        "domain": None,
        "payload": {"url": "https://example.com/"},
        "style": {"foreground": "#000000", "background": "#FFFFFF"},
    }


async def test_designs_get_the_contrast_check_alone_while_the_renderer_just_failed(
    service: StandIn,
) -> None:
    settings = ApiSettings(renderer_url=service.url)
    outage = Outage(RETRY_S)
    async with aiohttp.ClientSession() as session:
        await refuse_unscannable(session, settings, _row(), outage)  # 503: saved, unchecked
        for _ in range(10):
            await refuse_unscannable(session, settings, _row(), outage)
        assert len(service.calls) == 1

        service.answering = True
        await asyncio.sleep(RETRY_S + 0.05)
        with pytest.raises(ApiError) as refused:  # asked again: its refusal stands
            await refuse_unscannable(session, settings, _row(), outage)
        assert "logo too large" in str(refused.value.body())
        assert len(service.calls) == 2
