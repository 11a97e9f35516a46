"""Folders: CRUD in position order with code counts, plan limits, assigning codes, deleting a
folder unassigns its codes, and another workspace's folders and codes do not exist."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

import pytest

from support.ids import v1_id

if TYPE_CHECKING:
    from integration.api.organise.conftest import NewWorkspace

pytestmark = pytest.mark.infra


async def test_folders_are_listed_by_position_with_their_code_counts(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    summer = await ws.ok("POST", "/v1/folders", {"name": " Summer ", "color": "#2D7A4E"}, 201)
    autumn = await ws.ok("POST", "/v1/folders", {"name": "Autumn"}, 201)
    first = await ws.ok("POST", "/v1/folders", {"name": "First", "position": 0}, 201)
    assert summer["name"] == "Summer" and summer["position"] == 0 and summer["codeCount"] == 0
    assert autumn["position"] == 1 and autumn["color"] is None

    codes = [await ws.code() for _ in range(3)]
    for code in codes[:2]:
        await ws.ok("POST", f"/v1/codes/{code['id']}/assign-folder", {"folderId": autumn["id"]})
    await ws.ok("POST", f"/v1/codes/{codes[2]['id']}/assign-folder", {"folderId": summer["id"]})
    await ws.ok("DELETE", f"/v1/codes/{codes[2]['id']}", status=204)  # deleted: not counted

    listed = (await ws.ok("GET", "/v1/folders"))["data"]
    assert [(f["name"], f["codeCount"]) for f in listed] == [
        ("Summer", 0),  # position 0, older than "First"
        ("First", 0),
        ("Autumn", 2),
    ]
    assert (await ws.ok("GET", f"/v1/folders/{autumn['id']}"))["codeCount"] == 2
    assert first["workspaceId"] == v1_id("ws", ws.id)


async def test_a_folder_changes_only_what_is_sent(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    folder = await ws.ok("POST", "/v1/folders", {"name": "Menu", "color": "#abc"}, 201)
    path = f"/v1/folders/{folder['id']}"
    moved = await ws.ok("PATCH", path, {"position": 7})
    assert (moved["name"], moved["color"], moved["position"]) == ("Menu", "#abc", 7)
    cleared = await ws.ok("PATCH", path, {"color": None, "name": "Menus"})
    assert (cleared["name"], cleared["color"], cleared["position"]) == ("Menus", None, 7)
    assert cleared["updatedAt"] >= folder["updatedAt"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"name": ""}, ["name"]),
        ({"name": "   "}, ["name"]),
        ({"name": "x" * 101}, ["name"]),
        ({"name": "A", "color": "green"}, ["color"]),
        ({"name": "A", "color": "#12345"}, ["color"]),
        ({"name": "A", "position": -1}, ["position"]),
        ({"name": "A", "parent": "x"}, ["parent"]),
        ({"color": "#fff"}, ["name"]),
    ],
)
async def test_a_bad_folder_is_400_naming_the_field(
    new_workspace: NewWorkspace, body: dict[str, object], path: list[str]
) -> None:
    ws = await new_workspace()
    status, error = await ws.call("POST", "/v1/folders", body)
    assert status == 400 and error["error"] == "validation_failed"
    assert error["issues"][0]["path"] == path


async def test_a_patch_that_clears_the_name_or_sends_nothing_is_400(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    folder = await ws.ok("POST", "/v1/folders", {"name": "Keep"}, 201)
    for body in ({"name": None}, {}, {"position": None}):
        status, error = await ws.call("PATCH", f"/v1/folders/{folder['id']}", body)
        assert status == 400 and error["error"] == "validation_failed", body


async def test_deleting_a_folder_unassigns_its_codes_and_keeps_them(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    folder = await ws.ok("POST", "/v1/folders", {"name": "Gone soon"}, 201)
    code = await ws.code()
    assigned = await ws.ok(
        "POST", f"/v1/codes/{code['id']}/assign-folder", {"folderId": folder["id"]}
    )
    assert assigned == {**assigned, "codeId": code["id"], "folderId": folder["id"]}
    assert (await ws.ok("GET", f"/v1/codes/{code['id']}"))["folderId"] == folder["id"]

    status, _ = await ws.call("DELETE", f"/v1/folders/{folder['id']}")
    assert status == 204
    kept = await ws.ok("GET", f"/v1/codes/{code['id']}")
    assert kept["folderId"] is None and kept["status"] == "active"
    assert (await ws.call("GET", f"/v1/folders/{folder['id']}"))[0] == 404
    assert (await ws.call("DELETE", f"/v1/folders/{folder['id']}"))[0] == 404


async def test_a_code_is_unassigned_with_folder_id_null(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    folder = await ws.ok("POST", "/v1/folders", {"name": "F"}, 201)
    code = await ws.code()
    path = f"/v1/codes/{code['id']}/assign-folder"
    await ws.ok("POST", path, {"folderId": folder["id"]})
    assert (await ws.ok("POST", path, {"folderId": None}))["folderId"] is None
    assert (await ws.ok("GET", f"/v1/folders/{folder['id']}"))["codeCount"] == 0
    status, error = await ws.call("POST", path, {})
    assert status == 400 and error["issues"][0]["path"] == ["folderId"]


async def test_another_workspaces_folders_and_codes_are_404(new_workspace: NewWorkspace) -> None:
    mine, theirs = await new_workspace(), await new_workspace()
    their_folder = await theirs.ok("POST", "/v1/folders", {"name": "Theirs"}, 201)
    their_code = await theirs.code()
    my_folder = await mine.ok("POST", "/v1/folders", {"name": "Mine"}, 201)
    my_code = await mine.code()

    for method, body in (("GET", None), ("PATCH", {"name": "x"}), ("DELETE", None)):
        status, error = await mine.call(method, f"/v1/folders/{their_folder['id']}", body)
        assert (status, error["error"]) == (404, "not_found"), method
    status, error = await mine.call(
        "POST", f"/v1/codes/{my_code['id']}/assign-folder", {"folderId": their_folder["id"]}
    )
    assert status == 404 and error["detail"] == "Folder not found."
    status, error = await mine.call(
        "POST", f"/v1/codes/{their_code['id']}/assign-folder", {"folderId": my_folder["id"]}
    )
    assert status == 404 and error["detail"] == "Code not found."
    assert [f["name"] for f in (await mine.ok("GET", "/v1/folders"))["data"]] == ["Mine"]
    assert (await theirs.ok("GET", f"/v1/folders/{their_folder['id']}"))["name"] == "Theirs"
    assert (await mine.call("GET", "/v1/folders/not-a-uuid"))[0] == 404
    assert (await mine.call("GET", f"/v1/folders/{uuid.uuid4()}"))[0] == 404


async def test_the_free_plan_holds_three_folders_even_under_concurrent_creation(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace(plan="free")
    results = await asyncio.gather(
        *(ws.call("POST", "/v1/folders", {"name": f"F{i}"}) for i in range(5))
    )
    assert sorted(status for status, _ in results) == [201, 201, 201, 402, 402]
    refused = next(body for status, body in results if status == 402)
    assert refused["error"] == "plan_limit_exceeded" and "3 folders" in refused["detail"]
    assert len((await ws.ok("GET", "/v1/folders"))["data"]) == 3


async def test_folders_need_a_key_and_its_scopes(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    response = await ws.api.get("/v1/folders")
    assert response.status == 401
    reader = await ws.key_with(["folders:read"])
    assert (await ws.call("GET", "/v1/folders", key=reader))[0] == 200
    status, error = await ws.call("POST", "/v1/folders", {"name": "No"}, key=reader)
    assert (status, error["error"]) == (403, "forbidden")
    code = await ws.code()
    folder = await ws.ok("POST", "/v1/folders", {"name": "Yes"}, 201)
    status, _ = await ws.call(
        "POST", f"/v1/codes/{code['id']}/assign-folder", {"folderId": folder["id"]}, key=reader
    )
    assert status == 403


async def test_a_deleted_code_cannot_be_assigned_until_restored(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    folder = await ws.ok("POST", "/v1/folders", {"name": "Archive"}, 201)
    code = await ws.code()
    await ws.ok("DELETE", f"/v1/codes/{code['id']}", status=204)
    status, error = await ws.call(
        "POST", f"/v1/codes/{code['id']}/assign-folder", {"folderId": folder["id"]}
    )
    assert (status, error["error"]) == (409, "conflict") and "restore" in error["detail"]
    assert (await ws.ok("GET", f"/v1/folders/{folder['id']}"))["codeCount"] == 0
