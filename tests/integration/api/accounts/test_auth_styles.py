"""Every credential style the seed services use works, and the Basic sign-in hands out the
documented `sessionid` cookie, which alone authenticates until it expires."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from support.ids import v1_id

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
NewAccount = Any  # the `new_account` fixture: await new_account(roles) -> Account


async def _me(api: Client, path: str = "/v1/me", **kwargs: Any) -> tuple[int, Any]:
    response = await api.get(path, **kwargs)
    return response.status, await response.json()


@pytest.mark.parametrize(
    "style",
    ["bearer", "x-api-key", "x-api-key-lower", "query"],
)
async def test_an_api_key_works_in_every_style(
    api: Client, new_account: NewAccount, style: str
) -> None:
    account = await new_account()
    key = await account.key(["codes:read"])
    kwargs: dict[str, Any] = {
        "bearer": {"headers": {"Authorization": f"Bearer {key}"}},
        "x-api-key": {"headers": {"X-API-Key": key}},
        "x-api-key-lower": {"headers": {"X-Api-Key": key}},
        "query": {"params": {"apiKey": key}},
    }[style]
    status, me = await _me(api, **kwargs)
    assert status == 200, me
    assert me["authenticatedBy"] == "api_key" and me["user"] is None
    assert me["key"]["prefix"] == key[:12]
    assert me["workspace"]["id"] == v1_id("ws", account.workspaces[0])
    assert me["workspace"]["mode"] == "test" and me["scopes"] == ["codes:read"]


async def test_basic_sign_in_sets_the_documented_session_cookie(
    api: Client, new_account: NewAccount
) -> None:
    account = await new_account()
    before = datetime.now(UTC)
    response = await api.get("/v1/me", headers=account.basic)
    assert response.status == 200, await response.text()
    me = await response.json()
    assert me["authenticatedBy"] == "basic"
    assert me["user"] == {"id": v1_id("user", account.user_id), "email": account.email}

    [cookie] = response.headers.getall("Set-Cookie")
    name_value, *attributes = [part.strip() for part in cookie.split(";")]
    name, token = name_value.split("=", 1)
    assert name == "sessionid" and len(token) >= 43
    flags = {a.partition("=")[0].lower(): a.partition("=")[2] for a in attributes}
    assert flags["max-age"] == "1209600" and flags["path"] == "/"
    assert {"httponly", "secure"} <= flags.keys() and flags["samesite"] == "Lax"
    expires = parsedate_to_datetime(flags["expires"])
    assert abs(expires - (before + timedelta(days=14))) < timedelta(seconds=5)

    # The cookie alone authenticates later requests, as the same user.
    status, again = await _me(api, headers={"Cookie": f"sessionid={token}"})
    assert status == 200 and again["authenticatedBy"] == "session"
    assert again["user"]["id"] == v1_id("user", account.user_id)
    # Only the token's hash is stored.
    stored = await account.db.fetchval(
        "SELECT count(*) FROM sessions WHERE user_id = $1 AND token_hash = sha256($2::bytea)",
        account.user_id,
        token.encode(),
    )
    assert stored == 1


async def test_basic_email_is_case_insensitive_and_owner_holds_every_scope(
    api: Client, new_account: NewAccount
) -> None:
    account = await new_account()
    raw = f"{account.email.lower()}:{account.password}".encode()
    status, me = await _me(
        api, headers={"Authorization": "Basic " + base64.b64encode(raw).decode()}
    )
    assert status == 200, me
    assert "*" in me["scopes"] and "keys:write" in me["scopes"]
    assert me["workspace"]["role"] == "owner"


async def test_an_expired_session_is_401(api: Client, new_account: NewAccount) -> None:
    account = await new_account()
    response = await api.get("/v1/me", headers=account.basic)
    token = response.cookies["sessionid"].value
    await account.db.execute(
        "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1",
        account.user_id,
    )
    status, body = await _me(api, headers={"Cookie": f"sessionid={token}"})
    assert status == 401 and body["error"] == "unauthorized"
    assert "expired" in body["detail"]


async def test_an_unknown_session_is_401(api: Client) -> None:
    status, body = await _me(api, headers={"Cookie": "sessionid=" + "A" * 43})
    assert status == 401 and body["error"] == "unauthorized"


async def test_a_member_acts_with_their_roles_scopes(api: Client, new_account: NewAccount) -> None:
    account = await new_account(["editor"])
    status, me = await _me(api, headers=account.basic)
    assert status == 200
    assert "codes:write" in me["scopes"] and "keys:read" not in me["scopes"]
    response = await api.get("/v1/api-keys", headers=account.basic)
    assert response.status == 403 and (await response.json())["error"] == "forbidden"
