"""A stored code as U2QR's QR code object (seed 003), in the shape each endpoint documents:

- list items: `id`, `shortCode`, `name`, `type`, `data`, `isDynamic`, `createdAt`, `updatedAt`,
  `_count.scans`;
- one code (GET): the same without `_count`;
- created or updated: the same as GET plus `isActive`, `startDate`, `endDate`.

`type` is WEBSITE (`data.url`) or TEXT (`data.content`). Codes of qrstack's other types (made
through /v1 or RecodeQR) are listed too, with their type's name in capitals (`WIFI`, `VCARD`,
`LIST_OF_LINKS`) and `data.content` (what a static code's image encodes) or `data.url` (where
a dynamic one sends a scan, or its short URL for a hosted page). Dates are JavaScript's
`toISOString` form; `_count.scans` is null while the analytics service cannot be asked.
"""

from __future__ import annotations

from typing import Any, Literal

from qrstack_api.codes.view import short_url, static_content
from qrstack_api.compat.identifiers import short_code_of
from qrstack_api.compat.timestamps import iso_utc_millis
from qrstack_api.settings import ApiSettings
from qrstack_common.ids import public_id

Shape = Literal["list", "get", "write"]
_U2QR_TYPES = {"url": "WEBSITE", "text": "TEXT"}


def u2qr_type(type_name: str) -> str:
    return _U2QR_TYPES.get(type_name) or type_name.upper().replace("-", "_")


def _data(settings: ApiSettings, row: Any) -> dict[str, Any]:
    payload: dict[str, Any] = row["payload"] or {}
    if row["type"] == "url":
        return {"url": payload.get("targetUrl")}
    if row["type"] == "text":
        return {"content": payload.get("text")}
    if row["dynamic"]:
        return {"url": row["target_url"] or short_url(settings, row)}
    return {"content": static_content(row)}


def u2qr_code(
    settings: ApiSettings, row: Any, shape: Shape, scans: int | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": public_id("code", row["id"]),
        "shortCode": short_code_of(row),
        "name": row["name"],
        "type": u2qr_type(row["type"]),
        "data": _data(settings, row),
        "isDynamic": row["dynamic"],
    }
    if shape == "write":
        out["isActive"] = row["status"] == "active"
        out["startDate"] = iso_utc_millis(row["active_from"]) if row["active_from"] else None
        out["endDate"] = iso_utc_millis(row["expires_at"]) if row["expires_at"] else None
    out["createdAt"] = iso_utc_millis(row["created_at"])
    out["updatedAt"] = iso_utc_millis(row["updated_at"])
    if shape == "list":
        out["_count"] = {"scans": scans}
    return out
