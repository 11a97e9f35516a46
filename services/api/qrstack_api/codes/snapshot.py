"""The redirect snapshot of a code row (the `qr.codes.v1` message)."""

from __future__ import annotations

from typing import Any

from qrstack_common.events import CodeSnapshot


def code_snapshot(row: Any) -> CodeSnapshot:
    return CodeSnapshot(
        id=row["id"],
        workspace_id=row["workspace_id"],
        domain=row["domain"],
        slug=row["slug"],
        type=row["type"],
        dynamic=row["dynamic"],
        status=row["status"],
        target_url=row["target_url"],
        fallback_url=row["fallback_url"],
        active_from=row["active_from"],
        expires_at=row["expires_at"],
        max_scans=row["max_scans"],
        password_hash=row["password_hash"],
        password_hint=row["password_hint"],
        redirect_status=row["redirect_status"],
        forward_query=row["forward_query"],
        scan_tracking=row["scan_tracking"],
        version=row["version"],
        updated_at=row["updated_at"],
    )
