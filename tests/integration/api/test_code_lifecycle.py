"""The code resource end to end in the API: types, static vs dynamic, PATCH/PUT semantics,
soft delete/restore/purge as the redirect service sees them, listing, bulk, plan limits."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from qrstack_common.events import CODES_TOPIC, CodeSnapshot
from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace
from support.ids import kafka_key
from support.kafka import find_records

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]


async def make(api: Client, key: str, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    response = await api.post("/v1/codes", json=body, headers={"Authorization": f"Bearer {key}"})
    data: dict[str, Any] = await response.json()
    assert response.status == status, data
    return data


async def call(api: Client, method: str, path: str, key: str, **kw: Any) -> tuple[int, Any]:
    response = await api.request(method, path, headers={"Authorization": f"Bearer {key}"}, **kw)
    body = await response.json() if response.content_type == "application/json" else None
    return response.status, body


async def latest_snapshot(infra: Infrastructure, code_id: str, version: int) -> CodeSnapshot:
    [record] = await find_records(
        infra.kafka_bootstrap,
        CODES_TOPIC,
        lambda r: (
            r.key == kafka_key(code_id)
            and r.value is not None
            and CodeSnapshot.model_validate_json(r.value).version == version
        ),
    )
    return CodeSnapshot.model_validate_json(record.value)


async def test_a_static_wifi_code_encodes_its_content_and_gets_no_short_url(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    code = await make(
        api,
        ws.api_key,
        {
            "type": "wifi",
            "name": "Guest",
            "wifi": {"ssid": "Cafe; Guest", "encryption": "WPA", "password": "s3cret:pass"},
        },
    )
    assert code["dynamic"] is False
    assert code["shortUrl"] is None
    assert code["slug"] is None
    assert code["content"] == "WIFI:T:WPA;S:Cafe\\; Guest;P:s3cret\\:pass;;"
    assert code["wifi"]["ssid"] == "Cafe; Guest"

    status, body = await call(
        api,
        "PATCH",
        f"/v1/codes/{code['id']}",
        ws.api_key,
        json={"wifi": {"ssid": "Other"}},  # merged into the stored content
    )
    assert status == 400
    assert "printed" in body["issues"][0]["reason"]
    status, body = await call(
        api,
        "PATCH",
        f"/v1/codes/{code['id']}",
        ws.api_key,
        json={"name": "Guest Wi-Fi", "tags": ["lobby"]},
    )
    assert status == 200
    assert (body["name"], body["tags"], body["content"]) == (
        "Guest Wi-Fi",
        ["lobby"],
        code["content"],
    )


async def test_types_are_validated_with_their_fields(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    bad = await make(api, ws.api_key, {"type": "vcard", "card": {"phones": ["x" * 80]}}, 400)
    assert all(issue["path"][0] == "card" for issue in bad["issues"])
    unknown = await make(api, ws.api_key, {"type": "hologram"}, 400)
    assert unknown["issues"][0]["path"] == ["type"]
    missing = await make(api, ws.api_key, {"type": "menu"}, 400)
    assert missing["issues"] == [
        {
            "path": ["menu"],
            "message": "is required for menu codes",
            "code": "custom",
            "reason": "is required for menu codes",
        }
    ]
    wrong_key = await make(
        api, ws.api_key, {"type": "url", "targetUrl": "https://e.com", "wifi": {}}, 400
    )
    assert wrong_key["issues"][0]["path"] == ["wifi"]
    dyn_wifi = await make(
        api,
        ws.api_key,
        {"type": "wifi", "dynamic": True, "wifi": {"ssid": "n", "encryption": "nopass"}},
        400,
    )
    assert dyn_wifi["issues"][0]["path"] == ["dynamic"]


async def test_a_hosted_page_code_is_dynamic_and_publishes_its_page(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    code = await make(
        api,
        ws.api_key,
        {"type": "coupon", "coupon": {"code": "AUTUMN-20", "description": "20% off"}},
    )
    assert code["dynamic"] is True
    assert code["shortUrl"].endswith("/" + code["slug"])
    snapshot = await latest_snapshot(infra, code["id"], 1)
    assert snapshot.type == "coupon"
    assert snapshot.page is not None
    assert snapshot.page["code"] == "AUTUMN-20"


async def test_patch_changes_only_what_was_sent_and_null_clears(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    code = await make(
        api,
        ws.api_key,
        {
            "targetUrl": "https://e.com/a",
            "name": "A",
            "fallbackUrl": "https://e.com/f",
            "tags": ["x"],
        },
    )
    status, body = await call(
        api,
        "PATCH",
        f"/v1/codes/{code['id']}",
        ws.api_key,
        json={"targetUrl": "https://e.com/b", "fallbackUrl": None},
    )
    assert status == 200
    assert (body["targetUrl"], body["fallbackUrl"], body["name"], body["tags"]) == (
        "https://e.com/b",
        None,
        "A",
        ["x"],
    )
    snapshot = await latest_snapshot(infra, code["id"], 2)
    assert snapshot.target_url == "https://e.com/b"
    assert snapshot.fallback_url is None
    status, body = await call(
        api, "PATCH", f"/v1/codes/{code['id']}", ws.api_key, json={"redirectStatus": None}
    )
    assert status == 400
    assert body["issues"] == [
        {
            "path": ["redirectStatus"],
            "message": "cannot be null",
            "code": "custom",
            "reason": "cannot be null",
        }
    ]


async def test_put_replaces_fields_but_keeps_the_slug(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    code = await make(
        api,
        ws.api_key,
        {"targetUrl": "https://e.com/a", "name": "A", "forwardQuery": True, "tags": ["x"]},
    )
    status, body = await call(
        api, "PUT", f"/v1/codes/{code['id']}", ws.api_key, json={"targetUrl": "https://e.com/put"}
    )
    assert status == 200
    assert body["slug"] == code["slug"]
    assert (body["name"], body["forwardQuery"], body["tags"]) == (None, False, [])


async def test_delete_restore_and_purge_reach_the_redirect_table(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    code = await make(api, ws.api_key, {"targetUrl": "https://e.com/d"})
    status, _ = await call(api, "DELETE", f"/v1/codes/{code['id']}", ws.api_key)
    assert status == 204
    assert (await latest_snapshot(infra, code["id"], 2)).status == "deleted"
    status, body = await call(api, "GET", f"/v1/codes/{code['id']}", ws.api_key)
    assert (status, body["status"]) == (200, "deleted")
    status, body = await call(api, "POST", f"/v1/codes/{code['id']}/restore", ws.api_key)
    assert (status, body["status"]) == (200, "active")
    assert (await latest_snapshot(infra, code["id"], 3)).status == "active"

    status, _ = await call(api, "DELETE", f"/v1/codes/{code['id']}?purge=true", ws.api_key)
    assert status == 204
    tombstones = await find_records(
        infra.kafka_bootstrap,
        CODES_TOPIC,
        lambda r: r.key == kafka_key(code["id"]) and r.value is None,
    )
    assert len(tombstones) == 1
    status, _ = await call(api, "GET", f"/v1/codes/{code['id']}", ws.api_key)
    assert status == 404


async def test_listing_pages_newest_first_with_filters(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    made = [
        await make(
            api,
            ws.api_key,
            {
                "targetUrl": f"https://e.com/{n}",
                "name": f"item {n}",
                "tags": ["even" if n % 2 == 0 else "odd"],
            },
        )
        for n in range(5)
    ]
    seen: list[str] = []
    cursor = None
    while True:
        query = f"/v1/codes?limit=2{'&cursor=' + cursor if cursor else ''}"
        status, body = await call(api, "GET", query, ws.api_key)
        assert status == 200
        seen += [c["id"] for c in body["data"]]
        cursor = body["nextCursor"]
        if cursor is None:
            break
    assert seen == [c["id"] for c in reversed(made)]
    _, evens = await call(api, "GET", "/v1/codes?tag=even", ws.api_key)
    assert [c["name"] for c in evens["data"]] == ["item 4", "item 2", "item 0"]
    _, found = await call(api, "GET", "/v1/codes?q=item%203", ws.api_key)
    assert [c["name"] for c in found["data"]] == ["item 3"]
    status, body = await call(api, "GET", "/v1/codes?cursor=garbage", ws.api_key)
    assert (status, body["issues"][0]["path"]) == (400, ["cursor"])


async def test_bulk_reports_each_item(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    slug = f"bulk-{uuid.uuid4().hex[:6]}"
    status, body = await call(
        api,
        "POST",
        "/v1/codes/bulk",
        ws.api_key,
        json={
            "items": [
                {"targetUrl": "https://e.com/1", "slug": slug},
                {"targetUrl": "ftp://e.com/2"},
                {"targetUrl": "https://e.com/3", "slug": slug},
                {"type": "text", "text": {"text": "hello"}},
            ]
        },
    )
    assert status == 200
    assert [r["status"] for r in body["results"]] == [201, 400, 409, 201]
    assert (body["created"], body["failed"]) == (2, 2)
    assert body["results"][2]["error"]["error"] == "slug_taken"


async def test_pro_features_need_a_pro_plan(api: Client, infra: Infrastructure) -> None:
    free = await new_workspace(infra.database_url, plan="free")
    body = await make(api, free.api_key, {"targetUrl": "https://e.com", "maxScans": 10}, 402)
    assert body["error"] == "plan_limit_exceeded"
    await make(api, free.api_key, {"targetUrl": "https://e.com", "password": "pw"}, 402)
    await make(
        api,
        free.api_key,
        {"targetUrl": "https://e.com", "activeUntil": "2030-01-01T00:00:00Z"},
        402,
    )
    pro = await new_workspace(infra.database_url, plan="pro")
    code = await make(
        api,
        pro.api_key,
        {
            "targetUrl": "https://e.com",
            "password": "pw",
            "passwordHint": "the usual",
            "activeUntil": "2030-01-01T00:00:00Z",
        },
    )
    assert code["passwordProtected"] is True
    assert code["expiresAt"] == "2030-01-01T00:00:00Z"
    snapshot = await latest_snapshot(infra, code["id"], 1)
    assert snapshot.password_hash is not None
    assert snapshot.password_hash.startswith("$argon2id$")


async def test_references_to_unknown_domains_and_folders_are_400(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    body = await make(
        api,
        ws.api_key,
        {"targetUrl": "https://e.com", "domain": "qr.nowhere.test", "folderId": str(uuid.uuid4())},
        400,
    )
    assert {tuple(i["path"]) for i in body["issues"]} == {("domain",), ("folderId",)}


async def test_schedule_order_is_checked(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    body = await make(
        api,
        ws.api_key,
        {
            "targetUrl": "https://e.com",
            "activeFrom": "2030-01-02T00:00:00Z",
            "expiresAt": "2030-01-01T00:00:00Z",
        },
        400,
    )
    assert body["issues"] == [
        {
            "path": ["expiresAt"],
            "message": "must be after activeFrom",
            "code": "custom",
            "reason": "must be after activeFrom",
        }
    ]


async def test_a_bulk_body_over_a_megabyte_is_read_whole(
    api: Client, infra: Infrastructure
) -> None:
    """Bodies arrive in chunks; a single read would see only the first ~700 KB."""
    ws = await new_workspace(infra.database_url)
    items = [{"targetUrl": f"https://e.com/{n}?pad={'x' * 1900}"} for n in range(550)]
    status, body = await call(api, "POST", "/v1/codes/bulk", ws.api_key, json={"items": items})
    assert status == 200, body
    assert (body["created"], body["failed"]) == (550, 0)


async def test_changing_the_type_needs_the_new_content(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    code = await make(api, ws.api_key, {"targetUrl": "https://e.com/t"})
    status, body = await call(
        api, "PATCH", f"/v1/codes/{code['id']}", ws.api_key, json={"type": "whatsapp"}
    )
    assert status == 400
    assert body["issues"][0]["path"] == ["whatsapp"]
    status, body = await call(
        api,
        "PATCH",
        f"/v1/codes/{code['id']}",
        ws.api_key,
        json={"type": "whatsapp", "whatsapp": {"number": "+4915123456789", "message": "Hi"}},
    )
    assert status == 200, body
    assert body["targetUrl"].startswith("https://wa.me/4915123456789")


async def test_a_static_url_code_accepts_its_own_target_back(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    code = await make(api, ws.api_key, {"targetUrl": "https://e.com/s", "dynamic": False})
    assert code["content"] == "https://e.com/s"
    same = await call(
        api,
        "PATCH",
        f"/v1/codes/{code['id']}",
        ws.api_key,
        json={"targetUrl": "https://e.com/s", "name": "renamed"},
    )
    assert same[0] == 200
    other = await call(
        api,
        "PATCH",
        f"/v1/codes/{code['id']}",
        ws.api_key,
        json={"targetUrl": "https://e.com/other"},
    )
    assert other[0] == 400


async def test_odd_but_well_formed_bodies_get_a_400_not_a_500(
    api: Client, infra: Infrastructure
) -> None:
    """Found by schemathesis: an empty type on a static code with every field null."""
    ws = await new_workspace(infra.database_url)
    body = await make(
        api,
        ws.api_key,
        {
            "activeFrom": None,
            "dynamic": False,
            "password": "x",
            "passwordHint": "y",
            "redirectStatus": 301,
            "scanTrackingEnabled": False,
            "slug": "",
            "status": "active",
            "tags": None,
            "targetUrl": None,
            "type": "",
        },
        400,
    )
    assert body["error"] == "validation_failed"
