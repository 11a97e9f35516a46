"""Query parameters a route does not read are refused by name, with the valid ones; an
unknown `type` filter lists the types."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]


async def test_a_misspelt_query_parameter_is_a_400_naming_it(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    response = await api.get("/v1/codes?limt=5&tag=print", headers=auth)
    assert response.status == 400
    body = await response.json()
    [issue] = body["issues"]
    assert issue["path"] == ["limt"]
    assert "did you mean `limit`?" in issue["reason"]
    assert "cursor" in issue["reason"] and "workspaceId" in issue["reason"]
    ok = await api.get("/v1/codes?limit=5&tag=print&folderId=none", headers=auth)
    assert ok.status == 200, await ok.text()


async def test_a_route_without_parameters_refuses_any(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    made = await api.post("/v1/codes", json={"targetUrl": "https://example.com/"}, headers=auth)
    code = await made.json()
    response = await api.get(f"/v1/codes/{code['id']}?expand=rules", headers=auth)
    assert response.status == 400
    assert (await response.json())["issues"][0]["path"] == ["expand"]
    keyed = await api.get(f"/v1/codes/{code['id']}?apiKey={ws.api_key}")
    assert keyed.status == 200  # the auth layer's own parameter


async def test_an_unknown_type_filter_lists_the_types(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    response = await api.get(
        "/v1/codes?type=wlan-card", headers={"Authorization": f"Bearer {ws.api_key}"}
    )
    assert response.status == 400
    reason = (await response.json())["issues"][0]["reason"]
    assert "unknown type 'wlan-card'" in reason and "wifi" in reason and "vcard" in reason
