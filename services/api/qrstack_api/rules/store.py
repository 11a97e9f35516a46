"""Reading and writing a code's routing rules.

Every write locks the code's row first (so the 20-rule limit holds under concurrent writes and
snapshots are queued in commit order) and, in the same transaction, queues the code's new
snapshot with all its rules (`publish_code`): the redirect service applies the change, or
none of it.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import asyncpg

from qrstack_api.codes.paths import CODE_NOT_FOUND
from qrstack_api.codes.snapshot import publish_code
from qrstack_api.db.pool import Connection
from qrstack_api.rules.conditions import rule_issues
from qrstack_api.rules.model import MAX_PRIORITY, MAX_RULES_PER_CODE, RuleCreate, RuleUpdate
from qrstack_common.errors import ApiError, validation_failed
from qrstack_common.http import validate

RULE_NOT_FOUND = "Routing rule not found."


def check_rule(rule: RuleCreate) -> None:
    """400 listing every way the rule's type, condition and weight do not fit together."""
    if issues := rule_issues(rule.type, rule.condition, rule.weight):
        raise validation_failed(issues)


async def _lock_code(conn: Connection, workspace_id: UUID, code_id: UUID) -> None:
    code = await conn.fetchrow(
        "SELECT dynamic, status FROM codes WHERE id = $1 AND workspace_id = $2 FOR UPDATE",
        code_id,
        workspace_id,
    )
    if code is None:
        raise ApiError("not_found", CODE_NOT_FOUND)
    if code["status"] == "deleted":
        raise ApiError("conflict", "This code is deleted; restore it before changing its rules.")
    if not code["dynamic"]:
        raise ApiError(
            "conflict",
            "This is a static code: its content is printed in the image and no scan passes "
            "through qrstack, so it cannot have routing rules.",
        )


async def list_rules(pool: asyncpg.Pool, workspace_id: UUID, code_id: UUID) -> list[Any]:
    """The code's rules in evaluation order; 404 if the code is not this workspace's."""
    async with pool.acquire() as conn:
        found = await conn.fetchval(
            "SELECT true FROM codes WHERE id = $1 AND workspace_id = $2", code_id, workspace_id
        )
        if not found:
            raise ApiError("not_found", CODE_NOT_FOUND)
        return list(
            await conn.fetch(
                "SELECT * FROM routing_rules WHERE code_id = $1 ORDER BY priority, id", code_id
            )
        )


async def get_rule(pool: asyncpg.Pool, workspace_id: UUID, code_id: UUID, rule_id: UUID) -> Any:
    row = await pool.fetchrow(
        "SELECT * FROM routing_rules WHERE id = $1 AND code_id = $2 AND workspace_id = $3",
        rule_id,
        code_id,
        workspace_id,
    )
    if row is None:
        raise ApiError("not_found", RULE_NOT_FOUND)
    return row


async def create_rule(
    pool: asyncpg.Pool, workspace_id: UUID, code_id: UUID, rule: RuleCreate
) -> Any:
    """Add the rule and publish the code; 404 unknown code, 409 deleted or static code or
    20 rules already."""
    check_rule(rule)
    async with pool.acquire() as conn, conn.transaction():
        await _lock_code(conn, workspace_id, code_id)
        counted = await conn.fetchrow(
            "SELECT count(*) AS held, max(priority) AS last FROM routing_rules WHERE code_id = $1",
            code_id,
        )
        assert counted is not None  # an aggregate always returns a row
        held, last = counted["held"], counted["last"]
        if held >= MAX_RULES_PER_CODE:
            raise ApiError(
                "conflict",
                f"This code already has {held} routing rules, the most a code can have "
                f"({MAX_RULES_PER_CODE}); delete or change one instead.",
            )
        priority = rule.priority
        if priority is None:
            priority = 0 if last is None else min(last + 1, MAX_PRIORITY)
        row = await conn.fetchrow(
            """
            INSERT INTO routing_rules
                (id, workspace_id, code_id, type, label, priority, target_url, condition, weight)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            RETURNING *
            """,
            uuid.uuid4(),
            workspace_id,
            code_id,
            rule.type,
            rule.label,
            priority,
            rule.target_url,
            rule.condition.stored(),
            rule.weight,
        )
        await publish_code(conn, code_id)
        return row


def _as_sent(row: Any) -> dict[str, Any]:
    """A stored rule in the shape of a POST body (to merge a PATCH into)."""
    return {
        "type": row["type"],
        "label": row["label"],
        "targetUrl": row["target_url"],
        "priority": row["priority"],
        "condition": row["condition"] or {},
        "weight": row["weight"],
    }


async def update_rule(
    pool: asyncpg.Pool, workspace_id: UUID, code_id: UUID, rule_id: UUID, change: RuleUpdate
) -> Any:
    """Apply the PATCH, validate the resulting rule as a whole, publish the code."""
    async with pool.acquire() as conn, conn.transaction():
        await _lock_code(conn, workspace_id, code_id)
        current = await conn.fetchrow(
            "SELECT * FROM routing_rules WHERE id = $1 AND code_id = $2", rule_id, code_id
        )
        if current is None:
            raise ApiError("not_found", RULE_NOT_FOUND)
        merged = _as_sent(current) | change.model_dump(
            by_alias=True, include=change.model_fields_set
        )
        rule = validate(RuleCreate, merged)
        check_rule(rule)
        row = await conn.fetchrow(
            """
            UPDATE routing_rules
            SET type = $2, label = $3, priority = $4, target_url = $5, condition = $6,
                weight = $7, updated_at = now()
            WHERE id = $1
            RETURNING *
            """,
            rule_id,
            rule.type,
            rule.label,
            rule.priority,
            rule.target_url,
            rule.condition.stored(),
            rule.weight,
        )
        await publish_code(conn, code_id)
        return row


async def delete_rule(pool: asyncpg.Pool, workspace_id: UUID, code_id: UUID, rule_id: UUID) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await _lock_code(conn, workspace_id, code_id)
        status = await conn.execute(
            "DELETE FROM routing_rules WHERE id = $1 AND code_id = $2", rule_id, code_id
        )
        if status == "DELETE 0":
            raise ApiError("not_found", RULE_NOT_FOUND)
        await publish_code(conn, code_id)
