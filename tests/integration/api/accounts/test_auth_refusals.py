"""Every way a credential is refused: what status and error code the caller sees."""

from __future__ import annotations

import asyncio
import base64
import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from qrstack_api.accounts.key_cache import KEY_CACHE_TTL_S
from qrstack_api.accounts.secrets import new_api_key
from support.ids import v1_id

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
NewAccount = Any  # the `new_account` fixture: await new_account(roles) -> Account


async def _call(api: Client, path: str = "/v1/me", **kwargs: Any) -> tuple[int, Any]:
    response = await api.get(path, **kwargs)
    return response.status, await response.json()


def _basic(email: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


async def test_no_credential_is_401_with_a_challenge(api: Client) -> None:
    response = await api.get("/v1/codes")
    assert response.status == 401
    assert (await response.json())["error"] == "unauthorized"
    challenge = response.headers["WWW-Authenticate"]
    assert "Bearer" in challenge and "Basic" in challenge


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": f"Bearer {new_api_key(test=True)}"},  # well-formed, unknown
        {"Authorization": "Bearer not-a-key"},
        {"X-API-Key": "qr_live_short"},
        {"Authorization": "Digest username=x"},  # a scheme we do not speak
        {"Authorization": "Basic %%%not-base64"},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
    ],
)
async def test_invalid_credentials_are_401(api: Client, headers: dict[str, str]) -> None:
    status, body = await _call(api, headers=headers)
    assert status == 401 and body["error"] == "unauthorized"


async def test_revoked_and_expired_keys_are_401(api: Client, new_account: NewAccount) -> None:
    account = await new_account()
    revoked = await account.key()
    await account.db.execute(
        "UPDATE api_keys SET revoked_at = now() WHERE prefix = $1 AND workspace_id = $2",
        revoked[:12],
        account.workspaces[0],
    )
    expired = await account.key(expires_in="-1 second")
    status, body = await _call(api, headers={"X-API-Key": revoked})
    assert (status, body["error"]) == (401, "unauthorized") and "revoked" in body["detail"]
    status, body = await _call(api, headers={"X-API-Key": expired})
    assert (status, body["error"]) == (401, "unauthorized") and "expired" in body["detail"]
    valid = await account.key(expires_in="1 hour")
    assert (await _call(api, headers={"X-API-Key": valid}))[0] == 200


async def test_a_missing_scope_is_403(api: Client, new_account: NewAccount) -> None:
    account = await new_account()
    key = await account.key(["codes:read"])
    status, body = await _call(api, "/v1/api-keys", headers={"X-API-Key": key})
    assert status == 403 and body["error"] == "forbidden" and "keys:read" in body["detail"]


async def test_unknown_email_and_wrong_password_get_the_same_401(
    api: Client, new_account: NewAccount
) -> None:
    account = await new_account()
    wrong_password = await _call(api, headers=_basic(account.email, "not the password"))
    unknown_email = await _call(
        api, headers=_basic(f"nobody-{uuid.uuid4().hex[:8]}@example.com", account.password)
    )
    assert wrong_password == unknown_email
    assert wrong_password[0] == 401 and wrong_password[1]["error"] == "unauthorized"


async def test_repeated_failed_sign_ins_are_refused_even_with_the_right_password(
    api: Client, new_account: NewAccount
) -> None:
    account = await new_account()  # the `api` app allows 3 failures per email
    for _ in range(3):
        status, _body = await _call(api, headers=_basic(account.email, "guess"))
        assert status == 401
    response = await api.get("/v1/me", headers=account.basic)
    assert response.status == 429
    assert (await response.json())["error"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 900
    # Keys of the same user's workspace are not affected.
    key = await account.key()
    assert (await _call(api, headers={"X-API-Key": key}))[0] == 200


async def test_a_locked_user_is_403_for_basic_session_and_the_keys_they_issued(
    api: Client, new_account: NewAccount
) -> None:
    account = await new_account()
    session = (await api.get("/v1/me", headers=account.basic)).cookies["sessionid"].value
    issued = await account.key(issued_by_user=True)
    cli_key = await account.key()
    await account.db.execute("UPDATE users SET locked_at = now() WHERE id = $1", account.user_id)

    for headers in (account.basic, {"Cookie": f"sessionid={session}"}, {"X-API-Key": issued}):
        status, body = await _call(api, headers=headers)
        assert (status, body["error"]) == (403, "account_locked"), headers
        assert body["detail"].startswith("Account is locked")
    # Without the password, nobody learns that the account is locked.
    status, body = await _call(api, headers=_basic(account.email, "wrong"))
    assert (status, body["error"]) == (401, "unauthorized")
    # A key issued by the CLI belongs to the workspace and keeps working.
    assert (await _call(api, headers={"X-API-Key": cli_key}))[0] == 200


async def test_an_ip_allowlist_refuses_other_addresses(
    api: Client, new_account: NewAccount
) -> None:
    account = await new_account()
    elsewhere = await account.key(allowlist=["203.0.113.0/24"])
    status, body = await _call(api, headers={"X-API-Key": elsewhere})
    assert (status, body["error"]) == (403, "ip_not_allowed")
    assert "Request IP Not Whitelisted" in body["detail"]
    here = await account.key(allowlist=["10.0.0.0/8", "127.0.0.0/8"])
    assert (await _call(api, headers={"X-API-Key": here}))[0] == 200


async def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(
    api: Client, new_account: NewAccount
) -> None:
    # The `api` app trusts no proxy: the header is the client's own claim.
    account = await new_account()
    key = await account.key(allowlist=["203.0.113.0/24"])
    status, body = await _call(api, headers={"X-API-Key": key, "X-Forwarded-For": "203.0.113.7"})
    assert (status, body["error"]) == (403, "ip_not_allowed")


async def test_x_forwarded_for_from_a_trusted_proxy_is_believed_right_to_left(
    limited: Client, new_account: NewAccount
) -> None:
    # The `limited` app trusts 127.0.0.1 (the test client) as a proxy.
    account = await new_account()
    key = await account.key(allowlist=["203.0.113.0/24"])
    ok, _ = await _call(limited, headers={"X-API-Key": key, "X-Forwarded-For": "203.0.113.7"})
    assert ok == 200
    # The right-most untrusted entry is the client; what it put left of itself is not believed.
    status, body = await _call(
        limited, headers={"X-API-Key": key, "X-Forwarded-For": "203.0.113.7, 192.0.2.1"}
    )
    assert (status, body["error"]) == (403, "ip_not_allowed")
    assert "192.0.2.1" in body["detail"]


async def test_workspace_selection_for_users(api: Client, new_account: NewAccount) -> None:
    account = await new_account(["owner", "editor"])
    first, second = account.workspaces
    status, me = await _call(api, headers=account.basic)
    assert me["workspace"]["id"] == v1_id("ws", first) and me["workspace"]["isDefault"]
    status, me = await _call(api, params={"workspaceId": str(second)}, headers=account.basic)
    assert status == 200 and me["workspace"]["id"] == v1_id("ws", second)
    assert me["workspace"]["role"] == "editor" and "keys:write" not in me["scopes"]

    # Not a member: as for any other workspace's resource, 404.
    outsider = await new_account()
    status, body = await _call(
        api, params={"workspaceId": str(outsider.workspaces[0])}, headers=account.basic
    )
    assert (status, body["error"]) == (404, "not_found")
    status, body = await _call(api, params={"workspaceId": "ws_123"}, headers=account.basic)
    assert (status, body["error"]) == (400, "validation_failed")
    assert body["issues"] == [
        {
            "path": ["workspaceId"],
            "message": "must be a workspace id (ws_ and 32 hex digits)",
            "code": "custom",
            "reason": "must be a workspace id (ws_ and 32 hex digits)",
        }
    ]


async def test_workspace_selection_for_keys(api: Client, new_account: NewAccount) -> None:
    account = await new_account(["owner", "owner"])
    key = await account.key(workspace=0)
    own = {"workspaceId": str(account.workspaces[0])}
    other = {"workspaceId": str(account.workspaces[1])}
    assert (await _call(api, params=own, headers={"X-API-Key": key}))[0] == 200
    status, body = await _call(api, params=other, headers={"X-API-Key": key})
    assert (status, body["error"]) == (403, "forbidden")


async def test_keys_act_only_on_workspaces_of_their_kind(
    api: Client, new_account: NewAccount
) -> None:
    account = await new_account(test=False)
    live = await account.key()
    assert live.startswith("qr_live_")
    assert (await _call(api, headers={"X-API-Key": live}))[0] == 200
    # The same key made into a qr_test_ one (same hash scheme) would not act on a live workspace.
    await account.db.execute(
        "UPDATE workspaces SET is_test = true WHERE id = $1", account.workspaces[0]
    )
    await asyncio.sleep(KEY_CACHE_TTL_S)  # a change made in the database reaches keys this late
    status, body = await _call(api, headers={"X-API-Key": live})
    assert (status, body["error"]) == (401, "unauthorized")
