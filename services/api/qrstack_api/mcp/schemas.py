"""Tool input schemas, made from the models that validate the /v1 requests: the code body
union and its merge patch (`openapi.code_body`), the query and body models of the routes.

MCP wants one self-contained JSON Schema object per tool: the OpenAPI components a schema
refers to are carried along under `$defs` (only those it reaches)."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from qrstack_api.openapi.code_body import code_body_schemas
from qrstack_api.openapi.document import without_property_titles

_COMPONENTS = "#/components/schemas/"
_DEFS = "#/$defs/"

ID_DESCRIPTION = "The {what}'s id as /v1 shows it ({prefix}_ and 32 hex digits)."


def _retargeted(schema: Any) -> Any:
    """`schema` with `#/components/schemas/X` references (`$ref`s and the discriminator's
    mapping) pointing at `#/$defs/X`."""
    if isinstance(schema, dict):
        return {k: _retargeted(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_retargeted(v) for v in schema]
    if isinstance(schema, str) and schema.startswith(_COMPONENTS):
        return _DEFS + schema.removeprefix(_COMPONENTS)
    return schema


def _reached(root: Any, components: Mapping[str, Any]) -> dict[str, Any]:
    """The components `root` refers to, directly or through each other."""
    found: dict[str, Any] = {}
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(_DEFS):
                name = ref.removeprefix(_DEFS)
                if name not in found and name in components:
                    found[name] = components[name]
                    pending.append(components[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


@functools.cache
def _code_components() -> dict[str, Any]:
    retargeted: dict[str, Any] = _retargeted(without_property_titles(code_body_schemas()))
    return retargeted


def code_body_property(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(`{"$ref": …}`, the `$defs` it needs) for a code body schema: `CodeBody` (create) or
    `CodePatch` (a JSON Merge Patch)."""
    components = _code_components()
    ref = {"$ref": _DEFS + name}
    return ref, _reached(ref, components)


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON Schema by its wire names (aliases), as /v1 reads it."""
    schema = model.model_json_schema(by_alias=True, mode="validation")
    without_property_titles(schema)
    schema.pop("title", None)
    return schema


def object_schema(
    properties: Mapping[str, Any],
    required: list[str],
    *,
    defs: Mapping[str, Any] | None = None,
    closed: bool = True,
) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": dict(properties), "required": required}
    if closed:
        out["additionalProperties"] = False
    if defs:
        out["$defs"] = dict(defs)
    return out


def id_property(what: str, prefix: str) -> dict[str, Any]:
    return {"type": "string", "description": ID_DESCRIPTION.format(what=what, prefix=prefix)}


def with_id(what: str, prefix: str, model: type[BaseModel] | None = None) -> dict[str, Any]:
    """`{"id": …}` and, when given, the fields of `model` beside it."""
    base = model_schema(model) if model is not None else {"properties": {}, "required": []}
    properties = {"id": id_property(what, prefix), **copy.deepcopy(base.get("properties", {}))}
    return object_schema(properties, ["id", *base.get("required", [])], defs=base.get("$defs"))
