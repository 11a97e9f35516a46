"""Every answer the integration tests get from the API is checked against the OpenAPI document
the same app serves: a status the operation does not document, or a JSON body its schema
refuses, is recorded, and the autouse fixture in tests/integration/conftest.py fails the test
that received it. The document describes what the API does because every test proves it."""

from __future__ import annotations

import re
from typing import Any

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler
from jsonschema import Draft202012Validator

from qrstack_api.docs import document

VIOLATIONS: list[str] = []
_PATH_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")
_DOCUMENT = web.AppKey("conformance_document", dict)
_VALIDATORS = web.AppKey("conformance_validators", dict)


def conforming(app: web.Application) -> web.Application:
    """`app` with the check as its outermost middleware (it sees the final answers, errors
    included)."""
    app.middlewares.insert(0, _check)
    return app


def _operation(request: web.Request) -> tuple[str, dict[str, Any]] | None:
    resource = request.match_info.route.resource
    if resource is None:
        return None
    if _DOCUMENT not in request.app:
        request.app[_DOCUMENT] = document(request.app)
        request.app[_VALIDATORS] = {}
    path = _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", resource.canonical)
    op = request.app[_DOCUMENT]["paths"].get(path, {}).get(request.method.lower())
    return (f"{request.method} {path}", op) if op is not None else None


def _validator(request: web.Request, key: str, schema: dict[str, Any]) -> Draft202012Validator:
    cache: dict[str, Draft202012Validator] = request.app[_VALIDATORS]
    if key not in cache:
        root = {**schema, "components": request.app[_DOCUMENT]["components"]}
        cache[key] = Draft202012Validator(root)
    return cache[key]


def _violations(request: web.Request, response: web.StreamResponse) -> list[str]:
    found = _operation(request)
    if found is None or response.status == 304:
        return []
    where, op = found
    documented = op["responses"].get(str(response.status))
    if documented is None:
        return [f"{where}: status {response.status} is not documented ({sorted(op['responses'])})"]
    if not isinstance(response, web.Response) or response.content_type != "application/json":
        return []
    schema = documented.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        media = sorted(documented.get("content", {}))
        return [f"{where} {response.status}: answers JSON, documents {media}"]
    body = response.body
    if not isinstance(body, bytes | bytearray):
        return []
    validator = _validator(request, f"{where} {response.status}", schema)
    return [
        f"{where} {response.status}: {error.message[:200]} at {list(error.absolute_path)}"
        for error in validator.iter_errors(orjson.loads(body))
    ]


@web.middleware
async def _check(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    VIOLATIONS.extend(_violations(request, response))
    return response
