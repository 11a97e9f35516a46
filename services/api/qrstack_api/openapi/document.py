"""Assembling the OpenAPI 3.1 document from the app's routes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from qrstack_api.openapi.components import (
    ERROR_SCHEMA,
    ERROR_TEXT,
    HEADERS,
    PAGINATION,
    RATE_LIMIT_HEADERS,
    SECURITY,
    SECURITY_SCHEMES,
    WORKSPACE_PARAMETER,
)
from qrstack_api.openapi.operation import BodySchema, Operation, operation_of

_REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=name)}


def without_property_titles(schema: Any) -> Any:
    """pydantic titles every property after its Python name ("Folderid"); the property's own
    name says it better, so they are left out (model titles stay)."""
    if isinstance(schema, dict):
        props = schema.get("properties")
        if isinstance(props, dict):
            for prop in props.values():
                if isinstance(prop, dict):
                    prop.pop("title", None)
        for value in schema.values():
            without_property_titles(value)
    elif isinstance(schema, list):
        for value in schema:
            without_property_titles(value)
    return schema


def _models(ops: list[Operation]) -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for op in ops:
        candidates: list[Any] = [op.body, op.query, *op.responses.values()]
        for model in candidates:
            if isinstance(model, type) and issubclass(model, BaseModel):
                found[model.__name__] = model
    return list(found.values())


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The query parameters a model validates (by their wire names)."""
    schema = model.model_json_schema(by_alias=True, ref_template=_REF)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": {k: v for k, v in prop.items() if k not in ("title", "description")},
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _request_body(body: type[BaseModel] | BodySchema) -> dict[str, Any]:
    if isinstance(body, BodySchema):
        media: dict[str, Any] = {"schema": _ref(body.name)}
        if body.examples:
            media["examples"] = {
                name: {"summary": name, "value": value} for name, value in body.examples.items()
            }
        return {"required": True, "content": dict.fromkeys(body.media_types, media)}
    return {"required": True, "content": {"application/json": {"schema": _ref(body.__name__)}}}


def _headers(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _responses(op: Operation) -> dict[str, Any]:
    rate_limited = RATE_LIMIT_HEADERS if op.auth != "none" else ()
    responses: dict[str, Any] = {}
    for status, model in op.responses.items():
        headers = _headers((*rate_limited, *op.headers.get(status, ())))
        if model is None:
            out: dict[str, Any] = {"description": "No content" if status == 204 else "OK"}
        elif isinstance(model, type):
            doc = model.__doc__.strip().splitlines()[0] if model.__doc__ else "OK"
            schema = {"schema": _ref(model.__name__)}
            out = {"description": doc, "content": {"application/json": schema}}
        else:
            out = {
                "description": "; ".join(model.values()),
                "content": {media: {"schema": {"type": "string", "format": "binary"}}
                            for media in model},
            }  # fmt: skip
        if headers:
            out["headers"] = headers
        responses[str(status)] = out
    implied = (
        # Optional credentials are still refused (403) acting on a workspace not theirs.
        (401, 403, 429) if op.auth != "none" else ()
    )
    with_body = (413, 415) if op.body is not None or op.multipart is not None else ()
    # 400 on every route: an unknown query parameter is refused (openapi.query_check).
    for status in sorted({*op.errors, *implied, *with_body, 400}):
        extra = ("Retry-After",) if status == 429 else ()
        responses[str(status)] = {
            "description": ERROR_TEXT.get(status, "Error"),
            "content": {"application/json": {"schema": _ref("Error")}},
            "headers": _headers((*rate_limited, *extra)),
        }
    return responses


def _operation(op: Operation, path_params: list[str], op_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": op_id, "summary": op.summary, "tags": [op.tag]}
    if op.description:
        out["description"] = op.description
    params: list[dict[str, Any]] = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
        for p in path_params
    ]
    if op.query is not None:
        params.extend(query_parameters(op.query))
    if op.auth != "none":
        params.append(WORKSPACE_PARAMETER)
    if params:
        out["parameters"] = params
    if op.body is not None:
        out["requestBody"] = _request_body(op.body)
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
    out["responses"] = _responses(op)
    if op.auth == "none":
        out["security"] = []
    elif op.auth == "optional":
        out["security"] = [*SECURITY, {}]  # anonymous is allowed too
    elif op.scope is not None:
        # The scope the credential must hold, as OpenAPI 3.1 names roles in a requirement.
        out["security"] = [{name: [op.scope]} for name in SECURITY_SCHEMES]
    else:
        out["security"] = SECURITY
    return out


def _operation_id(handler: object, method: str, path: str) -> str:
    module = getattr(handler, "__module__", "").rsplit(".", 2)
    name = getattr(handler, "__name__", method).strip("_")
    area = module[-2] if len(module) > 1 and module[-1] == "routes" else module[-1]
    return f"{area}_{name}" if name else f"{method}_{path}"


def build_openapi(
    app: web.Application, *, title: str, version: str, description: str = ""
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route whose handler has an `@operation`."""
    paths: dict[str, dict[str, Any]] = {}
    ops: list[Operation] = []
    built: dict[str, Mapping[str, Any]] = {}
    seen_ids: set[str] = set()
    for route in app.router.routes():
        op = operation_of(route.handler)
        resource = route.resource
        if op is None or resource is None or route.method == "HEAD":
            continue
        ops.append(op)
        canonical = resource.canonical
        path = _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", canonical)
        params = _PATH_PARAM.findall(canonical)
        op_id = _operation_id(route.handler, route.method.lower(), path)
        while op_id in seen_ids:
            op_id += "_"
        seen_ids.add(op_id)
        paths.setdefault(path, {})[route.method.lower()] = _operation(op, params, op_id)
        if isinstance(op.body, BodySchema) and op.body.name not in built:
            built.update(op.body.schemas())
    _, schemas = models_json_schema(
        [(m, "validation") for m in _models(ops)], by_alias=True, ref_template=_REF
    )
    components = {**schemas.get("$defs", {}), **built, "Error": ERROR_SCHEMA}
    without_property_titles(components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": f"{description}\n\n{PAGINATION}".strip(),
        },
        "paths": dict(sorted(paths.items())),
        "security": SECURITY,
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": SECURITY_SCHEMES,
            "headers": HEADERS,
        },
    }
