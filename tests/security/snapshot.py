"""Everything PostgreSQL holds for one workspace, as one digest per table: two snapshots equal
means a request changed nothing the workspace owns (a key's `last_used_at` aside, which every
authenticated request moves)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

_ROWS = {
    "workspaces": "id = $1",
    "memberships": "workspace_id = $1",
    "users": "id IN (SELECT user_id FROM memberships WHERE workspace_id = $1)",
    "api_keys": "workspace_id = $1",
    "codes": "workspace_id = $1",
    "folders": "workspace_id = $1",
    "routing_rules": "workspace_id = $1",
    "domains": "workspace_id = $1",
    "scan_caps": "code_id IN (SELECT id FROM codes WHERE workspace_id = $1)",
    "form_submissions": "workspace_id = $1",
    "code_files": "code_id IN (SELECT id FROM codes WHERE workspace_id = $1)",
    "webhook_endpoints": "workspace_id = $1",
    "webhook_secrets": "endpoint_id IN (SELECT id FROM webhook_endpoints WHERE workspace_id = $1)",
    "webhook_events": "workspace_id = $1",
    "invites": "workspace_id = $1",
}
_VOLATILE = ("last_used_at",)
_DELIVERIES = "endpoint_id IN (SELECT id FROM webhook_endpoints WHERE workspace_id = $1)"


async def snapshot(dsn: str, workspace_id: UUID) -> dict[str, str]:
    """{table: digest of the workspace's rows}; webhook deliveries by id only (the worker
    retries them on its own schedule)."""
    drop = " ".join(f"- '{column}'" for column in _VOLATILE)
    conn = await asyncpg.connect(dsn)
    try:
        out: dict[str, str] = {}
        for table, where in _ROWS.items():
            out[table] = await conn.fetchval(
                f"SELECT md5(coalesce(string_agg((to_jsonb(t) {drop})::text, '|'"  # noqa: S608
                f" ORDER BY (to_jsonb(t) {drop})::text), '')) FROM {table} t WHERE {where}",
                workspace_id,
            )
        out["webhook_deliveries"] = await conn.fetchval(
            "SELECT md5(coalesce(string_agg(id::text, '|' ORDER BY id), ''))"  # noqa: S608
            f" FROM webhook_deliveries WHERE {_DELIVERIES}",
            workspace_id,
        )
        return out
    finally:
        await conn.close()


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in before if before[table] != after[table])
