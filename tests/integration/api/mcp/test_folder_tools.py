"""Folders through /v1/mcp on the real stack: created, listed with their code counts, renamed,
filled through update_code and deleted (their codes kept); bad names refused by field."""

from __future__ import annotations

import pytest

from qrstack_launcher.stack import Platform
from support.accounts import new_workspace
from tests.integration.api.mcp.assistant import answer, connected, refusal

pytestmark = pytest.mark.e2e


async def test_folders_created_listed_renamed_and_deleted(platform: Platform) -> None:
    ws = await new_workspace(platform.infra.database_url)
    async with connected(platform, ws.api_key) as client:
        made = answer(
            await client.call_tool("create_folder", {"name": "Print", "color": "#1B4332"})
        )
        assert made["id"].startswith("folder_") and made["name"] == "Print"
        code = answer(
            await client.call_tool("create_code", {"code": {"targetUrl": "https://e.com/"}})
        )
        moved = answer(
            await client.call_tool(
                "update_code", {"id": code["id"], "changes": {"folderId": made["id"]}}
            )
        )
        assert moved["folderId"] == made["id"]

        listed = answer(await client.call_tool("list_folders", {}))
        assert [(f["id"], f["name"], f["codeCount"]) for f in listed["data"]] == [
            (made["id"], "Print", 1)
        ]
        in_folder = answer(await client.call_tool("list_codes", {"folderId": made["id"]}))
        assert [c["id"] for c in in_folder["data"]] == [code["id"]]

        renamed = answer(
            await client.call_tool("update_folder", {"id": made["id"], "name": "Print 2027"})
        )
        assert renamed["name"] == "Print 2027" and renamed["color"] == made["color"]

        error, text = refusal(
            await client.call_tool("update_folder", {"id": made["id"], "name": ""})
        )
        assert error == "validation_failed" and "name" in text
        error, text = refusal(await client.call_tool("create_folder", {"name": "x" * 81}))
        assert error == "validation_failed" and "name" in text
        error, text = refusal(await client.call_tool("create_folder", {"title": "Print"}))
        assert error == "validation_failed" and "title" in text

        assert answer(await client.call_tool("delete_folder", {"id": made["id"]}))["deleted"]
        assert answer(await client.call_tool("list_folders", {}))["data"] == []
        kept = answer(await client.call_tool("get_code", {"id": code["id"]}))
        assert kept["folderId"] is None  # unassigned, not deleted
        error, _ = refusal(await client.call_tool("delete_folder", {"id": made["id"]}))
        assert error == "not_found"
