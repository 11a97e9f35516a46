"""Every example request of RecodeQR's documentation (seed 002), sent as documented, answered
in the documented shape and status. Images are drawn by the real renderer and read back with
zxing-cpp."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import resvg_py
import zxingcpp
from integration.api.compat.compat_client import NewWorkspace
from PIL import Image

pytestmark = pytest.mark.infra

OBJECT_FIELDS = [
    "code_id", "name", "destination", "dynamic", "data", "styles", "enabled", "total_scans",
    "scan_limit", "not_before", "not_after",
]  # fmt: skip
DEFAULT_STYLES = {
    "logo_url": None,
    "bg_color": "#FFFFFF",
    "fg_color": "#000000",
    "remove_logo_bg": False,
}
CODE_ID = re.compile(r"^qr_[0-9a-f]{32}$")


def decode(image: bytes, fmt: str = "png") -> str:
    if fmt == "svg":
        image = bytes(resvg_py.svg_to_bytes(svg_string=image.decode()))
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image)).convert("RGB"))
    return found.text


def without_id(code: dict[str, Any]) -> dict[str, Any]:
    assert CODE_ID.match(code["code_id"]), code["code_id"]
    return {k: v for k, v in code.items() if k != "code_id"}


async def test_create_a_new_qr_code(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    answer = await ws.recodeqr(
        "POST",
        "/api/qr-codes",
        {
            "name": "New Product Launch",
            "destination": "link",
            "dynamic": True,
            "data": {"url": "https://recodeqr.com/new-product"},
        },
    )
    assert answer.status == 201
    assert list(answer.body) == OBJECT_FIELDS
    assert without_id(answer.body) == {
        "name": "New Product Launch",
        "destination": "link",
        "dynamic": True,
        "data": {"url": "https://recodeqr.com/new-product"},
        "styles": DEFAULT_STYLES,
        "enabled": True,
        "total_scans": 0,
        "scan_limit": None,
        "not_before": None,
        "not_after": None,
    }


async def test_list_qr_codes(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    card = await ws.recodeqr_code(
        name="Contact Card",
        destination="mecard",
        dynamic=False,
        data={"first_name": "John", "last_name": "Doe", "email": "john@example.com"},
        styles={"bg_color": "#EEEEEE", "fg_color": "#111111", "remove_logo_bg": True,
                "logo_url": "https://example.com/media/logos/my_logo.png"},
    )  # fmt: skip
    link = await ws.recodeqr_code(name="My Website Link", data={"url": "https://mywebsite.com"})

    answer = await ws.recodeqr("GET", "/api/qr-codes?page=1&page_size=5")
    assert answer.status == 200
    assert list(answer.body) == ["data", "total", "page", "page_size", "page_count"]
    assert (answer.body["total"], answer.body["page"]) == (2, 1)
    assert (answer.body["page_size"], answer.body["page_count"]) == (5, 1)
    newest, oldest = answer.body["data"]
    assert newest == {**link, "total_scans": None}  # no analytics service in this test
    assert without_id(oldest) == {
        "name": "Contact Card",
        "destination": "mecard",
        "dynamic": False,
        "data": {"first_name": "John", "last_name": "Doe", "email": "john@example.com"},
        "styles": {
            "logo_url": "https://example.com/media/logos/my_logo.png",
            "bg_color": "#EEEEEE",
            "fg_color": "#111111",
            "remove_logo_bg": True,
        },
        "enabled": True,
        "total_scans": None,
        "scan_limit": None,
        "not_before": None,
        "not_after": None,
    }
    assert oldest["code_id"] == card["code_id"]


async def test_retrieve_a_specific_qr_code(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    made = await ws.recodeqr_code(name="My Website Link", data={"url": "https://mywebsite.com"})
    answer = await ws.recodeqr("GET", f"/api/qr-codes/{made['code_id']}")
    assert answer.status == 200
    assert list(answer.body) == OBJECT_FIELDS
    assert answer.body == {**made, "total_scans": None}


async def test_fully_update_a_qr_code(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    made = await ws.recodeqr_code(name="My Website Link", data={"url": "https://mywebsite.com"})
    answer = await ws.recodeqr(
        "PUT",
        f"/api/qr-codes/{made['code_id']}",
        {
            "name": "My Updated Website Link",
            "destination": "link",
            "data": {"url": "https://mywebsite.com/updated"},
            "enabled": False,
        },
    )
    assert answer.status == 200, answer.body
    assert answer.body == {
        "code_id": made["code_id"],
        "name": "My Updated Website Link",
        "destination": "link",
        "dynamic": True,
        "data": {"url": "https://mywebsite.com/updated"},
        "styles": DEFAULT_STYLES,
        "enabled": False,
        "total_scans": None,
        "scan_limit": None,
        "not_before": None,
        "not_after": None,
    }


async def test_partially_update_a_qr_code(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    made = await ws.recodeqr_code(
        name="My Updated Website Link", data={"url": "https://mywebsite.com/updated"}
    )
    answer = await ws.recodeqr(
        "PATCH",
        f"/api/qr-codes/{made['code_id']}",
        {"name": "Website Link (Paused)", "enabled": False},
    )
    assert answer.status == 200, answer.body
    assert answer.body == {
        **made,
        "name": "Website Link (Paused)",
        "enabled": False,
        "total_scans": None,
    }


async def test_delete_a_qr_code(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    made = await ws.recodeqr_code()
    answer = await ws.recodeqr("DELETE", f"/api/qr-codes/{made['code_id']}")
    assert (answer.status, answer.raw) == (204, b"")
    again = await ws.recodeqr("GET", f"/api/qr-codes/{made['code_id']}")
    assert again.status == 404
    # Permanently: /v1 (which keeps soft-deleted codes) no longer has it either.
    v1_id = made["code_id"].removeprefix("qr_")
    assert (await ws.v1("GET", f"/v1/codes/{v1_id[:8]}-{v1_id[8:12]}-{v1_id[12:16]}-"
                        f"{v1_id[16:20]}-{v1_id[20:]}")).status == 404  # fmt: skip
    assert (await ws.recodeqr("DELETE", f"/api/qr-codes/{made['code_id']}")).status == 404


async def test_download_a_qr_code_image(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    made = await ws.recodeqr_code(styles={"fg_color": "#1B4332"})
    answer = await ws.recodeqr("GET", f"/api/qr-codes/{made['code_id']}.png")
    assert answer.status == 200
    assert answer.response.content_type == "image/png"
    short_url = (await ws.u2qr("GET", f"/api/v1/qrcodes/{made['code_id']}")).body["shortCode"]
    assert decode(answer.raw) == f"https://qr.example.test/{short_url}"
    cached = await ws.api.get(
        f"/api/qr-codes/{made['code_id']}.png",
        headers={
            "Authorization": f"Bearer {ws.key}",
            "If-None-Match": answer.response.headers["ETag"],
        },
    )
    assert cached.status == 304
    formats = {"jpeg": "image/jpeg", "svg": "image/svg+xml", "pdf": "application/pdf"}
    for fmt, media in formats.items():
        other = await ws.recodeqr("GET", f"/api/qr-codes/{made['code_id']}.{fmt}")
        assert (other.status, other.response.content_type) == (200, media)


async def test_generate_basic(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    answer = await ws.api.get("/api/generate?data=https%3A%2F%2Fexample.com&format=png")
    assert answer.status == 200
    assert answer.content_type == "image/png"
    assert decode(await answer.read()) == "https://example.com"
    listed = await ws.recodeqr("GET", "/api/qr-codes")
    assert listed.body["total"] == 0  # nothing saved


async def test_generate_advanced_unauthenticated(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    answer = await ws.api.post(
        "/api/generate",
        json={
            "destination": "link",
            "format": "png",
            "data": {"url": "https://example.com/summer-promo"},
            "styles": {"bg_color": "#EFEFEF", "fg_color": "#333333"},
        },
    )
    assert answer.status == 200, await answer.text()
    png = await answer.read()
    assert decode(png) == "https://example.com/summer-promo"
    pixels = Image.open(io.BytesIO(png)).convert("RGB")
    assert pixels.getpixel((1, 1)) == (0xEF, 0xEF, 0xEF)  # the quiet zone: the background
    assert (await ws.recodeqr("GET", "/api/qr-codes")).body["total"] == 0


async def test_generate_advanced_authenticated(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    answer = await ws.recodeqr(
        "POST",
        "/api/generate",
        {
            "destination": "link",
            "format": "svg",
            "data": {"url": "https://example.com/app-link"},
            "styles": {"fg_color": "#007AFF"},
        },
    )
    assert answer.status == 200, answer.body
    assert answer.response.content_type == "image/svg+xml"
    assert "#007aff" in answer.raw.decode().lower()
    assert decode(answer.raw, "svg") == "https://example.com/app-link"
    assert answer.response.headers["X-RateLimit-Limit"] == "1000"  # the per-key quota
    anonymous = await ws.api.get("/api/generate?data=x")
    assert anonymous.headers["X-RateLimit-Limit"] == "100"  # the per-address quota
