"""Teams through /v1: workspaces created and renamed, members' roles enforced on sessions and on
keys, invites by link (once, until they expire or are revoked), the last owner kept, and
another workspace's members and invites invisible."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from support.ids import uuid_of, v1_id

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
NewAccount = Any  # the `new_account` fixture: await new_account(roles) -> Account


def _ws(workspace_id: Any) -> str:
    return v1_id("ws", workspace_id)


async def _json(response: Any) -> Any:
    return await response.json() if response.content_type == "application/json" else None


async def _invite(api: Client, owner: Any, role: str = "editor", **extra: Any) -> dict[str, Any]:
    response = await api.post(
        f"/v1/workspaces/{_ws(owner.workspaces[0])}/invites",
        json={"role": role, **extra},
        headers=owner.basic,
    )
    assert response.status == 201, await response.text()
    return dict(await response.json())


async def _join_as_new(api: Client, token: str, email: str | None = None) -> tuple[str, Any]:
    """Accept as a new account; the session cookie it hands out, and the answer."""
    email = email or f"new-{secrets.token_hex(4)}@example.com"
    response = await api.post(
        "/v1/invites/accept",
        json={"token": token, "email": email, "password": "correct horse battery"},
    )
    assert response.status == 200, await response.text()
    return response.cookies["sessionid"].value, await response.json()


def _cookie(session: str) -> dict[str, str]:
    return {"Cookie": f"sessionid={session}"}


async def test_an_invite_link_makes_an_account_that_joins_with_the_role(
    api: Client, new_account: NewAccount
) -> None:
    owner = await new_account()
    invite = await _invite(api, owner, "viewer")
    assert invite["token"].startswith("qri_") and invite["url"].endswith(invite["token"])
    assert invite["status"] == "pending" and invite["id"].startswith("inv_")
    preview = await api.post("/v1/invites/preview", json={"token": invite["token"]})
    assert (await preview.json())["workspaceName"] == "Workspace 0"
    session, joined = await _join_as_new(api, invite["token"])
    assert joined["accountCreated"] is True and joined["role"] == "viewer"
    assert joined["workspaceId"] == _ws(owner.workspaces[0])
    me = await (await api.get("/v1/me", headers=_cookie(session))).json()
    assert me["workspace"]["role"] == "viewer" and "codes:write" not in me["scopes"]
    listed = await (await api.get("/v1/workspaces", headers=_cookie(session))).json()
    assert [w["id"] for w in listed["data"]] == [_ws(owner.workspaces[0])]
    # Only the token's SHA-256 is stored.
    row = await owner.db.fetchrow(
        "SELECT token_hash FROM invites WHERE id = $1", uuid_of(invite["id"])
    )
    assert bytes(row["token_hash"]) == hashlib.sha256(invite["token"].encode()).digest()


async def test_a_viewer_reads_but_cannot_write_by_session_or_by_key(
    api: Client, new_account: NewAccount
) -> None:
    viewer = await new_account(["viewer"])
    assert (await api.get("/v1/codes", headers=viewer.basic)).status == 200
    refused = await api.post(
        "/v1/codes", json={"targetUrl": "https://example.com/v"}, headers=viewer.basic
    )
    assert refused.status == 403 and "viewer role" in (await refused.json())["detail"]
    # A key the viewer issued with every scope holds only what the role holds.
    key = await viewer.key(("*",), issued_by_user=True)
    assert (await api.get("/v1/codes", headers={"X-API-Key": key})).status == 200
    posted = await api.post(
        "/v1/codes", json={"targetUrl": "https://example.com/v"}, headers={"X-API-Key": key}
    )
    assert posted.status == 403
    me = await (await api.get("/v1/me", headers={"X-API-Key": key})).json()
    assert "codes:write" not in me["scopes"] and "codes:read" in me["scopes"]
    count = await viewer.db.fetchval(
        "SELECT count(*) FROM codes WHERE workspace_id = $1", viewer.workspaces[0]
    )
    assert count == 0


async def test_an_editor_works_with_codes_but_manages_no_members_or_keys(
    api: Client, new_account: NewAccount
) -> None:
    editor = await new_account(["editor"])
    made = await api.post(
        "/v1/codes", json={"targetUrl": "https://example.com/e"}, headers=editor.basic
    )
    assert made.status == 201
    path = f"/v1/workspaces/{_ws(editor.workspaces[0])}"
    assert (await api.get(f"{path}/members", headers=editor.basic)).status == 200
    for method, url, body in (
        ("POST", f"{path}/invites", {"role": "viewer"}),
        ("GET", f"{path}/invites", None),
        ("PATCH", path, {"name": "Mine now"}),
        ("POST", "/v1/api-keys", {"name": "k", "scopes": ["codes:read"]}),
    ):
        response = await api.request(method, url, json=body, headers=editor.basic)
        assert response.status == 403, (method, url)


async def test_a_demoted_or_removed_member_keeps_no_more_than_the_new_role(
    api: Client, new_account: NewAccount
) -> None:
    owner = await new_account()
    invite = await _invite(api, owner, "editor")
    session, joined = await _join_as_new(api, invite["token"])
    key_answer = await api.post(
        "/v1/api-keys", json={"name": "mine", "scopes": ["codes:read", "codes:write"]},
        headers=_cookie(session),
    )  # fmt: skip
    assert key_answer.status == 403  # editors manage no keys
    member = f"/v1/workspaces/{_ws(owner.workspaces[0])}/members/{joined['userId']}"
    demoted = await api.patch(member, json={"role": "viewer"}, headers=owner.basic)
    assert demoted.status == 200 and (await demoted.json())["role"] == "viewer"
    refused = await api.post(
        "/v1/codes", json={"targetUrl": "https://example.com/d"}, headers=_cookie(session)
    )
    assert refused.status == 403
    assert (await api.delete(member, headers=owner.basic)).status == 204
    gone = await api.get("/v1/codes", headers=_cookie(session))
    assert gone.status == 403  # the account belongs to no workspace now
    listed = await (await api.get(member.rsplit("/", 1)[0], headers=owner.basic)).json()
    assert [m["role"] for m in listed["data"]] == ["owner"]


async def test_a_removed_members_keys_stop_working(api: Client, new_account: NewAccount) -> None:
    owner = await new_account()
    member = await new_account(["editor"])
    await owner.db.execute(
        "INSERT INTO memberships (user_id, workspace_id, role) VALUES ($1, $2, 'admin')",
        member.user_id,
        owner.workspaces[0],
    )
    admin_key = await member.key(("*",), issued_by_user=True)
    await owner.db.execute(
        "UPDATE api_keys SET workspace_id = $1 WHERE prefix = $2",
        owner.workspaces[0],
        admin_key[:12],
    )
    assert (await api.get("/v1/codes", headers={"X-API-Key": admin_key})).status == 200
    path = f"/v1/workspaces/{_ws(owner.workspaces[0])}/members/{v1_id('user', member.user_id)}"
    assert (await api.delete(path, headers=owner.basic)).status == 204
    refused = await api.get("/v1/codes", headers={"X-API-Key": admin_key})
    assert refused.status == 401
    assert "no longer a member" in (await refused.json())["detail"]


async def test_the_last_owner_can_be_neither_demoted_nor_removed(
    api: Client, new_account: NewAccount
) -> None:
    owner = await new_account()
    members = f"/v1/workspaces/{_ws(owner.workspaces[0])}/members"
    me = f"{members}/{v1_id('user', owner.user_id)}"
    demoted = await api.patch(me, json={"role": "admin"}, headers=owner.basic)
    assert demoted.status == 409 and "only owner" in (await demoted.json())["detail"]
    assert (await api.delete(me, headers=owner.basic)).status == 409
    # With a second owner, the first may step down.
    invite = await _invite(api, owner, "owner")
    await _join_as_new(api, invite["token"])
    assert (await api.patch(me, json={"role": "admin"}, headers=owner.basic)).status == 200
    listed = await (await api.get(members, headers=owner.basic)).json()
    roles = [m["role"] for m in listed["data"]]
    assert sorted(roles) == ["admin", "owner"]


async def test_only_an_owner_makes_invites_or_changes_owners(
    api: Client, new_account: NewAccount
) -> None:
    owner = await new_account()
    invite = await _invite(api, owner, "admin")
    admin_session, _ = await _join_as_new(api, invite["token"])
    admin = _cookie(admin_session)
    path = f"/v1/workspaces/{_ws(owner.workspaces[0])}"
    refused = await api.post(f"{path}/invites", json={"role": "owner"}, headers=admin)
    assert refused.status == 403
    owner_member = f"{path}/members/{v1_id('user', owner.user_id)}"
    assert (await api.patch(owner_member, json={"role": "viewer"}, headers=admin)).status == 403
    assert (await api.delete(owner_member, headers=admin)).status == 403
    made = await api.post(f"{path}/invites", json={"role": "viewer"}, headers=admin)
    assert made.status == 201
    renamed = await api.patch(path, json={"name": "  Renamed  "}, headers=admin)
    assert renamed.status == 200 and (await renamed.json())["name"] == "Renamed"


@pytest.mark.parametrize("how", ["used", "revoked", "expired"])
async def test_a_used_revoked_or_expired_invite_is_refused(
    api: Client, new_account: NewAccount, how: str
) -> None:
    owner = await new_account()
    invite = await _invite(api, owner)
    if how == "used":
        await _join_as_new(api, invite["token"])
    elif how == "revoked":
        path = f"/v1/workspaces/{_ws(owner.workspaces[0])}/invites/{invite['id']}"
        assert (await api.delete(path, headers=owner.basic)).status == 204
    else:
        await owner.db.execute(
            "UPDATE invites SET expires_at = now() - interval '1 minute' WHERE id = $1",
            uuid_of(invite["id"]),
        )
    response = await api.post(
        "/v1/invites/accept",
        json={"token": invite["token"], "email": "late@example.com", "password": "x" * 12},
    )
    body = await response.json()
    assert response.status == 409 and body["issues"][0]["path"] == ["token"]
    assert {"used": "already used", "revoked": "revoked", "expired": "expired"}[how] in body[
        "detail"
    ]
    assert (
        await owner.db.fetchval("SELECT count(*) FROM users WHERE email = 'late@example.com'") == 0
    )
    preview = await (await api.post("/v1/invites/preview", json={"token": invite["token"]})).json()
    assert preview["status"] == {"used": "accepted"}.get(how, how)
    listed = await (
        await api.get(f"/v1/workspaces/{_ws(owner.workspaces[0])}/invites", headers=owner.basic)
    ).json()
    assert listed["data"][0]["status"] == {"used": "accepted"}.get(how, how)


async def test_accepting_refuses_bad_input_with_the_field(
    api: Client, new_account: NewAccount
) -> None:
    owner = await new_account()
    unknown = await api.post("/v1/invites/accept", json={"token": "qri_" + "a" * 43})
    assert unknown.status == 404
    invite = await _invite(api, owner, email="ada@example.com")
    cases: list[tuple[dict[str, Any], int, list[str]]] = [
        ({}, 400, ["email"]),  # neither signed in nor a new account's email and password
        ({"email": "ada@example.com", "password": "short"}, 400, ["password"]),
        ({"email": "bob@example.com", "password": "x" * 12}, 400, ["email"]),  # not for bob
        ({"email": owner.email, "password": "x" * 12}, 400, ["email"]),
    ]
    for extra, status, path in cases:
        response = await api.post("/v1/invites/accept", json={"token": invite["token"], **extra})
        body = await response.json()
        assert response.status == status, (extra, body)
        assert body["issues"][0]["path"] == path, (extra, body)
    # An email with an account: sign in first.
    open_invite = await _invite(api, owner)
    taken = await api.post(
        "/v1/invites/accept",
        json={"token": open_invite["token"], "email": owner.email.upper(), "password": "x" * 12},
    )
    assert taken.status == 409 and (await taken.json())["issues"][0]["path"] == ["email"]
    preview = await (await api.post("/v1/invites/preview", json={"token": invite["token"]})).json()
    assert preview["status"] == "pending"  # nothing above used it


async def test_a_signed_in_user_joins_and_switches_workspaces(
    api: Client, new_account: NewAccount
) -> None:
    owner = await new_account()
    other = await new_account(["owner"])
    invite = await _invite(api, owner, "editor", email=other.email.lower())
    joined = await api.post(
        "/v1/invites/accept", json={"token": invite["token"]}, headers=other.basic
    )
    body = await joined.json()
    assert joined.status == 200 and body["accountCreated"] is False
    listed = await (await api.get("/v1/workspaces", headers=other.basic)).json()
    assert [w["id"] for w in listed["data"]] == [_ws(other.workspaces[0]), _ws(owner.workspaces[0])]
    acting = await api.get(f"/v1/me?workspaceId={_ws(owner.workspaces[0])}", headers=other.basic)
    assert (await acting.json())["workspace"]["role"] == "editor"
    again = await _invite(api, owner, "viewer")
    twice = await api.post(
        "/v1/invites/accept", json={"token": again["token"]}, headers=other.basic
    )
    assert twice.status == 409 and "already" in (await twice.json())["detail"]
    # An invite for someone else is not this user's to take; a key cannot take one.
    for_bob = await _invite(api, owner, email="bob@example.com")
    refused = await api.post(
        "/v1/invites/accept", json={"token": for_bob["token"]}, headers=other.basic
    )
    assert refused.status == 403
    key = await other.key()
    by_key = await api.post(
        "/v1/invites/accept", json={"token": for_bob["token"]}, headers={"X-API-Key": key}
    )
    assert by_key.status == 403


async def test_another_workspaces_members_and_invites_are_not_found(
    api: Client, new_account: NewAccount
) -> None:
    mine = await new_account()
    theirs = await new_account()
    their_invite = await _invite(api, theirs)
    my_path = f"/v1/workspaces/{_ws(mine.workspaces[0])}"
    their_path = f"/v1/workspaces/{_ws(theirs.workspaces[0])}"
    their_member = v1_id("user", theirs.user_id)
    for method, url, body in (
        ("GET", f"{their_path}/members", None),
        ("POST", f"{their_path}/invites", {"role": "viewer"}),
        ("PATCH", their_path, {"name": "Taken"}),
        ("PATCH", f"{my_path}/members/{their_member}", {"role": "viewer"}),
        ("DELETE", f"{my_path}/members/{their_member}", None),
        ("DELETE", f"{my_path}/invites/{their_invite['id']}", None),
        ("DELETE", f"{their_path}/invites/{their_invite['id']}", None),
    ):
        response = await api.request(method, url, json=body, headers=mine.basic)
        assert response.status == 404, (method, url)
    preview = await (
        await api.post("/v1/invites/preview", json={"token": their_invite["token"]})
    ).json()
    assert preview["status"] == "pending"


async def test_a_user_creates_and_renames_a_workspace(api: Client, new_account: NewAccount) -> None:
    user = await new_account(["viewer"])
    blank = await api.post("/v1/workspaces", json={"name": "   "}, headers=user.basic)
    assert blank.status == 400 and (await blank.json())["issues"][0]["path"] == ["name"]
    made = await api.post("/v1/workspaces", json={"name": "Side project"}, headers=user.basic)
    created = await made.json()
    assert made.status == 201 and created["role"] == "owner" and created["mode"] == "test"
    renamed = await api.patch(
        f"/v1/workspaces/{created['id']}?workspaceId={created['id']}",
        json={"name": "Main project"},
        headers=user.basic,
    )
    assert renamed.status == 200
    listed = await (await api.get("/v1/workspaces", headers=user.basic)).json()
    assert [(w["name"], w["role"]) for w in listed["data"]] == [
        ("Workspace 0", "viewer"),
        ("Main project", "owner"),
    ]
    key = await user.key()
    by_key = await api.post("/v1/workspaces", json={"name": "Nope"}, headers={"X-API-Key": key})
    assert by_key.status == 403


async def test_a_member_leaves_a_workspace(api: Client, new_account: NewAccount) -> None:
    owner = await new_account()
    invite = await _invite(api, owner, "viewer")
    session, joined = await _join_as_new(api, invite["token"])
    path = f"/v1/workspaces/{_ws(owner.workspaces[0])}/members"
    owner_path = f"{path}/{v1_id('user', owner.user_id)}"
    assert (await api.delete(owner_path, headers=_cookie(session))).status == 403
    assert (await api.delete(f"{path}/{joined['userId']}", headers=_cookie(session))).status == 204
    listed = await (await api.get(path, headers=owner.basic)).json()
    assert [m["userId"] for m in listed["data"]] == [v1_id("user", owner.user_id)]
