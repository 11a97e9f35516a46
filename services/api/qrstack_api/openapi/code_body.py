"""The body of `POST/PUT /v1/codes` and `PATCH /v1/codes/{id}`, generated from the models that
validate it: `CodeFields` (the code's own fields) and the payload registry (one model per type).

Create and replace take a discriminated union on `type`: one object per type with the code's
fields, `type` fixed to the type's name and the payload nested under its key (`wifi`, `card`,
`listOfLinks`, ...), or `targetUrl` for url codes. Fields that steer a redirect are left out of
the types that can only be static. A PATCH body is a JSON Merge Patch (RFC 7396): every field
optional, nested objects (`style`, the payload) merged key by key, `null` removing a key.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from qrstack_api.codes.input import REDIRECT_FIELDS
from qrstack_api.codes.model import CodeFields
from qrstack_api.openapi.examples import CODE_EXAMPLES
from qrstack_api.openapi.operation import BodySchema
from qrstack_common.payloads import PAYLOAD_TYPES, PayloadType

REF = "#/components/schemas/{model}"
_REDIRECT_ALIASES = frozenset(REDIRECT_FIELDS.values())

MERGE_PATCH = (
    "A JSON Merge Patch (RFC 7396): only the fields sent change; a nested object (`style`, the "
    "payload under its type's key) is merged key by key, so sending `style.foreground` keeps the "
    "logo; `null` removes a key (or clears a nullable field); an array is replaced whole."
)


def variant_name(type_name: str) -> str:
    """`list-of-links` → `ListOfLinksCode`: the schema of one type's body."""
    return "".join(part.capitalize() for part in type_name.split("-")) + "Code"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _definitions() -> dict[str, Any]:
    models: list[type[BaseModel]] = [CodeFields, *(t.model for t in PAYLOAD_TYPES.values())]
    _, schema = models_json_schema(
        [(m, "validation") for m in models], by_alias=True, ref_template=REF
    )
    defs: dict[str, Any] = schema.get("$defs", {})
    return defs


def _variant(kind: PayloadType[Any], fields: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in copy.deepcopy(fields["properties"]).items() if k != "type"}
    aliases = f" (also accepted: {', '.join(kind.aliases)})" if kind.aliases else ""
    props["type"] = {"type": "string", "const": kind.name, "description": f"`{kind.name}`{aliases}"}
    if not kind.can_be_dynamic:
        props = {k: v for k, v in props.items() if k not in _REDIRECT_ALIASES}
        props["dynamic"] = {
            "type": "boolean",
            "const": False,
            "default": False,
            "description": "Always static: the image carries the content itself.",
        }
    elif not kind.can_be_static:
        props["dynamic"] = {
            "type": "boolean",
            "const": True,
            "default": True,
            "description": "Always dynamic: the image carries the short URL.",
        }
    if kind.payload_keys:
        props.pop("targetUrl", None)
        key = kind.payload_keys[0]
        props[key] = {**_ref(kind.model.__name__), "description": f"The {kind.name} content."}
    else:
        key = "targetUrl"
    page = "A hosted page" if kind.hosted_page else "A code"
    about = inspect.cleandoc(kind.model.__doc__ or "")
    return {
        "type": "object",
        "title": variant_name(kind.name),
        "description": f"{page} of type `{kind.name}`. {about}",
        "properties": props,
        "required": ["type", key],
        "additionalProperties": False,
        "examples": [dict(CODE_EXAMPLES[kind.name])],
    }


def _merge_patch_of(schema: dict[str, Any], title: str) -> dict[str, Any]:
    """The schema of a merge patch of an object: nothing required, `null` allowed anywhere."""
    out = copy.deepcopy(schema)
    out.pop("required", None)
    out["title"] = title
    for name, prop in out.get("properties", {}).items():
        prop.pop("default", None)
        options = prop.get("anyOf", [])
        if not any(o.get("type") == "null" for o in options) and prop.get("type") != "null":
            out["properties"][name] = {"anyOf": [prop, {"type": "null"}]}
    return out


def _patch(fields: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    props = copy.deepcopy(fields["properties"])
    props["type"] = {
        "type": "string",
        "enum": list(PAYLOAD_TYPES),
        "description": "Change the type (send the new type's payload with it).",
    }
    for kind in PAYLOAD_TYPES.values():
        if kind.payload_keys:
            props[kind.payload_keys[0]] = _ref(kind.model.__name__ + "Patch")
    if "Style" in defs:
        props["style"] = {"anyOf": [_ref("StylePatch"), {"type": "null"}]}
    return {
        "type": "object",
        "title": "CodePatch",
        "description": MERGE_PATCH,
        "properties": props,
        "additionalProperties": False,
        "examples": [
            {"style": {"foreground": "#1A2B3C"}},
            {"wifi": {"password": "new-passw0rd"}},
            {"fallbackUrl": None},
        ],
    }


def code_body_schemas() -> dict[str, Any]:
    """Every schema the code bodies use, by name: `CodeBody` (the union), one `…Code` per
    type, `CodePatch`, the payload models and their merge-patch forms."""
    defs = _definitions()
    fields = defs.pop("CodeFields")
    variants = {variant_name(t.name): _variant(t, fields) for t in PAYLOAD_TYPES.values()}
    patches = {
        f"{t.model.__name__}Patch": _merge_patch_of(
            defs[t.model.__name__], f"{t.model.__name__}Patch"
        )
        for t in PAYLOAD_TYPES.values()
        if t.payload_keys
    }
    if "Style" in defs:
        patches["StylePatch"] = _merge_patch_of(defs["Style"], "StylePatch")
    union = {
        "title": "CodeBody",
        "description": "A code: its fields, `type`, and the type's content under the type's key "
        "(`targetUrl` for url codes). Omitting `type` means url.",
        "oneOf": [_ref(name) for name in variants],
        "discriminator": {
            "propertyName": "type",
            "mapping": {t: REF.format(model=variant_name(t)) for t in PAYLOAD_TYPES},
        },
    }
    return {
        **defs,
        **variants,
        **patches,
        "CodeBody": union,
        "CodePatch": _patch(fields, defs),
    }


CODE_BODY = BodySchema(
    "CodeBody",
    code_body_schemas,
    examples={name: dict(body) for name, body in CODE_EXAMPLES.items()},
)
CODE_PATCH = BodySchema(
    "CodePatch",
    code_body_schemas,
    media_types=("application/json", "application/merge-patch+json"),
    examples={
        "style": {"style": {"foreground": "#1A2B3C"}},
        "payload": {"wifi": {"password": "new-passw0rd"}},
        "clear": {"fallbackUrl": None},
    },
)
