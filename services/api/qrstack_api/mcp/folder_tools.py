"""The folder tools: create, list, update (rename) and delete folders (`folders.store`, with
the /v1 body models)."""

from __future__ import annotations

from typing import Any

from qrstack_api.context import POOL
from qrstack_api.folders.model import Folder, FolderCreate, FolderList, FolderUpdate
from qrstack_api.folders.store import (
    FOLDER_NOT_FOUND,
    create_folder,
    delete_folder,
    list_folders,
    update_folder,
)
from qrstack_api.mcp.schemas import id_property, model_schema, object_schema, with_id
from qrstack_api.mcp.tools import (
    Answer,
    Call,
    ToolSpec,
    arguments_of,
    id_argument,
    json_answer,
    refuse_unknown,
)


def _shown(folder: Folder | FolderList) -> Any:
    return folder.model_dump(mode="json", by_alias=True)


async def _create(call: Call, args: dict[str, Any]) -> Answer:
    body = arguments_of(FolderCreate, args)
    row = await create_folder(call.app[POOL], call.principal.workspace_id, body)
    return json_answer(_shown(Folder.of(row)))


async def _list(call: Call, args: dict[str, Any]) -> Answer:
    refuse_unknown(args, [])
    rows = await list_folders(call.app[POOL], call.principal.workspace_id)
    return json_answer(_shown(FolderList(data=[Folder.of(row) for row in rows])))


async def _update(call: Call, args: dict[str, Any]) -> Answer:
    folder_id = id_argument(args, "folder", FOLDER_NOT_FOUND)
    body = arguments_of(FolderUpdate, args, also=("id",))
    row = await update_folder(call.app[POOL], call.principal.workspace_id, folder_id, body)
    return json_answer(_shown(Folder.of(row)))


async def _delete(call: Call, args: dict[str, Any]) -> Answer:
    refuse_unknown(args, ["id"])
    folder_id = id_argument(args, "folder", FOLDER_NOT_FOUND)
    await delete_folder(call.app[POOL], call.principal.workspace_id, folder_id)
    return json_answer({"id": args["id"], "deleted": True})


FOLDER_TOOLS = (
    ToolSpec(
        name="create_folder",
        title="Create a folder",
        description="Create a folder for codes, as POST /v1/folders does (name 1–80 characters, "
        "optional color #RRGGBB and position). Put a code in it with update_code "
        "(`changes.folderId`).",
        scope="folders:write",
        input_schema={**model_schema(FolderCreate), "additionalProperties": False},
        run=_create,
    ),
    ToolSpec(
        name="list_folders",
        title="List folders",
        description="The workspace's folders by position, each with its code count.",
        scope="folders:read",
        input_schema=object_schema({}, []),
        run=_list,
        read_only=True,
    ),
    ToolSpec(
        name="update_folder",
        title="Rename a folder",
        description="Rename a folder, or change its color or position, as PATCH "
        "/v1/folders/{id} does (only what is sent changes).",
        scope="folders:write",
        input_schema={**with_id("folder", "folder", FolderUpdate)},
        run=_update,
    ),
    ToolSpec(
        name="delete_folder",
        title="Delete a folder",
        description="Delete a folder; its codes are unassigned, not deleted.",
        scope="folders:write",
        input_schema=object_schema({"id": id_property("folder", "folder")}, ["id"]),
        run=_delete,
        destructive=True,
    ),
)
