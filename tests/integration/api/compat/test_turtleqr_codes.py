"""TurtleQR's REST reference (seed 004), codes: each documented example sent as written and
each field table checked against the answer. Written from the reference alone."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from integration.api.compat.compat_client import NewWorkspace, Workspace

pytestmark = pytest.mark.infra

CODE_ID = re.compile(r"^code_[0-9a-f]{32}$")
WS_ID = re.compile(r"^ws_[0-9a-f]{32}$")
FOLDER_ID = re.compile(r"^folder_[0-9a-f]{32}$")


def example() -> dict[str, Any]:
    """The reference's create example; slugs are unique on the platform domain, so each test
    adds a suffix to `autumn-menu`."""
    return {
        "type": "url",
        "targetUrl": "https://example.com/autumn-menu",
        "slug": f"autumn-menu-{secrets.token_hex(4)}",
        "fallbackUrl": "https://example.com/",
        "tags": ["q4", "print"],
    }


async def _created(ws: Workspace, body: dict[str, Any]) -> dict[str, Any]:
    answer = await ws.v1("POST", "/v1/codes", body)
    assert answer.status == 201, answer.body
    code: dict[str, Any] = answer.body
    return code


# --- Errors ---------------------------------------------------------------------------------


async def test_a_400_is_validation_failed_with_field_level_issues(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    answer = await ws.v1(
        "POST", "/v1/codes", {"targetUrl": "ftp://example.com", "tags": ["x" * 49], "slug": "a b"}
    )
    assert answer.status == 400
    assert answer.body["error"] == "validation_failed"
    assert isinstance(answer.body["detail"], str) and answer.body["detail"]
    issues = {tuple(i["path"]): i for i in answer.body["issues"]}
    assert set(issues) >= {("targetUrl",), ("tags", 0), ("slug",)}
    for issue in answer.body["issues"]:  # Zod's issue fields
        assert isinstance(issue["message"], str) and issue["message"]
        assert isinstance(issue["code"], str)
    assert issues[("tags", 0)]["code"] == "invalid_string"


async def test_other_error_codes_of_the_table(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    other = await new_workspace()
    missing = await ws.api.get("/v1/codes")
    assert missing.status == 401 and (await missing.json())["error"] == "unauthorized"
    sent = example()
    code = await _created(ws, sent)
    foreign = await other.v1("GET", f"/v1/codes/{code['id']}")
    assert (foreign.status, foreign.body["error"]) == (404, "not_found")
    taken = await ws.v1("POST", "/v1/codes", sent)
    assert (taken.status, taken.body["error"]) == (409, "slug_taken")
    free = await new_workspace(plan="free")
    pro_only = await free.v1(
        "POST", "/v1/codes", {"targetUrl": "https://e.com", "expiresAt": "2030-01-01T00:00:00Z"}
    )
    assert (pro_only.status, pro_only.body["error"]) == (402, "plan_limit_exceeded")
    assert "issues" not in pro_only.body  # present only on 400 validation errors


# --- POST /v1/codes -------------------------------------------------------------------------


async def test_create_example(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    sent = example()
    code = await _created(ws, sent)
    assert CODE_ID.match(code["id"]) and WS_ID.match(code["workspaceId"])
    assert code["workspaceId"] == f"ws_{ws.id.hex}"
    assert code["type"] == "url" and code["slug"] == sent["slug"]
    assert code["shortUrl"].endswith(f"/{sent['slug']}")
    assert code["targetUrl"] == sent["targetUrl"]
    assert code["fallbackUrl"] == sent["fallbackUrl"]
    assert code["tags"] == ["q4", "print"]
    assert code["scanTrackingEnabled"] is True


async def test_create_field_table(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    folder = (await ws.v1("POST", "/v1/folders", {"name": "Print"})).body
    code = await _created(
        ws,
        {
            "targetUrl": "https://example.com/x",
            "label": "Spring flyer",
            "activeFrom": "2030-01-01T09:00:00",  # no offset: UTC
            "activeUntil": "2030-02-01T09:00:00Z",
            "maxScans": 500,
            "folderId": folder["id"],
            "password": "open sesame",
            "passwordHint": "the usual",
            "scanTrackingEnabled": False,
        },
    )
    assert code["type"] == "url"  # the default type
    assert re.fullmatch(r"[A-Za-z0-9_-]{8}", code["slug"])  # auto-generated, 8 characters
    assert code["label"] == "Spring flyer"
    assert code["activeFrom"].startswith("2030-01-01T09:00:00")
    assert code["activeFrom"].endswith(("Z", "+00:00"))
    assert code["expiresAt"].startswith("2030-02-01T09:00:00")  # activeUntil = expiresAt
    assert code["maxScans"] == 500 and code["folderId"] == folder["id"]
    assert FOLDER_ID.match(code["folderId"])
    assert code["passwordHint"] == "the usual" and "password" not in code
    assert code["scanTrackingEnabled"] is False
    too_many = await ws.v1(
        "POST", "/v1/codes", {"targetUrl": "https://e.com", "tags": [f"t{i}" for i in range(11)]}
    )
    assert too_many.status == 400 and too_many.body["issues"][0]["path"] == ["tags"]
    long_hint = await ws.v1(
        "POST", "/v1/codes", {"targetUrl": "https://e.com", "passwordHint": "h" * 101}
    )
    assert long_hint.status == 400 and long_hint.body["issues"][0]["path"] == ["passwordHint"]
    not_web = await ws.v1("POST", "/v1/codes", {"targetUrl": "javascript:alert(1)"})
    assert not_web.status == 400 and not_web.body["issues"][0]["path"] == ["targetUrl"]


# --- GET /v1/codes --------------------------------------------------------------------------


async def test_list_newest_first_with_every_documented_filter(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    folder = (await ws.v1("POST", "/v1/folders", {"name": "Menus"})).body
    first = await _created(ws, {"targetUrl": "https://e.com/1", "label": "Lunch menu"})
    second = await _created(
        ws, {"targetUrl": "https://e.com/2", "tags": ["print"], "folderId": folder["id"]}
    )
    third = await _created(ws, {"targetUrl": "https://e.com/3", "slug": "dinner"})
    listed = (await ws.v1("GET", "/v1/codes")).body
    assert [c["id"] for c in listed["data"]] == [third["id"], second["id"], first["id"]]
    assert listed["nextCursor"] is None
    page = (await ws.v1("GET", "/v1/codes?limit=2")).body
    assert [c["id"] for c in page["data"]] == [third["id"], second["id"]]
    rest = (await ws.v1("GET", f"/v1/codes?limit=2&cursor={page['nextCursor']}")).body
    assert [c["id"] for c in rest["data"]] == [first["id"]]

    async def ids(query: str) -> list[str]:
        answer = await ws.v1("GET", f"/v1/codes?{query}")
        assert answer.status == 200, answer.body
        return [c["id"] for c in answer.body["data"]]

    assert await ids(f"workspaceId=ws_{ws.id.hex}") == [third["id"], second["id"], first["id"]]
    assert await ids(f"folderId={folder['id']}") == [second["id"]]
    assert await ids("folderId=none") == [third["id"], first["id"]]
    assert await ids("tag=print") == [second["id"]]
    assert await ids("status=active") == [third["id"], second["id"], first["id"]]
    assert await ids("q=lunch") == [first["id"]]  # label
    assert await ids("q=dinner") == [third["id"]]  # slug
    assert await ids("q=e.com/2") == [second["id"]]  # target URL
    assert (await ws.v1("GET", "/v1/codes?limit=101")).status == 400  # max 100


# --- GET / PATCH / DELETE /v1/codes/:id -----------------------------------------------------


async def test_read_by_id_with_payload_and_style(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    code = await _created(
        ws, {"type": "wifi", "wifi": {"ssid": "Cafe", "encryption": "WPA", "password": "longpass1"}}
    )
    read = await ws.v1("GET", f"/v1/codes/{code['id']}")
    assert read.status == 200
    assert read.body["wifi"]["ssid"] == "Cafe" and "style" in read.body
    legacy = await ws.v1("GET", f"/v1/codes/{code['id'].removeprefix('code_')}")
    assert legacy.status == 200 and legacy.body["id"] == code["id"]  # a bare UUID still works


async def test_patch_example_and_null_clears(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    sent = example()
    code = await _created(ws, sent)
    patched = await ws.v1(
        "PATCH", f"/v1/codes/{code['id']}", {"targetUrl": "https://example.com/new-destination"}
    )
    assert patched.status == 200
    assert patched.body["targetUrl"] == "https://example.com/new-destination"
    assert patched.body["slug"] == sent["slug"] and patched.body["tags"] == ["q4", "print"]
    cleared = await ws.v1("PATCH", f"/v1/codes/{code['id']}", {"fallbackUrl": None})
    assert cleared.status == 200 and cleared.body["fallbackUrl"] is None


async def test_delete_is_soft(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    sent = example()
    code = await _created(ws, sent)
    assert (await ws.v1("DELETE", f"/v1/codes/{code['id']}")).status in (200, 204)
    read = await ws.v1("GET", f"/v1/codes/{code['id']}")
    assert read.status == 200 and read.body["status"] == "deleted"  # the row is retained
    row = await ws.db.fetchrow(
        "SELECT status FROM codes WHERE slug = $1 AND workspace_id = $2", sent["slug"], ws.id
    )
    assert row is not None and row["status"] == "deleted"


async def test_assign_folder_example(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    folder = (await ws.v1("POST", "/v1/folders", {"name": "Summer campaign"})).body
    code = await _created(ws, example())
    assigned = await ws.v1(
        "POST", f"/v1/codes/{code['id']}/assign-folder", {"folderId": folder["id"]}
    )
    assert assigned.status == 200 and assigned.body["folderId"] == folder["id"]
    unassigned = await ws.v1("POST", f"/v1/codes/{code['id']}/assign-folder", {"folderId": None})
    assert unassigned.status == 200 and unassigned.body["folderId"] is None
