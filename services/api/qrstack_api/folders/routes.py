"""HTTP routes of /v1/folders and of assigning a code to a folder."""

from __future__ import annotations

from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.paths import code_id_of
from qrstack_api.context import POOL
from qrstack_api.folders.model import (
    AssignedFolder,
    Folder,
    FolderAssignment,
    FolderCreate,
    FolderList,
    FolderUpdate,
)
from qrstack_api.folders.store import (
    FOLDER_NOT_FOUND,
    assign_folder,
    create_folder,
    delete_folder,
    get_folder,
    list_folders,
    update_folder,
)
from qrstack_api.ids import path_id
from qrstack_api.openapi import operation
from qrstack_common.http import json_response, read_model
from qrstack_common.ids import Kind

routes = web.RouteTableDef()

_TAG = "folders"


_KINDS: dict[str, Kind] = {"code_id": "code", "folder_id": "folder", "rule_id": "rule"}


def _path_id(request: web.Request, name: str, not_found: str) -> UUID:
    return path_id(request, name, _KINDS[name], not_found)


@routes.post("/v1/folders")
@operation(
    summary="Create a folder",
    tag=_TAG,
    body=FolderCreate,
    responses={201: Folder},
    errors=(400, 402),
    scope="folders:write",
    description="Plan limits: 3 folders on free, 50 on pro, unlimited on business (402 beyond).",
)
async def create(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await read_model(request, FolderCreate)
    row = await create_folder(request.app[POOL], principal.workspace_id, body)
    return json_response(Folder.of(row), status=201)


@routes.get("/v1/folders")
@operation(
    summary="List folders by position, each with its code count",
    tag=_TAG,
    responses={200: FolderList},
    scope="folders:read",
)
async def list_(request: web.Request) -> web.Response:
    principal = principal_of(request)
    rows = await list_folders(request.app[POOL], principal.workspace_id)
    return json_response(FolderList(data=[Folder.of(row) for row in rows]))


@routes.get("/v1/folders/{folder_id}")
@operation(
    summary="Read a folder", tag=_TAG, responses={200: Folder}, errors=(404,),
    scope="folders:read",
)  # fmt: skip
async def read(request: web.Request) -> web.Response:
    principal = principal_of(request)
    folder_id = _path_id(request, "folder_id", FOLDER_NOT_FOUND)
    return json_response(
        Folder.of(await get_folder(request.app[POOL], principal.workspace_id, folder_id))
    )


@routes.patch("/v1/folders/{folder_id}")
@operation(
    summary="Change a folder's name, colour or position",
    tag=_TAG,
    body=FolderUpdate,
    responses={200: Folder},
    errors=(400, 404),
    scope="folders:write",
)
async def update(request: web.Request) -> web.Response:
    principal = principal_of(request)
    folder_id = _path_id(request, "folder_id", FOLDER_NOT_FOUND)
    body = await read_model(request, FolderUpdate)
    row = await update_folder(request.app[POOL], principal.workspace_id, folder_id, body)
    return json_response(Folder.of(row))


@routes.delete("/v1/folders/{folder_id}")
@operation(
    summary="Delete a folder; its codes are unassigned, not deleted",
    tag=_TAG,
    responses={204: None},
    errors=(404,),
    scope="folders:write",
)
async def delete(request: web.Request) -> web.Response:
    principal = principal_of(request)
    folder_id = _path_id(request, "folder_id", FOLDER_NOT_FOUND)
    await delete_folder(request.app[POOL], principal.workspace_id, folder_id)
    return web.Response(status=204)


@routes.post("/v1/codes/{code_id}/assign-folder")
@operation(
    summary="Assign a code to a folder, or unassign it with folderId null",
    tag=_TAG,
    body=FolderAssignment,
    responses={200: AssignedFolder},
    errors=(400, 404, 409),
    scope="codes:write",
    description="The folder and the code must both belong to the workspace (404 otherwise). "
    "Folders only organise codes: scans are not affected.",
)
async def assign(request: web.Request) -> web.Response:
    principal = principal_of(request)
    code_id = code_id_of(request)
    body = await read_model(request, FolderAssignment)
    row = await assign_folder(request.app[POOL], principal.workspace_id, code_id, body.folder_id)
    return json_response(
        AssignedFolder(code_id=row["id"], folder_id=row["folder_id"], updated_at=row["updated_at"])
    )
