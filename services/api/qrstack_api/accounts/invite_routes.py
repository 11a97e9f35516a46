"""HTTP routes of an invite link: what it offers (`/v1/invites/preview`) and joining with it
(`/v1/invites/accept`).

Both take the link's token in the body, never in a URL the API logs. A credential is optional:
a signed-in user (session or Basic) joins as themselves; without one, the answer to accept
creates the account (email and password) and signs it in (a `sessionid` cookie). An invite
works once: a used, revoked or expired one is a 409 naming `token`, an unknown token a 404.
An invite with an email joins only that address.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.auth import NEW_SESSION
from qrstack_api.accounts.passwords import PASSWORDS
from qrstack_api.accounts.principal import Principal, caller_of, role_name
from qrstack_api.accounts.sessions import open_session
from qrstack_api.accounts.team_model import (
    InviteAccept,
    InviteAccepted,
    InvitePreview,
    InviteToken,
)
from qrstack_api.accounts.teams import accept_invite, create_user, invite_by_token, lock_invite
from qrstack_api.accounts.teams import invite_status as status_of
from qrstack_api.accounts.users import user_by_id
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.db.pool import Connection
from qrstack_api.openapi import operation
from qrstack_common.errors import ApiError, Issue, not_found, validation_failed
from qrstack_common.http import json_response, read_model

routes = web.RouteTableDef()

_UNUSABLE = {
    "accepted": "This invite was already used; ask for a new one.",
    "revoked": "This invite was revoked; ask for a new one.",
    "expired": "This invite has expired; ask for a new one.",
}


def _usable(invite: Any) -> None:
    """409 naming `token` unless the invite is pending."""
    status = status_of(invite)
    if status != "pending":
        raise ApiError("conflict", _UNUSABLE[status], [Issue(("token",), _UNUSABLE[status])])


def _same_email(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


@routes.post("/v1/invites/preview")
@operation(
    summary="What an invite link offers: the workspace, the role, its status",
    tag="teams",
    description="No credential is needed: the token is the proof. Shows the invite whatever "
    "its status, so that a page can say why an old link no longer works.",
    auth="optional",
    body=InviteToken,
    responses={200: InvitePreview},
    errors=(400, 404),
)
async def preview(request: web.Request) -> web.Response:
    body = await read_model(request, InviteToken)
    invite = await invite_by_token(request.app[POOL], body.token)
    if invite is None:
        raise not_found("Invite")
    view = InvitePreview(
        workspace_name=invite["workspace_name"], role=role_name(invite["role"]),
        email=invite["email"], status=status_of(invite),
        expires_at=invite["expires_at"],
    )  # fmt: skip
    return json_response(view.model_dump(mode="json", by_alias=True))


@routes.post("/v1/invites/accept")
@operation(
    summary="Join a workspace with an invite link (signed in, or as a new account)",
    tag="teams",
    description="Signed in (session or Basic): you join as yourself; send only `token`. Not "
    "signed in: send `email` and `password` (at least 10 characters) too, and the account is "
    "created, joins, and is signed in (the answer sets the `sessionid` cookie). An email that "
    "has an account already is a 409: sign in first. API keys cannot accept invites.",
    auth="optional",
    body=InviteAccept,
    responses={200: InviteAccepted},
    errors=(400, 403, 404, 409),
)
async def accept(request: web.Request) -> web.Response:
    body = await read_model(request, InviteAccept)
    caller = caller_of(request)
    async with request.app[POOL].acquire() as conn, conn.transaction():
        invite = await lock_invite(conn, body.token)
        if invite is None:
            raise not_found("Invite")
        _usable(invite)
        if caller is not None:
            user_id, created = await _signed_in_user(conn, caller, body, invite), False
        else:
            user_id, created = await _new_user(request, conn, body, invite), True
        role = role_name(invite["role"])
        if not await accept_invite(conn, invite["id"], user_id, role):
            raise ApiError(
                "conflict",
                "You are a member of this workspace already.",
                [Issue(("token",), "you are a member of this workspace already")],
            )
        if created:
            settings = request.app[SETTINGS]
            request[NEW_SESSION] = await open_session(conn, user_id, settings.session_max_age_s)
    answer = InviteAccepted(
        workspace_id=invite["workspace_id"], workspace_name=invite["workspace_name"],
        role=role, user_id=user_id, account_created=created,
    )  # fmt: skip
    return json_response(answer.model_dump(mode="json", by_alias=True))


async def _signed_in_user(
    conn: Connection, caller: Principal, body: InviteAccept, invite: Any
) -> UUID:
    if caller.user_id is None:
        raise ApiError("forbidden", "An API key cannot accept an invite; sign in as a user.")
    if body.email is not None or body.password is not None:
        sent = [name for name in ("email", "password") if getattr(body, name) is not None]
        raise validation_failed(
            [Issue((name,), "you are signed in: you join as yourself") for name in sent]
        )
    user = await user_by_id(conn, caller.user_id)
    if user is None:
        raise not_found("User")
    if invite["email"] is not None and not _same_email(invite["email"], user.email):
        raise ApiError(
            "forbidden", f"This invite is for {invite['email']}; sign in as that address."
        )
    return user.id


async def _new_user(
    request: web.Request, conn: Connection, body: InviteAccept, invite: Any
) -> UUID:
    missing = [
        Issue((name,), "needed to create your account (or sign in first)")
        for name in ("email", "password")
        if getattr(body, name) is None
    ]
    if missing:
        raise validation_failed(missing)
    assert body.email is not None and body.password is not None
    if invite["email"] is not None and not _same_email(invite["email"], body.email):
        raise validation_failed([Issue(("email",), f"this invite is for {invite['email']}")])
    hashed = await request.app[PASSWORDS].hash(body.password)
    user_id = await create_user(conn, body.email, hashed)
    if user_id is None:
        reason = "an account with this email exists: sign in, then open the invite link again"
        raise ApiError("conflict", f"email: {reason}.", [Issue(("email",), reason)])
    return user_id
