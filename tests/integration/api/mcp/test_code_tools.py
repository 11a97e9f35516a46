"""An assistant manages codes through /v1/mcp with the SDK's client, on the real stack: the tools
it is offered (their input schemas are the /v1 models' own), Wi-Fi and URL codes created, read,
changed, listed and deleted, their images drawn (the PNG decoded, the SVG rasterised and
decoded) and a scan made at the real redirect read back from the code's analytics."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import httpx2
import mcp_types as types
import pytest
import zxingcpp
from PIL import Image

from qrstack_launcher.stack import Platform
from support.accounts import new_workspace
from tests.integration.api.mcp.assistant import answer, connected, refusal
from tests.unit.renderer.scanning import scan_image, to_image

pytestmark = pytest.mark.e2e

TOOLS = {
    "create_code": "codes:write",
    "list_codes": "codes:read",
    "get_code": "codes:read",
    "update_code": "codes:write",
    "delete_code": "codes:write",
    "render_code": "codes:read",
    "get_code_analytics": "analytics:read",
    "create_folder": "folders:write",
    "list_folders": "folders:read",
    "update_folder": "folders:write",
    "delete_folder": "folders:write",
}
WIFI = {"type": "wifi", "wifi": {"ssid": "Cafe Süd", "password": "pw123456", "encryption": "WPA"}}
WIFI_CONTENT = "WIFI:T:WPA;S:Cafe Süd;P:pw123456;;"


def _in_defs(schema: Any) -> Any:
    """An OpenAPI component as a tool's `$defs` carries it (references retargeted)."""
    if isinstance(schema, dict):
        return {k: _in_defs(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_in_defs(v) for v in schema]
    if isinstance(schema, str) and schema.startswith("#/components/schemas/"):
        return "#/$defs/" + schema.removeprefix("#/components/schemas/")
    return schema


async def test_the_tools_are_listed_with_the_v1_models_as_input_schemas(
    platform: Platform,
) -> None:
    ws = await new_workspace(platform.infra.database_url)
    async with httpx2.AsyncClient() as http:
        document = (await http.get(f"{platform.url('api')}/v1/openapi.json")).json()
    components = document["components"]["schemas"]
    async with connected(platform, ws.api_key) as client:
        assert client.server_info is None or client.server_info.name == "qrstack"
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(listed) == set(TOOLS)
    for name, scope in TOOLS.items():
        assert f"`{scope}`" in (listed[name].description or ""), name
        assert listed[name].input_schema["type"] == "object"

    create = listed["create_code"].input_schema
    assert create["required"] == ["code"]
    assert create["properties"]["code"]["$ref"] == "#/$defs/CodeBody"
    # Every payload object is offered, each exactly as /v1/openapi.json documents it.
    assert {"WifiCode", "WifiPayload", "VcardCode", "MenuCode", "UrlCode"} <= set(create["$defs"])
    for component, schema in create["$defs"].items():
        assert schema == _in_defs(components[component]), component
    patch = listed["update_code"].input_schema
    assert patch["required"] == ["id", "changes"]
    assert patch["$defs"]["CodePatch"] == _in_defs(components["CodePatch"])

    # The list tool takes exactly GET /v1/codes' query parameters.
    parameters = {p["name"] for p in document["paths"]["/v1/codes"]["get"]["parameters"]}
    list_schema = listed["list_codes"].input_schema
    assert set(list_schema["properties"]) == parameters - {"workspaceId", "apiKey"}
    assert list_schema["properties"]["limit"]["maximum"] == 100
    assert listed["get_code"].annotations is not None
    assert listed["get_code"].annotations.read_only_hint is True
    assert listed["delete_code"].annotations is not None
    assert listed["delete_code"].annotations.destructive_hint is True


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_codes_created_read_changed_listed_and_deleted(platform: Platform, mode: str) -> None:
    ws = await new_workspace(platform.infra.database_url)
    async with connected(platform, ws.api_key, mode=mode) as client:
        wifi = answer(await client.call_tool("create_code", {"code": {**WIFI, "label": "Lobby"}}))
        assert wifi["id"].startswith("code_") and wifi["type"] == "wifi"
        assert wifi["content"] == WIFI_CONTENT and wifi["dynamic"] is False
        url = answer(
            await client.call_tool(
                "create_code",
                {"code": {"targetUrl": "https://example.com/menu", "label": "Menu card"}},
            )
        )
        assert url["shortUrl"].startswith(platform.url("redirect"))

        # Read back as GET /v1/codes/{id} shows it.
        async with httpx2.AsyncClient() as http:
            via_rest = await http.get(
                f"{platform.url('api')}/v1/codes/{url['id']}",
                headers={"Authorization": f"Bearer {ws.api_key}"},
            )
        got = answer(await client.call_tool("get_code", {"id": url["id"]}))
        assert got == via_rest.json()

        changed = answer(
            await client.call_tool(
                "update_code",
                {
                    "id": url["id"],
                    "changes": {
                        "targetUrl": "https://example.com/menu/winter",
                        "style": {"foreground": "#1b4332"},
                    },
                },
            )
        )
        assert changed["targetUrl"] == "https://example.com/menu/winter"
        assert changed["shortUrl"] == url["shortUrl"]  # the printed code stays valid
        assert changed["label"] == "Menu card"  # a merge patch: the rest is kept
        assert changed["style"] == {**url["style"], "foreground": "#1b4332"}

        listed = answer(await client.call_tool("list_codes", {"limit": 10}))
        assert [c["id"] for c in listed["data"]] == [url["id"], wifi["id"]]
        only_wifi = answer(await client.call_tool("list_codes", {"type": "wifi"}))
        assert [c["id"] for c in only_wifi["data"]] == [wifi["id"]]
        found = answer(await client.call_tool("list_codes", {"q": "menu card"}))
        assert [c["id"] for c in found["data"]] == [url["id"]]
        paged = answer(await client.call_tool("list_codes", {"limit": 1}))
        assert paged["nextCursor"]
        rest = answer(await client.call_tool("list_codes", {"cursor": paged["nextCursor"]}))
        assert [c["id"] for c in rest["data"]] == [wifi["id"]]

        # Deleted as DELETE /v1/codes/{id} deletes: restorable, out of the list; then purged.
        gone = answer(await client.call_tool("delete_code", {"id": wifi["id"]}))
        assert gone["deleted"] is True and "restorable" in gone["detail"]
        deleted = answer(await client.call_tool("get_code", {"id": wifi["id"]}))
        assert deleted["status"] == "deleted" and deleted["deletedAt"]
        left = answer(await client.call_tool("list_codes", {}))
        assert [c["id"] for c in left["data"]] == [url["id"]]
        purged = answer(await client.call_tool("delete_code", {"id": wifi["id"], "purge": True}))
        assert "for good" in purged["detail"]
        error, text = refusal(await client.call_tool("get_code", {"id": wifi["id"]}))
        assert error == "not_found" and "Code not found." in text


async def test_render_draws_the_code_as_png_and_svg(platform: Platform) -> None:
    ws = await new_workspace(platform.infra.database_url)
    async with connected(platform, ws.api_key) as client:
        wifi = answer(await client.call_tool("create_code", {"code": WIFI}))
        url = answer(
            await client.call_tool("create_code", {"code": {"targetUrl": "https://e.com/"}})
        )

        for code, payload in ((wifi, WIFI_CONTENT), (url, url["shortUrl"])):
            drawn = await client.call_tool("render_code", {"id": code["id"], "size": 400})
            assert not drawn.is_error
            [image] = drawn.content
            assert isinstance(image, types.ImageContent) and image.mime_type == "image/png"
            png = Image.open(io.BytesIO(__import__("base64").b64decode(image.data)))
            assert png.size == (400, 400)
            [decoded] = zxingcpp.read_barcodes(png)
            assert decoded.text == payload

        drawn = await client.call_tool("render_code", {"id": wifi["id"], "format": "SVG"})
        [svg] = drawn.content
        assert isinstance(svg, types.TextContent) and "<svg" in svg.text
        assert scan_image(to_image(svg.text.encode(), "svg")) == [WIFI_CONTENT]

        error, text = refusal(await client.call_tool("render_code", {"id": wifi["id"], "size": 5}))
        assert error == "validation_failed" and "size" in text


async def test_analytics_read_a_scan_made_at_the_redirect(platform: Platform) -> None:
    ws = await new_workspace(platform.infra.database_url)
    async with connected(platform, ws.api_key) as client:
        code = answer(
            await client.call_tool("create_code", {"code": {"targetUrl": "https://e.com/mcp"}})
        )
        async with httpx2.AsyncClient() as http, asyncio.timeout(20):
            while True:  # HEAD is never counted: wait until the redirect knows the code
                head = await http.head(code["shortUrl"])
                if head.status_code == 302:
                    break
                await asyncio.sleep(0.05)
            scan = await http.get(code["shortUrl"], headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
            assert scan.status_code == 302 and scan.headers["Location"] == "https://e.com/mcp"

        async with asyncio.timeout(30):
            while True:
                seen = answer(
                    await client.call_tool("get_code_analytics", {"id": code["id"], "range": "7d"})
                )
                if seen["totals"]["scans"] == 1:
                    break
                await asyncio.sleep(0.2)
        assert [(row["key"], row["scans"]) for row in seen["byDevice"]] == [("mobile", 1)]
        error, text = refusal(
            await client.call_tool("get_code_analytics", {"id": code["id"], "range": "1y"})
        )
        assert error == "validation_failed" and "range" in text
