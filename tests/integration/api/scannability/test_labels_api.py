"""`POST /v1/labels` through the API: a tag's codes on a sheet, each decoding to its short URL."""

from __future__ import annotations

import secrets

import pypdfium2  # type: ignore[import-untyped]
import pytest

from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace
from tests.unit.renderer.scanning import scan_image

from .conftest import Client

pytestmark = pytest.mark.infra


async def test_a_tags_codes_on_a_label_sheet_each_decode_to_their_short_url(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    tag = f"batch-{secrets.token_hex(3)}"
    urls = []
    for i in range(5):
        made = await api.post(
            "/v1/codes",
            json={"targetUrl": f"https://example.com/{i}", "tags": [tag]},
            headers=auth,
        )
        urls.append((await made.json())["shortUrl"])
    await api.post("/v1/codes", json={"targetUrl": "https://example.com/other"}, headers=auth)
    sheet = await api.post(
        "/v1/labels", json={"tag": tag, "rows": 2, "columns": 2, "paper": "Letter"}, headers=auth
    )
    assert sheet.status == 200
    assert sheet.content_type == "application/pdf"
    pdf = pypdfium2.PdfDocument(await sheet.read())
    try:
        assert len(pdf) == 2
        found = [t for page in pdf for t in scan_image(page.render(scale=150 / 72).to_pil())]
    finally:
        pdf.close()
    assert sorted(found) == sorted(urls)

    both = await api.post("/v1/labels", json={"tag": tag, "codeIds": []}, headers=auth)
    assert both.status == 400
