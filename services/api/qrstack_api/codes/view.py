"""A code row as clients see it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from qrstack_api.codes.status import derived_status
from qrstack_api.codes.style_shape import style_out
from qrstack_api.codes.totals import REFUSED_KEYS, ScanCounts
from qrstack_api.settings import ApiSettings
from qrstack_common.ids import public_id
from qrstack_common.payloads import PAYLOAD_TYPES, encode_payload, find_type, validate_payload


def short_url(settings: ApiSettings, row: Any) -> str | None:
    if not row["dynamic"] or row["slug"] is None:
        return None
    if row["domain"]:
        return f"{settings.custom_domain_scheme}://{row['domain']}/{row['slug']}"
    return f"{settings.short_url_base.rstrip('/')}/{row['slug']}"


def static_content(row: Any) -> str | None:
    """The text a static code's image encodes (None for dynamic codes)."""
    if row["dynamic"]:
        return None
    return encode_payload(validate_payload(row["type"], row["payload"]))


def image_data(settings: ApiSettings, row: Any) -> str:
    """What the code's image encodes: the short URL, or a static code's content."""
    url = short_url(settings, row)
    if url is not None:
        return url
    content = static_content(row)
    assert content is not None
    return content


def shown_payload(type_name: str, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The payload as /v1 shows it: a pdf page's document key also under TurtleQR's name
    `r2Key` (stored as `fileKey`, the name the file routes and the redirect service use).
    Not a copy unless it adds that key: the row's decoded payload is the view's own."""
    if stored is None:
        return {}
    if type_name == "pdf" and "fileKey" in stored:
        return {**stored, "r2Key": stored["fileKey"]}
    return stored


def _instant(value: datetime | None) -> str | None:
    """A datetime as /v1 writes it (pydantic's JSON form: ISO 8601, `Z` for UTC), formatted
    by orjson: the same text as `isoformat`, a fifth of its time (three per listed code)."""
    if value is None:
        return None
    return orjson.dumps(value, option=orjson.OPT_UTC_Z)[1:-1].decode()


def code_view(
    settings: ApiSettings,
    row: Any,
    counts: ScanCounts | None,
    cap_used: int | None = None,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The code as /v1 shows it (the `CodeView` schema): `counts` from the analytics (None:
    unreachable now), `cap_used` what its scan cap counted (None for a code without a cap),
    `now` the instant its status is derived at (a page's codes share one).

    Written out directly rather than validated into a `CodeView` and dumped: for a page of 50
    codes that model was a fifth of the list's CPU. The stored row is already valid; a unit
    test holds this dict equal, key for key and in order, to `CodeView(...).model_dump`."""
    payload = shown_payload(row["type"], row["payload"])
    max_scans = row["max_scans"]
    scans_used = None if max_scans is None else cap_used or 0
    folder_id = row["folder_id"]
    view: dict[str, Any] = {
        "id": public_id("code", row["id"]),
        "workspaceId": public_id("workspace", row["workspace_id"]),
        "type": row["type"],
        "dynamic": row["dynamic"],
        "label": row["name"],
        "name": row["name"],
        "slug": row["slug"],
        "domain": row["domain"],
        "shortUrl": short_url(settings, row),
        "targetUrl": row["target_url"],
        "fallbackUrl": row["fallback_url"],
        "activeFrom": _instant(row["active_from"]),
        "expiresAt": _instant(row["expires_at"]),
        "maxScans": max_scans,
        "tags": list(row["tags"]),
        "folderId": None if folder_id is None else public_id("folder", folder_id),
        "passwordProtected": row["password_hash"] is not None,
        "passwordHint": row["password_hint"],
        "style": style_out(row["style"]),
        "scanTrackingEnabled": row["scan_tracking"],
        "redirectStatus": row["redirect_status"],
        "forwardQuery": row["forward_query"],
        "status": derived_status(row, now or datetime.now(UTC), scans_used),
        "totalScans": None if counts is None else counts.answered,
        "refusedScans": None if counts is None else _refused(counts.refused),
        "scansUsed": scans_used,
        "scansRemaining": None if scans_used is None else max(max_scans - scans_used, 0),
        "payload": payload,
        "content": static_content(row),
        "createdAt": _instant(row["created_at"]),
        "updatedAt": _instant(row["updated_at"]),
        "deletedAt": _instant(row["deleted_at"]),
    }
    payload_type = PAYLOAD_TYPES.get(row["type"]) or find_type(row["type"])
    if payload_type is not None and payload_type.payload_keys:
        view[payload_type.payload_keys[0]] = payload
    return view


def _refused(refused: dict[str, int]) -> dict[str, int]:
    """`RefusedScans` as /v1 writes it (its keys are the analytics' own, in its order)."""
    return {key: refused[key] for key in REFUSED_KEYS}
