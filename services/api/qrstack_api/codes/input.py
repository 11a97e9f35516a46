"""Reading a code from a request body: its own fields, its type and its payload.

`parse_code_body` validates everything it can without the database and raises one 400 listing
every failing field. The payload of a non-url type comes nested under the type's key
(TurtleQR: `{"type": "wifi", "wifi": {...}}`); for `url` it is `targetUrl` at the root.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from qrstack_api.codes.model import NULLABLE_FIELDS, CodeFields
from qrstack_common.errors import ApiError, Issue, issues_from_pydantic, validation_failed
from qrstack_common.payloads import (
    PAYLOAD_TYPES,
    Payload,
    PayloadType,
    find_type,
    redirect_target,
    validate_payload,
)

# Fields that only mean something for a dynamic code (they steer the redirect).
REDIRECT_FIELDS = {
    "slug": "slug",
    "domain": "domain",
    "fallback_url": "fallbackUrl",
    "active_from": "activeFrom",
    "expires_at": "expiresAt",
    "max_scans": "maxScans",
    "password": "password",
    "password_hint": "passwordHint",
    "redirect_status": "redirectStatus",
    "forward_query": "forwardQuery",
}
# What may change on a static code: its content is printed.
STATIC_MUTABLE = frozenset({"name", "tags", "folder_id", "style"})

_PAYLOAD_KEYS = {key: t for t in PAYLOAD_TYPES.values() for key in t.payload_keys}


def content_key(payload_type: PayloadType[Any]) -> str:
    """Where a type's content sits in a body: its key (`wifi`, `card`), or `targetUrl`."""
    return payload_type.payload_keys[0] if payload_type.payload_keys else "targetUrl"


@dataclass(frozen=True)
class CodeInput:
    fields: CodeFields
    sent: frozenset[str]  # python names of the fields present in the body
    payload_type: PayloadType[Any]
    payload: Payload | None  # None: not sent (PATCH keeps the current one)
    dynamic: bool | None  # None: not sent

    def derived_target(self) -> str | None:
        """The redirect target the payload implies (url/social/whatsapp/app), else None."""
        if self.payload is None or self.payload_type.hosted_page:
            return None
        return redirect_target(self.payload, None)


def parse_code_body(
    raw: Any, *, partial: bool, current_type: str | None = None, current_dynamic: bool = True
) -> CodeInput:
    """Validate a create (`partial=False`), PUT (`partial=False`) or PATCH (`partial=True`)
    body. `current_type`/`current_dynamic` describe the stored code for PUT and PATCH."""
    if not isinstance(raw, Mapping):
        raise validation_failed([Issue((), "the body must be a JSON object")])
    issues: list[Issue] = []
    data = dict(raw)

    type_name = data.get("type") if data.get("type") is not None else current_type or "url"
    payload_type = find_type(str(type_name)) if isinstance(type_name, str) else None
    if payload_type is None:
        valid = ", ".join(sorted(PAYLOAD_TYPES))
        issues.append(Issue(("type",), f"unknown type {type_name!r}; one of: {valid}"))
        payload_type = PAYLOAD_TYPES["url"]

    payload_raw: Any = None
    payload_key: str | None = None
    for key in list(data):
        owner = _PAYLOAD_KEYS.get(key)
        if owner is None:
            continue
        value = data.pop(key)
        if owner is payload_type and payload_key is None:
            payload_raw, payload_key = value, key
        elif owner is not payload_type:
            issues.append(Issue((key,), f"belongs to {owner.name} codes, not {payload_type.name}"))

    fields: CodeFields | None = None
    try:
        fields = CodeFields.model_validate(data)
    except ValidationError as exc:
        issues.extend(
            issues_from_pydantic(exc.errors(), CodeFields, extra_keys=payload_type.payload_keys)
        )
    if fields is None:
        raise validation_failed(issues)
    sent = frozenset(fields.model_fields_set)
    if partial:
        for name in sent:
            if getattr(fields, name) is None and name not in NULLABLE_FIELDS:
                alias = CodeFields.model_fields[name].alias or name
                issues.append(Issue((alias,), "cannot be null"))
    if "label" in raw and "name" in raw and raw["label"] != raw["name"]:
        issues.append(Issue(("name",), "send label or its alias name, not both"))
    if "expiresAt" in raw and "activeUntil" in raw:
        issues.append(Issue(("activeUntil",), "send expiresAt or its alias activeUntil, not both"))

    payload = _payload(payload_type, payload_raw, payload_key, fields, sent, partial, issues)
    dynamic = fields.dynamic if "dynamic" in sent else None
    effective_dynamic = (
        dynamic
        if dynamic is not None
        else (current_dynamic if partial else payload_type.default_dynamic)
    )
    if effective_dynamic and not payload_type.can_be_dynamic:
        issues.append(
            Issue(("dynamic",), f"a {payload_type.name} code is encoded in the image itself; "
                  "it can only be static (dynamic: false)")
        )  # fmt: skip
    if not effective_dynamic and not payload_type.can_be_static:
        issues.append(
            Issue(("dynamic",), f"a {payload_type.name} code is served through its short URL; "
                  "it can only be dynamic")
        )  # fmt: skip
    if not effective_dynamic:
        for name, alias in REDIRECT_FIELDS.items():
            if name in sent and getattr(fields, name) is not None:
                issues.append(Issue((alias,), "applies only to dynamic codes"))
    if (
        fields.active_from is not None
        and fields.expires_at is not None
        and fields.expires_at <= fields.active_from
    ):
        issues.append(Issue(("expiresAt",), "must be after activeFrom"))
    if issues:
        raise validation_failed(issues)
    return CodeInput(fields, sent, payload_type, payload, dynamic)


def _payload(
    payload_type: PayloadType[Any],
    payload_raw: Any,
    payload_key: str | None,
    fields: CodeFields,
    sent: frozenset[str],
    partial: bool,
    issues: list[Issue],
) -> Payload | None:
    if payload_type.name == "url":
        if "target_url" in sent and fields.target_url is not None:
            return _validated(payload_type, {"url": fields.target_url}, ("targetUrl",), issues)
        if not partial:
            issues.append(Issue(("targetUrl",), "is required for url codes"))
        return None
    if "target_url" in sent and fields.target_url is not None:
        issues.append(
            Issue(("targetUrl",), f"{payload_type.name} codes take their content from "
                  f"{payload_type.payload_keys[0]!r}, not targetUrl")
        )  # fmt: skip
    if payload_raw is None:
        if not partial:
            key = payload_type.payload_keys[0]
            issues.append(Issue((key,), f"is required for {payload_type.name} codes"))
        return None
    if not isinstance(payload_raw, Mapping):
        issues.append(Issue((payload_key or payload_type.name,), "must be an object"))
        return None
    if "r2Key" in payload_raw and payload_raw.get("fileKey") == payload_raw["r2Key"]:
        # A pdf page read back shows its key under both names; sent back, it is one field.
        payload_raw = {k: v for k, v in payload_raw.items() if k != "r2Key"}
    return _validated(payload_type, payload_raw, (payload_key or payload_type.name,), issues)


def _validated(
    payload_type: PayloadType[Any],
    data: Mapping[str, object],
    at: tuple[str, ...],
    issues: list[Issue],
) -> Payload | None:
    try:
        return validate_payload(payload_type.name, data, at=at)
    except ApiError as exc:
        issues.extend(exc.issues)
        return None
