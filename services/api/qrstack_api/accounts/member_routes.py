"""HTTP routes of a workspace's members and invites (`/v1/workspaces/{id}/members|invites`).

The workspace in the path must be the one the request acts on (another workspace, or another
workspace's member or invite, is a 404). Listing members needs `members:read` (every role);
invites and changes need `members:write` (owners and admins), except leaving. Only an owner
(a holder of `*`) makes, invites or unmakes owners, and the last owner can be neither demoted
nor removed. An invite's link is in the 201 answer to its creation and nowhere else.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.principal import EVERY_SCOPE, Principal
from qrstack_api.accounts.team_model import (
    Invite,
    InviteCreate,
    InviteCreated,
    InviteList,
    Member,
    MemberList,
    MemberUpdate,
)
from qrstack_api.accounts.teams import (
    MAX_PENDING_INVITES,
    create_invite,
    get_member,
    invite_status,
    list_invites,
    list_members,
    lock_owners,
    remove_member,
    revoke_invite,
    set_role,
)
from qrstack_api.accounts.workspace_routes import WORKSPACE_PATH, acted_on_workspace
from qrstack_api.context import POOL
from qrstack_api.ids import path_id
from qrstack_api.openapi import operation
from qrstack_common.errors import ApiError, not_found
from qrstack_common.http import json_response, read_model
from qrstack_common.ids import PATH_PATTERN

_MEMBER = f"{WORKSPACE_PATH}/members/{{user_id:{PATH_PATTERN}}}"
_INVITE = f"{WORKSPACE_PATH}/invites/{{invite_id:{PATH_PATTERN}}}"

routes = web.RouteTableDef()


def _member_json(row: Any) -> dict[str, Any]:
    view = Member(
        user_id=row["user_id"], email=row["email"], role=row["role"], joined_at=row["joined_at"]
    )
    return view.model_dump(mode="json", by_alias=True)


def invite_json(row: Any) -> dict[str, Any]:
    view = Invite(
        id=row["id"], email=row["email"], role=row["role"], status=invite_status(row),
        expires_at=row["expires_at"], created_at=row["created_at"],
        created_by=row["created_by"], accepted_at=row["accepted_at"],
        accepted_by=row["accepted_by"],
    )  # fmt: skip
    return view.model_dump(mode="json", by_alias=True)


def _require_owner_for(principal: Principal, *roles: str) -> None:
    if "owner" in roles and EVERY_SCOPE not in principal.scopes:
        raise ApiError("forbidden", "Only an owner makes, invites or changes owners.")


def _console_origin(request: web.Request) -> str:
    proto = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
    return f"{'https' if proto == 'https' else 'http'}://{request.host}"


@routes.get(f"{WORKSPACE_PATH}/members")
@operation(
    summary="List the workspace's members and their roles",
    tag="teams",
    responses={200: MemberList},
    errors=(404,),
    scope="members:read",
)
async def members(request: web.Request) -> web.Response:
    _, workspace_id = acted_on_workspace(request)
    rows = await list_members(request.app[POOL], workspace_id)
    return json_response({"data": [_member_json(r) for r in rows], "nextCursor": None})


def _user_id(request: web.Request) -> UUID:
    return path_id(request, "user_id", "user", "Member not found.")


@routes.patch(_MEMBER)
@operation(
    summary="Change a member's role (owner, admin, editor or viewer)",
    tag="teams",
    body=MemberUpdate,
    responses={200: Member},
    errors=(400, 404, 409),
    scope="members:write",
)
async def change_role(request: web.Request) -> web.Response:
    principal, workspace_id = acted_on_workspace(request)
    body = await read_model(request, MemberUpdate)
    user_id = _user_id(request)
    async with request.app[POOL].acquire() as conn, conn.transaction():
        owners = await lock_owners(conn, workspace_id)
        found = await get_member(conn, workspace_id, user_id)
        if found is None:
            raise not_found("Member")
        _require_owner_for(principal, found["role"], body.role)
        if found["role"] == "owner" and body.role != "owner" and owners <= 1:
            raise ApiError("conflict", "This is the workspace's only owner; make another first.")
        await set_role(conn, workspace_id, user_id, body.role)
        changed = await get_member(conn, workspace_id, user_id)
    return json_response(_member_json(changed))


@routes.delete(_MEMBER)
@operation(
    summary="Remove a member from the workspace, or leave it (their keys of it stop working)",
    tag="teams",
    description="Removing someone else needs `members:write` (owners and admins); any "
    "signed-in member may remove themselves (leave). The last owner stays.",
    responses={204: None},
    errors=(404, 409),
    scope="members:read",
)
async def remove(request: web.Request) -> web.Response:
    principal, workspace_id = acted_on_workspace(request)
    user_id = _user_id(request)
    leaving = principal.user_id is not None and principal.user_id == user_id
    if not leaving:
        principal.require("members:write")
    async with request.app[POOL].acquire() as conn, conn.transaction():
        owners = await lock_owners(conn, workspace_id)
        found = await get_member(conn, workspace_id, user_id)
        if found is None:
            raise not_found("Member")
        if not leaving:
            _require_owner_for(principal, found["role"])
        if found["role"] == "owner" and owners <= 1:
            raise ApiError("conflict", "This is the workspace's only owner; make another first.")
        await remove_member(conn, workspace_id, user_id)
    return web.Response(status=204)


@routes.post(f"{WORKSPACE_PATH}/invites")
@operation(
    summary="Invite someone by link (the link is shown once)",
    tag="teams",
    description="The answer's `url` is the console page that accepts the invite; it works "
    "once, until `expiresAt`. Whoever opens it signs in (or creates an account) and joins with "
    "the invite's role. With `email`, only that address may accept it.",
    body=InviteCreate,
    responses={201: InviteCreated},
    errors=(400, 404, 409),
    scope="members:write",
)
async def invite(request: web.Request) -> web.Response:
    principal, workspace_id = acted_on_workspace(request)
    body = await read_model(request, InviteCreate)
    _require_owner_for(principal, body.role)
    made = await create_invite(
        request.app[POOL], workspace_id=workspace_id, email=body.email, role=body.role,
        hours=body.expires_in_hours, created_by=principal.acting_user,
    )  # fmt: skip
    if made is None:
        raise ApiError(
            "conflict",
            f"This workspace has {MAX_PENDING_INVITES} pending invites; revoke some first.",
        )
    row, token = made
    url = f"{_console_origin(request)}/console/invites/{token}"
    return json_response({**invite_json(row), "token": token, "url": url}, status=201)


@routes.get(f"{WORKSPACE_PATH}/invites")
@operation(
    summary="List the workspace's latest invites and their status",
    tag="teams",
    responses={200: InviteList},
    errors=(404,),
    scope="members:write",
)
async def invites(request: web.Request) -> web.Response:
    _, workspace_id = acted_on_workspace(request)
    rows = await list_invites(request.app[POOL], workspace_id)
    return json_response({"data": [invite_json(r) for r in rows], "nextCursor": None})


@routes.delete(_INVITE)
@operation(
    summary="Revoke an invite (its link stops working)",
    tag="teams",
    responses={204: None},
    errors=(404,),
    scope="members:write",
)
async def revoke(request: web.Request) -> web.Response:
    _, workspace_id = acted_on_workspace(request)
    invite_id = path_id(request, "invite_id", "invite", "Invite not found.")
    if await revoke_invite(request.app[POOL], workspace_id, invite_id) is None:
        raise not_found("Invite")
    return web.Response(status=204)
