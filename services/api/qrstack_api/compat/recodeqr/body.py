"""A RecodeQR request body → the /v1 code input (`parse_code_body`), with RecodeQR's rules.

RecodeQR field → /v1 field: `name` → name, `destination` → type (`link` is `url`),
`data` → the payload (`data.url` of a link is `targetUrl`), `dynamic` → dynamic (default: true
where the destination can be dynamic), `styles` → style, `enabled` → status active/suspended,
`scan_limit` → maxScans, `not_before` → activeFrom, `not_after` → expiresAt (ISO 8601; without
an offset: UTC). `code_id` and `total_scans` are read-only and ignored when sent back.

- create and PUT need `name`, `destination` and `data`. PUT replaces every RecodeQR field (one
  not sent takes its default) and leaves what only /v1 has (tags, folder, fallback URL, ...).
- PATCH changes what is sent: `name` on a static code; `name`, `data`, `destination`, `enabled`,
  `scan_limit`, `not_before`, `not_after` on a dynamic one. Anything else is a 400.
- `enabled`, `scan_limit`, `not_before`, `not_after` steer the redirect, so a static code takes
  none of them (`enabled: true` and nulls are accepted as the no-ops they are).

Every problem is one 400 listing each field under RecodeQR's name (`recodeqr_issue`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Literal

from qrstack_api.codes.input import CodeInput, parse_code_body
from qrstack_api.compat.recodeqr.destinations import (
    DOCUMENTED,
    checked_data,
    data_field_name,
    destination_type,
)
from qrstack_api.compat.recodeqr.styles import recodeqr_style_issue, styles_input
from qrstack_api.compat.timestamps import parse_instant
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.payloads import PAYLOAD_TYPES, PayloadType, validate_payload

Mode = Literal["create", "put", "patch"]

# A data: URI logo of 1 MB is about 1.4 MB of base64, inside a JSON body.
MAX_BODY_BYTES = 2 << 20

READ_ONLY = frozenset({"code_id", "total_scans"})
WRITABLE = (
    "name", "destination", "dynamic", "data", "styles", "enabled", "scan_limit", "not_before",
    "not_after",
)  # fmt: skip
PATCHABLE_STATIC = frozenset({"name"})
PATCHABLE_DYNAMIC = frozenset(
    {"name", "data", "destination", "enabled", "scan_limit", "not_before", "not_after"}
)
REDIRECT_ONLY = ("enabled", "scan_limit", "not_before", "not_after")
_REQUIRED = ("name", "destination", "data")
# /v1 field → RecodeQR field, for issues raised by the shared code input and store.
_V1_NAMES = {
    "type": "destination",
    "maxScans": "scan_limit",
    "activeFrom": "not_before",
    "expiresAt": "not_after",
    "activeUntil": "not_after",
    "status": "enabled",
}
_PAYLOAD_KEYS = frozenset(key for t in PAYLOAD_TYPES.values() for key in t.payload_keys)
STATIC_CONTENT = (
    "a static code's content is printed in its image: only its name and styles can change"
)


def recodeqr_issue(issue: Issue, type_name: str | None = None, sent: Collection[str] = ()) -> Issue:
    """An issue raised in /v1's names, in RecodeQR's. With the code's `type_name` and the
    `data` keys the client `sent`, fields of `data` get RecodeQR's names too."""
    if not issue.path:
        return issue
    head, rest = issue.path[0], issue.path[1:]
    if head == "targetUrl":
        return Issue(("data", "url"), issue.reason)
    if head in _PAYLOAD_KEYS or head == "data":
        if rest and type_name is not None:
            rest = (data_field_name(type_name, rest[0], sent), *rest[1:])
        return Issue(("data", *rest), issue.reason)
    if head == "style":
        return recodeqr_style_issue(Issue(rest, issue.reason))
    if isinstance(head, str) and head in _V1_NAMES:
        return Issue((_V1_NAMES[head], *rest), issue.reason)
    return issue


def in_recodeqr_names(error: ApiError) -> ApiError:
    """The same error with its issues in RecodeQR's names (the detail follows them)."""
    if not error.issues:
        return error
    issues = [recodeqr_issue(i) for i in error.issues]
    if error.code == "validation_failed":
        return validation_failed(issues)
    return ApiError(error.code, error.detail, issues, error.headers)


@contextmanager
def recodeqr_names() -> Iterator[None]:
    """Re-raise an `ApiError` from the shared code with its issues in RecodeQR's names."""
    try:
        yield
    except ApiError as exc:
        raise in_recodeqr_names(exc) from None


def _instant(value: Any, field: str, issues: list[Issue]) -> str | None:
    if value is None:
        return None
    try:
        return parse_instant(value).isoformat()
    except ValueError as exc:
        issues.append(Issue((field,), str(exc)))
        return None


def code_input(raw: Any, mode: Mode, current: Any | None = None) -> CodeInput:
    """Validate a RecodeQR create/PUT/PATCH body into the /v1 code input. `current` is the
    stored row for PUT and PATCH. Raises one 400 listing every problem in RecodeQR's names."""
    if not isinstance(raw, Mapping):
        raise validation_failed([Issue((), "the body must be a JSON object")])
    body = {key: value for key, value in raw.items() if key not in READ_ONLY}
    issues = [Issue((str(key),), "is not a field of a QR code") for key in body
              if key not in WRITABLE]  # fmt: skip
    if mode == "patch":
        assert current is not None
        allowed = PATCHABLE_DYNAMIC if current["dynamic"] else PATCHABLE_STATIC
        kind = "dynamic" if current["dynamic"] else "static"
        issues.extend(
            Issue((key,), f"cannot be changed with PATCH on a {kind} code "
                  f"(PATCH changes {', '.join(sorted(allowed))})")
            for key in WRITABLE if key in body and key not in allowed
        )  # fmt: skip
    else:
        issues.extend(Issue((key,), "This field is required.") for key in _REQUIRED
                      if body.get(key) is None)  # fmt: skip

    turtle: dict[str, Any] = {}
    if "name" in body and body["name"] is not None:
        if isinstance(body["name"], str) and body["name"].strip():
            turtle["name"] = body["name"]
        else:
            issues.append(Issue(("name",), "must be a non-blank string"))

    payload_type = PAYLOAD_TYPES[current["type"]] if current is not None else None
    if body.get("destination") is not None:
        payload_type = destination_type(body["destination"])
        if payload_type is None:
            issues.append(Issue(("destination",), f"unknown destination {body['destination']!r}; "
                                f"one of: {DOCUMENTED}"))  # fmt: skip
        else:
            turtle["type"] = payload_type.name
    changes_type = current is not None and payload_type is not None and (
        payload_type.name != current["type"]
    )  # fmt: skip

    if "dynamic" in body:
        if isinstance(body["dynamic"], bool):
            turtle["dynamic"] = body["dynamic"]
        else:
            issues.append(Issue(("dynamic",), "must be true or false"))
    if current is not None:
        dynamic = bool(current["dynamic"])
    elif isinstance(body.get("dynamic"), bool):
        dynamic = body["dynamic"]
    else:
        dynamic = payload_type.can_be_dynamic if payload_type is not None else True

    data = body.get("data")
    if data is not None and payload_type is not None:
        if not isinstance(data, Mapping):
            issues.append(Issue(("data",), "must be an object"))
        else:
            checked, data_problems = checked_data(payload_type.name, data)
            issues.extend(data_problems)
            if payload_type.name == "url":
                turtle["targetUrl"] = checked.get("url")
            else:
                turtle[payload_type.payload_keys[0]] = checked
    elif mode == "patch" and changes_type:
        issues.append(Issue(("data",), "is required when the destination changes"))
    if mode == "put" and current is not None and not current["dynamic"] and payload_type:
        issues.extend(_static_content_kept(turtle, current, payload_type, data))

    if mode != "patch":
        style, style_issues = styles_input(
            body.get("styles"), current["style"] if current is not None else None
        )
        issues.extend(style_issues)
        turtle["style"] = style

    for field in REDIRECT_ONLY:
        if dynamic or field not in body:
            continue
        value = body[field]
        if value is not None and not (field == "enabled" and value is True):
            issues.append(Issue((field,), "applies only to dynamic codes"))
    if dynamic:
        _redirect_fields(body, mode, turtle, issues)

    try:
        inp = parse_code_body(
            turtle,
            partial=mode != "create",
            current_type=current["type"] if current is not None else None,
            current_dynamic=dynamic,
        )
    except ApiError as exc:
        if exc.code != "validation_failed":
            raise
        type_name = payload_type.name if payload_type is not None else None
        sent = list(data) if isinstance(data, Mapping) else []
        reported = [i.path for i in issues]
        issues.extend(
            i for i in (recodeqr_issue(e, type_name, sent) for e in exc.issues)
            if not any(i.path[: len(p)] == p for p in reported)
        )  # fmt: skip
        raise validation_failed(issues) from None
    if issues:
        raise validation_failed(issues)
    return inp


def _static_content_kept(
    turtle: dict[str, Any], current: Any, payload_type: PayloadType[Any], data: Any
) -> list[Issue]:
    """A PUT of a static code may repeat its content but not change it. The repeated content
    is dropped from the input (the store treats any content sent to a static code as a
    change); invalid content stays for `parse_code_body` to report."""
    if payload_type.name != current["type"]:
        return [Issue(("destination",), STATIC_CONTENT)]
    if not isinstance(data, Mapping):
        return []
    try:
        same = validate_payload(payload_type.name, data).as_json() == current["payload"]
    except ApiError:
        return []
    if not same:
        return [Issue(("data",), STATIC_CONTENT)]
    turtle.pop("targetUrl" if payload_type.name == "url" else payload_type.payload_keys[0])
    return []


def _redirect_fields(
    body: Mapping[str, Any], mode: Mode, turtle: dict[str, Any], issues: list[Issue]
) -> None:
    """`enabled`, `scan_limit`, `not_before`, `not_after` of a dynamic code. PUT sets every
    one (defaults: enabled, no limit, no window); create and PATCH only those sent."""
    if "enabled" in body or mode == "put":
        enabled = body.get("enabled", True)
        if isinstance(enabled, bool):
            turtle["status"] = "active" if enabled else "suspended"
        else:
            issues.append(Issue(("enabled",), "must be true or false"))
    if "scan_limit" in body or mode == "put":
        limit = body.get("scan_limit")
        if limit is None or (isinstance(limit, int) and not isinstance(limit, bool)):
            turtle["maxScans"] = limit
        else:
            issues.append(Issue(("scan_limit",), "must be a whole number"))
    for field, v1_name in (("not_before", "activeFrom"), ("not_after", "expiresAt")):
        if field in body or mode == "put":
            turtle[v1_name] = _instant(body.get(field), field, issues)
    start, end = turtle.get("activeFrom"), turtle.get("expiresAt")
    if (
        start is not None
        and end is not None
        and datetime.fromisoformat(end) <= datetime.fromisoformat(start)
    ):
        issues.append(Issue(("not_after",), "must be after not_before"))
