"""A stored code as the body that would create it again (`create_body`), and what makes an
imported row the same code as a stored one on a re-run (`input_identity`, `row_identities`).

The body is exactly what `POST /v1/codes` accepts, so an import goes through the same
validation (`codes.input.parse_code_body`) and the same store as any other create. The folder
travels by name (ids do not survive a move). A code's password cannot travel: only its hash
is stored; the export says so with `passwordProtected`.
"""

from __future__ import annotations

from typing import Any

import orjson

from qrstack_api.codes.input import REDIRECT_FIELDS, CodeInput
from qrstack_common.payloads import find_type

_FIELDS = (
    ("type", "type"),
    ("dynamic", "dynamic"),
    ("name", "name"),
    ("slug", "slug"),
    ("domain", "domain"),
    ("fallback_url", "fallbackUrl"),
    ("redirect_status", "redirectStatus"),
    ("forward_query", "forwardQuery"),
    ("scan_tracking", "scanTrackingEnabled"),
    ("max_scans", "maxScans"),
    ("password_hint", "passwordHint"),
    ("style", "style"),
)


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def create_body(row: Any) -> dict[str, Any]:
    """The `POST /v1/codes` body that recreates `row` (without its folder and rules)."""
    body: dict[str, Any] = {}
    for column, key in _FIELDS:
        if row[column] is not None:
            body[key] = row[column]
    if not row["dynamic"]:  # the redirect's fields mean nothing to a static code
        for alias in REDIRECT_FIELDS.values():
            body.pop(alias, None)
    if row["tags"]:
        body["tags"] = list(row["tags"])
    for column, key in (("active_from", "activeFrom"), ("expires_at", "expiresAt")):
        if row[column] is not None:
            body[key] = _iso(row[column])
    if row["status"] == "suspended":
        body["status"] = "suspended"
    payload_type = find_type(row["type"])
    if row["type"] == "url":
        body["targetUrl"] = row["target_url"]
    elif payload_type is not None and payload_type.payload_keys and row["payload"] is not None:
        body[payload_type.payload_keys[0]] = row["payload"]
    return body


def row_identities(row: Any) -> list[tuple[str, ...]]:
    """The keys a stored code answers to: its domain and slug, and its type, name and
    content."""
    keys = [_content_key(row["type"], row["name"], row["payload"])]
    if row["slug"] is not None:
        keys.append(("slug", row["domain"] or "", row["slug"]))
    return keys


def input_identity(inp: CodeInput) -> tuple[str, ...]:
    """The key an imported row is matched on: its domain and slug when it names a slug,
    else its type, name and content (so a re-run finds what the first run made)."""
    if inp.fields.slug:
        return ("slug", inp.fields.domain or "", inp.fields.slug)
    payload = inp.payload.as_json() if inp.payload is not None else None
    return _content_key(inp.payload_type.name, inp.fields.name, payload)


def _content_key(type_name: str, name: str | None, payload: Any) -> tuple[str, ...]:
    # Sorted keys: PostgreSQL's jsonb gives keys back in its own order.
    return (
        "content",
        type_name,
        name or "",
        orjson.dumps(payload, option=orjson.OPT_SORT_KEYS).decode(),
    )
