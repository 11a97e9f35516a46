"""An endpoint's health after an attempt: a success clears `failing_since`; a failure starts
it; an endpoint failing for `disable_after_s`, or answering 410, is disabled, and the
workspace's other endpoints subscribed to `webhook.disabled` are told (queued in the same
transaction)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from qrstack_common.activity import WebhookDisabledData, envelope
from qrstack_webhooks.queue import Connection

log = logging.getLogger(__name__)

_DISABLE = """
UPDATE webhook_endpoints
SET enabled = false, disabled_reason = $2, disabled_at = now(), updated_at = now()
WHERE id = $1 AND enabled
RETURNING id, workspace_id, url, failing_since, disabled_at
"""

_TELL = """
INSERT INTO webhook_deliveries (id, endpoint_id, event_id)
SELECT gen_random_uuid(), id, $2 FROM webhook_endpoints
WHERE workspace_id = $1 AND enabled AND 'webhook.disabled' = ANY (events)
ON CONFLICT (endpoint_id, event_id) WHERE reason = 'event' DO NOTHING
"""


async def record_success(conn: Connection, endpoint_id: UUID) -> None:
    await conn.execute(
        "UPDATE webhook_endpoints SET failing_since = NULL"
        " WHERE id = $1 AND failing_since IS NOT NULL",
        endpoint_id,
    )


async def record_failure(
    conn: Connection, endpoint_id: UUID, *, gone: bool, disable_after_s: float
) -> Literal["failing", "gone"] | None:
    """Note the failure; disable the endpoint when due. Returns why it was disabled now."""
    failing_since = await conn.fetchval(
        "UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now())"
        " WHERE id = $1 RETURNING failing_since",
        endpoint_id,
    )
    if failing_since is None:
        return None  # deleted meanwhile
    reason: Literal["failing", "gone"] | None = None
    if gone:
        reason = "gone"
    elif (datetime.now(UTC) - failing_since).total_seconds() >= disable_after_s:
        reason = "failing"
    if reason is None:
        return None
    row = await conn.fetchrow(_DISABLE, endpoint_id, reason)
    if row is None:
        return None  # another attempt disabled it first
    event_id = uuid.uuid4()
    data = WebhookDisabledData(
        webhook_id=row["id"],
        url=row["url"],
        reason=reason,
        failing_since=row["failing_since"],
        disabled_at=row["disabled_at"],
    )
    body = envelope(event_id, "webhook.disabled", row["disabled_at"], data)
    await conn.execute(
        "INSERT INTO webhook_events (id, workspace_id, type, occurred_at, body)"
        " VALUES ($1, $2, 'webhook.disabled', $3, $4)",
        event_id,
        row["workspace_id"],
        row["disabled_at"],
        body.model_dump_json().encode(),
    )
    await conn.execute(_TELL, row["workspace_id"], event_id)
    log.warning("webhook endpoint disabled", extra={"endpoint": str(endpoint_id), "why": reason})
    return reason
