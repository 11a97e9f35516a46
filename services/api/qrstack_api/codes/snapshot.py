"""Publishing what the redirect service needs of a code: its snapshot (with its routing rules),
queued in the outbox inside the caller's transaction.

Every change that alters what a scan does calls `publish_code` in the same transaction as the
change; each call bumps the code's version, so the redirect service can tell newer snapshots
from replayed older ones. (A custom domain's snapshot: `qrstack_api.domains.snapshot`.)
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from qrstack_api.db.pool import Connection
from qrstack_api.outbox.writer import enqueue
from qrstack_common.events import (
    CODES_TOPIC,
    CodeSnapshot,
    RuleConditions,
    RuleSnapshot,
)

# The API's condition keys (TurtleQR's shape) → the snapshot's.
CONDITION_KEYS = {
    "countryIn": "country_in",
    "regionIn": "region_in",
    "cityIn": "city_in",
    "deviceIn": "device_in",
    "osIn": "os_in",
    "browserIn": "browser_in",
    "languageIn": "language_in",
    "daysOfWeek": "days_of_week",
    "startTime": "start_time",
    "endTime": "end_time",
    "timezone": "timezone",
    "queryParam": "query_param",
    "queryValues": "query_values",
    "ipIn": "ip_in",
}


def rule_snapshot(row: Any) -> RuleSnapshot:
    condition: dict[str, Any] = row["condition"] or {}
    return RuleSnapshot(
        id=row["id"],
        type=row["type"],
        priority=row["priority"],
        target_url=row["target_url"],
        conditions=RuleConditions(
            **{CONDITION_KEYS[k]: v for k, v in condition.items() if k in CONDITION_KEYS}
        ),
        weight=row["weight"],
    )


def _fallback(row: Any) -> str | None:
    """Where the redirect sends a scanner who gets no target: for a deleted code the
    workspace's fallback URL first (TurtleQR), then the code's own."""
    if row["status"] == "deleted":
        workspace_fallback: str | None = row.get("workspace_fallback_url")
        return workspace_fallback or row["fallback_url"]
    fallback: str | None = row["fallback_url"]
    return fallback


def code_snapshot(row: Any, rules: list[Any]) -> CodeSnapshot:
    payload: dict[str, object] = row["payload"] or {}
    return CodeSnapshot(
        id=row["id"],
        workspace_id=row["workspace_id"],
        domain=row["domain"],
        slug=row["slug"],
        type=row["type"],
        dynamic=row["dynamic"],
        status=row["status"],
        target_url=row["target_url"],
        fallback_url=_fallback(row),
        active_from=row["active_from"],
        expires_at=row["expires_at"],
        max_scans=row["max_scans"],
        password_hash=row["password_hash"],
        password_hint=row["password_hint"],
        redirect_status=row["redirect_status"],
        forward_query=row["forward_query"],
        scan_tracking=row["scan_tracking"],
        rules=tuple(rule_snapshot(r) for r in rules),
        page=payload if row["dynamic"] and row["type"] != "url" else None,
        version=row["version"],
        updated_at=row["updated_at"],
    )


async def publish_code(conn: Connection, code_id: UUID) -> Any:
    """Bump the code's version and queue its snapshot; returns the code's row (new version).
    Call inside the transaction that changed the code or its rules."""
    row = await conn.fetchrow(
        "UPDATE codes SET version = version + 1 WHERE id = $1 RETURNING *,"
        " (SELECT fallback_url FROM workspaces w WHERE w.id = codes.workspace_id)"
        " AS workspace_fallback_url",
        code_id,
    )
    if row is None:
        raise LookupError(f"code {code_id} does not exist")
    rules = await conn.fetch(
        "SELECT * FROM routing_rules WHERE code_id = $1 ORDER BY priority, id", code_id
    )
    await enqueue(conn, CODES_TOPIC, str(code_id), code_snapshot(row, rules).to_bytes())
    return row


async def publish_new_code(conn: Connection, row: Any) -> None:
    """Queue the first snapshot of a code just inserted at version 1, from its inserted row
    (with `workspace_fallback_url`): what `publish_code` would send, without reading it back."""
    await enqueue(conn, CODES_TOPIC, str(row["id"]), code_snapshot(row, []).to_bytes())


async def publish_code_purge(conn: Connection, code_id: UUID) -> None:
    """Queue a tombstone: the redirect service forgets the code entirely."""
    await enqueue(conn, CODES_TOPIC, str(code_id), None)
