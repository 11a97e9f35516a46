"""A stored code as RecodeQR's QR code object (seed 002), field for field:

`code_id`, `name`, `destination`, `dynamic`, `data`, `styles`, `enabled`, `total_scans`,
`scan_limit`, `not_before`, `not_after`. `enabled` is false only for a suspended code (one that
is scheduled or expired is still enabled: its window says when it answers). `total_scans` is
null while the analytics service cannot be asked.
"""

from __future__ import annotations

from typing import Any

from qrstack_api.compat.identifiers import code_id_of
from qrstack_api.compat.recodeqr.destinations import data_view, destination_name
from qrstack_api.compat.recodeqr.styles import styles_view
from qrstack_api.compat.timestamps import iso_utc


def recodeqr_code(row: Any, total_scans: int | None) -> dict[str, Any]:
    return {
        "code_id": code_id_of(row["id"]),
        "name": row["name"],
        "destination": destination_name(row["type"]),
        "dynamic": row["dynamic"],
        "data": data_view(row["type"], row["payload"] or {}),
        "styles": styles_view(row["style"]),
        "enabled": row["status"] != "suspended",
        "total_scans": total_scans,
        "scan_limit": row["max_scans"],
        "not_before": iso_utc(row["active_from"]),
        "not_after": iso_utc(row["expires_at"]),
    }
