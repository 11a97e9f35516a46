"""`POST /v1/print` and `POST /v1/labels` on the real renderer app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pypdfium2  # type: ignore[import-untyped]
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from qrstack_renderer.app import create_app
from qrstack_renderer.settings import RendererSettings
from tests.unit.renderer.scanning import scan_image

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(RendererSettings()))) as client:
        yield client


async def test_print_pdf_and_label_sheet_decode(client: Client) -> None:
    single = await client.post("/v1/print", json={"data": "https://qr.example/a", "sizeMm": 35})
    assert single.status == 200
    assert single.content_type == "application/pdf"
    doc = pypdfium2.PdfDocument(await single.read())
    assert scan_image(doc[0].render(scale=150 / 72).to_pil()) == ["https://qr.example/a"]
    doc.close()
    urls = [f"https://qr.example/{i}" for i in range(4)]
    sheet = await client.post(
        "/v1/labels", json={"rows": 2, "columns": 2, "labels": [{"data": u} for u in urls]}
    )
    assert sheet.status == 200
    doc = pypdfium2.PdfDocument(await sheet.read())
    assert sorted(scan_image(doc[0].render(scale=150 / 72).to_pil())) == urls
    doc.close()


async def test_an_unscannable_print_is_refused_with_the_field(client: Client) -> None:
    response = await client.post(
        "/v1/print", json={"data": "https://qr.example/a", "style": {"foreground": "#dddddd"}}
    )
    assert response.status == 400
    assert (await response.json())["issues"][0]["path"] == ["style", "foreground"]
