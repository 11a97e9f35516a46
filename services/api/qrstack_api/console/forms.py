"""The create/edit form of every code type, read from the payload models themselves.

`payload_fields(type)` lists one `FormField` per field of the type's payload model (its wire
name, a label, the widget, whether it is required, choices), from the model's JSON schema, so
a new field in libs/common appears in the console without a second definition. Lists and
nested objects are edited as JSON. `payload_from_form` turns a posted form back into the body
/v1/codes takes; the API validates it and its issues are shown next to the fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from qrstack_common.payloads import PAYLOAD_TYPES, PayloadType

Widget = Literal["text", "textarea", "number", "checkbox", "select", "datetime", "json"]

STYLE_FIELDS = (
    "foreground", "background", "pattern", "corners", "eyeOuter", "eyeInner", "frame",
    "ctaText", "centerText", "logo",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FormField:
    name: str  # the wire name, also the form input's name (prefixed `p.`)
    label: str
    widget: Widget
    required: bool
    choices: tuple[str, ...] = ()
    description: str = ""
    max_length: int | None = None


def _label(name: str) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).replace("_", " ")
    return words[:1].upper() + words[1:].lower()


def _unwrap(prop: Mapping[str, Any]) -> Mapping[str, Any]:
    options = [p for p in prop.get("anyOf", ()) if p.get("type") != "null"]
    if len(options) == 1:
        return {**options[0], **{k: v for k, v in prop.items() if k != "anyOf"}}
    return prop


def _widget(prop: Mapping[str, Any]) -> tuple[Widget, tuple[str, ...]]:
    if "enum" in prop:
        return "select", tuple(str(v) for v in prop["enum"])
    if "const" in prop:
        return "select", (str(prop["const"]),)
    kind = prop.get("type")
    if kind == "boolean":
        return "checkbox", ()
    if kind in ("integer", "number"):
        return "number", ()
    if kind == "string":
        if prop.get("format") == "date-time":
            return "datetime", ()
        return ("textarea" if (prop.get("maxLength") or 0) > 300 else "text"), ()
    return "json", ()


def payload_fields(payload_type: PayloadType[Any]) -> list[FormField]:
    if not payload_type.payload_keys:  # url: its target sits on the code itself
        return [FormField("targetUrl", "Target URL", "text", True, description="https://…")]
    schema = payload_type.model.model_json_schema(by_alias=True)
    required = set(schema.get("required", ()))
    fields = []
    for name, raw in schema.get("properties", {}).items():
        prop = _unwrap(raw)
        widget, choices = _widget(prop)
        fields.append(
            FormField(
                name,
                _label(name),
                widget,
                name in required,
                choices,
                str(prop.get("description") or ""),
                prop.get("maxLength"),
            )
        )
    return fields


def creatable_types() -> list[PayloadType[Any]]:
    return list(PAYLOAD_TYPES.values())


class FormError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _value(field: FormField, raw: str) -> Any:
    if field.widget == "number":
        try:
            return int(raw) if re.fullmatch(r"-?\d+", raw) else float(raw)
        except ValueError:
            raise FormError(field.name, "must be a number") from None
    if field.widget == "json":
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise FormError(field.name, "must be valid JSON (see the example)") from None
    if field.widget == "datetime" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?", raw):
        return raw + ("" if raw.count(":") == 2 else ":00") + "Z"  # the form's times are UTC
    return raw


def payload_from_form(payload_type: PayloadType[Any], form: Mapping[str, str]) -> dict[str, Any]:
    """The payload part of a /v1/codes body from the posted form (`p.<name>` inputs)."""
    if not payload_type.payload_keys:
        target = form.get("p.targetUrl", "").strip()
        return {"targetUrl": target} if target else {}
    content: dict[str, Any] = {}
    for field in payload_fields(payload_type):
        raw = form.get(f"p.{field.name}", "")
        if field.widget == "checkbox":
            content[field.name] = raw == "on"
            continue
        if raw.strip() == "":
            continue
        content[field.name] = _value(field, raw.strip() if field.widget != "textarea" else raw)
    return {payload_type.payload_keys[0]: content}


def style_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The `style` object from the design inputs (`s.<name>`); empty inputs are left out."""
    style: dict[str, Any] = {}
    for name in STYLE_FIELDS:
        raw = form.get(f"s.{name}", "").strip()
        if raw:
            style[name] = raw
    if form.get("s.transparent") == "on":
        style["background"] = "transparent"
    return style
