"""The renderer's HTTP contract, served by the real app (aiohttp test server, no mocks)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from qrstack_renderer.app import create_app
from qrstack_renderer.settings import RendererSettings
from tests.unit.renderer.scanning import scan_image, to_image

URL = "https://example.com/menu"
IMMUTABLE = "public, max-age=31536000, immutable"
Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    app = create_app(RendererSettings(cache_bytes=1 << 20))
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_post_render_png_scans(client: Client) -> None:
    response = await client.post("/v1/render", json={"data": URL, "format": "png"})
    assert response.status == 200
    assert response.content_type == "image/png"
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["ETag"].startswith('"')
    body = await response.read()
    assert scan_image(to_image(body, "png")) == [URL]


async def test_post_render_svg_scans(client: Client) -> None:
    response = await client.post("/v1/render", json={"data": URL, "format": "svg"})
    assert response.status == 200
    assert response.content_type == "image/svg+xml"
    assert scan_image(to_image(await response.read(), "svg")) == [URL]


async def test_if_none_match_gives_304_and_cache_hits(client: Client) -> None:
    first = await client.post("/v1/render", json={"data": URL})
    etag = first.headers["ETag"]
    again = await client.post("/v1/render", json={"data": URL}, headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.headers["ETag"] == etag
    hit = await client.post("/v1/render", json={"data": URL})
    assert await hit.read() == await first.read()
    metrics = await (await client.get("/metrics")).text()
    assert 'qr_renders_total{cache="hit",format="png"} 1.0' in metrics
    assert 'qr_renders_total{cache="not_modified",format="png"} 1.0' in metrics


async def test_get_render_with_query_parameters(client: Client) -> None:
    response = await client.get(
        "/v1/render",
        params={"data": URL, "format": "jpeg", "size": "300", "fg": "#1a237e", "bg": "#fffde7"},
    )
    assert response.status == 200
    assert response.content_type == "image/jpeg"
    assert scan_image(to_image(await response.read(), "jpeg")) == [URL]


async def test_bad_fields_are_listed(client: Client) -> None:
    response = await client.post(
        "/v1/render", json={"data": "", "format": "gif", "margin": 1, "style": {"pattern": "x"}}
    )
    assert response.status == 400
    body = await response.json()
    assert body["error"] == "validation_failed"
    paths = {tuple(issue["path"]) for issue in body["issues"]}
    assert {("data",), ("format",), ("margin",), ("style", "pattern")} <= paths


async def test_unscannable_style_is_refused_with_reason(
    client: Client,
) -> None:
    response = await client.post(
        "/v1/render",
        json={"data": URL, "style": {"foreground": "#ffffff", "background": "#000000"}},
    )
    assert response.status == 400
    issue = (await response.json())["issues"][0]
    assert issue["path"] == ["style", "foreground"]
    assert "dark modules on a light background" in issue["reason"]


async def test_unknown_query_parameter_is_named(client: Client) -> None:
    response = await client.get("/v1/render", params={"data": URL, "colour": "red"})
    assert response.status == 400
    assert (await response.json())["issues"][0]["path"] == ["colour"]


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("png", "image/png"),
        ("svg", "image/svg+xml"),
        ("pdf", "application/pdf"),
        ("jpeg", "image/jpeg"),
        ("webp", "image/webp"),
    ],
)
async def test_every_format_over_http_scans(client: Client, fmt: str, media_type: str) -> None:
    style = {"pattern": "dots", "corners": "leaf", "frame": "box", "ctaText": "SCAN ME"}
    response = await client.post("/v1/render", json={"data": URL, "format": fmt, "style": style})
    assert response.status == 200
    assert response.content_type == media_type
    assert scan_image(to_image(await response.read(), fmt)) == [URL]
