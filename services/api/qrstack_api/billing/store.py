"""Applying subscription webhook events to workspaces, exactly once per event id.

The event id is inserted first: a redelivery of an event already processed (or being
processed by a concurrent request, which then waits on the unique index) inserts nothing and
changes nothing. Within a subscription, an event older than the last one applied is skipped
(providers do not deliver in order); a `deleted` event for a subscription the workspace no
longer has (it moved to a new one) is skipped too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from qrstack_api.billing.settings import Price
from qrstack_api.billing.subscriptions import (
    Ignored,
    SubscriptionChange,
    WebhookEvent,
    subscription_change,
)
from qrstack_api.db.pool import Connection


@dataclass(frozen=True)
class Outcome:
    applied: bool
    duplicate: bool
    detail: str


async def _apply(conn: Connection, change: SubscriptionChange) -> str:
    workspace = await conn.fetchrow(
        "SELECT billing_subscription_id, subscription_event_at FROM workspaces"
        " WHERE id = $1 FOR UPDATE",
        change.workspace_id,
    )
    if workspace is None:
        raise Ignored(f"workspace {change.workspace_id} does not exist")
    current_id = workspace["billing_subscription_id"]
    same = current_id == change.subscription_id
    if (
        same
        and workspace["subscription_event_at"]
        and (workspace["subscription_event_at"] > change.event_at)
    ):
        raise Ignored("a newer event of this subscription was already applied")
    if change.deleted and current_id is not None and not same:
        raise Ignored("the workspace has moved to another subscription")
    await conn.execute(
        """
        UPDATE workspaces SET
            plan = coalesce($2, plan),
            subscription_status = $3,
            subscription_current_period_end = $4,
            trial_ends_at = $5,
            billing_customer_id = coalesce($6, billing_customer_id),
            billing_subscription_id = $7,
            subscription_event_at = $8
        WHERE id = $1
        """,
        change.workspace_id,
        change.plan,
        change.status,
        change.current_period_end,
        change.trial_ends_at,
        change.customer_id,
        change.subscription_id,
        change.event_at,
    )
    plan = change.plan or "unchanged"
    return f"workspace {change.workspace_id}: plan {plan}, subscription {change.status}"


async def apply_event(
    pool: asyncpg.Pool, event: WebhookEvent, prices: Mapping[str, Price]
) -> Outcome:
    """Process one verified event once; see the module docstring."""
    async with pool.acquire() as conn, conn.transaction():
        inserted = await conn.fetchval(
            "INSERT INTO billing_events (id, type, outcome) VALUES ($1, $2, 'received')"
            " ON CONFLICT (id) DO NOTHING RETURNING true",
            event.id,
            event.type,
        )
        if not inserted:
            return Outcome(False, True, f"event {event.id} was already processed")
        workspace_id: UUID | None = None
        try:
            change = subscription_change(event, prices)
            workspace_id = change.workspace_id
            detail = await _apply(conn, change)
            applied = True
        except Ignored as reason:
            detail, applied = str(reason), False
        exists = workspace_id is not None and await _exists(conn, workspace_id)
        await conn.execute(
            "UPDATE billing_events SET outcome = $2, workspace_id = $3 WHERE id = $1",
            event.id,
            ("applied: " if applied else "ignored: ") + detail,
            workspace_id if exists else None,
        )
        return Outcome(applied, False, detail)


async def _exists(conn: Connection, workspace_id: UUID) -> bool:
    found: Any = await conn.fetchval("SELECT true FROM workspaces WHERE id = $1", workspace_id)
    return bool(found)
