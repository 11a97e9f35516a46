"""Publishing what the redirect service needs of a custom domain: its snapshot, keyed by its
host and queued in the outbox inside the caller's transaction."""

from __future__ import annotations

from uuid import UUID

from qrstack_api.db.pool import Connection
from qrstack_api.outbox.writer import enqueue
from qrstack_common.events import DOMAINS_TOPIC, DomainSnapshot


async def publish_domain(conn: Connection, domain_id: UUID) -> None:
    """Queue the domain's snapshot (a deleted domain is published with status deleted)."""
    row = await conn.fetchrow("SELECT * FROM domains WHERE id = $1", domain_id)
    if row is None:
        raise LookupError(f"domain {domain_id} does not exist")
    snapshot = DomainSnapshot(
        host=row["host"],
        workspace_id=row["workspace_id"],
        status=row["status"],
        base_url=row["base_url"],
        not_found_url=row["not_found_url"],
        updated_at=row["updated_at"],
    )
    await enqueue(conn, DOMAINS_TOPIC, row["host"], snapshot.to_bytes())
