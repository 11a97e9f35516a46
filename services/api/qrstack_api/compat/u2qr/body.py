"""A U2QR request body → the /v1 code input (`parse_code_body`).

U2QR field → /v1 field: `name` → name, `type` WEBSITE → a dynamic `url` code (`data.url` →
targetUrl) and TEXT → a static `text` code (`data.content` → its text), `isActive` → status
active/suspended, `startDate` → activeFrom, `endDate` → expiresAt (ISO 8601; without an offset:
UTC). The response fields `id`, `shortCode`, `isDynamic`, `isActive`... are ignored when sent
back. A TEXT code carries its text in the image, so nothing can switch it off at scan time:
`isActive: false` or a date on a TEXT code is a 400.

Create needs `name`, `type` and `data`; PUT changes what it is sent (U2QR marks `isActive`,
`startDate`, `endDate` optional there) and a `null` date removes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from qrstack_api.codes.input import CodeInput, parse_code_body
from qrstack_api.compat.timestamps import parse_instant
from qrstack_api.compat.u2qr.view import u2qr_type
from qrstack_common.errors import ApiError, Issue, validation_failed

_TYPES = {"WEBSITE": "url", "TEXT": "text"}
_DATA_KEY = {"url": "url", "text": "content"}
WRITABLE = ("name", "type", "data", "isActive", "startDate", "endDate")
READ_ONLY = frozenset({"id", "shortCode", "isDynamic", "createdAt", "updatedAt", "_count"})
_SCHEDULE = (("startDate", "activeFrom"), ("endDate", "expiresAt"))
# /v1 field → U2QR field, for issues raised by the shared code input and store.
_V1_NAMES = {
    "targetUrl": ("data", "url"),
    "text": ("data", "content"),
    "status": ("isActive",),
    "activeFrom": ("startDate",),
    "expiresAt": ("endDate",),
    "dynamic": ("type",),
}


def u2qr_issue(issue: Issue) -> Issue:
    """An issue raised in /v1's names, in U2QR's (`data.content` for a text's `text.text`)."""
    if not issue.path or not isinstance(issue.path[0], str) or issue.path[0] not in _V1_NAMES:
        return issue
    return Issue(_V1_NAMES[issue.path[0]], issue.reason)


@contextmanager
def u2qr_names() -> Iterator[None]:
    """Re-raise an `ApiError` from the shared code with its issues (and so its message) in
    U2QR's names."""
    try:
        yield
    except ApiError as exc:
        if exc.code != "validation_failed" or not exc.issues:
            raise
        raise validation_failed([u2qr_issue(i) for i in exc.issues]) from None


def code_input(raw: Any, current: Any | None = None) -> CodeInput:
    """Validate a U2QR create (`current` None) or PUT body. Raises one 400 whose message
    names the first problem in U2QR's names."""
    if not isinstance(raw, Mapping):
        raise validation_failed([Issue((), "the body must be a JSON object")])
    issues = [Issue((str(key),), "is not a field of a QR code") for key in raw
              if key not in WRITABLE and key not in READ_ONLY]  # fmt: skip
    if current is None:
        issues.extend(Issue((key,), "is required") for key in ("name", "type", "data")
                      if raw.get(key) is None)  # fmt: skip
    turtle: dict[str, Any] = {}
    if raw.get("name") is not None:
        if isinstance(raw["name"], str) and raw["name"].strip():
            turtle["name"] = raw["name"]
        else:
            issues.append(Issue(("name",), "must be a non-blank string"))

    type_name = current["type"] if current is not None else None
    if raw.get("type") is not None:
        sent = raw["type"]
        if isinstance(sent, str) and sent.upper() in _TYPES:
            type_name = _TYPES[sent.upper()]
        elif current is None or sent != u2qr_type(current["type"]):
            issues.append(Issue(("type",), "must be WEBSITE or TEXT"))
        if type_name is not None:
            turtle["type"] = type_name

    if type_name is None:  # no type (reported): nothing more can be checked meaningfully
        raise validation_failed(issues)
    data = raw.get("data")
    if data is not None:
        _data(data, type_name, current, turtle, issues)

    static = type_name == "text" or (current is not None and not current["dynamic"])
    if raw.get("isActive") is not None:
        if not isinstance(raw["isActive"], bool):
            issues.append(Issue(("isActive",), "must be true or false"))
        elif not static:
            turtle["status"] = "active" if raw["isActive"] else "suspended"
        elif not raw["isActive"]:
            issues.append(Issue(("isActive",), "a TEXT code carries its text in the image; "
                                "it cannot be switched off"))  # fmt: skip
    for field, v1_name in _SCHEDULE:
        if field not in raw or (static and raw[field] is None):
            continue
        if static:
            issues.append(Issue((field,), "a TEXT code carries its text in the image; "
                                "time-based access applies to WEBSITE codes"))  # fmt: skip
            continue
        try:
            turtle[v1_name] = None if raw[field] is None else parse_instant(raw[field]).isoformat()
        except ValueError as exc:
            issues.append(Issue((field,), str(exc)))

    try:
        with u2qr_names():
            inp = parse_code_body(
                turtle,
                partial=current is not None,
                current_type=current["type"] if current is not None else None,
                current_dynamic=bool(current["dynamic"]) if current is not None else True,
            )
    except ApiError as exc:
        if exc.code != "validation_failed":
            raise
        reported = [i.path for i in issues]
        issues.extend(i for i in exc.issues if not any(i.path[: len(p)] == p for p in reported))
    if issues:
        raise validation_failed(issues)
    return inp


def _data(
    data: Any, type_name: str, current: Any | None, turtle: dict[str, Any], issues: list[Issue]
) -> None:
    """`data.url` (WEBSITE) or `data.content` (TEXT) into the input. Another type's data
    (a code made through /v1) may be sent back as it was read, but not changed here."""
    key = _DATA_KEY.get(type_name)
    if key is None:
        if current is None or not isinstance(data, Mapping):
            issues.append(Issue(("data",), "must be an object"))
        return
    if not isinstance(data, Mapping):
        issues.append(Issue(("data",), "must be an object"))
        return
    issues.extend(Issue(("data", str(k)), f"is not a field of {u2qr_type(type_name)} data "
                        f"(only {key})") for k in data if k != key)  # fmt: skip
    value = data.get(key)
    if value is None:
        issues.append(Issue(("data", key), "is required"))
    elif type_name == "url":
        unchanged_static = (
            current is not None
            and not current["dynamic"]
            and value == (current["payload"] or {}).get("targetUrl")
        )
        if not unchanged_static:  # the store counts any URL sent to a static code as a change
            turtle["targetUrl"] = value
    else:
        turtle["text"] = {"text": value}
