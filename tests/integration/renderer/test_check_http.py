"""`POST /v1/check`: the scannability guard alone, for callers that store a design. It answers
204 exactly when `POST /v1/render` would draw the spec, and otherwise the same 400 (field paths
and reasons), without drawing anything."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from qrstack_renderer.app import create_app
from qrstack_renderer.settings import RendererSettings
from tests.unit.renderer.samples import URL, data_uri, png_logo
from tests.unit.renderer.scanning import scan_image, to_image

Client = TestClient[web.Request, web.Application]
SQUARE_LOGO = data_uri("image/png", png_logo((90, 90)))


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    app = create_app(RendererSettings(cache_bytes=1 << 20))
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_a_design_that_scans_is_204_and_renders_to_its_payload(client: Client) -> None:
    spec = {
        "data": URL,
        "errorCorrection": "Q",
        "style": {"foreground": "#1565c0", "pattern": "dots", "corners": "leaf",
                  "logo": SQUARE_LOGO, "logoSize": 0.3, "frame": "rounded", "ctaText": "Menu"},
    }  # fmt: skip
    checked = await client.post("/v1/check", json=spec)
    assert checked.status == 204 and await checked.read() == b""
    rendered = await client.post("/v1/render", json=spec)
    assert scan_image(to_image(await rendered.read(), "png")) == [URL]


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"data": URL, "style": {"foreground": "#ffffff", "background": "#000000"}},
         ["style", "foreground"]),
        ({"data": URL, "style": {"eyeInner": "#ffff00"}}, ["style", "eyeInner"]),
        ({"data": "https://example.com/" + "a" * 1800,
          "style": {"logo": SQUARE_LOGO, "logoSize": 0.35}}, ["style", "logoSize"]),
        ({"data": "hi", "style": {"centerIcon": {"id": "x", "scale": 0.3}}},
         ["style", "centerIcon"]),
        ({"data": URL, "style": {"ctaText": "Scan → menu"}}, ["style", "ctaText"]),
        ({"data": URL, "style": {"logo": "data:image/png;base64,aGVsbG8="}}, ["style", "logo"]),
        ({"data": URL, "size": 100, "style": {"pattern": "dots"}}, ["size"]),
        ({"data": URL, "margin": 2}, ["margin"]),
        ({"data": "x" * 3000, "errorCorrection": "H"}, ["data"]),
    ],
)  # fmt: skip
async def test_an_unscannable_design_gets_the_renderers_own_refusal(
    client: Client, spec: dict[str, Any], path: list[str]
) -> None:
    checked = await client.post("/v1/check", json=spec)
    rendered = await client.post("/v1/render", json=spec)
    assert checked.status == rendered.status == 400
    body = await checked.json()
    assert body == await rendered.json()
    assert body["error"] == "validation_failed"
    assert body["issues"][0]["path"] == path


async def test_checking_draws_nothing(client: Client) -> None:
    assert (await client.post("/v1/check", json={"data": URL})).status == 204
    metrics = await (await client.get("/metrics")).text()
    assert "qr_renders_total{" not in metrics
