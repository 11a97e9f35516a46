"""Logo URLs: fetched from a real local HTTP server; the SSRF guard refuses private hosts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import BaseTestServer, TestClient, TestServer

from qrstack_common.errors import ApiError
from qrstack_renderer.app import create_app
from qrstack_renderer.logos.fetch import LogoFetcher, is_public_address
from qrstack_renderer.settings import RendererSettings
from tests.unit.renderer.samples import URL, png_logo
from tests.unit.renderer.scanning import scan_image, to_image

LOGO = png_logo()


async def _logo(request: web.Request) -> web.Response:
    return web.Response(body=LOGO, content_type="image/png")


async def _html(request: web.Request) -> web.Response:
    return web.Response(text="<html></html>", content_type="text/html")


async def _huge(request: web.Request) -> web.Response:
    return web.Response(body=b"\x89PNG" + b"0" * (2 << 20), content_type="image/png")


async def _loop(request: web.Request) -> web.Response:
    raise web.HTTPFound("/loop")


async def _redirect(request: web.Request) -> web.Response:
    raise web.HTTPFound("/logo.png")


@pytest.fixture
async def origin() -> AsyncIterator[BaseTestServer]:
    app = web.Application()
    app.router.add_get("/logo.png", _logo)
    app.router.add_get("/page", _html)
    app.router.add_get("/huge.png", _huge)
    app.router.add_get("/loop", _loop)
    app.router.add_get("/moved", _redirect)
    async with TestServer(app) as server:
        yield server


def _fetcher(allow_private: bool) -> LogoFetcher:
    return LogoFetcher(
        max_bytes=1 << 20, timeout=5.0, max_redirects=2, allow_private_hosts=allow_private
    )


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.169.254", "100.64.0.1",
     "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0", "224.0.0.1"],  # noqa: S104
)  # fmt: skip
def test_private_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    "path_or_url",
    [
        "http://127.0.0.1:{port}/logo.png",
        "http://localhost:{port}/logo.png",
        "http://[::1]:{port}/logo.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/logo.png",
    ],
)
async def test_guard_refuses_private_hosts(origin: BaseTestServer, path_or_url: str) -> None:
    url = path_or_url.format(port=origin.port)
    async with _fetcher(allow_private=False) as fetcher:
        with pytest.raises(ApiError) as err:
            await fetcher.fetch(url)
    assert err.value.issues[0].path == ("style", "logo")
    assert "private network" in err.value.issues[0].reason


async def test_guard_refuses_other_schemes() -> None:
    async with _fetcher(allow_private=False) as fetcher:
        with pytest.raises(ApiError) as err:
            await fetcher.fetch("file:///etc/passwd")
    assert "http:// or https://" in err.value.issues[0].reason


async def test_fetch_follows_a_redirect_and_returns_a_data_uri(origin: BaseTestServer) -> None:
    async with _fetcher(allow_private=True) as fetcher:
        uri = await fetcher.fetch(str(origin.make_url("/moved")))
    assert uri.startswith("data:image/png;base64,")


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/page", "text/html"),
        ("/huge.png", "bytes"),
        ("/loop", "redirected more than 2 times"),
        ("/missing.png", "HTTP 404"),
    ],
)
async def test_bad_logo_answers_are_refused(origin: BaseTestServer, path: str, says: str) -> None:
    async with _fetcher(allow_private=True) as fetcher:
        with pytest.raises(ApiError) as err:
            await fetcher.fetch(str(origin.make_url(path)))
    assert says in err.value.issues[0].reason


async def test_render_with_logo_url_end_to_end(origin: BaseTestServer) -> None:
    settings = RendererSettings(logo_allow_private_hosts=True)
    async with TestClient(TestServer(create_app(settings))) as client:
        body = {"data": URL, "style": {"logo_url": str(origin.make_url("/logo.png"))}}
        response = await client.post("/v1/render", json=body)
        assert response.status == 200
        assert scan_image(to_image(await response.read(), "png")) == [URL]


async def test_render_with_private_logo_url_is_400_by_default(origin: BaseTestServer) -> None:
    async with TestClient(TestServer(create_app(RendererSettings()))) as client:
        body = {"data": URL, "style": {"logo": str(origin.make_url("/logo.png"))}}
        response = await client.post("/v1/render", json=body)
        assert response.status == 400
        issue = (await response.json())["issues"][0]
        assert issue["path"] == ["style", "logo"]
