"""Assembling the OpenAPI 3.1 document from the app's routes."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from qrstack_api.openapi.operation import Operation, operation_of

_REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "description": "Machine-readable code."},
        "detail": {"type": "string", "description": "Human-readable sentence."},
        "issues": {
            "type": "array",
            "description": "On 400 validation_failed: every failing field.",
            "items": {
                "type": "object",
                "required": ["path", "message", "code", "reason"],
                "properties": {
                    "path": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "message": {"type": "string"},
                    "code": {"type": "string", "description": "Zod's issue code."},
                    "reason": {"type": "string", "description": "Same as message."},
                },
            },
        },
        "requestId": {"type": "string"},
    },
}

_ERROR_TEXT = {
    400: "Invalid input (validation_failed, with issues)",
    401: "Missing or invalid credentials",
    402: "The plan does not include this",
    403: "Not allowed (scope, IP allowlist, locked account)",
    404: "Not found (or another workspace's)",
    405: "Method not allowed",
    409: "Conflict (e.g. slug_taken)",
    413: "Too large",
    415: "Unsupported media type",
    429: "Rate limited (see Retry-After)",
    503: "A service behind the API is unavailable",
}


def _models(ops: list[Operation]) -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for op in ops:
        candidates: list[Any] = [op.body, op.query, *op.responses.values()]
        for model in candidates:
            if isinstance(model, type) and issubclass(model, BaseModel):
                found[model.__name__] = model
    return list(found.values())


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(by_alias=True, ref_template=_REF)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": {k: v for k, v in prop.items() if k != "title"},
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(op: Operation, path_params: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"summary": op.summary, "tags": [op.tag]}
    if op.description:
        out["description"] = op.description
    params: list[dict[str, Any]] = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
        for p in path_params
    ]
    if op.query is not None:
        params.extend(_query_parameters(op.query))
    if params:
        out["parameters"] = params
    if op.body is not None:
        out["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": _REF.format(model=op.body.__name__)}}
            },
        }
    elif op.multipart is not None:
        out["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            name: {"type": "string", "format": "binary", "description": text}
                            for name, text in op.multipart.items()
                        },
                    }
                }
            },
        }
    responses: dict[str, Any] = {}
    for status, model in op.responses.items():
        if model is None:
            responses[str(status)] = {"description": "No content" if status == 204 else "OK"}
        elif isinstance(model, type):
            ref = {"$ref": _REF.format(model=model.__name__)}
            responses[str(status)] = {
                "description": model.__doc__.strip().splitlines()[0] if model.__doc__ else "OK",
                "content": {"application/json": {"schema": ref}},
            }
        else:
            responses[str(status)] = {
                "description": "; ".join(model.values()),
                "content": {media: {"schema": {"type": "string", "format": "binary"}}
                            for media in model},
            }  # fmt: skip
    error_ref = {"$ref": _REF.format(model="Error")}
    implied = (
        (401, 403, 429) if op.auth == "required" else (401, 429) if op.auth == "optional" else ()
    )
    with_body = (400, 413, 415) if op.body is not None or op.multipart is not None else ()
    for status in sorted({*op.errors, *implied, *with_body}):
        responses[str(status)] = {
            "description": _ERROR_TEXT.get(status, "Error"),
            "content": {"application/json": {"schema": error_ref}},
        }
    out["responses"] = responses
    schemes: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKeyHeader": []}, {"basic": []}]
    if op.auth == "optional":
        schemes.append({})  # anonymous is allowed too
    out["security"] = schemes if op.auth != "none" else []
    return out


def build_openapi(app: web.Application, *, title: str, version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route whose handler has an `@operation`."""
    paths: dict[str, dict[str, Any]] = {}
    ops: list[Operation] = []
    for route in app.router.routes():
        op = operation_of(route.handler)
        resource = route.resource
        if op is None or resource is None or route.method == "HEAD":
            continue
        ops.append(op)
        canonical = resource.canonical
        path = _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", canonical)
        params = _PATH_PARAM.findall(canonical)
        paths.setdefault(path, {})[route.method.lower()] = _operation(op, params)
    _, schemas = models_json_schema(
        [(m, "validation") for m in _models(ops)], by_alias=True, ref_template=_REF
    )
    components = dict(schemas.get("$defs", {}))
    components["Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "qr_live_/qr_test_ key",
                },
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "basic": {"type": "http", "scheme": "basic", "description": "email:password"},
            },
        },
    }
