"""The /v1 view of a code is written out directly (no model validated per code); it must say
exactly what the `CodeView` schema, validated and dumped, says: the same keys in the same order
and the same JSON values, for every kind of code row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import orjson
import pytest

from qrstack_api.codes.model import CodeView, RefusedScans
from qrstack_api.codes.status import derived_status
from qrstack_api.codes.style_shape import style_out
from qrstack_api.codes.totals import ScanCounts
from qrstack_api.codes.view import code_view, short_url, shown_payload, static_content
from qrstack_api.settings import ApiSettings
from qrstack_common.payloads import find_type

SETTINGS = ApiSettings()
NOW = datetime.now(UTC)


def as_model(
    row: dict[str, Any], counts: ScanCounts | None, cap_used: int | None
) -> dict[str, Any]:
    """The view as the `CodeView` model gives it (what /v1 wrote before)."""
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
        short_url=short_url(SETTINGS, row),
        target_url=row["target_url"],
        fallback_url=row["fallback_url"],
        active_from=row["active_from"],
        expires_at=row["expires_at"],
        max_scans=max_scans,
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


def row(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": uuid4(),
        "workspace_id": uuid4(),
        "type": "url",
        "dynamic": True,
        "name": "Poster",
        "slug": "poster",
        "domain": None,
        "target_url": "https://example.com/a",
        "fallback_url": None,
        "active_from": None,
        "expires_at": None,
        "max_scans": None,
        "tags": ["print", "spring"],
        "folder_id": None,
        "password_hash": None,
        "password_hint": None,
        "style": None,
        "scan_tracking": True,
        "redirect_status": 302,
        "forward_query": False,
        "status": "active",
        "payload": {"url": "https://example.com/a"},
        "created_at": NOW.replace(microsecond=0),
        "updated_at": NOW,
        "deleted_at": None,
    }
    values.update(changes)
    return values


ROWS = {
    "dynamic url": row(),
    "custom domain, folder, password, style, all dates": row(
        domain="qr.example.org",
        folder_id=uuid4(),
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$x$y",
        password_hint="the usual",
        style={"foreground": "#112233", "background": "#ffffff", "logo": {"url": "https://e/x"}},
        active_from=NOW - timedelta(days=3, microseconds=120),
        expires_at=NOW + timedelta(days=30),
        fallback_url="https://example.com/over",
        redirect_status=301,
        forward_query=True,
        scan_tracking=False,
    ),
    "scheduled, capped": row(active_from=NOW + timedelta(hours=1), max_scans=100),
    "expired": row(expires_at=NOW - timedelta(seconds=1)),
    "capped and used up": row(max_scans=3),
    "deleted": row(status="deleted", deleted_at=NOW - timedelta(minutes=5), name=None),
    "static text": row(
        type="text", dynamic=False, slug=None, target_url=None, payload={"text": "Hi, ü"}
    ),
    "static wifi": row(
        type="wifi",
        dynamic=False,
        slug=None,
        target_url=None,
        payload={"ssid": "Cafe", "password": "s3cret-pass", "encryption": "WPA", "hidden": False},
    ),
    "pdf page": row(
        type="pdf", target_url=None, payload={"fileKey": "pdf/abc.pdf", "title": "Menu"}
    ),
    "no tags": row(tags=[]),
}


@pytest.mark.parametrize("name", list(ROWS))
@pytest.mark.parametrize(
    ("counts", "cap_used"),
    [
        (None, None),
        (ScanCounts.none(), 0),
        (ScanCounts(42, {"limitReached": 3, "notActive": 2, "fallback": 1}), 7),
        (ScanCounts(5, {"limitReached": 0, "notActive": 0, "fallback": 0}), 250),
    ],
)
def test_the_view_is_the_schema_s_dump(
    name: str, counts: ScanCounts | None, cap_used: int | None
) -> None:
    code = ROWS[name]
    expected = as_model(code, counts, cap_used)
    shown = code_view(SETTINGS, code, counts, cap_used)
    assert list(shown) == list(expected)
    assert orjson.dumps(shown) == orjson.dumps(expected)  # same values, same JSON types
