"""`POST /v1/scannability` through the API: a design, a saved code, another workspace's code."""

from __future__ import annotations

import pytest

from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace

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
