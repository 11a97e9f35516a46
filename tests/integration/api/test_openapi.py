"""/v1/openapi.json is a valid OpenAPI 3.1 document that describes every /v1 route."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
UNDOCUMENTED = {"/v1/openapi.json", "/v1/docs", "/v1/docs/{name}"}


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


async def test_the_docs_page_is_swagger_ui_from_this_origin_under_a_strict_csp(
    api: Client,
) -> None:
    response = await api.get("/v1/docs")
    assert response.status == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    html = await response.text()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts and all(s.startswith("/v1/docs/") for s in scripts), scripts
    assert "<script>" not in html  # no inline script (the CSP would refuse it)
    for asset in [*scripts, *re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)]:
        got = await api.get(asset)
        assert got.status == 200, asset
        assert "immutable" in got.headers["Cache-Control"]  # versioned URLs
        assert got.headers["ETag"]
    bundle = await (await api.get(scripts[0])).text()
    assert "SwaggerUIBundle" in bundle
    license_text = await (await api.get("/v1/docs/LICENSE")).text()
    assert "Apache License" in license_text
    assert (await api.get("/v1/docs/package.json")).status == 404  # only the listed files
