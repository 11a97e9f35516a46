"""TurtleQR's REST reference (seed 004), style fields: the documented defaults, the background
gradient, and designs refused before they are saved (400 with the `style.*` path, nothing
stored) on every route that stores a style."""

from __future__ import annotations

import io
import json

import pytest
import zxingcpp
from integration.api.compat.compat_client import NewWorkspace, Workspace
from PIL import Image

pytestmark = pytest.mark.infra

UNSCANNABLE = {"foreground": "#EEEEEE", "background": "#FFFFFF"}


async def _count(ws: Workspace) -> int:
    count: int = await ws.db.fetchval("SELECT count(*) FROM codes WHERE workspace_id = $1", ws.id)
    return count


async def test_style_defaults_and_the_image_scans(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    made = await ws.v1("POST", "/v1/codes", {"targetUrl": "https://example.com/"})
    assert made.status == 201
    assert made.body["style"] == {"foreground": "#2d7a4e", "background": "transparent"}
    image = await ws.v1("GET", f"/v1/codes/{made.body['id']}.png?size=400")
    assert image.status == 200
    picture = Image.open(io.BytesIO(image.raw)).convert("RGBA")
    flat = Image.new("RGBA", picture.size, "white")
    flat.alpha_composite(picture)
    [found] = zxingcpp.read_barcodes(flat.convert("RGB"))
    assert found.text == made.body["shortUrl"]
    assert picture.getpixel((2, 2))[3] == 0  # the background is transparent


async def test_gradient_is_the_background_gradient(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    gradient = {"type": "linear", "from": "#ffffff", "to": "#e8f5e9", "angle": 45}
    made = await ws.v1(
        "POST", "/v1/codes", {"targetUrl": "https://example.com/", "style": {"gradient": gradient}}
    )
    assert made.status == 201, made.body
    assert made.body["style"]["gradient"] == {**gradient, "angle": 45.0}
    stored = await ws.db.fetchval("SELECT style FROM codes WHERE workspace_id = $1", ws.id)
    stored = json.loads(stored) if isinstance(stored, str) else stored  # the contract's form
    assert stored["gradient"]["target"] == "background"
    module = {"type": "radial", "from": "#000000", "to": "#1b4332", "angle": 0}
    dark = await ws.v1(
        "POST",
        "/v1/codes",
        {"targetUrl": "https://example.com/", "style": {"moduleGradient": module}},
    )
    assert dark.status == 201, dark.body
    assert dark.body["style"]["moduleGradient"]["to"] == "#1b4332"
    assert "gradient" not in dark.body["style"]
    image = await ws.v1("GET", f"/v1/codes/{made.body['id']}.png?size=400")
    assert image.status == 200


async def test_an_unscannable_design_is_refused_on_create_and_nothing_is_stored(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    refused = await ws.v1(
        "POST", "/v1/codes", {"targetUrl": "https://example.com/", "style": UNSCANNABLE}
    )
    assert refused.status == 400, refused.body
    assert refused.body["issues"][0]["path"] == ["style", "foreground"]
    assert "contrast" in refused.body["issues"][0]["message"]
    assert await _count(ws) == 0


async def test_text_the_font_cannot_draw_is_refused_by_the_renderers_guard(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    refused = await ws.v1(
        "POST",
        "/v1/codes",
        {"targetUrl": "https://example.com/", "style": {"ctaText": "Scan \U0001f9ff\U0001faac"}},
    )
    assert refused.status == 400, refused.body
    assert refused.body["issues"][0]["path"][0] == "style"
    assert await _count(ws) == 0


async def test_patch_and_bulk_refuse_an_unscannable_design(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    made = await ws.v1("POST", "/v1/codes", {"targetUrl": "https://example.com/"})
    patched = await ws.v1("PATCH", f"/v1/codes/{made.body['id']}", {"style": UNSCANNABLE})
    assert patched.status == 400 and patched.body["issues"][0]["path"] == ["style", "foreground"]
    kept = await ws.v1("GET", f"/v1/codes/{made.body['id']}")
    assert kept.body["style"] == made.body["style"]  # nothing stored
    bulk = await ws.v1(
        "POST",
        "/v1/codes/bulk",
        {"items": [{"targetUrl": "https://e.com/1"},
                   {"targetUrl": "https://e.com/2", "style": UNSCANNABLE}]},
    )  # fmt: skip
    assert bulk.status == 200
    assert [r["status"] for r in bulk.body["results"]] == [201, 400]
    assert bulk.body["results"][1]["error"]["issues"][0]["path"] == ["style", "foreground"]
    assert await _count(ws) == 2
