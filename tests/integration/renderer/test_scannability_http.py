"""`POST /v1/scannability` on the real renderer app: grades, reasons, the design-hash cache."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from qrstack_renderer.app import create_app
from qrstack_renderer.settings import RendererSettings

URL = "https://example.com/menu"
Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(RendererSettings()))) as client:
        yield client


async def test_a_plain_code_scores_a_and_the_second_ask_is_a_cache_hit(client: Client) -> None:
    first = await client.post("/v1/scannability", json={"data": URL})
    assert first.status == 200
    assert first.headers["X-Score-Cache"] == "miss"
    body = await first.json()
    assert body["grade"] == "A"
    again = await client.post("/v1/scannability", json={"data": URL})
    assert again.headers["X-Score-Cache"] == "hit"
    assert await again.json() == body


async def test_an_unscannable_design_is_scored_not_refused(client: Client) -> None:
    response = await client.post(
        "/v1/scannability", json={"data": URL, "style": {"foreground": "#bbbbbb"}}
    )
    assert response.status == 200
    body = await response.json()
    assert body["grade"] == "F"
    assert "contrast" in body["reasons"][0]


async def test_bad_fields_get_400_with_the_field(client: Client) -> None:
    response = await client.post(
        "/v1/scannability", json={"data": URL, "scanDistanceMm": 1, "style": {"logoSize": 2}}
    )
    assert response.status == 400
    body = await response.json()
    assert body["error"] == "validation_failed"
    assert body["issues"]
