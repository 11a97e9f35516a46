"""HTTP routes of workspaces: creating one, and one workspace's settings (name, fallback URL,
the budget of its public file streams: `filesRateLimit`, see files/budget.py).

Any signed-in user creates workspaces and owns them; API keys belong to one workspace and
create none. Renaming needs `members:write` (owners and admins).

TurtleQR: a deleted code's scanners "hit the workspace fallback URL". The order is the
workspace's fallback, then the code's own `fallbackUrl`, then the branded 404 page. Changing
the workspace fallback republishes every deleted dynamic code of the workspace in the same
transaction, so the redirect service learns it with the outbox's guarantees.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from qrstack_api.accounts.model import WorkspaceView
from qrstack_api.accounts.principal import Principal, principal_of
from qrstack_api.accounts.team_model import (
    FILES_RATE_LIMIT,
    WorkspaceCreate,
    WorkspaceCreated,
    WorkspaceUpdate,
)
from qrstack_api.accounts.teams import MAX_WORKSPACES_PER_USER, create_workspace, owned_count
from qrstack_api.codes.snapshot import publish_code
from qrstack_api.context import POOL
from qrstack_api.ids import path_id
from qrstack_api.openapi import operation
from qrstack_common.errors import ApiError, Issue, not_found, validation_failed
from qrstack_common.http import json_response, read_model
from qrstack_common.ids import PATH_PATTERN, WorkspaceId

WORKSPACE_PATH = f"/v1/workspaces/{{workspace_id:{PATH_PATTERN}}}"

routes = web.RouteTableDef()
_SETTINGS_ROW = (
    "SELECT id, name, plan, fallback_url, files_rate_limit FROM workspaces WHERE id = $1"
)


class WorkspaceSettings(BaseModel):
    """A workspace's settings."""

    model_config = ConfigDict(populate_by_name=True)

    id: WorkspaceId
    name: str
    plan: str
    fallback_url: str | None = Field(
        alias="fallbackUrl",
        description="Where scanners of a deleted code go (before the code's own fallbackUrl).",
    )
    files_rate_limit: int | None = Field(alias="filesRateLimit", description=FILES_RATE_LIMIT)


def acted_on_workspace(request: web.Request) -> tuple[Principal, UUID]:
    """The workspace in the path, which must be the one the request acts on (another
    workspace is a 404; name it with ?workspaceId= to act on it)."""
    principal = principal_of(request)
    workspace_id = path_id(request, "workspace_id", "workspace", "Workspace not found.")
    if workspace_id != principal.workspace_id:
        raise not_found("Workspace")
    return principal, workspace_id


def _view(row: Any) -> dict[str, Any]:
    view = WorkspaceSettings(
        id=row["id"], name=row["name"], plan=row["plan"], fallback_url=row["fallback_url"],
        files_rate_limit=row["files_rate_limit"],
    )  # fmt: skip
    return view.model_dump(mode="json", by_alias=True)


@routes.get(WORKSPACE_PATH)
@operation(
    summary="A workspace's settings (its fallback URL, its public files' budget)",
    tag="account",
    responses={200: WorkspaceSettings},
    errors=(404,),
    scope="codes:read",
)
async def read(request: web.Request) -> web.Response:
    _, workspace_id = acted_on_workspace(request)
    row = await request.app[POOL].fetchrow(_SETTINGS_ROW, workspace_id)
    if row is None:
        raise not_found("Workspace")
    return json_response(_view(row))


@routes.post("/v1/workspaces")
@operation(
    summary="Create a workspace (you are its owner)",
    tag="account",
    description="A signed-in user (session or Basic) only: an API key belongs to one "
    "workspace. The new workspace is on the free plan, of the mode (live or test) of the "
    "workspace the request acts on; act on it with ?workspaceId=.",
    auth="required",
    body=WorkspaceCreate,
    responses={201: WorkspaceCreated},
    errors=(400, 401, 403, 409),
)
async def create(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await read_model(request, WorkspaceCreate)
    if principal.user_id is None:
        raise ApiError("forbidden", "Workspaces are created by a signed-in user, not an API key.")
    async with request.app[POOL].acquire() as conn, conn.transaction():
        if await owned_count(conn, principal.user_id) >= MAX_WORKSPACES_PER_USER:
            raise ApiError(
                "conflict",
                f"You already own {MAX_WORKSPACES_PER_USER} workspaces; that is the limit.",
            )
        workspace_id = await create_workspace(
            conn, principal.user_id, body.name, test=principal.is_test
        )
    view = WorkspaceView(
        id=workspace_id, name=body.name, plan="free",
        mode="test" if principal.is_test else "live", role="owner", is_default=False,
    )  # fmt: skip
    return json_response(view.model_dump(mode="json", by_alias=True), status=201)


@routes.patch(WORKSPACE_PATH)
@operation(
    summary="Rename the workspace, set its fallback URL (where a deleted code's scanners go) "
    "or its public files' budget",
    tag="account",
    description="Only the fields sent change. The fallback URL and `filesRateLimit` need "
    "`codes:write`; the name `members:write` (owners and admins).",
    body=WorkspaceUpdate,
    responses={200: WorkspaceSettings},
    errors=(400, 404),
    scope="codes:write",
)
async def update(request: web.Request) -> web.Response:
    principal, workspace_id = acted_on_workspace(request)
    body = await read_model(request, WorkspaceUpdate)
    sent = body.model_fields_set
    if "name" in sent:
        if body.name is None:
            raise validation_failed([Issue(("name",), "a workspace needs a name")])
        principal.require("members:write")
    async with request.app[POOL].acquire() as conn, conn.transaction():
        if "name" in sent:
            assert body.name is not None
            await conn.execute(
                "UPDATE workspaces SET name = $2 WHERE id = $1", workspace_id, body.name
            )
        if "files_rate_limit" in sent:
            await conn.execute(
                "UPDATE workspaces SET files_rate_limit = $2 WHERE id = $1",
                workspace_id,
                body.files_rate_limit,
            )
        if "fallback_url" in sent:
            await conn.execute(
                "UPDATE workspaces SET fallback_url = $2 WHERE id = $1",
                workspace_id,
                body.fallback_url,
            )
            deleted = await conn.fetch(
                "SELECT id FROM codes WHERE workspace_id = $1 AND status = 'deleted' AND dynamic",
                workspace_id,
            )
            for code in deleted:
                await publish_code(conn, code["id"])
        row = await conn.fetchrow(_SETTINGS_ROW, workspace_id)
        if row is None:
            raise not_found("Workspace")
    return json_response(_view(row))
