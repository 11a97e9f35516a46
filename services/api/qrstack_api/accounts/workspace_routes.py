"""HTTP routes of one workspace's settings: its fallback URL.

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

from qrstack_api.accounts.principal import Principal, principal_of
from qrstack_api.codes.snapshot import publish_code
from qrstack_api.context import POOL
from qrstack_api.ids import path_id
from qrstack_api.openapi import operation
from qrstack_common.errors import not_found
from qrstack_common.http import json_response, read_model
from qrstack_common.ids import PATH_PATTERN, WorkspaceId
from qrstack_common.payloads import WebUrl

_WORKSPACE = f"/v1/workspaces/{{workspace_id:{PATH_PATTERN}}}"

routes = web.RouteTableDef()


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


class WorkspaceUpdate(BaseModel):
    """Changes to a workspace's settings (null clears the fallback URL)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    fallback_url: WebUrl | None = Field(alias="fallbackUrl")


def _acted_on(request: web.Request) -> tuple[Principal, UUID]:
    """The workspace in the path, which must be the one the request acts on (another
    workspace is a 404; name it with ?workspaceId= to act on it)."""
    principal = principal_of(request)
    workspace_id = path_id(request, "workspace_id", "workspace", "Workspace not found.")
    if workspace_id != principal.workspace_id:
        raise not_found("Workspace")
    return principal, workspace_id


def _view(row: Any) -> dict[str, Any]:
    view = WorkspaceSettings(
        id=row["id"], name=row["name"], plan=row["plan"], fallback_url=row["fallback_url"]
    )
    return view.model_dump(mode="json", by_alias=True)


@routes.get(_WORKSPACE)
@operation(
    summary="A workspace's settings (its fallback URL)",
    tag="account",
    responses={200: WorkspaceSettings},
    errors=(404,),
    scope="codes:read",
)
async def read(request: web.Request) -> web.Response:
    _, workspace_id = _acted_on(request)
    row = await request.app[POOL].fetchrow(
        "SELECT id, name, plan, fallback_url FROM workspaces WHERE id = $1", workspace_id
    )
    if row is None:
        raise not_found("Workspace")
    return json_response(_view(row))


@routes.patch(_WORKSPACE)
@operation(
    summary="Set the workspace's fallback URL (where a deleted code's scanners go)",
    tag="account",
    body=WorkspaceUpdate,
    responses={200: WorkspaceSettings},
    errors=(400, 404),
    scope="codes:write",
)
async def update(request: web.Request) -> web.Response:
    _, workspace_id = _acted_on(request)
    body = await read_model(request, WorkspaceUpdate)
    async with request.app[POOL].acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            "UPDATE workspaces SET fallback_url = $2 WHERE id = $1"
            " RETURNING id, name, plan, fallback_url",
            workspace_id,
            body.fallback_url,
        )
        if row is None:
            raise not_found("Workspace")
        deleted = await conn.fetch(
            "SELECT id FROM codes WHERE workspace_id = $1 AND status = 'deleted' AND dynamic",
            workspace_id,
        )
        for code in deleted:
            await publish_code(conn, code["id"])
    return json_response(_view(row))
