"""The code tools: create, list, get, update and delete a code (`codes.actions`, as /v1)."""

from __future__ import annotations

from typing import Any

from qrstack_api.codes.actions import create_one, delete_one, list_page, read_one, update_one
from qrstack_api.codes.model import CodeListQuery, DeleteQuery
from qrstack_api.codes.paths import CODE_NOT_FOUND
from qrstack_api.mcp.schemas import (
    code_body_property,
    id_property,
    model_schema,
    object_schema,
    with_id,
)
from qrstack_api.mcp.tools import (
    Answer,
    Call,
    ToolSpec,
    arguments_of,
    id_argument,
    json_answer,
    refuse_unknown,
    required,
    under,
)
from qrstack_common.errors import ApiError


async def _create(call: Call, args: dict[str, Any]) -> Answer:
    refuse_unknown(args, ["code"])
    body = required(args, "code")
    try:
        return json_answer(await create_one(call.app, call.principal, body))
    except ApiError as error:
        raise under(error, "code") from None


async def _list(call: Call, args: dict[str, Any]) -> Answer:
    refuse_unknown(args, CODE_LIST_ARGUMENTS)
    return json_answer(await list_page(call.app, call.principal, args))


async def _get(call: Call, args: dict[str, Any]) -> Answer:
    refuse_unknown(args, ["id"])
    code_id = id_argument(args, "code", CODE_NOT_FOUND)
    return json_answer(await read_one(call.app, call.principal, code_id))


async def _update(call: Call, args: dict[str, Any]) -> Answer:
    refuse_unknown(args, ["id", "changes"])
    code_id = id_argument(args, "code", CODE_NOT_FOUND)
    changes = required(args, "changes")
    try:
        view = await update_one(call.app, call.principal, code_id, changes, replace=False)
    except ApiError as error:
        raise under(error, "changes") from None
    return json_answer(view)


async def _delete(call: Call, args: dict[str, Any]) -> Answer:
    code_id = id_argument(args, "code", CODE_NOT_FOUND)
    query = arguments_of(DeleteQuery, args, also=("id",))
    await delete_one(call.app, call.principal, code_id, query)
    gone = "removed for good" if query.purge else "deleted (restorable)"
    return json_answer({"id": args["id"], "deleted": True, "detail": f"The code was {gone}."})


_LIST_SCHEMA = model_schema(CodeListQuery)
CODE_LIST_ARGUMENTS = list(_LIST_SCHEMA["properties"])
_CREATE_REF, _CREATE_DEFS = code_body_property("CodeBody")
_PATCH_REF, _PATCH_DEFS = code_body_property("CodePatch")

CODE_TOOLS = (
    ToolSpec(
        name="create_code",
        title="Create a QR code",
        description="Create a QR code, as POST /v1/codes does. `code` is the /v1 body: `type` "
        "(url when left out) and, for every type but url, its content under the type's key "
        '(`{"type": "wifi", "wifi": {"ssid": "Cafe", "password": "…", "encryption": "WPA"}}`); '
        "url codes take `targetUrl`. Also: label, style, folderId, tags, slug, maxScans, "
        "activeFrom/expiresAt, password, fallbackUrl. Answers the code as /v1 shows it "
        "(id, shortUrl, status, …).",
        scope="codes:write",
        input_schema=object_schema(
            {"code": {**_CREATE_REF, "description": "The code, as POST /v1/codes takes it."}},
            ["code"],
            defs=_CREATE_DEFS,
        ),
        run=_create,
    ),
    ToolSpec(
        name="list_codes",
        title="List QR codes",
        description="The workspace's codes, newest first, as GET /v1/codes lists them: `data` "
        "and `nextCursor` (pass it back as `cursor` for the next page). Filters: q (label, "
        "slug, target), type, tag, folderId (or none), status; limit up to 100.",
        scope="codes:read",
        input_schema={**_LIST_SCHEMA, "additionalProperties": False},
        run=_list,
        read_only=True,
    ),
    ToolSpec(
        name="get_code",
        title="Read a QR code",
        description="One code with its content, style, short URL, status and totalScans, as "
        "GET /v1/codes/{id} shows it.",
        scope="codes:read",
        input_schema=object_schema({"id": id_property("code", "code")}, ["id"]),
        run=_get,
        read_only=True,
    ),
    ToolSpec(
        name="update_code",
        title="Change a QR code",
        description="Change some fields of a code, as PATCH /v1/codes/{id} does: `changes` is a "
        "JSON Merge Patch (only what is sent changes; nested objects such as style or the "
        "type's content merge key by key; null clears). A dynamic code keeps its short URL and "
        "printed image; a static code's image changes with its content.",
        scope="codes:write",
        input_schema=object_schema(
            {
                "id": id_property("code", "code"),
                "changes": {**_PATCH_REF, "description": "The fields to change."},
            },
            ["id", "changes"],
            defs=_PATCH_DEFS,
        ),
        run=_update,
        destructive=True,
    ),
    ToolSpec(
        name="delete_code",
        title="Delete a QR code",
        description="Delete a code, as DELETE /v1/codes/{id} does: its scanners get the "
        "fallback; restorable unless `purge` is true.",
        scope="codes:write",
        input_schema=with_id("code", "code", DeleteQuery),
        run=_delete,
        destructive=True,
    ),
)
