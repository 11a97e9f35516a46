"""What RecodeQR's tables imply (seed 002): the ten destinations with their documented fields,
required fields and limits, styles, PATCH rules, the redirect fields, pages, and the error
answers (`errors` keyed by field on 400)."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
import zxingcpp
from integration.api.compat.compat_client import NewWorkspace, Workspace, insert_key
from PIL import Image

from qrstack_common.events import CODES_TOPIC, CodeSnapshot
from qrstack_launcher.stack import Infrastructure
from support.ids import kafka_key
from support.kafka import find_records

pytestmark = pytest.mark.infra

# destination → (data as documented, what a static code's image encodes)
DESTINATIONS: dict[str, tuple[dict[str, Any], str | None]] = {
    "link": ({"url": "https://example.com/a"}, None),
    "text": ({"text": "Hello, world"}, "Hello, world"),
    "email": (
        {"address": "ada@example.com", "subject": "Hi there", "body": "See you"},
        "mailto:ada@example.com?subject=Hi%20there&body=See%20you",
    ),
    "vcard": (
        {"first_name": "Ada", "last_name": "Lovelace", "phone": "+44 20 1234567",
         "email": "ada@example.com", "org": "Engines", "title": "Analyst",
         "url": "https://ada.example.com", "note": "First programmer"},
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\nORG:Engines\r\n"
        "TITLE:Analyst\r\nTEL:+44 20 1234567\r\nEMAIL;TYPE=INTERNET:ada@example.com\r\n"
        "URL:https://ada.example.com\r\nNOTE:First programmer\r\nEND:VCARD\r\n",
    ),
    "sms": ({"phone": "+1234567890", "message": "Hello"}, "SMSTO:+1234567890:Hello"),
    "phone": ({"phone": "+1 (234) 567-890"}, "tel:+1234567890"),
    "wifi": (
        {"ssid": "Cafe", "encryption": "WPA", "password": "secret123", "hidden": False},
        "WIFI:T:WPA;S:Cafe;P:secret123;;",
    ),
    "event": (
        {"title": "Launch", "date_start": "2026-05-01T18:00:00", "date_end": "2026-05-01T20:00:00",
         "location": "Berlin", "description": "Party", "timezone": "Europe/Berlin"},
        None,
    ),
    "mecard": (
        {"first_name": "John", "last_name": "Doe", "phone": "+1234567", "email": "j@example.com",
         "url": "https://j.example.com", "note": "Hi"},
        "MECARD:N:Doe,John;TEL:+1234567;EMAIL:j@example.com;URL:https\\://j.example.com;NOTE:Hi;;",
    ),
    "crypto": (
        {"currency": "bitcoin", "address": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
         "amount": "0.05", "label": "Shop", "message": "Order 1"},
        "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=0.05&label=Shop&message=Order%201",
    ),
}  # fmt: skip


def v1_path(code_id: str) -> str:
    h = code_id.removeprefix("qr_")
    return f"/v1/codes/{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


async def create_error(ws: Workspace, body: dict[str, Any]) -> dict[str, Any]:
    answer = await ws.recodeqr("POST", "/api/qr-codes", body)
    assert answer.status == 400, answer.body
    assert set(answer.body) == {"error", "message", "errors"}, answer.body
    errors: dict[str, Any] = answer.body["errors"]
    return errors


def with_data(destination: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"name": destination, "destination": destination, "data": data}


def link(**fields: Any) -> dict[str, Any]:
    """A valid link body with `fields` added."""
    return {**with_data("link", {"url": "https://e.com"}), **fields}


BITCOIN = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"


async def test_every_destination_round_trips_in_recodeqr_names(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    for destination, (data, content) in DESTINATIONS.items():
        code = await ws.recodeqr_code(**with_data(destination, data))
        assert code["destination"] == destination
        assert code["data"] == data, destination
        assert code["dynamic"] is (destination == "link")  # default: dynamic where possible
        v1 = (await ws.v1("GET", v1_path(code["code_id"]))).body
        if content is not None:
            assert v1["content"] == content
    event = (await ws.recodeqr("GET", "/api/qr-codes?page_size=20")).body["data"][2]
    assert event["destination"] == "event"
    v1_event = (await ws.v1("GET", v1_path(event["code_id"]))).body["content"]
    assert "DTSTART:20260501T160000Z" in v1_event  # 18:00 in Berlin (CEST)


async def test_documented_defaults_are_filled_in(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    wifi = await ws.recodeqr_code(**with_data("wifi", {"ssid": "Open"}))
    assert wifi["data"] == {"ssid": "Open", "encryption": "nopass", "hidden": False}
    event = await ws.recodeqr_code(
        **with_data("event", {"title": "T", "date_start": "2026-01-01T10:00:00",
                              "date_end": "2026-01-01T11:00:00"})
    )  # fmt: skip
    assert event["data"]["timezone"] == "UTC"
    crypto = await ws.recodeqr_code(**with_data("crypto", {"address": BITCOIN}))
    assert crypto["data"]["currency"] == "bitcoin"


async def test_missing_required_fields_are_listed_by_field(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    errors = await create_error(ws, {})
    assert errors == {
        "name": ["This field is required."],
        "destination": ["This field is required."],
        "data": ["This field is required."],
    }
    errors = await create_error(ws, with_data("vcard", {"last_name": "Only"}))
    assert errors == {"data": {"first_name": ["This field is required."]}}
    errors = await create_error(ws, with_data("link", {}))
    assert errors == {"data": {"url": ["This field is required."]}}
    errors = await create_error(ws, with_data("link", {"url": "javascript:alert(1)"}))
    assert "http" in errors["data"]["url"][0]
    errors = await create_error(ws, link(colour=1))
    assert errors == {"colour": ["is not a field of a QR code"]}
    errors = await create_error(ws, with_data("hologram", {}))
    assert "unknown destination" in errors["destination"][0]


async def test_the_seed_limits_apply_exactly(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    errors = await create_error(ws, with_data("text", {"text": "x" * 1025}))
    assert errors == {"data": {"text": ["must be at most 1024 characters (got 1025)"]}}
    await ws.recodeqr_code(**with_data("text", {"text": "x" * 1024}))
    errors = await create_error(ws, with_data("sms", {"phone": "+123456", "message": "m" * 256}))
    assert errors == {"data": {"message": ["must be at most 255 characters (got 256)"]}}
    await ws.recodeqr_code(**with_data("sms", {"phone": "+123456", "message": "m" * 255}))
    errors = await create_error(ws, with_data("phone", {"phone": "+" + "1" * 20}))
    assert errors["data"]["phone"] == ["must be at most 20 characters (got 21)"]
    errors = await create_error(ws, with_data("wifi", {"ssid": "s" * 33}))
    assert errors["data"]["ssid"] == ["must be at most 32 characters (got 33)"]
    errors = await create_error(ws, with_data("crypto", {"address": BITCOIN, "label": "l" * 65}))
    assert errors == {"data": {"label": ["must be at most 64 characters (got 65)"]}}


async def test_wifi_encryption_and_password_go_together(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    errors = await create_error(ws, with_data("wifi", {"ssid": "Home", "encryption": "WPA"}))
    assert errors == {"data": {"password": ["is required when encryption is WPA"]}}
    errors = await create_error(
        ws, with_data("wifi", {"ssid": "Home", "encryption": "nopass", "password": "secret123"})
    )
    assert "left out" in errors["data"]["password"][0]
    errors = await create_error(ws, with_data("wifi", {"ssid": "Home", "encryption": "WPA3"}))
    assert errors["data"]["encryption"] == ["must be one of WPA, WEP, nopass"]
    wep = await ws.recodeqr_code(
        **with_data("wifi", {"ssid": "Old", "encryption": "WEP", "password": "abcde"})
    )
    assert wep["data"]["encryption"] == "WEP"


async def test_event_and_crypto_rules(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    base = {"title": "T", "date_start": "2026-01-01T10:00:00", "date_end": "2026-01-01T09:00:00"}
    errors = await create_error(ws, with_data("event", base))
    assert errors == {"data": {"date_end": ["must be after the start time"]}}
    errors = await create_error(
        ws, with_data("event", {**base, "date_end": "2026-01-01T11:00:00", "timezone": "Mars/Base"})
    )
    assert "IANA" in errors["data"]["timezone"][0]
    doge = with_data("crypto", {"currency": "dogecoin", "address": BITCOIN})
    errors = await create_error(ws, doge)
    assert errors == {"data": {"currency": ["must be one of bitcoin, ethereum"]}}
    errors = await create_error(ws, with_data("crypto", {"currency": "ethereum", "address": "0x1"}))
    assert "ethereum address" in errors["data"]["address"][0]


async def test_a_destination_that_cannot_be_dynamic_is_refused_as_dynamic(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    errors = await create_error(ws, {**with_data("text", {"text": "hi"}), "dynamic": True})
    assert "only be static" in errors["dynamic"][0]
    errors = await create_error(ws, {**with_data("text", {"text": "hi"}), "scan_limit": 5})
    assert errors == {"scan_limit": ["applies only to dynamic codes"]}
    static_link = await ws.recodeqr_code(dynamic=False, data={"url": "https://e.com/s"})
    assert static_link["dynamic"] is False
    assert (await ws.v1("GET", v1_path(static_link["code_id"]))).body["content"] == (
        "https://e.com/s"
    )


async def test_patch_rules_of_static_and_dynamic_codes(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    static = await ws.recodeqr_code(**with_data("text", {"text": "printed"}))
    path = f"/api/qr-codes/{static['code_id']}"
    refused = await ws.recodeqr("PATCH", path, {"data": {"text": "changed"}})
    assert refused.status == 400
    assert list(refused.body["errors"]) == ["data"]
    assert "static code" in refused.body["errors"]["data"][0]
    renamed = await ws.recodeqr("PATCH", path, {"name": "Renamed", "code_id": "ignored"})
    assert (renamed.status, renamed.body["name"]) == (200, "Renamed")
    assert (await ws.recodeqr("PATCH", path, {"enabled": False})).status == 400

    dynamic = await ws.recodeqr_code()
    path = f"/api/qr-codes/{dynamic['code_id']}"
    refused = await ws.recodeqr("PATCH", path, {"styles": {"fg_color": "#222222"}})
    assert (refused.status, list(refused.body["errors"])) == (400, ["styles"])
    refused = await ws.recodeqr("PATCH", path, {"destination": "whatsapp"})
    assert refused.body["errors"] == {"data": ["is required when the destination changes"]}
    refused = await ws.recodeqr("PATCH", path, {"destination": "email",
                                                "data": {"address": "a@example.com"}})  # fmt: skip
    assert "only be static" in refused.body["errors"]["dynamic"][0]
    changed = await ws.recodeqr("PATCH", path, {"data": {"url": "https://e.com/new"}})
    assert (changed.status, changed.body["data"]) == (200, {"url": "https://e.com/new"})


async def test_put_of_a_static_code_may_rename_but_not_change_content(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    data = {"ssid": "Cafe", "encryption": "WPA", "password": "secret123"}
    code = await ws.recodeqr_code(**with_data("wifi", data))
    path = f"/api/qr-codes/{code['code_id']}"
    same = await ws.recodeqr("PUT", path, {**with_data("wifi", data), "name": "Guest Wi-Fi",
                                           "styles": {"fg_color": "#1B4332"}})  # fmt: skip
    assert same.status == 200, same.body
    assert (same.body["name"], same.body["styles"]["fg_color"]) == ("Guest Wi-Fi", "#1B4332")
    changed = await ws.recodeqr("PUT", path, with_data("wifi", {**data, "ssid": "Other"}))
    assert changed.status == 400
    assert "static code" in changed.body["errors"]["data"][0]


async def test_redirect_fields_reach_v1_and_the_redirect_snapshot(
    new_workspace: NewWorkspace, infra: Infrastructure
) -> None:
    ws = await new_workspace()
    code = await ws.recodeqr_code(scan_limit=100, not_before="2026-01-01T00:00:00Z")
    assert (code["scan_limit"], code["not_before"]) == (100, "2026-01-01T00:00:00Z")
    answer = await ws.recodeqr(
        "PATCH",
        f"/api/qr-codes/{code['code_id']}",
        {"enabled": False, "not_after": "2031-06-30T12:00:00", "scan_limit": None},
    )
    assert answer.status == 200, answer.body
    assert answer.body["not_after"] == "2031-06-30T12:00:00Z"  # no offset: UTC
    assert (answer.body["enabled"], answer.body["scan_limit"]) == (False, None)
    v1 = (await ws.v1("GET", v1_path(code["code_id"]))).body
    assert (v1["status"], v1["maxScans"]) == ("suspended", None)
    assert (v1["activeFrom"], v1["expiresAt"]) == ("2026-01-01T00:00:00Z", "2031-06-30T12:00:00Z")
    [record] = await find_records(
        infra.kafka_bootstrap,
        CODES_TOPIC,
        lambda r: (
            r.key == kafka_key(v1["id"])
            and r.value is not None
            and CodeSnapshot.model_validate_json(r.value).status == "suspended"
        ),
    )
    snapshot = CodeSnapshot.model_validate_json(record.value)
    assert snapshot.expires_at is not None
    assert snapshot.expires_at.isoformat() == "2031-06-30T12:00:00+00:00"
    assert snapshot.max_scans is None
    errors = await create_error(
        ws,
        link(not_before="2026-02-01T00:00:00Z", not_after="2026-01-01T00:00:00Z"),
    )
    assert errors == {"not_after": ["must be after not_before"]}
    errors = await create_error(ws, link(not_before="soon"))
    assert "ISO 8601" in errors["not_before"][0]


async def test_pages_past_the_end_are_empty_with_the_right_totals(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    for n in range(12):
        await ws.recodeqr_code(name=f"code {n}")
    first = (await ws.recodeqr("GET", "/api/qr-codes")).body
    assert [c["name"] for c in first["data"]] == [f"code {n}" for n in range(11, 1, -1)]
    assert (first["total"], first["page_size"], first["page_count"]) == (12, 10, 2)
    second = (await ws.recodeqr("GET", "/api/qr-codes?page=2")).body
    assert [c["name"] for c in second["data"]] == ["code 1", "code 0"]
    past = (await ws.recodeqr("GET", "/api/qr-codes?page=3&page_size=10")).body
    assert past == {"data": [], "total": 12, "page": 3, "page_size": 10, "page_count": 2}
    capped = (await ws.recodeqr("GET", "/api/qr-codes?page_size=500")).body
    assert (capped["page_size"], len(capped["data"])) == (100, 12)
    bad = await ws.recodeqr("GET", "/api/qr-codes?page=0&page_size=x")
    assert bad.status == 400
    assert set(bad.body["errors"]) == {"page", "page_size"}


async def test_status_codes_in_recodeqr_shape(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    code = await ws.recodeqr_code()
    path = f"/api/qr-codes/{code['code_id']}"
    anonymous = await ws.api.get(path)
    assert anonymous.status == 401
    assert set(await anonymous.json()) == {"error", "message"}
    reader = await ws.recodeqr("GET", path, key="qr_test_" + "x" * 32)
    assert (reader.status, reader.body["error"]) == (401, "unauthorized")
    read_only = await insert_key(ws.db, ws.id, ["codes:read"])
    assert (await ws.recodeqr("GET", path, key=read_only)).status == 200
    forbidden = await ws.recodeqr("DELETE", path, key=read_only)
    assert (forbidden.status, forbidden.body["error"]) == (403, "forbidden")
    missing = await ws.recodeqr("GET", "/api/qr-codes/qr_" + "0" * 32)
    assert missing.status == 404
    assert missing.body == {"error": "not_found", "message": "QR code not found."}
    assert (await ws.recodeqr("GET", f"{path}.gif")).status == 404
    not_allowed = await ws.recodeqr("POST", path, {})
    assert not_allowed.status == 405
    assert not_allowed.response.headers["Allow"] == "DELETE, GET, HEAD, PATCH, PUT"
    assert not_allowed.body["error"] == "method_not_allowed"
    not_json = await ws.recodeqr("POST", "/api/qr-codes", data="name=x")
    assert (not_json.status, not_json.body["error"]) == (415, "unsupported_media_type")
    other = await new_workspace()
    assert (await other.recodeqr("GET", path)).status == 404
    free = await new_workspace(plan="free")
    limited = await free.recodeqr("POST", "/api/qr-codes", link(scan_limit=10))
    assert (limited.status, limited.body["error"]) == (402, "plan_limit_exceeded")


def data_uri(image: Image.Image, fmt: str = "PNG") -> str:
    out = io.BytesIO()
    image.save(out, fmt)
    media = {"PNG": "image/png", "GIF": "image/gif"}[fmt]
    return f"data:{media};base64,{base64.b64encode(out.getvalue()).decode()}"


async def test_styles_logo_and_colours(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    logo = data_uri(Image.new("RGB", (64, 64), (200, 30, 30)))
    code = await ws.recodeqr_code(styles={"logo": logo, "remove_logo_bg": False})
    assert code["styles"] == {"logo_url": logo, "bg_color": "#FFFFFF", "fg_color": "#000000",
                              "remove_logo_bg": False}  # fmt: skip
    image = await ws.recodeqr("GET", f"/api/qr-codes/{code['code_id']}.png")
    assert image.status == 200, image.body
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.raw)).convert("RGB"))
    assert found.text.startswith("https://qr.example.test/")

    gif = data_uri(Image.new("RGB", (8, 8)), "GIF")
    errors = await create_error(ws, link(styles={"logo": gif}))
    assert "image/gif" in errors["styles"]["logo"][0]
    errors = await create_error(ws, link(styles={"fg_color": "#EEEEEE"}))
    assert "contrast" in errors["styles"]["fg_color"][0]
    errors = await create_error(ws, link(styles={"fg_color": "black", "shape": "dots"}))
    assert set(errors["styles"]) == {"shape"}
    errors = await create_error(ws, link(styles={"fg_color": "black"}))
    assert "hex colour" in errors["styles"]["fg_color"][0]
    errors = await create_error(ws, link(styles={"logo_url": "ftp://e.com/logo.png"}))
    assert "http" in errors["styles"]["logo_url"][0]


async def test_generate_refusals_name_the_parameter(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    missing = await ws.api.get("/api/generate?format=gif")
    assert missing.status == 400
    assert set((await missing.json())["errors"]) == {"data", "format"}
    colour = await ws.api.get("/api/generate?data=x&fg_color=%23FFFFFF")
    assert "fg_color" in (await colour.json())["errors"]
    advanced = await ws.api.post("/api/generate", json={"destination": "link", "data": {}})
    body = await advanced.json()
    assert body["errors"] == {"format": ["This field is required."],
                              "data": {"url": ["This field is required."]}}  # fmt: skip
    wifi = await ws.api.post(
        "/api/generate",
        json={"destination": "wifi", "format": "png",
              "data": {"ssid": "Home", "encryption": "WPA", "password": "a;b:c,d\\e1"}},
    )  # fmt: skip
    assert wifi.status == 200, await wifi.text()
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(await wifi.read())).convert("RGB"))
    assert found.text == "WIFI:T:WPA;S:Home;P:a\\;b\\:c\\,d\\\\e1;;"
