"""A code row as clients see it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from qrstack_api.codes.model import CodeView, RefusedScans
from qrstack_api.codes.status import derived_status
from qrstack_api.codes.style_shape import style_out
from qrstack_api.codes.totals import ScanCounts
from qrstack_api.settings import ApiSettings
from qrstack_common.payloads import encode_payload, find_type, validate_payload


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
    `r2Key` (stored as `fileKey`, the name the file routes and the redirect service use)."""
    payload = dict(stored or {})
    if type_name == "pdf" and "fileKey" in payload:
        payload["r2Key"] = payload["fileKey"]
    return payload


def code_view(
    settings: ApiSettings, row: Any, counts: ScanCounts | None, cap_used: int | None = None
) -> dict[str, Any]:
    """The code as /v1 shows it: `counts` from the analytics (None: unreachable now),
    `cap_used` what its scan cap counted (None for a code without a cap)."""
    payload = shown_payload(row["type"], row["payload"])
    max_scans = row["max_scans"]
    scans_used = None if max_scans is None else cap_used or 0
    view = CodeView(
        id=row["id"],
        workspace_id=row["workspace_id"],
        type=row["type"],
        dynamic=row["dynamic"],
        label=row["name"],
        name=row["name"],
        slug=row["slug"],
        domain=row["domain"],
        short_url=short_url(settings, row),
        target_url=row["target_url"],
        fallback_url=row["fallback_url"],
        active_from=row["active_from"],
        expires_at=row["expires_at"],
        max_scans=row["max_scans"],
        tags=list(row["tags"]),
        folder_id=row["folder_id"],
        password_protected=row["password_hash"] is not None,
        password_hint=row["password_hint"],
        style=style_out(row["style"]),
        scan_tracking_enabled=row["scan_tracking"],
        redirect_status=row["redirect_status"],
        forward_query=row["forward_query"],
        status=derived_status(row, datetime.now(UTC), scans_used),
        total_scans=None if counts is None else counts.answered,
        refused_scans=None if counts is None else RefusedScans.model_validate(counts.refused),
        scans_used=scans_used,
        scans_remaining=None if scans_used is None else max(max_scans - scans_used, 0),
        payload=payload,
        content=static_content(row),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deleted_at=row["deleted_at"],
    ).model_dump(mode="json", by_alias=True)
    payload_type = find_type(row["type"])
    if payload_type is not None and payload_type.payload_keys:
        view[payload_type.payload_keys[0]] = payload
    return view
