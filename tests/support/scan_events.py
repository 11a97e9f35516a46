"""Scan events published straight to `qr.scans.v1`, as the redirect service produces them."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from qrstack_common.events import SCANS_TOPIC, ScanEvent
from qrstack_common.kafka import EventProducer


def scan_of(code: dict[str, Any], **fields: Any) -> ScanEvent:
    values: dict[str, Any] = {
        "scan_id": uuid.uuid4(),
        "ts": datetime.now(UTC),
        "workspace_id": code["workspaceId"],
        "code_id": code["id"],
        "domain": "qr.example.test",
        "slug": code["slug"],
        "target": code.get("targetUrl"),
        "outcome": "redirect",
        "device": "mobile",
        "os": "iOS",
        "visitor_hash": "ab" * 16,
    }
    values.update(fields)
    return ScanEvent(**values)


async def publish_scans(bootstrap: str, scans: list[ScanEvent]) -> None:
    producer = EventProducer(bootstrap, client_id="webhook-tests")
    await producer.start()
    try:
        futures = [await producer.send(SCANS_TOPIC, s.kafka_key(), s.to_bytes()) for s in scans]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
