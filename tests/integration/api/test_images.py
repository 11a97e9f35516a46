"""Images through the API, rendered by the real renderer app (its own HTTP server) and read back
with zxing-cpp: a dynamic code encodes its short URL, a static one its content, and
/v1/generate encodes what it is given without saving anything."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
import zxingcpp
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image

from qrstack_api.app import create_app
from qrstack_launcher.stack import Infrastructure
from qrstack_renderer.app import create_app as create_renderer
from qrstack_renderer.settings import RendererSettings
from support.accounts import new_workspace
from support.api import api_settings
from support.conformance import conforming

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]


@pytest.fixture(scope="module")
async def api_with_renderer(infra: Infrastructure) -> AsyncIterator[Client]:
    renderer = TestServer(create_renderer(RendererSettings()))
    await renderer.start_server()
    renderer_url = str(renderer.make_url("")).rstrip("/")
    client: Client = TestClient(
        TestServer(conforming(create_app(api_settings(infra, renderer_url=renderer_url))))
    )
    await client.start_server()
    yield client
    await client.close()
    await renderer.close()


def decode(image: bytes) -> str:
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image)))
    return found.text


async def test_a_dynamic_code_image_encodes_its_short_url(
    api_with_renderer: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    made = await api_with_renderer.post(
        "/v1/codes",
        json={"targetUrl": "https://example.com/", "style": {"foreground": "#1b4332"}},
        headers=auth,
    )
    code = await made.json()
    assert code["style"] == {"foreground": "#1b4332", "background": "transparent"}
    response = await api_with_renderer.get(f"/v1/codes/{code['id']}.png?size=400", headers=auth)
    assert response.status == 200
    assert response.content_type == "image/png"
    assert decode(await response.read()) == code["shortUrl"]
    etag = response.headers["ETag"]
    again = await api_with_renderer.get(
        f"/v1/codes/{code['id']}.png?size=400", headers={**auth, "If-None-Match": etag}
    )
    assert again.status == 304


async def test_a_static_code_image_encodes_its_content(
    api_with_renderer: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    made = await api_with_renderer.post(
        "/v1/codes",
        json={"type": "vcard", "card": {"firstName": "Zoë", "lastName": "Müller",
                                        "phones": ["+49 30 1234567"]}},
        headers=auth,
    )  # fmt: skip
    code = await made.json()
    response = await api_with_renderer.get(f"/v1/codes/{code['id']}/image?format=png", headers=auth)
    assert response.status == 200
    assert decode(await response.read()) == code["content"]
    assert "FN:Zoë Müller" in code["content"]


async def test_generate_needs_no_key_and_saves_nothing(
    api_with_renderer: Client, infra: Infrastructure
) -> None:
    response = await api_with_renderer.get("/v1/generate?data=hello%20world&size=300")
    assert response.status == 200
    assert decode(await response.read()) == "hello world"
    wifi = await api_with_renderer.post(
        "/v1/generate",
        json={
            "type": "wifi",
            "wifi": {"ssid": "Home", "encryption": "WPA", "password": "a;b:c,d\\e"},
        },
    )
    assert wifi.status == 200, await wifi.text()
    assert decode(await wifi.read()) == "WIFI:T:WPA;S:Home;P:a\\;b\\:c\\,d\\\\e;;"


async def test_generate_refuses_unclear_requests(api_with_renderer: Client) -> None:
    both = await api_with_renderer.post(
        "/v1/generate", json={"data": "x", "type": "text", "text": {"text": "y"}}
    )
    assert both.status == 400
    assert (await both.json())["issues"][0]["path"] == ["data"]
    none = await api_with_renderer.post("/v1/generate", json={"format": "svg"})
    assert none.status == 400
    bad_key = await api_with_renderer.get(
        "/v1/generate?data=x", headers={"Authorization": "Bearer qr_test_" + "y" * 32}
    )
    assert bad_key.status == 401


async def test_a_code_image_is_private_and_revalidated_never_immutable(
    api_with_renderer: Client, infra: Infrastructure
) -> None:
    """The image of /v1/codes/{id}.png changes when the code's style or target does, and it
    needs a key: no shared cache may keep it, and no cache may reuse it without asking."""
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    made = await api_with_renderer.post(
        "/v1/codes", json={"targetUrl": "https://example.com/"}, headers=auth
    )
    code = await made.json()
    for path in (f"/v1/codes/{code['id']}.png", f"/v1/codes/{code['id']}/image?format=svg"):
        response = await api_with_renderer.get(path, headers=auth)
        assert response.status == 200
        cache = response.headers["Cache-Control"]
        assert "private" in cache and "no-cache" in cache, cache
        assert "public" not in cache and "immutable" not in cache, cache
        assert response.headers["ETag"]
    first = await api_with_renderer.get(f"/v1/codes/{code['id']}.png", headers=auth)
    await api_with_renderer.patch(
        f"/v1/codes/{code['id']}", json={"style": {"foreground": "#1B4332"}}, headers=auth
    )
    revalidated = await api_with_renderer.get(
        f"/v1/codes/{code['id']}.png", headers={**auth, "If-None-Match": first.headers["ETag"]}
    )
    assert revalidated.status == 200  # the style changed: the old copy is not reused
    assert revalidated.headers["ETag"] != first.headers["ETag"]
    assert "immutable" not in revalidated.headers["Cache-Control"]
