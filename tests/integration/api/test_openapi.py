"""/v1/openapi.json is a valid OpenAPI 3.1 document that describes every /v1 route."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
UNDOCUMENTED = {"/v1/openapi.json", "/v1/docs"}


async def test_the_document_is_valid_and_complete(api: Client) -> None:
    response = await api.get("/v1/openapi.json")
    assert response.status == 200
    doc = await response.json()
    validate(doc)  # raises on any violation of the OpenAPI 3.1 schema
    assert doc["openapi"] == "3.1.0"

    documented = {
        (method.upper(), path) for path, methods in doc["paths"].items() for method in methods
    }
    routed = set()
    for route in api.app.router.routes():  # type: ignore[union-attr]
        if route.resource is None or route.method == "HEAD":
            continue
        path = route.resource.canonical  # `/v1/codes/{code_id}`, regexes left out
        if path.startswith("/v1/") and path not in UNDOCUMENTED:
            routed.add((route.method, path))
    missing = routed - documented
    assert not missing, f"routes without an @operation: {sorted(missing)}"


async def test_the_docs_page_lists_operations(api: Client) -> None:
    response = await api.get("/v1/docs")
    assert response.status == 200
    html = await response.text()
    assert "/v1/codes/{code_id}" in html
    assert "<script" not in html  # self-contained, no external assets
