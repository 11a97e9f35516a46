"""Managing API keys through /v1/api-keys, and /v1/workspaces: secrets shown once, scopes
never beyond the caller's, other workspaces' keys invisible."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from qrstack_api.accounts.key_cache import KEY_CACHE_TTL_S
from support.ids import v1_id

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
NewAccount = Any  # the `new_account` fixture: await new_account(roles) -> Account

VIEW_FIELDS = {
    "id", "name", "prefix", "mode", "scopes", "ipAllowlist", "expiresAt", "status",
    "lastUsedAt", "createdAt", "createdBy", "accountWide",
}  # fmt: skip


async def _call(api: Client, method: str, path: str, key: str, json: Any = None) -> tuple[int, Any]:
    response = await api.request(method, path, json=json, headers={"X-API-Key": key})
    body = await response.json() if response.content_type == "application/json" else None
    return response.status, body


async def test_a_created_key_shows_its_secret_once_and_works(
    api: Client, new_account: NewAccount
) -> None:
    account = await new_account()
    admin = await account.key()
    expires = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    status, created = await _call(
        api,
        "POST",
        "/v1/api-keys",
        admin,
        {
            "name": "CI pipeline",
            "scopes": ["codes:read", "codes:write", "codes:read"],
            "ipAllowlist": ["127.0.0.1", "10.1.2.3/8"],
            "expiresAt": expires.isoformat(),
        },
    )
    assert status == 201, created
    secret = created["secret"]
    assert secret.startswith("qr_test_") and created["prefix"] == secret[:12]
    assert created["mode"] == "test" and created["status"] == "active"
    assert created["scopes"] == ["codes:read", "codes:write"]
    assert created["ipAllowlist"] == ["127.0.0.1/32", "10.0.0.0/8"]
    assert datetime.fromisoformat(created["expiresAt"]) == expires
    assert created["lastUsedAt"] is None and created["createdBy"] is None

    # The new key works, within its scopes.
    status, me = await _call(api, "GET", "/v1/me", secret)
    assert status == 200 and me["key"]["id"] == created["id"]
    assert (await _call(api, "GET", "/v1/api-keys", secret))[0] == 403

    # Never again: not in the list, not in the key's own view.
    listing = await api.get("/v1/api-keys", headers={"X-API-Key": admin})
    text = await listing.text()
    assert listing.status == 200 and secret not in text and secret[12:] not in text
    [listed] = [k for k in (await listing.json())["data"] if k["id"] == created["id"]]
    assert set(listed) == VIEW_FIELDS
    assert listed["lastUsedAt"] is not None  # it was used just now
    status, one = await _call(api, "GET", f"/v1/api-keys/{created['id']}", admin)
    assert status == 200 and set(one) == VIEW_FIELDS and one["name"] == "CI pipeline"


async def test_a_key_made_by_a_user_records_them(api: Client, new_account: NewAccount) -> None:
    account = await new_account()
    response = await api.post(
        "/v1/api-keys", json={"name": "mine", "scopes": ["codes:read"]}, headers=account.basic
    )
    assert response.status == 201
    assert (await response.json())["createdBy"] == v1_id("user", account.user_id)


async def test_scopes_are_never_beyond_the_callers(api: Client, new_account: NewAccount) -> None:
    account = await new_account()
    narrow = await account.key(["codes:read", "keys:read", "keys:write"])
    status, body = await _call(
        api, "POST", "/v1/api-keys", narrow, {"name": "x", "scopes": ["codes:write"]}
    )
    assert (status, body["error"]) == (403, "forbidden") and "codes:write" in body["detail"]
    status, body = await _call(api, "POST", "/v1/api-keys", narrow, {"name": "x", "scopes": ["*"]})
    assert (status, body["error"]) == (403, "forbidden")
    status, made = await _call(
        api, "POST", "/v1/api-keys", narrow, {"name": "x", "scopes": ["codes:read"]}
    )
    assert status == 201
    # Nor by PATCH.
    status, body = await _call(
        api, "PATCH", f"/v1/api-keys/{made['id']}", narrow, {"scopes": ["codes:write"]}
    )
    assert (status, body["error"]) == (403, "forbidden")
    # A key holding scopes the caller lacks can be neither changed nor revoked by it.
    broad = await _call(
        api, "POST", "/v1/api-keys", await account.key(), {"name": "b", "scopes": ["*"]}
    )
    broad_id = broad[1]["id"]
    assert (await _call(api, "PATCH", f"/v1/api-keys/{broad_id}", narrow, {"ipAllowlist": None}))[
        0
    ] == 403
    assert (await _call(api, "DELETE", f"/v1/api-keys/{broad_id}", narrow))[0] == 403


async def test_bad_input_is_400_naming_every_field(api: Client, new_account: NewAccount) -> None:
    key = await (await new_account()).key()
    status, body = await _call(
        api,
        "POST",
        "/v1/api-keys",
        key,
        {
            "name": "",
            "scopes": ["codes:read", "codes:delete"],
            "ipAllowlist": ["10.0.0.0/8", "not-a-network"],
            "expiresAt": "2001-01-01T00:00:00Z",
            "colour": "red",
        },
    )
    assert status == 400 and body["error"] == "validation_failed"
    paths = {tuple(issue["path"]) for issue in body["issues"]}
    assert paths == {("name",), ("scopes", 1), ("ipAllowlist", 1), ("expiresAt",), ("colour",)}
    status, body = await _call(
        api, "POST", "/v1/api-keys", key, {"name": "x", "scopes": ["*"], "mode": "live"}
    )
    assert status == 400 and body["issues"][0]["path"] == ["mode"]


async def test_patch_changes_only_what_is_sent(api: Client, new_account: NewAccount) -> None:
    key = await (await new_account()).key()
    _, made = await _call(
        api,
        "POST",
        "/v1/api-keys",
        key,
        {"name": "before", "scopes": ["codes:read"], "ipAllowlist": ["10.0.0.0/8"]},
    )
    path = f"/v1/api-keys/{made['id']}"
    status, changed = await _call(api, "PATCH", path, key, {"name": "after"})
    assert status == 200 and changed["name"] == "after"
    assert changed["scopes"] == ["codes:read"] and changed["ipAllowlist"] == ["10.0.0.0/8"]
    status, changed = await _call(
        api, "PATCH", path, key, {"ipAllowlist": None, "scopes": ["analytics:read", "codes:read"]}
    )
    assert changed["ipAllowlist"] == [] and changed["scopes"] == ["analytics:read", "codes:read"]
    assert changed["name"] == "after"
    status, body = await _call(api, "PATCH", path, key, {"name": None})
    assert status == 400 and body["issues"] == [
        {
            "path": ["name"],
            "message": "cannot be null",
            "code": "custom",
            "reason": "cannot be null",
        }
    ]


async def test_delete_revokes_at_once(api: Client, new_account: NewAccount) -> None:
    key = await (await new_account()).key()
    _, made = await _call(api, "POST", "/v1/api-keys", key, {"name": "x", "scopes": ["*"]})
    assert (await _call(api, "GET", "/v1/me", made["secret"]))[0] == 200
    status, body = await _call(api, "DELETE", f"/v1/api-keys/{made['id']}", key)
    assert status == 204 and body is None
    status, body = await _call(api, "GET", "/v1/me", made["secret"])
    assert (status, body["error"]) == (401, "unauthorized")
    assert (await _call(api, "GET", f"/v1/api-keys/{made['id']}", key))[0] == 404
    assert (await _call(api, "DELETE", f"/v1/api-keys/{made['id']}", key))[0] == 404


async def test_a_key_revoked_elsewhere_is_refused_within_the_key_caches_ttl(
    api: Client, new_account: NewAccount
) -> None:
    # Revoked by another replica (or by hand): no request here clears this process's cache.
    account = await new_account()
    key = await account.key()
    assert (await _call(api, "GET", "/v1/me", key))[0] == 200
    await account.db.execute("UPDATE api_keys SET revoked_at = now() WHERE prefix = $1", key[:12])
    await asyncio.sleep(KEY_CACHE_TTL_S)
    status, body = await _call(api, "GET", "/v1/me", key)
    assert (status, body["error"]) == (401, "unauthorized") and "revoked" in body["detail"]


async def test_another_workspaces_key_is_404(api: Client, new_account: NewAccount) -> None:
    mine = await (await new_account()).key()
    theirs = await (await new_account()).key()
    _, made = await _call(api, "POST", "/v1/api-keys", theirs, {"name": "x", "scopes": ["*"]})
    path = f"/v1/api-keys/{made['id']}"
    for method, body in (("GET", None), ("PATCH", {"name": "mine now"}), ("DELETE", None)):
        status, answer = await _call(api, method, path, mine, body)
        assert (status, answer["error"]) == (404, "not_found"), method
    listed = (await _call(api, "GET", "/v1/api-keys", mine))[1]["data"]
    assert made["id"] not in {k["id"] for k in listed}
    assert (await _call(api, "GET", "/v1/me", made["secret"]))[0] == 200  # untouched


async def test_workspaces_lists_a_users_memberships_and_a_keys_one(
    api: Client, new_account: NewAccount
) -> None:
    account = await new_account(["owner", "editor"])
    response = await api.get("/v1/workspaces", headers=account.basic)
    listed = (await response.json())["data"]
    assert [w["id"] for w in listed] == [v1_id("ws", w) for w in account.workspaces]
    assert [w["role"] for w in listed] == ["owner", "editor"]
    assert [w["isDefault"] for w in listed] == [True, False]
    assert {w["mode"] for w in listed} == {"test"} and listed[0]["plan"] == "business"

    key = await account.key(["codes:read"], workspace=1)
    status, body = await _call(api, "GET", "/v1/workspaces", key)
    assert status == 200 and [w["id"] for w in body["data"]] == [v1_id("ws", account.workspaces[1])]
    assert body["data"][0]["role"] is None


async def test_the_openapi_document_describes_the_key_routes(api: Client) -> None:
    doc = await (await api.get("/v1/openapi.json")).json()
    create = doc["paths"]["/v1/api-keys"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ApiKeyCreate"
    )
    assert set(create["responses"]) >= {"201", "400", "401", "403", "429"} and create["security"]
    assert set(doc["paths"]["/v1/api-keys/{key_id}"]) == {"get", "patch", "delete"}
    assert "secret" in doc["components"]["schemas"]["ApiKeyCreated"]["properties"]
    assert "secret" not in doc["components"]["schemas"]["ApiKeyView"]["properties"]


async def test_a_key_made_with_a_users_key_is_theirs_and_locked_with_them(
    api: Client, new_account: NewAccount
) -> None:
    account = await new_account()
    parent = await account.key(issued_by_user=True)
    _, child = await _call(api, "POST", "/v1/api-keys", parent, {"name": "c", "scopes": ["*"]})
    assert child["createdBy"] == v1_id("user", account.user_id)
    await account.db.execute("UPDATE users SET locked_at = now() WHERE id = $1", account.user_id)
    status, body = await _call(api, "GET", "/v1/me", child["secret"])
    assert (status, body["error"]) == (403, "account_locked")
