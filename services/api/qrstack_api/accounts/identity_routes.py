"""HTTP routes of /v1/me and /v1/workspaces: who the caller is and where they may act."""

from __future__ import annotations

from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.api_keys import get_key
from qrstack_api.accounts.model import Me, MeKey, MeUser, WorkspaceList, WorkspaceView
from qrstack_api.accounts.principal import Principal, principal_of
from qrstack_api.accounts.users import Membership, memberships, user_by_id
from qrstack_api.context import POOL
from qrstack_api.openapi import operation
from qrstack_common.errors import not_found
from qrstack_common.http import json_response

routes = web.RouteTableDef()


def _workspace_view(found: Membership, *, default: bool) -> WorkspaceView:
    return WorkspaceView(
        id=found.workspace_id,
        name=found.name,
        plan=found.plan,
        mode="test" if found.is_test else "live",
        role=found.role,
        is_default=default,
    )


async def _key_workspace(request: web.Request, principal: Principal) -> WorkspaceView:
    row = await request.app[POOL].fetchrow(
        "SELECT name, plan FROM workspaces WHERE id = $1", principal.workspace_id
    )
    if row is None:
        raise not_found("Workspace")
    return WorkspaceView(
        id=principal.workspace_id,
        name=row["name"],
        plan=row["plan"],
        mode="test" if principal.is_test else "live",
        role=None,
        is_default=True,
    )


async def _user_workspaces(request: web.Request, user_id: UUID) -> list[WorkspaceView]:
    found = await memberships(request.app[POOL], user_id)
    return [_workspace_view(m, default=i == 0) for i, m in enumerate(found)]


@routes.get("/v1/me")
@operation(
    summary="Who am I: the user or key, the workspace acted on, the scopes held",
    tag="account",
    description="Any valid credential; no particular scope is needed.",
    auth="required",
    responses={200: Me},
    errors=(400, 401, 403, 404, 429),
)
async def me(request: web.Request) -> web.Response:
    principal = principal_of(request)
    pool = request.app[POOL]
    user: MeUser | None = None
    key: MeKey | None = None
    if principal.user_id is not None:
        found = await user_by_id(pool, principal.user_id)
        if found is None:
            raise not_found("User")
        user = MeUser(id=found.id, email=found.email)
        workspaces = await _user_workspaces(request, principal.user_id)
        acting = [w for w in workspaces if w.id == principal.workspace_id]
        if not acting:  # the membership ended during this request
            raise not_found("Workspace")
        workspace = acting[0]
    else:
        assert principal.key_id is not None
        row = await get_key(pool, principal.workspace_id, principal.key_id)
        if row is None:
            raise not_found("API key")
        key = MeKey(id=row["id"], name=row["name"], prefix=row["prefix"])
        workspace = await _key_workspace(request, principal)
    answer = Me(
        authenticated_by=principal.method,
        user=user,
        key=key,
        workspace=workspace,
        scopes=sorted(principal.scopes),
    )
    return json_response(answer.model_dump(mode="json", by_alias=True))


@routes.get("/v1/workspaces")
@operation(
    summary="The workspaces the caller may act on (pick one with ?workspaceId=)",
    tag="account",
    description="Any valid credential. A user sees every membership, the default first; an "
    "API key sees its own workspace.",
    auth="required",
    responses={200: WorkspaceList},
    errors=(400, 401, 403, 404, 429),
)
async def workspaces(request: web.Request) -> web.Response:
    principal = principal_of(request)
    if principal.user_id is not None:
        views = await _user_workspaces(request, principal.user_id)
    else:
        views = [await _key_workspace(request, principal)]
    return json_response(WorkspaceList(data=views).model_dump(mode="json", by_alias=True))
