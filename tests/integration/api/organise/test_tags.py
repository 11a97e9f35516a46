"""Tags: every tag of the workspace with the number of its codes that are not deleted, most
used first, ties by name; other workspaces' tags are not seen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from integration.api.organise.conftest import NewWorkspace

pytestmark = pytest.mark.infra


async def test_tags_are_counted_most_used_first_without_deleted_codes(
    new_workspace: NewWorkspace,
) -> None:
    ws, other = await new_workspace(), await new_workspace()
    await ws.code(tags=["print", "q4"])
    await ws.code(tags=["q4", "menu"])
    await ws.code(tags=["q4", "print", "Beta"])
    gone = await ws.code(tags=["print", "gone"])
    await ws.ok("DELETE", f"/v1/codes/{gone['id']}", status=204)
    await other.code(tags=["q4", "theirs"])

    tags = (await ws.ok("GET", "/v1/tags"))["data"]
    assert tags == [
        {"tag": "q4", "codeCount": 3},
        {"tag": "print", "codeCount": 2},
        {"tag": "Beta", "codeCount": 1},
        {"tag": "menu", "codeCount": 1},
    ]


async def test_a_workspace_without_codes_has_no_tags_and_tags_need_codes_read(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    assert (await ws.ok("GET", "/v1/tags")) == {"data": [], "nextCursor": None}
    status, error = await ws.call("GET", "/v1/tags", key=await ws.key_with(["folders:read"]))
    assert (status, error["error"]) == (403, "forbidden")
    assert (await ws.api.get("/v1/tags")).status == 401
