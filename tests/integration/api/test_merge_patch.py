"""PATCH /v1/codes/{id} merges nested objects (RFC 7396): a style or payload field sent alone
changes that field only; null removes one."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from PIL import Image

from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]


def _logo() -> str:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), "#C0392B").save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


async def _call(api: Client, method: str, path: str, key: str, body: Any = None) -> Any:
    response = await api.request(
        method, path, json=body, headers={"Authorization": f"Bearer {key}"}
    )
    data = await response.json()
    assert response.status in (200, 201), data
    return data


async def test_patching_style_foreground_keeps_the_logo(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    logo = _logo()
    code = await _call(
        api, "POST", "/v1/codes", ws.api_key,
        {"targetUrl": "https://example.com/", "style": {"logo": logo, "pattern": "dots"}},
    )  # fmt: skip
    patched = await _call(
        api, "PATCH", f"/v1/codes/{code['id']}", ws.api_key, {"style": {"foreground": "#1A2B3C"}}
    )
    assert patched["style"]["logo"] == logo
    assert patched["style"]["pattern"] == "dots"
    assert patched["style"]["foreground"].lower() == "#1a2b3c"

    cleared = await _call(
        api, "PATCH", f"/v1/codes/{code['id']}", ws.api_key, {"style": {"logo": None}}
    )
    assert "logo" not in cleared["style"] or cleared["style"]["logo"] is None
    assert cleared["style"]["pattern"] == "dots"


async def test_patching_one_payload_field_keeps_the_others(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    code = await _call(
        api, "POST", "/v1/codes", ws.api_key,
        {"type": "coupon", "coupon": {"code": "SAVE10", "description": "10 % off",
                                      "terms": "One per customer"}},
    )  # fmt: skip
    path = f"/v1/codes/{code['id']}"
    patched = await _call(api, "PATCH", path, ws.api_key, {"coupon": {"description": "20 % off"}})
    assert patched["payload"] == {
        "code": "SAVE10",
        "description": "20 % off",
        "terms": "One per customer",
    }
    removed = await _call(api, "PATCH", path, ws.api_key, {"coupon": {"terms": None}})
    assert removed["payload"] == {"code": "SAVE10", "description": "20 % off"}
    again = await (await api.get(path, headers={"Authorization": f"Bearer {ws.api_key}"})).json()
    assert again["payload"] == removed["payload"]


async def test_merge_patch_media_type_is_accepted(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    code = await _call(api, "POST", "/v1/codes", ws.api_key, {"targetUrl": "https://example.com/"})
    response = await api.patch(
        f"/v1/codes/{code['id']}",
        data=b'{"name": "renamed"}',
        headers={
            "Authorization": f"Bearer {ws.api_key}",
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert response.status == 200, await response.text()
    assert (await response.json())["name"] == "renamed"
