"""One domain model: a code made through any surface (RecodeQR, U2QR, /v1) is readable and
editable through every other, and a compatibility client's full replacement leaves alone what
only /v1 knows."""

from __future__ import annotations

from typing import Any

import pytest
from integration.api.compat.compat_client import NewWorkspace

from support.ids import uuid_of

pytestmark = pytest.mark.infra


def v1_id(code_id: str) -> str:
    h = code_id.removeprefix("qr_")
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


async def test_made_through_recodeqr_read_through_u2qr_and_v1(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    code = await ws.recodeqr_code(
        name="Spring", data={"url": "https://example.com/spring"}, styles={"fg_color": "#1B4332"}
    )
    v1 = (await ws.v1("GET", f"/v1/codes/{v1_id(code['code_id'])}")).body
    assert (v1["name"], v1["type"], v1["targetUrl"], v1["dynamic"]) == (
        "Spring", "url", "https://example.com/spring", True,
    )  # fmt: skip
    assert v1["style"] == {"foreground": "#1b4332"}
    assert v1["totalScans"] is None  # analytics is not running in this test
    [listed] = (await ws.u2qr("GET", "/api/v1/qrcodes")).body
    assert listed == {
        "id": v1["id"],
        "shortCode": v1["slug"],
        "name": "Spring",
        "type": "WEBSITE",
        "data": {"url": "https://example.com/spring"},
        "isDynamic": True,
        "createdAt": listed["createdAt"],
        "updatedAt": listed["updatedAt"],
        "_count": {"scans": None},
    }
    by_slug = await ws.recodeqr("GET", f"/api/qr-codes/{v1['slug']}")
    assert by_slug.body["code_id"] == code["code_id"]


async def test_made_through_v1_read_through_recodeqr_and_u2qr(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    wifi = (await ws.v1("POST", "/v1/codes", {
        "type": "wifi", "name": "Guest",
        "wifi": {"ssid": "Cafe", "encryption": "WPA", "password": "secret123"},
    })).body  # fmt: skip
    code_id = "qr_" + uuid_of(wifi["id"]).hex
    recodeqr = (await ws.recodeqr("GET", f"/api/qr-codes/{code_id}")).body
    assert (recodeqr["destination"], recodeqr["dynamic"], recodeqr["data"]) == (
        "wifi", False, {"ssid": "Cafe", "encryption": "WPA", "password": "secret123",
                        "hidden": False},
    )  # fmt: skip
    u2qr = (await ws.u2qr("GET", f"/api/v1/qrcodes/{code_id}")).body
    assert (u2qr["type"], u2qr["shortCode"], u2qr["data"]) == (
        "WIFI", code_id, {"content": "WIFI:T:WPA;S:Cafe;P:secret123;;"},
    )  # fmt: skip

    page = (await ws.v1("POST", "/v1/codes", {
        "type": "list-of-links", "name": "Links",
        "listOfLinks": {"title": "Us", "items": [{"label": "Site", "url": "https://e.com"}]},
    })).body  # fmt: skip
    code_id = "qr_" + uuid_of(page["id"]).hex
    recodeqr = (await ws.recodeqr("GET", f"/api/qr-codes/{code_id}")).body
    assert recodeqr["destination"] == "list-of-links"
    assert recodeqr["data"]["items"] == [{"label": "Site", "url": "https://e.com"}]
    u2qr = (await ws.u2qr("GET", f"/api/v1/qrcodes/{page['slug']}")).body
    assert (u2qr["type"], u2qr["data"]) == ("LIST_OF_LINKS", {"url": page["shortUrl"]})
    # What RecodeQR shows can be sent back as it is.
    sent_back = {k: recodeqr[k] for k in ("name", "destination", "data", "styles", "enabled")}
    again = await ws.recodeqr("PUT", f"/api/qr-codes/{code_id}", sent_back)
    assert (again.status, again.body) == (200, recodeqr), again.body


async def test_recodeqr_full_replacement_keeps_what_only_v1_has(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    made = (await ws.v1("POST", "/v1/codes", {
        "targetUrl": "https://e.com/a", "name": "A", "tags": ["print"],
        "fallbackUrl": "https://e.com/fallback", "style": {"pattern": "dots",
                                                           "foreground": "#222222"},
    })).body  # fmt: skip
    code_id = "qr_" + uuid_of(made["id"]).hex
    answer = await ws.recodeqr(
        "PUT",
        f"/api/qr-codes/{code_id}",
        {"name": "B", "destination": "link", "data": {"url": "https://e.com/b"},
         "styles": {"bg_color": "#FFFDE7"}},
    )  # fmt: skip
    assert answer.status == 200, answer.body
    assert answer.body["styles"] == {"logo_url": None, "bg_color": "#FFFDE7",
                                     "fg_color": "#000000", "remove_logo_bg": False}  # fmt: skip
    v1 = (await ws.v1("GET", f"/v1/codes/{made['id']}")).body
    assert (v1["name"], v1["targetUrl"], v1["slug"]) == ("B", "https://e.com/b", made["slug"])
    assert (v1["tags"], v1["fallbackUrl"]) == (["print"], "https://e.com/fallback")
    assert v1["style"] == {"pattern": "dots", "background": "#fffde7"}


async def test_every_destination_can_be_sent_back_as_read(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    bodies: list[dict[str, Any]] = [
        {"destination": "link", "data": {"url": "https://e.com"}, "scan_limit": 5},
        {"destination": "text", "data": {"text": "t"}},
        {"destination": "vcard", "data": {"first_name": "A", "phone": "+123456"}},
        {"destination": "event", "data": {"title": "E", "date_start": "2026-01-01T10:00:00Z",
                                          "date_end": "2026-01-01T11:00:00Z"}},
        {"destination": "crypto", "data": {"currency": "ethereum", "amount": 1.5,
                                           "address": "0x" + "ab" * 20}},
    ]  # fmt: skip
    for body in bodies:
        code = await ws.recodeqr_code(name="n", **body)
        path = f"/api/qr-codes/{code['code_id']}"
        again = await ws.recodeqr("PUT", path, code)  # read-only fields sent back are ignored
        assert (again.status, again.body) == (200, {**code, "total_scans": None}), again.body


async def test_switching_on_and_off_from_either_compatibility_surface(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    made = (await ws.u2qr("POST", "/api/v1/qrcodes", {
        "name": "Both", "type": "WEBSITE", "data": {"url": "https://e.com"},
    })).body  # fmt: skip
    code_id = "qr_" + uuid_of(made["id"]).hex
    paused = await ws.recodeqr("PATCH", f"/api/qr-codes/{code_id}", {"enabled": False})
    assert paused.body["enabled"] is False
    assert (await ws.v1("GET", f"/v1/codes/{made['id']}")).body["status"] == "suspended"
    resumed = await ws.u2qr("PUT", f"/api/v1/qrcodes/{made['shortCode']}", {"isActive": True})
    assert resumed.body["isActive"] is True
    assert (await ws.recodeqr("GET", f"/api/qr-codes/{code_id}")).body["enabled"] is True
    assert (await ws.recodeqr("DELETE", f"/api/qr-codes/{made['shortCode']}")).status == 204
    assert (await ws.u2qr("GET", f"/api/v1/qrcodes/{made['shortCode']}")).status == 404
