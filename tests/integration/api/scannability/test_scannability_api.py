"""`POST /v1/scannability` through the API: a design, a saved code, another workspace's code."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from qrstack_api.app import create_app
from qrstack_launcher.stack import Infrastructure
from qrstack_renderer.app import create_app as create_renderer
from qrstack_renderer.settings import RendererSettings
from support.accounts import new_workspace
from support.api import api_settings

from .conftest import Client

pytestmark = pytest.mark.infra


async def test_a_design_and_a_saved_code_are_scored(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    design = await api.post(
        "/v1/scannability",
        json={"data": "https://example.com/a", "style": {"foreground": "#aaaaaa"}},
        headers=auth,
    )
    assert design.status == 200
    body = await design.json()
    assert body["grade"] == "F"
    assert body["reasons"][0].startswith("contrast")

    made = await api.post("/v1/codes", json={"targetUrl": "https://example.com/menu"}, headers=auth)
    code = await made.json()
    saved = await api.post("/v1/scannability", json={"codeId": code["id"]}, headers=auth)
    assert saved.status == 200
    assert (await saved.json())["grade"] == "A"
    by_path = await api.get(
        f"/v1/codes/{code['id']}/scannability?scanDistanceMm=2000&printSizeMm=30", headers=auth
    )
    assert by_path.status == 200
    far = await by_path.json()
    assert far["print"]["minSizeMm"] == 200.0
    assert far["grade"] != "A"

    other = await new_workspace(infra.database_url)
    foreign = await api.post(
        "/v1/scannability",
        json={"codeId": code["id"]},
        headers={"Authorization": f"Bearer {other.api_key}"},
    )
    assert foreign.status == 404


async def test_code_id_and_data_together_are_refused(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    response = await api.post(
        "/v1/scannability",
        json={"data": "x", "codeId": "00000000-0000-0000-0000-000000000000"},
        headers={"Authorization": f"Bearer {ws.api_key}"},
    )
    assert response.status == 400
    assert (await response.json())["error"] == "validation_failed"


@pytest.fixture(scope="module")
async def strict_api(infra: Infrastructure) -> AsyncIterator[Client]:
    """The API with API_MIN_SCANNABILITY_GRADE=B, on the real renderer."""
    renderer = TestServer(create_renderer(RendererSettings()))
    await renderer.start_server()
    settings = api_settings(
        infra,
        renderer_url=str(renderer.make_url("")).rstrip("/"),
        min_scannability_grade="B",
    )
    client: Client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    yield client
    await client.close()
    await renderer.close()


async def test_a_design_below_the_minimum_grade_is_refused_and_nothing_changes(
    strict_api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    plain = await strict_api.post(
        "/v1/codes", json={"targetUrl": "https://example.com/plain"}, headers=auth
    )
    assert plain.status == 201
    code = await plain.json()
    risky = {"style": {"pattern": "classy", "corners": "leaf", "centerText": "SCAN"}}
    refused = await strict_api.patch(f"/v1/codes/{code['id']}", json=risky, headers=auth)
    assert refused.status == 400
    issue = (await refused.json())["issues"][0]
    assert issue["path"][0] == "style"
    assert "the minimum here is B" in issue["reason"]
    kept = await (await strict_api.get(f"/v1/codes/{code['id']}", headers=auth)).json()
    assert kept["style"] == code["style"]  # as created: nothing of the refused design
    made = await strict_api.post(
        "/v1/codes", json={"targetUrl": "https://example.com/x", **risky}, headers=auth
    )
    assert made.status == 400
    listed = await (await strict_api.get("/v1/codes", headers=auth)).json()
    assert [c["id"] for c in listed["data"]] == [code["id"]]
