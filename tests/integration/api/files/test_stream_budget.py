"""The public streams' budget: page views per client address and workspace, set per workspace
(`filesRateLimit`), where a 10-image carousel seen once costs one view and the Range pieces of
one PDF add up to one view; past it, 429 with Retry-After."""

from __future__ import annotations

from typing import Any

import pytest
from integration.api.files.conftest import Client, Workspace, make_workspace
from integration.api.files.test_public_streams import _clear_of_the_window_edge
from unit.api.files.samples import image_bytes, pdf_bytes

from qrstack_common.ids import public_id

pytestmark = pytest.mark.infra


def _workspace_path(ws: Workspace) -> str:
    return f"/v1/workspaces/{public_id('workspace', ws.id)}"


async def _limit(ws: Workspace, views: int | None) -> None:
    body = await ws.ok("PATCH", _workspace_path(ws), json={"filesRateLimit": views})
    assert body["filesRateLimit"] == views


async def _carousel(ws: Workspace, images: int) -> str:
    code = await ws.code("image-carousel")
    for n in range(images):
        status, body = await ws.upload(
            code["id"], "image", image_bytes("PNG", colour=(n * 20, 90, 90)), "image/png"
        )
        assert status == 200, body
    return str(code["id"])


async def test_the_budget_is_a_workspace_setting_validated_by_name(
    ws: Workspace, api: Client
) -> None:
    path = _workspace_path(ws)
    assert (await ws.ok("GET", path))["filesRateLimit"] is None  # the platform's default
    await _limit(ws, 120)
    assert (await ws.ok("GET", path))["filesRateLimit"] == 120
    for wrong in (0, -3, 1_000_001, 2.5, "many", True):
        status, body = await ws.call("PATCH", path, json={"filesRateLimit": wrong})
        assert status == 400, (wrong, body)
        assert [issue["path"] for issue in body["issues"]] == [["filesRateLimit"]], wrong
    assert (await ws.ok("GET", path))["filesRateLimit"] == 120  # refusals changed nothing
    await _limit(ws, None)

    document: dict[str, Any] = await (await api.get("/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]
    setting = schemas["WorkspaceUpdate"]["properties"]["filesRateLimit"]
    assert {"minimum": 1, "maximum": 1_000_000} in [
        {k: v for k, v in option.items() if k in ("minimum", "maximum")}
        for option in setting.get("anyOf", [setting])
    ]
    assert "filesRateLimit" in schemas["WorkspaceSettings"]["properties"]


async def test_a_ten_image_carousel_seen_once_costs_one_view(ws: Workspace, api: Client) -> None:
    code_id = await _carousel(ws, 10)
    await _clear_of_the_window_edge()
    await _limit(ws, 2)
    paths = [f"/v1/files/image/{code_id}/{index}" for index in range(10)]

    first_view = [await api.get(path) for path in paths]
    assert [r.status for r in first_view] == [200] * 10
    assert first_view[-1].headers["X-RateLimit-Limit"] == "2"
    assert first_view[-1].headers["X-RateLimit-Remaining"] == "1"  # one view spent, not ten
    second_view = [(await api.get(path)).status for path in paths]
    assert second_view == [200] * 10

    refused = await api.get(paths[0])
    assert refused.status == 429 and (await refused.json())["error"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 60  # the window is an hour
    assert refused.headers["X-RateLimit-Limit"] == "2"

    # Another workspace's files keep their own budget at the same address.
    other = await make_workspace(api, ws.db)
    other_code = await _carousel(other, 1)
    assert (await api.get(f"/v1/files/image/{other_code}/0")).status == 200
    # Raising the setting lets the address in again at once.
    await _limit(ws, 3)
    assert (await api.get(paths[0])).status == 200


async def test_the_range_pieces_of_one_pdf_view_cost_one_view(ws: Workspace, api: Client) -> None:
    document = pdf_bytes()
    code = await ws.code("pdf")
    status, _ = await ws.upload(code["id"], "pdf", document, "application/pdf")
    assert status == 200
    await _clear_of_the_window_edge()
    await _limit(ws, 1)
    path = f"/v1/files/pdf/{code['id']}"

    piece = 200
    starts = range(0, len(document), piece)
    assert len(starts) >= 5
    answers = [
        await api.get(path, headers={"Range": f"bytes={at}-{at + piece - 1}"}) for at in starts
    ]
    assert [r.status for r in answers] == [206] * len(starts)  # all within a 1-view budget
    assert b"".join([await r.read() for r in answers]) == document

    refused = await api.get(path)  # a second view
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
