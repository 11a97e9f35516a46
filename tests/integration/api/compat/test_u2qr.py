"""U2QR's documentation (seed 003): each usage example sent as documented and answered in the
documented shape, errors as exactly `{"error": "…"}`, TEXT codes, time-based access and the
search by name."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from integration.api.compat.compat_client import NewWorkspace

from qrstack_common.events import CODES_TOPIC, CodeSnapshot
from qrstack_launcher.stack import Infrastructure
from support.ids import kafka_key, uuid_of
from support.kafka import find_records

pytestmark = pytest.mark.infra

LIST_FIELDS = ["id", "shortCode", "name", "type", "data", "isDynamic", "createdAt", "updatedAt",
               "_count"]  # fmt: skip
GET_FIELDS = LIST_FIELDS[:-1]
WRITE_FIELDS = [*GET_FIELDS[:6], "isActive", "startDate", "endDate", *GET_FIELDS[6:]]
JS_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
WEBSITE = {"name": "My Website", "type": "WEBSITE", "data": {"url": "https://example.com"}}


async def test_create_a_new_qr_code(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    answer = await ws.u2qr("POST", "/api/v1/qrcodes", WEBSITE)
    assert answer.status == 201, answer.body
    code = answer.body
    assert list(code) == WRITE_FIELDS
    assert {k: code[k] for k in ("name", "type", "data", "isDynamic", "isActive")} == {
        **WEBSITE,
        "isDynamic": True,
        "isActive": True,
    }
    assert (code["startDate"], code["endDate"]) == (None, None)
    assert re.fullmatch(r"[A-Za-z0-9]{8}", code["shortCode"])
    assert JS_DATE.match(code["createdAt"])
    assert JS_DATE.match(code["updatedAt"])
    v1 = await ws.v1("GET", f"/v1/codes/{code['id']}")
    assert (v1.body["slug"], v1.body["targetUrl"]) == (code["shortCode"], "https://example.com")


async def test_list_all_qr_codes(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    website = (await ws.u2qr("POST", "/api/v1/qrcodes", WEBSITE)).body
    note = {"name": "Note", "type": "TEXT", "data": {"content": "Hi"}}
    text = (await ws.u2qr("POST", "/api/v1/qrcodes", note)).body
    answer = await ws.u2qr("GET", "/api/v1/qrcodes")
    assert answer.status == 200
    assert isinstance(answer.body, list)
    assert [item["id"] for item in answer.body] == [text["id"], website["id"]]  # newest first
    for item, made in zip(answer.body, (text, website), strict=True):
        assert list(item) == LIST_FIELDS
        assert item == {**{k: made[k] for k in GET_FIELDS}, "_count": {"scans": None}}


async def test_get_a_specific_qr_code(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    made = (await ws.u2qr("POST", "/api/v1/qrcodes", WEBSITE)).body
    answer = await ws.u2qr("GET", f"/api/v1/qrcodes/{made['shortCode']}")
    assert answer.status == 200
    assert list(answer.body) == GET_FIELDS
    assert answer.body == {k: made[k] for k in GET_FIELDS}
    by_id = await ws.u2qr("GET", f"/api/v1/qrcodes/{made['id']}")
    assert by_id.body == answer.body


async def test_update_a_qr_code(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    made = (await ws.u2qr("POST", "/api/v1/qrcodes", WEBSITE)).body
    answer = await ws.u2qr(
        "PUT",
        f"/api/v1/qrcodes/{made['shortCode']}",
        {"name": "Updated Website", "type": "WEBSITE",
         "data": {"url": "https://updated-example.com"}},
    )  # fmt: skip
    assert answer.status == 200, answer.body
    assert list(answer.body) == WRITE_FIELDS
    assert answer.body == {
        **made,
        "name": "Updated Website",
        "data": {"url": "https://updated-example.com"},
        "updatedAt": answer.body["updatedAt"],
    }
    assert answer.body["shortCode"] == made["shortCode"]  # the printed code keeps working
    assert answer.body["updatedAt"] > made["updatedAt"]


async def test_delete_a_qr_code(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    made = (await ws.u2qr("POST", "/api/v1/qrcodes", WEBSITE)).body
    answer = await ws.u2qr("DELETE", f"/api/v1/qrcodes/{made['shortCode']}")
    assert (answer.status, answer.raw) == (204, b"")
    gone = await ws.u2qr("GET", f"/api/v1/qrcodes/{made['shortCode']}")
    assert (gone.status, gone.body) == (404, {"error": "QR code not found."})
    assert (await ws.u2qr("GET", "/api/v1/qrcodes")).body == []
    # /v1's soft delete: recoverable there.
    assert (await ws.v1("GET", f"/v1/codes/{made['id']}")).body["status"] == "deleted"


async def test_errors_are_exactly_an_error_message(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    anonymous = await ws.api.get("/api/v1/qrcodes")
    assert anonymous.status == 401
    assert list(await anonymous.json()) == ["error"]
    assert (await ws.u2qr("GET", "/api/v1/qrcodes/nope1234")).body == {
        "error": "QR code not found."
    }
    patch = await ws.u2qr("PATCH", "/api/v1/qrcodes/nope1234", {})
    assert patch.status == 405
    assert patch.response.headers["Allow"] == "DELETE, GET, HEAD, PUT"
    assert list(patch.body) == ["error"]
    bad_url = await ws.u2qr("POST", "/api/v1/qrcodes", {**WEBSITE, "data": {"url": "ftp://x"}})
    assert bad_url.status == 400
    assert list(bad_url.body) == ["error"]
    assert bad_url.body["error"].startswith("data.url: must be an http:// or https:// URL")
    missing = await ws.u2qr("POST", "/api/v1/qrcodes", {"name": "x"})
    assert missing.body == {"error": "type: is required (and 1 more)"}
    wrong = await ws.u2qr("POST", "/api/v1/qrcodes", {**WEBSITE, "type": "PDF"})
    assert wrong.body == {"error": "type: must be WEBSITE or TEXT"}
    long_text = {"name": "T", "type": "TEXT", "data": {"content": "x" * 1501}}
    text = await ws.u2qr("POST", "/api/v1/qrcodes", long_text)
    assert text.body == {"error": "data.content: must be at most 1500 characters (got 1501)"}
    not_json = await ws.api.post(
        "/api/v1/qrcodes", data=b"name=x", headers={"X-API-Key": ws.key,
                                                   "Content-Type": "text/plain"}
    )  # fmt: skip
    assert not_json.status == 415
    assert list(await not_json.json()) == ["error"]


async def test_a_text_code_is_static_and_named_by_its_code_id(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    made = await ws.u2qr(
        "POST", "/api/v1/qrcodes", {"name": "Note", "type": "TEXT", "data": {"content": "Hi!"}}
    )
    assert made.status == 201, made.body
    assert (made.body["isDynamic"], made.body["data"]) == (False, {"content": "Hi!"})
    assert made.body["shortCode"] == "qr_" + uuid_of(made.body["id"]).hex
    got = await ws.u2qr("GET", f"/api/v1/qrcodes/{made.body['shortCode']}")
    assert got.body["data"] == {"content": "Hi!"}
    v1 = await ws.v1("GET", f"/v1/codes/{made.body['id']}")
    assert (v1.body["type"], v1.body["content"], v1.body["shortUrl"]) == ("text", "Hi!", None)
    path = f"/api/v1/qrcodes/{made.body['shortCode']}"
    off = await ws.u2qr("PUT", path, {"isActive": False})
    assert off.status == 400
    assert off.body["error"].startswith("isActive: a TEXT code carries its text in the image")
    dated = await ws.u2qr("PUT", path, {"endDate": "2030-01-01T00:00:00Z"})
    assert dated.body["error"].startswith("endDate: ")
    as_read = {"name": "Renamed", "type": "TEXT", "data": {"content": "Hi!"}, "isActive": True}
    renamed = await ws.u2qr("PUT", path, as_read)
    assert (renamed.status, renamed.body["name"]) == (200, "Renamed")
    changed = await ws.u2qr("PUT", path, {"data": {"content": "Changed"}})
    assert changed.status == 400


async def test_time_based_access_reaches_the_redirect_snapshot(
    new_workspace: NewWorkspace, infra: Infrastructure
) -> None:
    ws = await new_workspace()
    made = await ws.u2qr(
        "POST",
        "/api/v1/qrcodes",
        {**WEBSITE, "isActive": False, "startDate": "2026-03-01T08:00:00+01:00",
         "endDate": "2026-03-31"},
    )  # fmt: skip
    assert made.status == 201, made.body
    assert (made.body["isActive"], made.body["startDate"], made.body["endDate"]) == (
        False,
        "2026-03-01T07:00:00.000Z",
        "2026-03-31T00:00:00.000Z",
    )
    v1 = (await ws.v1("GET", f"/v1/codes/{made.body['id']}")).body
    assert (v1["status"], v1["activeFrom"], v1["expiresAt"]) == (
        "suspended",
        "2026-03-01T07:00:00Z",
        "2026-03-31T00:00:00Z",
    )
    [record] = await find_records(
        infra.kafka_bootstrap, CODES_TOPIC, lambda r: r.key == kafka_key(made.body["id"])
    )
    snapshot = CodeSnapshot.model_validate_json(record.value)
    assert snapshot.status == "suspended"
    assert snapshot.active_from == datetime.fromisoformat("2026-03-01T07:00:00+00:00")
    reopened = await ws.u2qr(
        "PUT", f"/api/v1/qrcodes/{made.body['shortCode']}", {"isActive": True, "endDate": None}
    )
    assert (reopened.body["isActive"], reopened.body["endDate"]) == (True, None)
    assert reopened.body["startDate"] == "2026-03-01T07:00:00.000Z"  # not sent: kept
    bad = await ws.u2qr("POST", "/api/v1/qrcodes", {**WEBSITE, "startDate": "next week"})
    assert bad.body["error"].startswith("startDate: must be an ISO 8601 date-time")


async def test_search_filters_by_name_only(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    for name, url in (("Summer Sale", "https://shop.example.com/a"),
                      ("summer menu", "https://menu.example.com/"),
                      ("Winter", "https://summer.example.com/")):  # fmt: skip
        await ws.u2qr("POST", "/api/v1/qrcodes",
                      {"name": name, "type": "WEBSITE", "data": {"url": url}})  # fmt: skip
    found = (await ws.u2qr("GET", "/api/v1/qrcodes?search=SUMMER")).body
    assert [c["name"] for c in found] == ["summer menu", "Summer Sale"]
    assert (await ws.u2qr("GET", "/api/v1/qrcodes?search=nothing")).body == []
    assert len((await ws.u2qr("GET", "/api/v1/qrcodes")).body) == 3
